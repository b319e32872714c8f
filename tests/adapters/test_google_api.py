"""The Calendar API wrapper against the fake Google: paging, sync tokens, faults and retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from calfeed.adapters.google import user_credentials
from calfeed.adapters.google_api import (
    CalendarClient,
    CalendarGone,
    RetryPolicy,
    SyncTokenExpired,
)
from calfeed.errors import GoogleError, ReauthorizationRequired

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
WINDOW = (NOW - timedelta(days=60), NOW + timedelta(days=365))
CAL = "ana@example.com"


def event(n: int, day: int = 1, **extra) -> dict:
    start = NOW + timedelta(days=day, hours=n % 8)
    return {
        "id": f"evt{n:05d}",
        "summary": f"Interview {n}",
        "start": {"dateTime": start.isoformat(), "timeZone": "Asia/Jakarta"},
        "end": {"dateTime": (start + timedelta(hours=1)).isoformat(), "timeZone": "Asia/Jakarta"},
        **extra,
    }


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(google_config, google_grant, fake_google, sleeps) -> CalendarClient:
    credentials = user_credentials(google_config, google_grant.refresh_token)
    fake_google.reset_requests()  # count from here: the consent's own requests are not ours
    return CalendarClient(credentials, config=google_config, sleep=sleeps.append)


def test_full_read_follows_every_page_and_filters_the_window(client, fake_google):
    for n in range(6000):
        fake_google.put_event(CAL, event(n))
    fake_google.put_event(CAL, event(90001, day=-90))  # before the window
    fake_google.put_event(CAL, event(90002, day=400))  # after it
    fake_google.reset_requests()
    read = client.read_full(CAL, *WINDOW)
    assert len(read.items) == 6000
    assert read.full and read.next_sync_token and read.time_zone == "Asia/Jakarta"
    calls = fake_google.api_requests()
    assert len(calls) == client.requests == 3  # 2,500 + 2,500 + 1,000
    first = calls[0].params
    assert first["singleEvents"] == "true" and first["maxResults"] == "2500"
    assert first["timeMin"].startswith("2026-09-27") and first["timeMax"].startswith("2027-11-26")


def test_incremental_read_returns_changes_and_cancellations(client, fake_google):
    fake_google.put_event(CAL, event(1))
    fake_google.put_event(CAL, event(2))
    first = client.read_full(CAL, *WINDOW)
    fake_google.put_event(CAL, event(1, summary="Interview moved"))
    fake_google.delete_event(CAL, "evt00002")
    fake_google.reset_requests()
    changes = client.read_changes(CAL, first.next_sync_token)
    assert not changes.full
    assert {(e["id"], e["status"]) for e in changes.items} == {
        ("evt00001", "confirmed"),
        ("evt00002", "cancelled"),
    }
    cancelled = next(e for e in changes.items if e["status"] == "cancelled")
    assert set(cancelled) == {"kind", "etag", "id", "status"}  # Google sends only this
    params = fake_google.api_requests()[0].params
    assert "syncToken" in params and "timeMin" not in params and "timeMax" not in params
    unchanged = client.read_changes(CAL, changes.next_sync_token)
    assert unchanged.items == [] and unchanged.next_sync_token


def test_expired_sync_token_raises_sync_token_expired(client, fake_google):
    token = client.read_full(CAL, *WINDOW).next_sync_token
    fake_google.expire_sync_tokens()
    with pytest.raises(SyncTokenExpired):
        client.read_changes(CAL, token)
    assert fake_google.api_requests()[-1].status == 410


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (429, None),
        (403, "rateLimitExceeded"),
        (403, "userRateLimitExceeded"),
        (500, None),
        (503, None),
    ],
)
def test_transient_faults_are_retried_with_backoff(client, fake_google, sleeps, status, reason):
    fake_google.put_event(CAL, event(1))
    fake_google.inject(status, count=2, reason=reason)
    read = client.read_full(CAL, *WINDOW)
    assert len(read.items) == 1
    assert [r.status for r in fake_google.api_requests()] == [status, status, 200]
    assert len(sleeps) == 2 and all(0 <= s <= 16 for s in sleeps)


def test_backoff_is_exponential_capped_and_jittered():
    import random

    policy = RetryPolicy(attempts=10, base=0.5, cap=4.0)
    rng = random.Random(7)
    waits = [policy.delay(n, rng) for n in range(8)]
    assert all(0 <= w <= min(4.0, 0.5 * 2**n) for n, w in enumerate(waits))
    assert len(set(waits)) == len(waits)  # jittered, not lock-step


def test_retries_are_bounded_then_fail_softly(client, fake_google, sleeps):
    fake_google.inject(503, count=100)
    with pytest.raises(GoogleError) as caught:
        client.read_full(CAL, *WINDOW)
    assert not isinstance(caught.value, ReauthorizationRequired)
    assert client.requests == 5 and len(sleeps) == 4


def test_non_retryable_errors_are_not_retried(client, fake_google, sleeps):
    fake_google.inject(400, reason="invalid")
    with pytest.raises(GoogleError):
        client.read_full(CAL, *WINDOW)
    assert client.requests == 1 and sleeps == []


def test_expired_access_token_is_refreshed_transparently(client, fake_google):
    client.read_full(CAL, *WINDOW)
    fake_google.expire_access_tokens()
    fake_google.reset_requests()
    client.read_full(CAL, *WINDOW)
    statuses = [(r.path, r.status) for r in fake_google.requests]
    assert statuses == [
        ("/calendar/v3/calendars/ana@example.com/events", 401),
        ("/token", 200),
        ("/calendar/v3/calendars/ana@example.com/events", 200),
    ]


def test_revoked_grant_raises_reauthorization_required(client, fake_google, sleeps):
    fake_google.revoke_user(CAL)
    with pytest.raises(ReauthorizationRequired):
        client.read_full(CAL, *WINDOW)
    assert sleeps == []


def test_missing_scope_raises_reauthorization_required(google_config, fake_google):
    from calfeed.adapters import google
    from tests.support.google_fake import consent_through

    fake_google.grant_scopes = [google.CALENDARLIST_SCOPE, google.EVENTS_SCOPE]
    start = google.start_authorization(google_config, "http://localhost/cb")
    callback = consent_through(start.url)
    token = google.exchange_code(
        google_config, "http://localhost/cb", start.state, start.code_verifier, callback
    )
    # pretend the grant only covered the list (a token Google issued before a scope was removed)
    fake_google._grants[token["refresh_token"]]["scopes"] = [google.CALENDARLIST_SCOPE]
    client = CalendarClient(
        user_credentials(google_config, token["refresh_token"]), config=google_config
    )
    with pytest.raises(ReauthorizationRequired):
        client.read_full(CAL, *WINDOW)


def test_unknown_calendar_is_calendar_gone(client):
    with pytest.raises(CalendarGone):
        client.read_full("nobody@group.calendar.google.com", *WINDOW)


def test_timeouts_are_retried(google_config, google_grant, fake_google, sleeps):
    credentials = user_credentials(google_config, google_grant.refresh_token)
    client = CalendarClient(credentials, config=google_config, sleep=sleeps.append, timeout=0.3)
    client.calendar_list()  # refresh the token first, so only the API call is slow
    fake_google.inject(0, delay=1.0)  # answers, but too late
    assert client.read_full(CAL, *WINDOW).items == []
    assert len(sleeps) == 1


def test_unreachable_google_fails_softly(google_config, google_grant, sleeps):
    from dataclasses import replace

    config = replace(google_config, google_api_endpoint="http://127.0.0.1:9/calendar/v3/")
    credentials = user_credentials(
        config,
        google_grant.refresh_token,
        access_token=google_grant.access_token,
        expires_at=google_grant.expires_at,
    )
    client = CalendarClient(credentials, config=config, sleep=sleeps.append)
    with pytest.raises(GoogleError):
        client.read_full(CAL, *WINDOW)
    assert len(sleeps) == 4


def test_calendar_list_and_primary_entry(client, fake_google):
    fake_google.add_calendar(CAL, "team@group.calendar.google.com", "Team", "Europe/Berlin")
    listed = client.calendar_list()
    assert [(c.id, c.primary) for c in listed] == [
        (CAL, True),
        ("team@group.calendar.google.com", False),
    ]
    assert client.primary_entry().id == CAL


def test_fake_refuses_a_sync_token_with_a_window(client, fake_google):
    """The fake enforces Google's rule, so the client cannot silently break it."""
    import requests

    token = client.read_full(CAL, *WINDOW).next_sync_token
    access = client.credentials.token
    answer = requests.get(
        f"{fake_google.api_endpoint}calendars/{CAL}/events",
        params={"syncToken": token, "timeMin": "2026-01-01T00:00:00Z"},
        headers={"Authorization": f"Bearer {access}"},
        timeout=5,
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert set(error) >= {"code", "message", "errors"}
    assert error["errors"][0]["reason"] == "invalid"


def _get(fake_google, path: str, token: str | None):
    import requests

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{fake_google.api_endpoint}{path}", headers=headers, timeout=5)


def test_our_scopes_cannot_read_calendars_primary_and_need_not(client, fake_google):
    """`calendars/primary` needs calendar.readonly; we identify the user from the calendar list,
    so the narrower grant suffices (the fake enforces Google's per-method scopes)."""
    client.calendar_list()
    answer = _get(fake_google, "calendars/primary", client.credentials.token)
    assert answer.status_code == 403
    assert answer.json()["error"]["errors"][0]["reason"] == "insufficientPermissions"


def test_calendars_primary_with_a_broad_grant(google_config, fake_google):
    from calfeed.adapters import google
    from tests.support.google_fake import consent_through

    fake_google.grant_scopes = ["https://www.googleapis.com/auth/calendar.readonly"]
    start = google.start_authorization(google_config, "http://localhost/cb")
    token = google.exchange_code(
        google_config,
        "http://localhost/cb",
        start.state,
        start.code_verifier,
        consent_through(start.url),
    )
    answer = _get(fake_google, "calendars/primary", token["access_token"])
    assert answer.status_code == 200
    assert answer.json()["id"] == CAL and answer.json()["kind"] == "calendar#calendar"


def test_bad_access_token_gets_googles_401_body(fake_google):
    answer = _get(fake_google, f"calendars/{CAL}/events", "ya29.nonsense")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    error = answer.json()["error"]
    assert (error["code"], error["status"], error["errors"][0]["reason"]) == (
        401,
        "UNAUTHENTICATED",
        "authError",
    )


def test_total_backoff_is_capped_per_read(google_config, google_grant, fake_google, sleeps):
    credentials = user_credentials(google_config, google_grant.refresh_token)
    policy = RetryPolicy(attempts=50, base=1.0, cap=4.0, max_wait=6.0)
    client = CalendarClient(credentials, config=google_config, sleep=sleeps.append, retry=policy)
    fake_google.inject(503, count=1000)
    with pytest.raises(GoogleError):
        client.read_full(CAL, *WINDOW)
    assert sum(sleeps) <= 6.0 and client.requests < 50


def test_no_retry_starts_after_the_deadline(google_config, google_grant, fake_google, sleeps):
    ticks = iter(range(0, 1000, 10))  # every look at the clock: 10 s later
    credentials = user_credentials(google_config, google_grant.refresh_token)
    policy = RetryPolicy(attempts=50, max_wait=1000.0, deadline=25.0)
    client = CalendarClient(
        credentials,
        config=google_config,
        sleep=sleeps.append,
        retry=policy,
        clock=lambda: next(ticks),
    )
    fake_google.inject(503, count=1000)
    with pytest.raises(GoogleError):
        client.read_full(CAL, *WINDOW)
    assert client.requests == 3  # tries at 10 s and 20 s retry; the one at 30 s does not


def test_a_token_endpoint_hiccup_during_refresh_is_survived(client, fake_google):
    fake_google.inject(503, prefix="/token")  # google-auth retries the refresh itself
    assert client.read_full(CAL, *WINDOW).items == []
    assert [r.status for r in fake_google.api_requests("/token")] == [503, 200]
