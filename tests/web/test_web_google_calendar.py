"""Writing into Google Calendar, in the browser's terms: consent, the dashboard's status and
buttons, off/on, leaving.

The app runs on the immediate queue, so the worker's reads and writes happen inside the request
that asks for them; the stand-in Google is real HTTP on loopback. CALFEED_BASE_URL is a public
address so the feed card offers "Add to Google Calendar" where it should.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from calfeed.adapters.google import SCOPES, WRITE_SCOPE
from calfeed.config import load_config
from calfeed.core.google_events import event_id_for
from calfeed.store import get_user, session_scope
from calfeed.store import google_delivery as gd
from calfeed.web.runtime import runtime
from tests.support.fake_google import FakeGoogle
from tests.support.google_fake import TEST_EMAIL, interview_event
from tests.support.web import CSRF_RE, make_app

BASE = "https://calfeed.example"


@pytest.fixture
def app(google_env, db_url, now, fake_google):
    for i in range(3):
        day = f"2026-11-{27 + i}"
        fake_google.put_event(TEST_EMAIL, interview_event(f"ev{i}", f"Interview - Acme{i}", day))
    env = dict(google_env, CALFEED_DATABASE_URL=db_url, CALFEED_BASE_URL=BASE)
    return make_app(load_config(env), now)


def _consent(client, path: str = "/auth/connect") -> object:
    """Connect through the fake's consent screen; returns the callback's answer."""
    start = client.get(path)
    assert start.status_code == 303, start.data
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def _post(client, path: str, **form: str):
    page = client.get("/dashboard").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    return client.post(path, data={"csrf_token": token, **form})


def _user(app) -> int:
    with session_scope(runtime(app).sessions) as s:
        from calfeed.store import get_user_by_email

        found = get_user_by_email(s, TEST_EMAIL)
        assert found is not None
        return found.id


def _events(fake: FakeGoogle) -> dict[str, dict]:
    (cal,) = fake.app_calendars(TEST_EMAIL)
    return fake.live_events(cal.id)


def test_the_consent_url_asks_to_write_by_default_and_read_only_is_possible(app):
    client = app.test_client()
    query = parse_qs(urlsplit(client.get("/auth/connect").headers["Location"]).query)
    assert WRITE_SCOPE in query["scope"][0].split()
    assert query["include_granted_scopes"] == ["true"]
    # the connect form with its box unticked sends only access=read
    query = parse_qs(urlsplit(client.get("/auth/connect?access=read").headers["Location"]).query)
    assert set(query["scope"][0].split()) == set(SCOPES)


def test_a_new_user_gets_the_follow_ups_in_google_and_the_dashboard_says_so(app, fake_google):
    client = app.test_client()
    assert _consent(client).status_code == 303
    events = _events(fake_google)
    assert len(events) >= 3
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Last written to your Google Calendar at" in page
    assert 'action="/dashboard/google-calendar"' in page
    assert "Stop writing to Google Calendar" in page
    assert "Add to Google Calendar" not in page  # no doubles: the feed is not offered there
    assert "you will see each one twice" in page


def test_a_read_only_user_is_not_asked_again_and_gets_the_google_button(app, fake_google):
    client = app.test_client()
    assert _consent(client, "/auth/connect?access=read").status_code == 303
    assert fake_google.app_calendars(TEST_EMAIL) == []
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Allow writing to Google Calendar" not in page
    assert "Add to Google Calendar" in page
    assert "Last written" not in page


def test_stop_writing_deletes_the_calendar_and_the_same_path_turns_it_on(app, fake_google):
    client = app.test_client()
    _consent(client)
    first = fake_google.app_calendars(TEST_EMAIL)[0].id
    answer = _post(client, "/dashboard/google-calendar", action="off")
    assert answer.status_code == 303
    assert fake_google.app_calendars(TEST_EMAIL) == []
    page = client.get("/dashboard").get_data(as_text=True)
    assert "deleted its calendar there" in page
    assert "Add to Google Calendar" in page and "Write follow-ups to Google Calendar" in page
    assert client.get("/dashboard").status_code == 200  # reading goes on
    _post(client, "/dashboard/google-calendar", action="on")
    (again,) = fake_google.app_calendars(TEST_EMAIL)
    assert again.id != first and len(fake_google.live_events(again.id)) >= 3


def test_stop_writing_when_google_fails_says_so_and_stops_anyway(app, fake_google):
    client = app.test_client()
    _consent(client)
    fake_google.inject(503, count=100, prefix="/calendar/v3/calendars/")
    _post(client, "/dashboard/google-calendar", action="off")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "delete it yourself" in page
    with session_scope(runtime(app).sessions) as s:
        status = gd.status(s, _user(app))
        assert status is not None and not status.enabled


def test_disconnect_deletes_the_calendar_before_revoking(app, fake_google):
    client = app.test_client()
    _consent(client)
    calendar = fake_google.app_calendars(TEST_EMAIL)[0].id
    fake_google.reset_requests()
    _post(client, "/auth/disconnect")
    paths = [(r.method, r.path) for r in fake_google.requests]
    deleted = paths.index(("DELETE", f"/calendar/v3/calendars/{calendar}"))
    assert deleted < paths.index(("POST", "/revoke"))
    assert fake_google.app_calendars(TEST_EMAIL) == []


def test_disconnect_when_google_fails_says_so_and_deletes_locally(app, fake_google):
    client = app.test_client()
    _consent(client)
    user = _user(app)
    fake_google.inject(503, count=100, prefix="/calendar/v3/calendars/")
    answer = _post(client, "/auth/disconnect")
    assert answer.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "delete it yourself in Google Calendar" in page
    with session_scope(runtime(app).sessions) as s:
        assert get_user(s, user) is None


def test_an_existing_user_is_asked_once_and_a_refusal_keeps_reading(app, fake_google):
    fake_google.grant_scopes = list(SCOPES)  # connected before calfeed could write
    client = app.test_client()
    _consent(client)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Allow writing to Google Calendar" in page and "No, thanks" in page
    # "Allow": incremental consent for the write scope, refused at Google
    fake_google.grant_scopes = None
    fake_google.consent = "deny"
    allow = _post(client, "/dashboard/google-calendar", action="on")
    assert allow.status_code == 303 and "/auth/connect" in allow.headers["Location"]
    back = _consent(client, allow.headers["Location"])
    assert back.status_code == 303 and back.headers["Location"].endswith("/dashboard")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Nothing changed: calfeed keeps reading" in page
    assert "Allow writing to Google Calendar" not in page  # asked once
    assert "Interview - Acme0" in page  # reading works as before
    assert fake_google.app_calendars(TEST_EMAIL) == []
    # later, from the dashboard's card: allowed this time
    fake_google.consent = "allow"
    allow = _post(client, "/dashboard/google-calendar", action="on")
    query = parse_qs(urlsplit(client.get(allow.headers["Location"]).headers["Location"]).query)
    assert WRITE_SCOPE in query["scope"][0].split()
    assert query["include_granted_scopes"] == ["true"]
    _consent(client, allow.headers["Location"])
    assert "from now on" in client.get("/dashboard").get_data(as_text=True)
    assert len(_events(fake_google)) >= 3


def test_no_thanks_hides_the_question(app, fake_google):
    fake_google.grant_scopes = list(SCOPES)
    client = app.test_client()
    _consent(client)
    _post(client, "/dashboard/google-calendar", action="decline")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Allow writing to Google Calendar" not in page


def test_a_mark_reaches_google_and_a_failing_google_blocks_nothing(app, fake_google):
    client = app.test_client()
    _consent(client)
    before = _events(fake_google)
    _post(client, "/dashboard/mark", event=f"{TEST_EMAIL}/ev0", mark="thank_you_sent", value="1")
    after = _events(fake_google)
    assert len(after) == len(before) - 1  # the thank-you sent left Google Calendar too
    (cal,) = fake_google.app_calendars(TEST_EMAIL)
    fake_google.inject(503, count=1000, prefix=f"/calendar/v3/calendars/{cal.id}")
    answer = _post(
        client, "/dashboard/mark", event=f"{TEST_EMAIL}/ev1", mark="thank_you_sent", value="1"
    )
    assert answer.status_code == 303  # the mark is saved
    page = client.get("/dashboard").get_data(as_text=True)
    assert "The last write to Google Calendar failed" in page
    feed = page.split(f'value="{BASE}', 1)[1].split('"', 1)[0]
    assert client.get(feed).status_code == 200


def test_a_deleted_calendar_is_shown_with_a_button_to_make_it_again(app, fake_google):
    client = app.test_client()
    _consent(client)
    (cal,) = fake_google.app_calendars(TEST_EMAIL)
    fake_google.user_deletes_calendar(cal.id)
    _post(client, "/dashboard/mark", event=f"{TEST_EMAIL}/ev0", mark="thank_you_sent", value="1")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "You deleted the calendar" in page and "Create it again" in page
    _post(client, "/dashboard/google-calendar", action="on")
    assert len(_events(fake_google)) >= 2


def test_the_reminder_is_a_setting(app, fake_google):
    client = app.test_client()
    _consent(client)
    page = client.get("/settings").get_data(as_text=True)
    assert "A notification at the time" in page and 'action="/settings/google-calendar"' in page
    token = CSRF_RE.search(page).group(1)
    client.post("/settings/google-calendar", data={"csrf_token": token, "reminder": "15-min"})
    minutes = {e["reminders"]["overrides"][0]["minutes"] for e in _events(fake_google).values()}
    assert minutes == {15}
    assert all(
        k == event_id_for(e["extendedProperties"]["private"]["calfeedUid"])
        for k, e in _events(fake_google).items()
    )
