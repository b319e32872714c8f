"""Connecting Google against the loopback fake: the whole consent round trip and its failures."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from calfeed.config import load_config
from calfeed.store import User, session_scope
from calfeed.store.schema import Base
from calfeed.web.runtime import runtime
from tests.support.google_fake import TEST_EMAIL, interview_event
from tests.support.web import make_app


@pytest.fixture
def google_app(google_env, sqlite_db_url, now):
    env = dict(google_env, CALFEED_DATABASE_URL=sqlite_db_url)
    return make_app(load_config(env), now)


def users(app) -> list[str]:
    with session_scope(runtime(app).sessions) as s:
        return [u.google_email for u in s.query(User).all()]


def start(client) -> str:
    r = client.get("/auth/connect")
    assert r.status_code == 303
    return r.headers["Location"]


def consent(location: str) -> str:
    """Let the fake Google answer the consent page; returns our callback path with its query."""
    answer = requests.get(location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/auth/callback"
    return f"{back.path}?{back.query}"


def test_index_offers_connect(google_app):
    page = google_app.test_client().get("/").get_data(as_text=True)
    assert 'action="/auth/connect"' in page and "Connect Google Calendar" in page
    # writing into Google Calendar is offered, on by default, and can be unticked (read-only)
    assert 'name="access" value="write" checked' in page
    assert 'name="access" value="read"' in page


def test_connect_sends_to_google_with_pkce_and_state(google_app, fake_google):
    location = start(google_app.test_client())
    assert location.startswith(fake_google.auth_uri)
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["state"][0]
    assert query["access_type"] == ["offline"]
    assert query["redirect_uri"] == ["http://localhost/auth/callback"]
    for _ in range(20):  # anonymous visits write nothing: the verifier rides in the session
        start(google_app.test_client())
    with session_scope(runtime(google_app).sessions) as s:
        for table in Base.metadata.sorted_tables:
            assert s.execute(select(func.count()).select_from(table)).scalar() == 0, table.name


def test_full_connect_lands_on_dashboard_with_feed(google_app, fake_google):
    fake_google.put_event(
        TEST_EMAIL,
        {
            "id": "evt1",
            "summary": "Interview with Rina (Acme) - Analyst",
            "start": {"dateTime": "2026-11-25T10:00:00+07:00", "timeZone": "Asia/Jakarta"},
            "end": {"dateTime": "2026-11-25T11:00:00+07:00", "timeZone": "Asia/Jakarta"},
            "attendees": [
                {"email": TEST_EMAIL, "self": True, "responseStatus": "accepted"},
                {"email": "rina@acme.example", "displayName": "Rina", "organizer": True},
            ],
        },
    )
    client = google_app.test_client()
    callback = consent(start(client))
    r = client.get(callback)
    assert r.status_code == 303 and r.headers["Location"] == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Interview with Rina (Acme) - Analyst" in page
    feed_path = page.split('value="http://localhost', 1)[1].split('"', 1)[0]
    assert feed_path.startswith("/feeds/") and feed_path.endswith(".ics")
    feed = client.get(feed_path)
    assert feed.status_code == 200 and b"Send thank-you: Acme" in feed.data
    assert users(google_app) == [TEST_EMAIL]


def test_replayed_callback_is_400_and_stores_nothing_new(google_app):
    client = google_app.test_client()
    callback = consent(start(client))
    assert client.get(callback).status_code == 303
    other = google_app.test_client()
    r = other.get(callback)  # the same code and state from another browser
    assert r.status_code == 400
    assert "Connecting Google did not work" in r.get_data(as_text=True)


def test_wrong_state_is_400_and_stores_nothing(google_app):
    client = google_app.test_client()
    callback = consent(start(client))
    tampered = callback.replace("state=", "state=x")
    r = client.get(tampered)
    assert r.status_code == 400 and users(google_app) == []


def test_callback_without_session_state_is_400(google_app):
    r = google_app.test_client().get("/auth/callback?state=abc&code=def")
    assert r.status_code == 400 and users(google_app) == []


def test_denied_consent_is_400_and_stores_nothing(google_app, fake_google):
    fake_google.consent = "deny"
    client = google_app.test_client()
    r = client.get(consent(start(client)))
    assert r.status_code == 400
    assert "Nothing was stored" in r.get_data(as_text=True)
    assert users(google_app) == []


def test_missing_code_is_400(google_app):
    client = google_app.test_client()
    callback = consent(start(client))
    state = parse_qs(urlsplit(callback).query)["state"][0]
    r = client.get(f"/auth/callback?state={state}")
    assert r.status_code == 400 and users(google_app) == []


def test_connect_without_google_configured_is_a_clear_page(client):
    page = client.get("/").get_data(as_text=True)
    assert "not configured" in page
    r = client.get("/auth/connect")
    assert r.status_code == 503
    assert "Google sign-in is not configured" in r.get_data(as_text=True)


def test_callback_ignores_next_parameters(google_app):
    client = google_app.test_client()
    callback = consent(start(client))
    r = client.get(callback + "&next=https://evil.example/")
    assert r.headers["Location"] == "/dashboard"


def interview(event_id: str, summary: str, day: str) -> dict:
    return interview_event(event_id, summary, day, ("budi@globex.example", "Budi"))


def connected_feed(google_app, fake_google) -> tuple[object, str]:
    client = google_app.test_client()
    assert client.get(consent(start(client))).status_code == 303
    page = client.get("/dashboard").get_data(as_text=True)
    return client, page.split('value="http://localhost', 1)[1].split('"', 1)[0]


def test_stale_feed_is_read_by_the_schedule_never_by_the_poll(google_app, fake_google, now):
    from dataclasses import replace
    from datetime import timedelta

    from calfeed.web.runtime import jobs

    client, feed_path = connected_feed(google_app, fake_google)
    fake_google.put_event(TEST_EMAIL, interview("new1", "Interview - Globex Analyst", "2026-11-25"))
    fake_google.reset_requests()
    fresh = client.get(feed_path)
    assert b"Globex" not in fresh.data and fake_google.api_requests() == []  # cache, no read
    later = now + timedelta(seconds=runtime(google_app).config.refresh_interval + 1)
    google_app.extensions["calfeed"] = replace(runtime(google_app), clock=lambda: later)
    stale = client.get(feed_path)  # a poll never calls Google, however stale
    assert stale.status_code == 200 and b"Globex" not in stale.data
    assert fake_google.api_requests() == []
    assert jobs(google_app).sweep_now() == 1  # the scheduled read (immediate queue: runs here)
    read = client.get(feed_path)
    assert read.status_code == 200 and b"Globex" in read.data
    reads = fake_google.api_requests()
    # GET only: the follow-ups written to calfeed's own calendar are POSTs
    events_reads = [r for r in reads if r.path.endswith("/events") and r.method == "GET"]
    assert events_reads and all("syncToken" in r.params for r in events_reads), reads


def test_revoked_grant_keeps_last_good_feed_with_a_notice(google_app, fake_google, now):
    from dataclasses import replace
    from datetime import timedelta

    fake_google.put_event(TEST_EMAIL, interview("old1", "Interview - Initech", "2026-11-25"))
    client, feed_path = connected_feed(google_app, fake_google)
    before = client.get(feed_path)
    assert b"Initech" in before.data
    fake_google.revoke_user(TEST_EMAIL)
    later = now + timedelta(seconds=runtime(google_app).config.refresh_interval + 1)
    google_app.extensions["calfeed"] = replace(runtime(google_app), clock=lambda: later)
    from calfeed.web.runtime import jobs

    jobs(google_app).sweep_now()  # the scheduled read finds the grant revoked
    after = client.get(feed_path)
    assert after.status_code == 200
    assert b"Initech" in after.data and b"reconnect Google Calendar" in after.data
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Connect again to resume" in page
