"""Draft e-mails and their notes (rules T5-T7, N1, C1, C2, C5), in English and Indonesian."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, unquote, urlsplit

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calfeed.core.detection.detect import detect
from calfeed.core.drafts import (
    _QUOTED_ADDRESS,
    _quote,
    description_for,
    drafts_for,
    load_templates,
    mailto,
    templates_dir,
    title_for,
)
from calfeed.core.model import Person, RuleSettings
from calfeed.core.rules import follow_ups
from tests.support.factories import SELF, interviewer, source_event


def follow_up(kind: str, settings: RuleSettings, **event):
    [f] = [
        f for f in follow_ups(detect([source_event(**event)], settings), settings) if f.kind == kind
    ]
    return f


def sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()])


@pytest.mark.parametrize("lang", ["en", "id"])
def test_t5_thank_you_draft(lang: str, settings: RuleSettings) -> None:
    f = follow_up("thank-you", settings)
    [draft] = drafts_for(f, lang)
    greeting, body, _ = draft.body.split("\n\n", 2)
    assert greeting == ("Hi Jane," if lang == "en" else "Halo Jane,")  # first name
    assert "Store Manager" in draft.body and "Store Manager" in draft.subject  # the position
    assert 2 <= sentences(body) <= 4
    thanks = "time and consideration" if lang == "en" else "waktu dan pertimbangan"
    looking_forward = "look forward to hearing" if lang == "en" else "menantikan kabar"
    assert thanks in body and looking_forward in body
    assert "None" not in draft.body + draft.subject


@pytest.mark.parametrize("lang", ["en", "id"])
def test_c5_check_in_draft(lang: str, settings: RuleSettings) -> None:
    f = follow_up("check-in", settings)
    [draft] = drafts_for(f, lang)
    greeting, body, _ = draft.body.split("\n\n", 2)
    assert greeting == ("Hi Jane," if lang == "en" else "Halo Jane,")
    expected = (
        ["hope your week is going well", "decision", "further information"]
        if lang == "en"
        else ["Semoga minggu Anda berjalan dengan baik", "keputusan", "informasi lain"]
    )
    assert all(phrase in body for phrase in expected)
    assert sentences(body) <= 3  # polite and brief


@pytest.mark.parametrize("lang", ["en", "id"])
def test_e2_unknowns_degrade_gracefully(lang: str, settings: RuleSettings) -> None:
    f = follow_up("thank-you", settings, summary="Interview", attendees=[SELF])
    [draft] = drafts_for(f, lang)
    assert draft.to is None and draft.mailto.startswith("mailto:?subject=")
    assert draft.body.startswith("Hello," if lang == "en" else "Halo,")
    assert "None" not in draft.body and "  " not in draft.body and " ," not in draft.body
    assert title_for(f, lang) == (
        "Send thank-you: your interview"
        if lang == "en"
        else "Kirim ucapan terima kasih: wawancara Anda"
    )


def test_t7_one_draft_per_interviewer(settings: RuleSettings) -> None:
    f = follow_up(
        "thank-you",
        settings,
        attendees=[
            SELF,
            interviewer("sari.dewi@majujaya.co.id", "Sari Dewi"),
            interviewer("andi@majujaya.co.id"),
        ],
    )
    drafts = drafts_for(f, "en")
    assert [d.body.split("\n")[0] for d in drafts] == ["Hi Sari,", "Hi Andi,"]
    assert [urlsplit(d.mailto).path for d in drafts] == [
        "sari.dewi@majujaya.co.id",
        "andi@majujaya.co.id",
    ]
    text = description_for(f, settings).text
    assert "Sari Dewi <sari.dewi@majujaya.co.id>" in text and "Andi <andi@majujaya.co.id>" in text
    assert "their own short note" in text  # rule T7 advice appears with several interviewers


def test_t5_mailto_round_trips() -> None:
    body = "Hi Jane,\n\nThanks & regards — 100% sure? #1"
    link = mailto(Person("jane.doe@acme.co.id", "Jane Doe"), "Thank you – Store Manager", body)
    parts = urlsplit(link)
    assert parts.scheme == "mailto" and parts.path == "jane.doe@acme.co.id"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Thank you – Store Manager"]
    assert query["body"] == [body.replace("\n", "\r\n")]  # RFC 6068: CRLF line breaks
    assert " " not in link and "\n" not in link and unquote(link).count("@") == 1


@pytest.mark.parametrize("lang", ["en", "id"])
def test_t6_n1_thank_you_notes(lang: str) -> None:
    settings = RuleSettings(lang=lang, time_zone="Asia/Jakarta")
    text = description_for(follow_up("thank-you", settings), settings).text
    if lang == "en":
        assert "Don't" in text and "phone" in text and "gifts" in text and "flattery" in text  # T6
        assert "when you would hear back" in text and "#followup" in text  # N1
    else:
        assert "Jangan" in text and "menelepon" in text and "hadiah" in text  # T6
        assert "kapan Anda akan mendapat kabar" in text and "#followup" in text  # N1


def test_c1_c2_check_in_notes(settings: RuleSettings) -> None:
    text = description_for(follow_up("check-in", settings), settings).text
    assert "one to two weeks is an acceptable wait" in text  # rule C2
    stated = follow_up("check-in", settings, description="hear back within a week")
    text = description_for(stated, settings).text
    assert 'They said: "within a week"' in text and "2 days' grace" in text  # rule C1


def test_titles_are_short_and_single_line(settings: RuleSettings) -> None:
    f = follow_up(
        "thank-you", settings, summary="Interview\r\n(" + "Acme " * 200 + ") - " + "x" * 500
    )
    title = title_for(f, "en")
    assert len(title) < 255 and "\n" not in title and "\r" not in title


@given(st.text(alphabet=st.sampled_from("a \r\n–é,")), st.text())
def test_mailto_writes_every_line_break_as_crlf(body: str, subject: str) -> None:
    """As it did with urllib: CRLF and LF become %0D%0A, a lone CR %0D (RFC 6068 section 5)."""
    crlf = body.replace("\r\n", "\n").replace("\n", "\r\n")
    expected = f"mailto:?subject={quote(subject, safe='')}&body={quote(crlf, safe='')}"
    assert mailto(None, subject, body) == expected


@given(st.text() | st.text(alphabet=st.sampled_from("%25@aA -~._\n\r–é😀")))
def test_fast_quote_equals_urllib(text: str) -> None:
    """Percent signs and what a percent-encoding writes (digits, capitals) above all."""
    assert _quote(text) == quote(text, safe="")
    assert _quote(text, _QUOTED_ADDRESS) == quote(text, safe="@")


@pytest.mark.parametrize(
    ("email", "name", "greeting"),
    [
        ("talent@soylent.co", "Soylent Talent Team", "Hi Soylent Talent Team,"),
        ("hrd@majujaya.co.id", "HRD Maju Jaya", "Hi HRD Maju Jaya,"),
        ("careers@globex.com", None, "Hello,"),
        ("jane.doe@acme.com", "Jane Doe", "Hi Jane,"),
    ],
)
def test_e1_teams_are_greeted_by_name(email, name, greeting, settings: RuleSettings) -> None:
    f = follow_up("thank-you", settings, attendees=[SELF, interviewer(email, name)])
    [draft] = drafts_for(f, "en")
    assert draft.body.splitlines()[0] == greeting


def jinja_render(templates, name: str, **values: object) -> str:
    """What Jinja's own `Template.render` gives, trimmed as the drafts trim it."""
    text = templates.env.get_template(name).render(**values)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


draft_values = st.fixed_dictionaries(
    {
        "first_name": st.sampled_from(["", "Jane", "  Sari "]),
        "company": st.sampled_from([None, "", "Acme", "PT Maju {{ x }}"]),
        "position": st.sampled_from([None, "Store Manager", "a\nb  "]),
        "sender": st.sampled_from(["Budi", "[Your name]"]),
        "place": st.sampled_from(["feed", "dashboard"]),
        "rule": st.sampled_from(["T2", "C1", "C2"]),
        "rules_at": st.just("docs/rules.md"),
        "several": st.booleans(),
        "example_date": st.just("2026-12-01"),
        "timeline": st.sampled_from(["", "within a week"]),
        "grace_days": st.integers(1, 5),
        "wait_days": st.integers(7, 14),
    }
)


@given(
    st.sampled_from(sorted(p.name for p in (templates_dir() / "drafts").iterdir())), draft_values
)
def test_fast_render_equals_jinja_render(name: str, values: dict[str, object]) -> None:
    templates = load_templates()
    assert templates.render(name, **values) == jinja_render(templates, name, **values)


def test_an_edited_template_keeps_jinja_globals_and_errors(tmp_path) -> None:
    """Users edit the templates: Jinja's globals (range, namespace ...) stay at hand, and an
    unknown name is still an error that names the template's line."""
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "odd.txt").write_text(
        "{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}"
        "{{ ns.n }} {{ who }}\n\n{{ dict(a=1) }}  \n",
        encoding="utf-8",
    )
    (tmp_path / "drafts" / "bad.txt").write_text("line one\n{{ nobody }}", encoding="utf-8")
    templates = load_templates(tmp_path)
    assert templates.render("odd.txt", who="Ann") == "3 Ann\n\n{'a': 1}"
    assert templates.render("odd.txt", who="Ann") == jinja_render(templates, "odd.txt", who="Ann")
    with pytest.raises(jinja2.UndefinedError, match="nobody") as raised:
        templates.render("bad.txt")
    assert any(entry.name == "top-level template code" for entry in raised.traceback)
