"""Every rule id the pages and `calfeed --help` cite links to its paragraph of docs/rules.md,
which the service shows at /rules with the document's own anchors."""

from __future__ import annotations

import re

import pytest

from calfeed.cli import main
from tests.support.paths import ROOT
from tests.support.web import signed_in

ANCHORS = set(re.findall(r'<a id="([a-z]\d?)"></a>', (ROOT / "docs/rules.md").read_text()))


def test_rules_page_has_every_paragraph_anchor(client):
    page = client.get("/rules")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for anchor in ANCHORS:
        assert f'id="{anchor}"' in html, anchor
    assert "<strong>C1." in html  # rendered, not the markdown source


def test_dashboard_rule_ids_link_to_their_paragraph(client, alice):
    html = signed_in(client, alice).get("/dashboard").get_data(as_text=True)
    links = re.findall(r'href="/rules#([a-z]\d)">rule ([A-Z]\d)</a>', html)
    assert links, "no rule links on the dashboard"
    for anchor, rule in links:
        assert anchor == rule.lower() and anchor in ANCHORS, rule


def test_every_page_links_the_rules(client):
    assert 'href="/rules"' in client.get("/").get_data(as_text=True)


def test_help_cites_rules_with_their_paragraph(capsys):
    with pytest.raises(SystemExit):
        main(["feed", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    cited = re.findall(r"\(rules? ([A-Z]\d)(?:, [A-Z]\d)*: docs/rules\.md#([a-z]\d)", text)
    assert len(cited) >= 8
    for rule, anchor in cited:
        assert anchor in ANCHORS and anchor[0] == rule[0].lower(), (rule, anchor)
    bare = re.findall(r"\brule ([A-Z]\d)\b(?!: docs)", text)
    assert bare == [], f"rule ids in --help without their link: {bare}"


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_feed_cites_each_rule_with_its_paragraph(lang):
    """Each follow-up says which rule set its time, with that rule's paragraph."""
    feed = (ROOT / "tests" / "fixtures" / "golden" / f"sample.{lang}.ics").read_bytes().decode()
    text = feed.replace("\r\n ", "")  # unfold
    cited = list(re.finditer(r"\b(?:rules?|aturan) ([A-Z]\d)\b", text))
    assert len(cited) >= text.count("BEGIN:VEVENT")  # one per follow-up at least
    for match in cited:
        tail = text[match.end() : match.end() + 60]
        anchor = match.group(1).lower()
        assert f"docs/rules.md#{anchor}" in tail and anchor in ANCHORS, match.group(0)


def test_the_service_feed_points_to_its_own_rules_page(sqlite_db_url, tmp_path, now):
    """A subscriber reads the feed in a calendar app, far from the repository: the service's feed
    cites its own /rules page (CALFEED_BASE_URL, required in production), and the page holds each
    anchor cited."""
    from tests.support.web import make_app, seed_user, web_config

    config = web_config(sqlite_db_url, tmp_path / "instance", base_url="https://calfeed.example")
    app = make_app(config, now)
    user = seed_user(app, "alice@example.com", now)
    client = app.test_client()
    text = client.get(user.feed_path).get_data(as_text=True).replace("\r\n ", "")
    cited = set(re.findall(r"https://calfeed\.example/rules#([a-z]\d)", text))
    assert cited and "docs/rules.md#" not in text
    page = client.get("/rules").get_data(as_text=True)
    assert all(f'id="{anchor}"' in page for anchor in cited), cited
