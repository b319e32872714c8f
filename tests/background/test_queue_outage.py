"""Queue outage recovery, against a private Redis the test cuts and restores.

Before: with Redis cut every page still answered, but the worker wrote 332 error lines for one
outage, a change made during it was read 360 s after Redis came back (the minute sweep's lost
message rule), and `/healthz` said 200 "ok" all along.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from calfeed.background import ics_reads
from calfeed.background.outage import QueueWatch, watched_consumer_classes
from calfeed.config import load_config
from calfeed.crypto import TokenCipher
from calfeed.store import background as bg
from calfeed.store import create_user, make_engine, make_session_factory, session_scope
from calfeed.store.ics_sources import IcsSource
from tests.support.background import real_now, wait_for, worker_jobs
from tests.support.ics_server import IcsServer, Route
from tests.support.paths import FIXTURES
from tests.support.redis_server import PrivateRedis, private_redis  # noqa: F401 - the fixture
from tests.support.web import make_app, web_config

pytestmark = pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed")


@pytest.fixture
def sessions(sqlite_db_url):
    engine = make_engine(sqlite_db_url)
    yield make_session_factory(engine)
    engine.dispose()


def config_for(db_url: str, tmp_path: Path, queue_url: str):
    return load_config(
        {
            "CALFEED_ENV": "test",
            "CALFEED_INSTANCE_PATH": str(tmp_path / "instance"),
            "CALFEED_DATABASE_URL": db_url,
            "CALFEED_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "CALFEED_SECRET_KEY": "queue-outage",
            "CALFEED_FETCH_ALLOW": "127.0.0.1/32",
            "CALFEED_QUEUE_URL": queue_url,
        }
    )


def _worker_problem(record: logging.LogRecord) -> bool:
    """A warning or error of the consumer (Huey's or ours), not the web's enqueue warning."""
    worker = record.name.startswith(("huey", "calfeed.background.outage"))
    return worker and record.levelno >= logging.WARNING


def read_at(sessions, source_id: int):
    with session_scope(sessions) as s:
        row = s.get(IcsSource, source_id)
        return row.last_success_at if row else None


def test_worker_rides_out_a_redis_cut(
    private_redis: PrivateRedis,  # noqa: F811
    sessions,
    sqlite_db_url,
    tmp_path,
    ics_server: IcsServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Cut Redis for 6 s under a running worker, add a calendar meanwhile, bring Redis back: one
    line when it went, one when it came back, and the calendar read within seconds of it."""
    config = config_for(sqlite_db_url, tmp_path, private_redis.url)
    ics_server.routes["/a.ics"] = Route((FIXTURES / "icloud_export.ics").read_bytes())
    ics_server.routes["/b.ics"] = Route((FIXTURES / "outlook_export.ics").read_bytes())
    now = real_now()
    cipher = TokenCipher(config.encryption_key)
    with session_scope(sessions) as s:
        user_id = create_user(s, now=now).id
    jobs = worker_jobs(config, sessions)
    consumer = jobs.start_in_process(workers=2)
    try:
        before = ics_reads.add_source(sessions, cipher, user_id, ics_server.url("/a.ics"), "", now)
        jobs.request_source_read(before)
        wait_for(lambda: read_at(sessions, before), timeout=20)

        caplog.clear()
        caplog.set_level(logging.INFO)
        private_redis.stop()
        time.sleep(1.0)
        during = ics_reads.add_source(
            sessions, cipher, user_id, ics_server.url("/b.ics"), "", real_now()
        )
        jobs.request_source_read(during)  # the web's enqueue fails: left to the sweep
        time.sleep(5.0)
        worker_lines = [r for r in caplog.records if _worker_problem(r)]
        assert len(worker_lines) == 1, [r.getMessage() for r in worker_lines]
        assert "queue unreachable" in worker_lines[0].getMessage()
        assert read_at(sessions, during) is None

        private_redis.start()
        back = time.monotonic()
        wait_for(lambda: read_at(sessions, during), timeout=30)
        took = time.monotonic() - back
    finally:
        consumer.stop(graceful=False)
    assert took < 10.0, f"read {took:.1f} s after Redis came back"  # before: the next minute
    worker_lines = [r.getMessage() for r in caplog.records if _worker_problem(r)]
    assert len(worker_lines) == 2, worker_lines
    assert "reachable again" in worker_lines[1]


def test_a_read_requested_during_the_outage_is_swept_at_once(
    private_redis: PrivateRedis,  # noqa: F811
    sessions,
    sqlite_db_url,
    tmp_path,
) -> None:
    """A Google read requested while the queue is down ("Refresh now") is not left marked as
    queued: the first sweep after the outage enqueues it, not the lost-message rule 5 min on."""
    config = config_for(sqlite_db_url, tmp_path, private_redis.url)
    with session_scope(sessions) as s:
        user_id = create_user(s, now=real_now()).id
    jobs = worker_jobs(config, sessions)
    private_redis.stop()
    assert jobs.request_read(user_id) is True  # recorded in the database; the enqueue failed
    with session_scope(sessions) as s:
        assert bg.stale_requests(s, real_now(), timedelta_minutes(5)) == [user_id]


def timedelta_minutes(n: int):
    from datetime import timedelta

    return timedelta(minutes=n)


def test_backoff_doubles_and_logs_once(caplog: pytest.LogCaptureFixture) -> None:
    swept: list[int] = []
    clock = iter(range(100))
    watch = QueueWatch(lambda: swept.append(1), clock=lambda: float(next(clock)))
    caplog.set_level(logging.INFO, logger="calfeed.background.outage")
    waits = [watch.failed(ConnectionError("Connection refused")) for _ in range(6)]
    assert waits == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    watch.succeeded()
    watch.succeeded()  # already up: nothing more
    assert swept == [1]
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        "queue unreachable",
        "queue reachable again after 1.0 s",
    ]


def test_healthz_reports_the_queue(
    private_redis: PrivateRedis,  # noqa: F811
    sqlite_db_url,
    tmp_path,
    now,
) -> None:
    """Queue down: 200 with "degraded" (pages and feeds still answer, so a load balancer keeps
    the instance), within the Redis timeouts; database down stays 503 (tests/web/test_faults.py)."""
    app = make_app(
        web_config(sqlite_db_url, tmp_path / "instance", queue_url=private_redis.url), now
    )
    client = app.test_client()
    answer = client.get("/healthz")
    assert (answer.status_code, answer.get_data(as_text=True)) == (200, "ok\n")
    private_redis.stop()
    started = time.monotonic()
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_data(as_text=True) == "degraded: queue unreachable\n"
    assert time.monotonic() - started < 3.0
    private_redis.start()
    assert client.get("/healthz").get_data(as_text=True) == "ok\n"


class _CutWhileRunning:
    """A Huey whose queue goes away while the dequeued task runs: the task is done, and Huey's
    bookkeeping after it (the revoke flag, the result) raises redis's ConnectionError."""

    class storage:
        blocking = True

    def __init__(self, error: Exception) -> None:
        self.error = error

    def dequeue(self) -> object:
        return type("Task", (), {"id": "t-1"})()

    def execute(self, task: object, now: object) -> None:
        raise self.error


def _one_loop(error: Exception) -> QueueWatch:
    import threading

    watch = QueueWatch(first_wait=0.0)
    worker_class = watched_consumer_classes(watch).worker_class
    worker = worker_class(_CutWhileRunning(error), threading.Event(), 0.1, 1.0, 2)
    worker.loop()
    return watch


def test_a_cut_during_a_task_is_the_outage_not_a_task_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Regression: Redis cut while a task ran (its revoke-flag delete failed) logged Huey's full
    "Unhandled error during execution" traceback beside the outage's one line (a CI run saw it)."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    caplog.set_level(logging.INFO)
    watch = _one_loop(RedisConnectionError("Error while reading from 127.0.0.1:58009"))
    assert watch.down
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == ["queue unreachable"]


def test_a_bookkeeping_bug_is_still_logged_as_one() -> None:
    """Anything else escaping Huey's execute is a bug, logged with its traceback as Huey does."""
    watch = _one_loop(ValueError("a bug"))
    assert not watch.down
