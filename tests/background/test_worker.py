"""Every Google read runs in the worker, through a real queue.

The queue is Huey on its real storages: the embedded SQLite file and Redis (127.0.0.1:6379, under a
queue name unique to each test). Immediate mode appears only in the web tests that are about
something else. What is checked here: reads on connect, on the schedule and on "Refresh now";
coalescing; retries with backoff; a worker killed mid-read loses nothing; polls never call Google.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from calfeed.background import reads
from calfeed.config import Config, load_config
from calfeed.store import background as bg
from calfeed.store import count_events, make_engine, make_session_factory, session_scope
from tests.support.background import REDIS_URL, connect, real_now, wait_for, worker_jobs
from tests.support.factories import google_event
from tests.support.fake_google import FakeGoogle


def _config(google_env: dict[str, str], db_url: str, **env: str) -> Config:
    values = dict(google_env, CALFEED_DATABASE_URL=db_url, **env)
    values.pop("CALFEED_QUEUE_URL")
    values.update(env)
    return load_config(values)


def _events(sessions, user_id: int) -> int:
    with session_scope(sessions) as s:
        return count_events(s, user_id)


def _event(n: int, **extra):
    start = real_now().replace(microsecond=0) + timedelta(days=2, hours=n % 24)
    return google_event(f"Interview with Jane Doe (Acme {n}) - Analyst", start, event_id=f"ev{n}")


@pytest.fixture
def sessions(db_url):
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()


# --- the bookkeeping that makes a lost message harmless ------------------------------------------


def test_requests_coalesce_until_a_worker_claims_them(sessions, fake_google, google_env, db_url):
    config = _config(google_env, db_url)
    user = connect(fake_google, config, sessions, "ana@example.com")
    now = real_now()
    assert reads.request(sessions, user, now) is True  # first: enqueue
    assert [reads.request(sessions, user, now) for _ in range(9)] == [False] * 9  # coalesced
    with session_scope(sessions) as s:
        claimed = bg.claim_read(s, user, now)
    assert claimed == 10
    assert reads.request(sessions, user, now) is True  # during the read: the next one is queued
    with session_scope(sessions) as s:
        bg.finish_read(s, user, claimed)
        assert bg.claim_read(s, user, now) == 11
        bg.finish_read(s, user, 11)
        assert bg.claim_read(s, user, now) is None  # nothing wanted any more


def test_sweep_finds_lost_messages_and_due_users(sessions, fake_google, google_env, db_url):
    config = _config(google_env, db_url)
    user = connect(fake_google, config, sessions, "ana@example.com")
    now = real_now()
    assert reads.sweep(sessions, config, now) == [user]  # never read: due
    assert reads.sweep(sessions, config, now) == []  # queued: not again
    later = now + reads.STALE_AFTER + timedelta(seconds=1)
    assert reads.sweep(sessions, config, later) == [user]  # the message was lost: again
    with session_scope(sessions) as s:
        claimed = bg.claim_read(s, user, later)
        assert claimed is not None
        bg.finish_read(s, user, claimed)
        s.execute(bg.update(bg.User).where(bg.User.id == user).values(last_sync_attempt_at=later))
    assert reads.sweep(sessions, config, later + timedelta(hours=1)) == []  # read recently
    due = later + timedelta(seconds=config.refresh_interval)
    assert reads.sweep(sessions, config, due) == [user]  # CALFEED_REFRESH_INTERVAL: 6 h


def test_refresh_interval_defaults_to_six_hours(google_env, db_url):
    assert _config(google_env, db_url).refresh_interval == 6 * 3600


# --- a real consumer ------------------------------------------------------------------------------


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_real_worker_reads_on_connect_and_on_refresh(
    queue, sessions, fake_google: FakeGoogle, google_env, db_url
):
    env = {"CALFEED_QUEUE_URL": REDIS_URL} if queue == "redis" else {}
    config = _config(google_env, db_url, **env)
    jobs = worker_jobs(config, sessions)
    fake_google.put_event("ana@example.com", _event(1))
    user = connect(fake_google, config, sessions, "ana@example.com")
    consumer = jobs.start_in_process(workers=2)
    try:
        assert jobs.request_read(user) is True
        wait_for(lambda: _events(sessions, user) == 1)
        fake_google.put_event("ana@example.com", _event(2))
        assert jobs.refresh_now(user) is True
        assert jobs.refresh_now(user) is False  # rate-limited: once a minute
        wait_for(lambda: _events(sessions, user) == 2)
        assert reads.status(sessions, user).last_read_at is not None
    finally:
        consumer.stop()
        jobs.flush()
    assert fake_google.max_in_flight.get("ana@example.com", 0) == 1


def test_failed_read_is_retried_with_backoff(
    sessions, fake_google: FakeGoogle, google_env, db_url, monkeypatch
):
    monkeypatch.setattr(reads, "RETRY_BASE", 0.2)
    config = _config(google_env, db_url)
    jobs = worker_jobs(config, sessions)
    fake_google.put_event("ana@example.com", _event(1))
    user = connect(fake_google, config, sessions, "ana@example.com")
    fake_google.inject(503, count=10)  # more than the client's own retries within one read
    consumer = jobs.start_in_process(workers=1)
    try:
        jobs.request_read(user)
        wait_for(lambda: _events(sessions, user) == 1, timeout=60)
    finally:
        consumer.stop()
        jobs.flush()
    assert reads.backoff(0) <= reads.RETRY_BASE < reads.backoff(3)


@pytest.mark.postgres
def test_a_worker_killed_mid_read_loses_nothing(
    fake_google: FakeGoogle, google_env, tmp_path: Path, request, monkeypatch
):
    """kill -9 during a slow read: the request stays wanted; the next worker's sweep reads it."""
    db_url = request.getfixturevalue("_postgres_schema_url")  # advisory lock: dies with the process
    from tests.support.db import empty_postgres

    empty_postgres(db_url)
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    config = _config(google_env, db_url)
    fake_google.put_event("ana@example.com", _event(1))
    user = connect(fake_google, config, sessions, "ana@example.com")
    env = dict(os.environ, **google_env, CALFEED_DATABASE_URL=db_url)
    env.pop("CALFEED_QUEUE_URL")  # the embedded SQLite queue, shared with this process
    worker = subprocess.Popen(
        [sys.executable, "-m", "calfeed.cli", "worker", "--threads", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    jobs = worker_jobs(config, sessions)
    jobs._name = env["CALFEED_QUEUE_NAME"]  # the worker process's queue
    try:
        fake_google.inject(0, delay=30, prefix="/calendar/v3/calendars/")  # a slow Google
        jobs.request_read(user)
        wait_for(lambda: fake_google.api_requests("/calendar/v3/calendars/"), timeout=30)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    with session_scope(sessions) as s:
        row = s.get(bg.SyncRequest, user)
        assert row is not None and row.wanted > row.done  # still wanted
    assert _events(sessions, user) == 0
    monkeypatch.setattr(reads, "STALE_AFTER", timedelta(0))
    consumer = jobs.start_in_process(workers=1)  # the next worker sweeps at start
    try:
        wait_for(lambda: _events(sessions, user) == 1, timeout=40)
    finally:
        consumer.stop()
        jobs.flush()
        engine.dispose()


# --- polls and pages never call Google ---------------------------------------------------------


def test_poll_answers_at_once_while_google_is_slow(
    fake_google: FakeGoogle, google_env, sqlite_db_url, now
):
    from calfeed.web.app import build_app
    from calfeed.web.runtime import jobs, runtime

    config = load_config(dict(google_env, CALFEED_DATABASE_URL=sqlite_db_url))
    app = build_app(config)
    rt = runtime(app)
    fake_google.put_event("ana@example.com", _event(1))
    user = connect(fake_google, config, rt.sessions, "ana@example.com")
    jobs(app).request_read(user)  # immediate queue: read here
    from calfeed.web import service

    token = service.feed_token(rt.sessions, rt.cipher, user, real_now())
    client = app.test_client()
    fake_google.inject(0, delay=20, count=100)
    fake_google.reset_requests()
    later = real_now() + timedelta(days=2)
    app.extensions["calfeed"] = replace(rt, clock=lambda: later)
    import time

    started = time.monotonic()
    for path in (f"/feeds/{token}.ics", f"/feeds/{token}.ics?lang=id"):
        assert client.get(path).status_code == 200
    assert time.monotonic() - started < 5
    assert fake_google.requests == []


# --- the dashboard's partial ---------------------------------------------------------------------


def test_dashboard_says_when_google_was_read_and_offers_refresh_now(
    fake_google: FakeGoogle, google_env, sqlite_db_url
):
    from calfeed.web.app import build_app
    from calfeed.web.runtime import jobs, runtime

    app = build_app(load_config(dict(google_env, CALFEED_DATABASE_URL=sqlite_db_url)))
    rt = runtime(app)
    user = connect(fake_google, rt.config, rt.sessions, "ana@example.com")
    client = app.test_client()
    _sign_in(client, user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Google has not been read yet" in page and "Refresh now" in page
    jobs(app).request_read(user)  # immediate queue: the read runs here
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Google last read at" in page
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    fake_google.reset_requests()
    first = client.post("/dashboard/refresh", data={"csrf_token": token}, follow_redirects=True)
    assert "will be read in a moment" in first.get_data(as_text=True)
    assert fake_google.api_requests()  # the (immediate) read ran
    again = client.post("/dashboard/refresh", data={"csrf_token": token}, follow_redirects=True)
    assert "Try again in a minute" in again.get_data(as_text=True)
    assert client.post("/dashboard/refresh").status_code == 400  # CSRF still applies


def test_an_unreachable_queue_loses_no_request(fake_google, google_env, sqlite_db_url):
    from calfeed.store import make_engine, make_session_factory

    config = _config(google_env, sqlite_db_url, CALFEED_QUEUE_URL="redis://127.0.0.1:1/0")
    sessions = make_session_factory(make_engine(sqlite_db_url))
    user = connect(fake_google, config, sessions, "ana@example.com")
    jobs = worker_jobs(config, sessions)
    assert jobs.request_read(user) is True  # no exception: the web request goes on
    with session_scope(sessions) as s:
        row = s.get(bg.SyncRequest, user)
        assert row is not None and row.wanted == 1 and row.done == 0  # the sweep will find it
    later = real_now() + reads.STALE_AFTER + timedelta(seconds=1)
    assert reads.sweep(sessions, config, later) == [user]


def test_queue_configuration_is_checked(google_env, sqlite_db_url):
    from calfeed.errors import ConfigError

    with pytest.raises(ConfigError, match="QUEUE_URL"):
        _config(google_env, sqlite_db_url, CALFEED_QUEUE_URL="amqp://rabbit")
    with pytest.raises(ConfigError, match="QUEUE_NAME"):
        _config(google_env, sqlite_db_url, CALFEED_QUEUE_NAME="a b")
    production = dict(google_env, CALFEED_ENV="production", CALFEED_QUEUE_URL="immediate")
    with pytest.raises(ConfigError, match="immediate"):
        load_config(production)
    assert _config(google_env, sqlite_db_url).queue_url is None  # the embedded default


def test_push_needs_https_in_production(google_env, sqlite_db_url):
    from calfeed.background import push

    config = _config(google_env, sqlite_db_url, CALFEED_BASE_URL="http://calfeed.example")
    assert push.notify_address(config) == "http://calfeed.example/google/notify"  # not production
    assert push.notify_address(replace(config, env="production")) is None
    secure = replace(config, env="production", base_url="https://calfeed.example")
    assert push.notify_address(secure) == "https://calfeed.example/google/notify"
    assert push.notify_address(replace(config, base_url=None)) is None  # scheduled reads only


def _sign_in(client, user_id: int) -> None:
    """A session as a sign-in leaves it (user id and session nonce)."""
    from calfeed.web import service
    from calfeed.web.runtime import runtime

    nonce = service.renew_session_nonce(runtime(client.application).sessions, user_id, keep=True)
    with client.session_transaction() as sess:
        sess["uid"] = user_id
        sess["sn"] = nonce
