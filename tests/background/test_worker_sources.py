"""Calendars by address are read by the background worker (the queue Google's reads use).

A real consumer on the SQLite queue file and on Redis: the minute sweep enqueues every source
that is due, the worker reads it over real HTTP; a source read within the interval is not read
again, a paused one never.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from calfeed.background import ics_reads
from calfeed.config import load_config
from calfeed.crypto import TokenCipher
from calfeed.store import create_user, make_engine, make_session_factory, session_scope
from calfeed.store.ics_sources import IcsSource
from tests.support.background import REDIS_URL, real_now, wait_for, worker_jobs
from tests.support.ics_server import IcsServer, Route
from tests.support.paths import FIXTURES

pytestmark = pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed")


@pytest.fixture
def sessions(db_url):
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()


def config_for(db_url: str, tmp_path: Path, **env: str):
    values = {
        "CALFEED_ENV": "test",
        "CALFEED_INSTANCE_PATH": str(tmp_path / "instance"),
        "CALFEED_DATABASE_URL": db_url,
        "CALFEED_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "CALFEED_SECRET_KEY": "worker-sources",
        "CALFEED_FETCH_ALLOW": "127.0.0.1/32",
        **env,
    }
    return load_config(values)


def source_row(sessions, source_id: int) -> IcsSource:
    with session_scope(sessions) as s:
        row = s.get(IcsSource, source_id)
        assert row is not None
        return row


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_the_sweep_enqueues_due_sources_and_a_worker_reads_them(
    queue, sessions, db_url, tmp_path, ics_server: IcsServer
) -> None:
    config = config_for(
        db_url, tmp_path, **({"CALFEED_QUEUE_URL": REDIS_URL} if queue == "redis" else {})
    )
    ics_server.routes["/icloud.ics"] = Route((FIXTURES / "icloud_export.ics").read_bytes())
    ics_server.routes["/paused.ics"] = Route((FIXTURES / "outlook_export.ics").read_bytes())
    now = real_now()
    with session_scope(sessions) as s:
        user_id = create_user(s, now=now).id
    cipher = TokenCipher(config.encryption_key)
    due = ics_reads.add_source(sessions, cipher, user_id, ics_server.url("/icloud.ics"), "", now)
    paused = ics_reads.add_source(sessions, cipher, user_id, ics_server.url("/paused.ics"), "", now)
    ics_reads.pause_source(sessions, user_id, paused, True, now)
    jobs = worker_jobs(config, sessions)
    consumer = jobs.start_in_process(workers=1)
    try:
        assert jobs.sweep_now() >= 1
        wait_for(lambda: source_row(sessions, due).last_success_at is not None)
        row = source_row(sessions, due)
        assert row.events_found > 0 and row.interviews_found > 0 and row.last_error is None
        assert row.next_read_at is not None
        assert row.next_read_at - row.last_success_at == timedelta(seconds=900)
        jobs.sweep_now()  # within 15 minutes: nothing is due, nothing is read
        jobs.request_source_read(due)  # even when asked: the read checks it is due
        wait_for(lambda: len(ics_server.requests) >= 1)
    finally:
        consumer.stop()
        jobs.flush()
    assert [r.path for r in ics_server.requests] == ["/icloud.ics"]
    assert source_row(sessions, paused).last_attempt_at is None


def test_one_users_slow_addresses_leave_the_worker_to_others(
    sessions, db_url, tmp_path, ics_server: IcsServer
) -> None:
    """Six addresses of one account that each take the whole fetch deadline held both worker threads
    (170 s each) and everyone else waited. With a fair share (one read per user at a time), the
    other user's calendar is read while the six still queue."""
    from tests.support.slow_servers import trickling_server

    config = config_for(db_url, tmp_path, CALFEED_FETCH_TIMEOUT="2")
    ics_server.routes["/fast.ics"] = Route((FIXTURES / "icloud_export.ics").read_bytes())
    now = real_now()
    cipher = TokenCipher(config.encryption_key)
    with session_scope(sessions) as s:
        greedy, other = create_user(s, now=now).id, create_user(s, now=now).id
    jobs = worker_jobs(config, sessions)
    with trickling_server("headers", pause=0.2) as port:
        slow = [
            ics_reads.add_source(
                sessions, cipher, greedy, f"http://127.0.0.1:{port}/{n}.ics", "", now
            )
            for n in range(6)
        ]
        fast = ics_reads.add_source(sessions, cipher, other, ics_server.url("/fast.ics"), "", now)
        for source_id in slow:
            jobs.request_source_read(source_id)
        jobs.request_source_read(fast)
        started = time.monotonic()
        consumer = jobs.start_in_process(workers=2)
        try:
            wait_for(lambda: source_row(sessions, fast).last_success_at is not None, timeout=30)
            waited = time.monotonic() - started
            # unfair: three rounds of two 2-second reads (6 s) before the other user's turn
            assert waited < 3.5, waited
            wait_for(lambda: all(source_row(sessions, i).last_error for i in slow), timeout=40)
            starts = sorted(source_row(sessions, i).last_attempt_at for i in slow)
        finally:
            consumer.stop(graceful=False)
            jobs.flush()
    assert all("longer than 2 s" in (source_row(sessions, i).last_error or "") for i in slow)
    gaps = [(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) > 1.8, gaps  # one of the user's reads at a time: each waited for the last
