"""issue 11, point 2: calendars by address are read by the background worker (issue 9's queue).

A real consumer on the SQLite queue file and on Redis: the minute sweep enqueues every source
that is due, the worker reads it over real HTTP; a source read within the interval is not read
again, a paused one never.
"""

from __future__ import annotations

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
