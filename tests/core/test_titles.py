"""Reading interviews as a person would: rule D5 (not an interview) and rule E2 (company, position).

The corpus (tests/fixtures/interview_titles.jsonl) holds the real-world shapes; this file checks
the corpus itself, the pieces the reader is made of, and invariants on generated inputs.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from calfeed.core.detection.companies import (
    TOOL_DOMAINS,
    Party,
    agrees,
    company_label,
    read_company_position,
    registrable_domain,
)
from calfeed.core.detection.detect import detect, is_interview, keyword_pattern
from calfeed.core.detection.titles import STAGE_WORDS, not_interview_reason, segments
from calfeed.core.model import DEFAULT_KEYWORDS, RuleSettings
from tests.support.corpus import load_cases, same
from tests.support.examples import examples

K = keyword_pattern(DEFAULT_KEYWORDS)
CASES = load_cases()


def test_corpus_is_large_and_distinct() -> None:
    # at least 150 distinct real-world shapes, interviews and not
    titles = {(c.row["title"], str(c.row.get("attendees")), c.row.get("organizer")) for c in CASES}
    assert len(titles) == len(CASES) >= 150
    shapes = {c.row["shape"] for c in CASES}
    for tool in ("greenhouse", "lever", "ashby", "workday", "calendly", "goodtime", "id-hrd"):
        assert tool in shapes
    assert sum(c.row["verdict"] == "not" for c in CASES) >= 30


def _param(case):
    miss = case.row.get("known_miss")
    return pytest.param(case, marks=pytest.mark.xfail(reason=miss, strict=True)) if miss else case


@pytest.mark.parametrize("case", [_param(c) for c in CASES], ids=lambda c: f"line{c.line}")
def test_corpus_case(case, settings: RuleSettings) -> None:
    # rules D1, D5 (verdict) and E2 (company, position) on one real-world shape
    is_interview_expected, company, position = case.expected
    found = detect([case.event], RuleSettings())
    assert bool(found) == is_interview_expected
    if found:
        assert same(found[0].company, company), found[0].company
        assert same(found[0].position, position), found[0].position


def test_corpus_accuracy_at_least_97_percent() -> None:
    from bench.interviews_accuracy import measure

    assert measure()["overall"] >= 0.97


# rule D5: about an interview, not one
@pytest.mark.parametrize(
    "title",
    [
        "Interview prep",
        "Mock interview with Dani",
        "Persiapan interview Tokopedia",
        "Latihan wawancara",
        "Simulasi interview HRD",
        "Podcast interview with Tech Talk",
        "Press interview - Kompas",
        "Interview candidate - Backend Engineer role",
        "Write thank-you note after interview",
        "Interview debrief - Acme",
    ],
)
def test_d5_not_interviews(title: str) -> None:
    assert not_interview_reason(title) is not None
    assert not is_interview(title, K)


@pytest.mark.parametrize("title", ["Technical screen - Plaid", "Superday at Goldman Sachs"])
def test_d5_interviews_without_the_keyword(title: str) -> None:
    assert is_interview(title, K)


@pytest.mark.parametrize(
    "title",
    ["Interview with Acme", "Undangan Interview User - PT Maju", "Onsite interview", "Final round"],
)
def test_d5_plain_interviews_stay(title: str) -> None:
    assert not_interview_reason(title) is None


def test_e2_segments_split_on_separators_brackets_and_connectors() -> None:
    parts = [(s.text, s.joined_by) for s in segments("[Gojek] Interview w/ Kim for Data Analyst")]
    assert parts == [("Gojek", "("), ("Interview", ""), ("Kim", "with"), ("Data Analyst", "for")]
    # "UI/UX" and "e-commerce" are words, not separators
    assert [s.text for s in segments("UI/UX Designer - e-commerce")] == [
        "UI/UX Designer",
        "e-commerce",
    ]


@pytest.mark.parametrize(
    ("email", "label"),
    [
        ("kim@careers.acme.co.id", "acme"),
        ("raj@mail.infosys.co.in", "infosys"),
        ("kim@figma.com", "figma"),
        ("a@acme-robotics.com", "acme-robotics"),
        ("x@gmail.com", None),
        ("x@yahoo.co.id", None),
        ("no-reply@greenhouse.io", None),
        ("scheduling@us.greenhouse-mail.io", None),
        ("careers@hca.myworkday.com", None),
        ("notifications@calendly.com", None),
    ],
)
def test_e2_company_label_from_the_registrable_domain(email: str, label: str | None) -> None:
    assert company_label(email) == label


def test_e2_public_suffix_list_is_offline_and_multi_label() -> None:
    assert registrable_domain("a.b.bca.co.id") == "bca.co.id"
    assert registrable_domain("user.github.io") == "user.github.io"


def test_e2_domain_agreement() -> None:
    assert agrees("Datadog", "datadoghq")
    assert agrees("Bank Mandiri", "bankmandiri")
    assert agrees("Two Sigma", "twosigma")
    assert not agrees("Acme", "globex")
    assert not agrees("AB", "ab")  # too short to say anything


def test_e2_title_wins_over_an_agency_domain() -> None:
    agency = (Party("Lisa", "lisa@michaelpage.co.id"),)
    assert read_company_position("Interview with Unilever - Brand Manager", K, agency) == (
        "Unilever",
        "Brand Manager",
    )


def test_e2_conflicting_domains_leave_the_company_empty() -> None:
    people = (Party("A", "a@acme.com"), Party("B", "b@globex.com"))
    assert read_company_position("Interview", K, people) == (None, None)


def test_e2_names_spell_the_domain() -> None:
    people = (Party("Datadog Recruiting", "recruiting@datadoghq.com"),)
    assert read_company_position("Interview", K, people) == ("Datadog", None)


# --- properties
FIRST = ["Sari", "Budi", "Jordan", "Ann", "Kim", "Dewi", "Grace", "Tom", "Maria", "Rizky"]
LAST = ["Job", "Santoso", "Price", "Lee", "Park", "Lestari", "Wong", "Garcia", "Pratama", "Chen"]
COMPANIES = ["Acme", "Gojek", "PT Maju Jaya", "Globex Ltd", "Tokopedia", "Initech"]
ROLES = ["Backend Engineer", "Data Analyst", "Store Manager", "Kasir", "Product Designer"]
SHAPES = [
    "Interview: {user}",
    "{user} - {role} - Technical Interview",
    "Interview with {user} for {role}",
    "{company} Interview - {user} - {role}",
    "Phone Screen between {user} and {other}",
    "{user} <> {company} | Interview",
    "Interview {user} - {company}",
    "Wawancara {user}",
    "Undangan Interview a.n. {user} - {role} - {company}",
    "{user} x {company} | Interview",
]
names = st.builds(lambda f, la: f"{f} {la}", st.sampled_from(FIRST), st.sampled_from(LAST))


@hsettings(max_examples=examples(300), deadline=None)
@given(
    st.sampled_from(SHAPES),
    names,
    names,
    st.sampled_from(COMPANIES),
    st.sampled_from(ROLES),
    st.sampled_from(["gmail.com", "acme.com", "yahoo.co.id"]),
)
def test_property_the_users_name_is_never_company_or_position(
    shape: str, user: str, other: str, company: str, role: str, domain: str
) -> None:
    title = shape.format(user=user, other=other, company=company, role=role)
    address = user.lower().replace(" ", ".") + "@" + domain
    read = read_company_position(title, K, (Party(other, "x@figma.com"),), (user, address))
    own = {t.casefold() for t in user.split()}
    for value in read:
        if value:
            words = {w.casefold() for w in re.findall(r"\w+", value)}
            assert not words & own or value.casefold() in company.casefold(), (title, read)


@hsettings(max_examples=examples(300), deadline=None)
@given(
    st.lists(st.sampled_from(STAGE_WORDS), min_size=1, max_size=3),
    st.sampled_from(["{s}", "{s} interview", "Interview - {s}", "[{s}] Interview", "{s}: Acme"]),
    st.sampled_from([str.lower, str.upper, str.title]),
)
def test_property_a_stage_word_alone_is_never_the_position(
    stage: list[str], shape: str, case
) -> None:
    title = case(shape.format(s=" ".join(stage)))
    assert read_company_position(title, K)[1] is None


@hsettings(max_examples=examples(300), deadline=None)
@given(
    st.sampled_from(sorted(TOOL_DOMAINS)),
    st.sampled_from(["", "us.", "hire.", "mail."]),
    st.sampled_from(["Interview", "Phone Screen - Sari Job", "Interview with Sari Job"]),
    st.sampled_from(["no-reply", "scheduling", "notifications", "kim"]),
)
def test_property_a_scheduling_tools_domain_is_never_the_company(
    domain: str, sub: str, title: str, local: str
) -> None:
    tool = domain.split(".")[0]
    party = Party(f"{tool.capitalize()} Scheduling", f"{local}@{sub}{domain}")
    company, _ = read_company_position(title, K, (party,), ("Sari Job",))
    if domain == "myworkday.com" and not sub and local == "kim":
        # Workday writes from <tenant>@myworkday.com: a tenant is the employer (rule E2)
        assert company == "Kim"
    else:
        assert company is None


def test_d5_prefilter_covers_every_word_and_phrase() -> None:
    # the substring prefilter must never hide a D5 word or phrase
    from calfeed.core.detection.titles import (
        _D5_TRIGGERS,
        NOT_INTERVIEW_PHRASES,
        NOT_INTERVIEW_WORDS,
    )

    for word in NOT_INTERVIEW_WORDS:
        assert any(t in word for t in _D5_TRIGGERS), word
    for phrase in NOT_INTERVIEW_PHRASES:
        assert any(t in phrase for t in _D5_TRIGGERS), phrase
