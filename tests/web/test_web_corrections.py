"""Correcting company and position on the web (rule E2), and the user's name setting."""

from __future__ import annotations

from icalendar import Calendar

from calfeed import store
from calfeed.demo import sample_payload
from calfeed.store import Mark, session_scope
from calfeed.web.demo_seed import _record
from calfeed.web.runtime import runtime
from tests.support.web import signed_in
from tests.web.test_web_dashboard import JANE_KEY
from tests.web.test_web_feeds import JANE
from tests.web.test_web_settings import GOOD


def jane_summaries(feed: bytes) -> list[str]:
    cal = Calendar.from_ical(feed)
    return sorted(
        str(ev["SUMMARY"])
        for ev in cal.walk("VEVENT")
        if str(ev.get("RELATED-TO")) == f"{JANE}@google.com"
    )


def jane_descriptions(feed: bytes) -> str:
    cal = Calendar.from_ical(feed)
    return "\n".join(
        str(ev["DESCRIPTION"])
        for ev in cal.walk("VEVENT")
        if str(ev.get("RELATED-TO")) == f"{JANE}@google.com"
    )


def correct(client, csrf_token, company: str, position: str):
    return client.post(
        "/dashboard/correct",
        data={
            "csrf_token": csrf_token(client),
            "event": JANE_KEY,
            "company": company,
            "position": position,
        },
    )


def reread(app, now, email: str) -> None:
    """What a full read of Google does: the user's events replaced by the same events again."""
    payload = sample_payload(now.date())
    rt = runtime(app)
    with session_scope(rt.sessions) as s:
        (calendar,) = [c for c in s.query(store.Calendar).all() if c.google_id == email]
        zone = payload.get("timeZone") or "UTC"
        records = [_record(item, email, zone) for item in payload["items"]]
        store.replace_events(s, calendar, [r for r in records if r.google_id])


def test_correction_changes_feed_and_drafts_at_once(client, alice, csrf_token):
    signed_in(client, alice)
    before = jane_summaries(client.get(alice.feed_path).data)
    assert all("Acme – Store Manager" in s for s in before)
    r = correct(client, csrf_token, "Acme Retail Group", "Floor Manager")
    assert r.status_code == 303
    after = client.get(alice.feed_path).data
    assert all("Acme Retail Group – Floor Manager" in s for s in jane_summaries(after))
    assert "Floor Manager" in jane_descriptions(after).replace("\n ", "")
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'value="Acme Retail Group"' in page and 'value="Floor Manager"' in page


def test_correction_survives_a_reread(app, client, alice, csrf_token, now):
    signed_in(client, alice)
    correct(client, csrf_token, "Acme Retail Group", "")
    reread(app, now, alice.email)
    summaries = jane_summaries(client.get(alice.feed_path).data)
    assert summaries and all("Acme Retail Group – Store Manager" in s for s in summaries)


def test_dash_means_none_and_empty_means_as_read(client, alice, csrf_token):
    signed_in(client, alice)
    correct(client, csrf_token, "-", "-")
    summaries = jane_summaries(client.get(alice.feed_path).data)
    assert summaries and not any("Acme" in s or "Store Manager" in s for s in summaries)
    correct(client, csrf_token, "", "")
    summaries = jane_summaries(client.get(alice.feed_path).data)
    assert all("Acme – Store Manager" in s for s in summaries)


def test_bad_correction_is_400_and_stores_nothing(app, client, alice, csrf_token):
    signed_in(client, alice)
    r = correct(client, csrf_token, "x" * 121, "Floor Manager")
    assert r.status_code == 400
    assert "at most 120 characters" in r.get_data(as_text=True)
    with session_scope(runtime(app).sessions) as s:
        assert s.query(Mark).filter(Mark.user_id == alice.id).count() == 0


def test_correction_of_someone_elses_event_is_refused(client, alice, bob, csrf_token):
    signed_in(client, bob)
    r = correct(client, csrf_token, "Evil", "Evil")
    assert r.status_code == 400


def test_name_hint_until_the_name_is_set(client, alice, csrf_token):
    signed_in(client, alice)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Your drafts are signed &#34;Alice&#34;" in page or 'signed "Alice"' in page
    assert "Set your name in Settings." in page
    token = csrf_token(client, "/settings")
    r = client.post("/settings", data=dict(GOOD, csrf_token=token, user_name="Alice  Liddell"))
    assert r.status_code == 303
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Set your name in Settings." not in page
    assert "Alice Liddell" in jane_descriptions(client.get(alice.feed_path).data)
    assert 'value="Alice Liddell"' in client.get("/settings").get_data(as_text=True)


def test_too_long_name_is_400(client, alice, csrf_token):
    signed_in(client, alice)
    token = csrf_token(client, "/settings")
    r = client.post("/settings", data=dict(GOOD, csrf_token=token, user_name="A" * 101))
    assert r.status_code == 400
    assert "at most 100 characters" in r.get_data(as_text=True)
