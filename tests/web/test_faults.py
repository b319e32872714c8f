"""Faults are contained: whatever breaks, a poll gets the last good feed.

Each test stages one fault seen in review, on SQLite and PostgreSQL where storage matters:
Google hanging, Google answering a 200 that is not a Calendar answer, an event holding a lone
surrogate, a bug anywhere in a sync or a render, a read-only database.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from calfeed.config import load_config
from calfeed.store import User, session_scope
from calfeed.web.runtime import runtime
from tests.background import test_sync
from tests.background.test_sync import CAL, NOW, cached_ids, interview
from tests.support.google_fake import TEST_EMAIL
from tests.support.web import make_app
from tests.web.test_web_auth import consent, start

# the sync tests' fixtures (a connected user, a sync runner), shared by name
sleeps, sync, user_id = test_sync.sleeps, test_sync.sync, test_sync.user_id

# --- trust no 200 ---------------------------------------------------------------------------------

NO_TOKEN_PAGE = '{"kind": "calendar#events", "items": []}'
BAD_ANSWERS = {
    "html": dict(status=200, reason="html"),
    "empty": dict(status=200, body=""),
    "no-sync-token": dict(status=200, body=NO_TOKEN_PAGE),
    "items-not-a-list": dict(status=200, body='{"items": {}, "nextSyncToken": "x"}'),
    "a-json-list": dict(status=200, body="[]"),
}


@pytest.mark.parametrize("answer", BAD_ANSWERS, ids=list(BAD_ANSWERS))
@pytest.mark.parametrize("read", ["incremental", "full"])
def test_an_answer_that_is_not_a_calendar_answer_is_a_failure_not_zero_events(
    answer,
    read,
    session_factory,
    fake_google,
    user_id,
    sync,
) -> None:
    fake_google.put_event(CAL, interview("keep1"))
    assert sync().ok
    with session_scope(session_factory) as s:
        succeeded_at = s.get(User, user_id).last_sync_at
    fake_google.inject(count=50, **BAD_ANSWERS[answer])
    later = NOW + (timedelta(days=8) if read == "full" else timedelta(hours=1))  # weekly full read
    result = sync(later)
    assert result.status == "failed", result
    assert cached_ids(session_factory, user_id) == {"keep1"}
    with session_scope(session_factory) as s:
        user = s.get(User, user_id)
        assert user.last_sync_at == succeeded_at  # not recorded as a success
        assert user.last_sync_error


def test_a_full_read_completed_with_its_token_still_replaces(
    session_factory,
    fake_google,
    user_id,
    sync,
) -> None:
    fake_google.put_event(CAL, interview("gone1"))
    assert sync().ok
    fake_google.delete_event(CAL, "gone1")
    assert sync(NOW + timedelta(days=8)).ok
    assert cached_ids(session_factory, user_id) == set()


# --- any failure leaves the last good feed -----------------------------------------------------


@pytest.fixture
def connected(google_env, db_url, now, fake_google):
    """An app with ana connected (interview stored, feed cached) and a way to move its clock."""
    fake_google.put_event(TEST_EMAIL, interview("iv1", summary="Interview - Initech Analyst"))
    app = make_app(load_config(dict(google_env, CALFEED_DATABASE_URL=db_url)), now)
    client = app.test_client()
    assert client.get(consent(start(client))).status_code == 303
    page = client.get("/dashboard").get_data(as_text=True)
    feed_path = page.split('value="http://localhost', 1)[1].split('"', 1)[0]
    first = client.get(feed_path)
    assert first.status_code == 200 and b"Initech" in first.data

    def at(moment):
        app.extensions["calfeed"] = replace(runtime(app), clock=lambda: moment)
        return app.test_client()

    return app, feed_path, first.data, at


def stale(now) -> object:
    return now + timedelta(hours=1)


def read_google(app) -> None:
    """Polls never read Google; a read is the worker's (immediate queue: it runs here)."""
    from calfeed.web.runtime import jobs

    with session_scope(runtime(app).sessions) as s:
        users = list(s.scalars(select(User.id)))
    for user in users:
        jobs(app).request_read(user)


def test_a_lone_surrogate_neither_breaks_polls_nor_sign_in(
    connected, fake_google, now, caplog
) -> None:
    app, feed_path, _first, at = connected
    poison = interview("bad1", summary="Interview - Glob\ud800ex", days=2)
    fake_google.put_event(TEST_EMAIL, poison)
    client = at(stale(now))
    read_google(app)
    answer = client.get(feed_path)
    assert answer.status_code == 200
    assert "Glob\ufffdex".encode() in answer.data  # cleaned where read, the event kept
    client = app.test_client()  # and signing in again works with the event stored
    assert client.get(consent(start(client))).status_code == 303
    assert client.get("/dashboard").status_code == 200


def test_any_exception_in_a_sync_serves_the_last_good_feed_logged_once(
    connected, now, monkeypatch, caplog
) -> None:
    from calfeed.background import sync as sync_module

    app, feed_path, first, at = connected
    token = feed_path.removeprefix("/feeds/").removesuffix(".ics")

    def broken(*args, **kwargs):
        raise RuntimeError(f"bug while reading /feeds/{token}.ics")

    monkeypatch.setattr(sync_module, "read_user", broken)
    with caplog.at_level(logging.INFO):
        client = at(stale(now))
        read_google(app)  # the read (in the worker) breaks, contained there
        answer = client.get(feed_path)
    assert answer.status_code == 200 and answer.data == first
    broke = [r for r in caplog.records if "broke" in r.getMessage()]
    assert len(broke) == 1
    assert token not in caplog.text


def test_any_exception_in_a_render_serves_the_last_good_feed(
    connected, fake_google, now, monkeypatch
) -> None:
    from calfeed.web import feedcache

    app, feed_path, first, at = connected
    fake_google.put_event(TEST_EMAIL, interview("iv2", summary="Interview - Globex", days=3))

    def broken(*args, **kwargs):
        raise KeyError("a bug in the core")

    monkeypatch.setattr(feedcache, "render", broken)
    client = at(stale(now))
    read_google(app)  # a change stored: the feed must be rendered again, and that breaks
    answer = client.get(feed_path)
    assert answer.status_code == 200 and answer.data == first


def read_only(url: str) -> str:
    if url.startswith("sqlite:///"):
        return "sqlite:///file:" + url.removeprefix("sqlite:///") + "?mode=ro&uri=true"
    return url.replace("?options=", "?options=-cdefault_transaction_read_only%3Don%20", 1)


def test_a_read_only_database_keeps_the_feed_and_fails_the_health_check(
    connected, google_env, db_url, fake_google, now
) -> None:
    app, feed_path, first, _at = connected
    assert app.test_client().get("/healthz").status_code == 200
    fake_google.put_event(TEST_EMAIL, interview("iv3", summary="Interview - Hooli", days=3))
    env = dict(google_env, CALFEED_DATABASE_URL=read_only(db_url))
    frozen = make_app(load_config(env), stale(now))
    assert frozen.test_client().get("/healthz").status_code == 503
    answer = frozen.test_client().get(feed_path)
    assert answer.status_code == 200 and answer.data == first


# --- a poll has a deadline ---------------------------------------------------------------------


def test_a_poll_ends_in_time_with_google_hanging_and_is_not_retried(
    connected, fake_google, now
) -> None:
    """Stronger than a deadline: a poll never asks Google at all, however stale."""
    app, feed_path, first, at = connected
    fake_google.inject(0, count=1000, delay=20.0)  # answers fine, 20 s late, every call
    fake_google.reset_requests()
    client = at(now + timedelta(days=2))
    started = time.monotonic()
    answer = client.get(feed_path)
    again = client.get(feed_path + "?lang=id")  # the Flask view too
    elapsed = time.monotonic() - started
    assert answer.status_code == again.status_code == 200 and answer.data == first
    assert elapsed < 3, f"the polls took {elapsed:.1f} s with Google hanging"  # 20 s before
    assert fake_google.requests == []


def test_a_broken_first_read_never_blocks_sign_in(
    google_env, db_url, now, fake_google, monkeypatch
) -> None:
    from calfeed.background import sync as sync_module

    def broken(*args, **kwargs):
        raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(sync_module, "read_user", broken)
    app = make_app(load_config(dict(google_env, CALFEED_DATABASE_URL=db_url)), now)
    client = app.test_client()
    answer = client.get(consent(start(client)))
    assert answer.status_code == 303 and answer.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
