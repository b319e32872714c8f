"""The task queue (Huey) and its tasks; why Huey: docs/dev/queue.md.

`CALFEED_QUEUE_URL` unset: a SQLite file in the instance folder (`queue.sqlite3`), shared by the
web and worker processes of one machine, nothing to install. `redis://...`: Redis, shared by any
number of processes on any number of machines. `immediate`: tasks run inside the caller (tests).

The tasks are thin: ids in, one `calfeed.background.reads` function called. A notification's read
waits `COALESCE` seconds on the queue, so a burst of notifications becomes one read.

A write of the user's calfeed calendar at Google (`calfeed.background.google_writes`)
is requested after every change that can alter follow-ups (a read that succeeded, a read of an
address, a mark, a correction, a setting); it waits `COALESCE` seconds too, and requests made
while one waits join it, so a burst of changes is one write.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

import redis
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from huey.exceptions import HueyException

from calfeed.background import fair, google_writes, ics_reads, reads
from calfeed.background.outage import QueueWatch, watched_consumer_classes
from calfeed.config import Config
from calfeed.store import SessionFactory, session_scope, signups
from calfeed.store import background as bg

log = logging.getLogger(__name__)

#: what a queue that cannot be reached raises (Redis down, the SQLite file locked for too long)
QUEUE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    sqlite3.Error,
    redis.RedisError,
    HueyException,
)

QUEUE_NAME = "calfeed"
QUEUE_FILE = "queue.sqlite3"
#: seconds a notification's read waits, so the notifications of one burst share it
COALESCE = 1.0
#: seconds to connect to Redis, and to wait for any answer (above the 1 s blocking pop)
REDIS_CONNECT_TIMEOUT = 2.0
REDIS_TIMEOUT = 5.0


@dataclass(frozen=True)
class JobContext:
    """What a task needs: configuration, database sessions and the clock."""

    config: Config
    sessions: SessionFactory
    clock: Callable[[], datetime]


def _describe(exc: BaseException) -> str:
    """An exception as one log-safe phrase."""
    from calfeed.logmask import clean_line

    text = clean_line(str(exc))
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def make_huey(config: Config, name: str = QUEUE_NAME) -> Huey:
    """The Huey instance for `config.queue_url` (built lazily by `Jobs`: no I/O before use)."""
    url = config.queue_url
    if url == "immediate":
        return MemoryHuey(name, immediate=True, results=False)
    if url:
        # timeouts: a Redis that stops answering (not only one that refuses) fails a poll within
        # seconds instead of hanging a worker thread or a web request (the blocking pop waits 1 s)
        pool = redis.ConnectionPool.from_url(
            url, socket_connect_timeout=REDIS_CONNECT_TIMEOUT, socket_timeout=REDIS_TIMEOUT
        )
        return RedisHuey(name, connection_pool=pool, results=False)
    config.instance_path.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(config.instance_path / QUEUE_FILE), results=False)


#: whether the last pruning failed (one warning per outage, not one a minute)
_PRUNE_FAILING: list[bool] = [False]


def prune_empty_accounts(ctx: JobContext) -> int:
    """Delete the accounts left empty past their grace (`calfeed.store.signups`): a sign-up
    flood leaves nothing behind. A failure is one line per outage; every sweep tries again."""
    try:
        with session_scope(ctx.sessions) as s:
            pruned = signups.prune(s, ctx.clock())
    except Exception as exc:  # noqa: BLE001 - e.g. a read-only database: the reads go on
        if not _PRUNE_FAILING[0]:
            log.warning("pruning empty accounts failed: %s", _describe(exc))
        _PRUNE_FAILING[0] = True
        return 0
    if _PRUNE_FAILING[0]:
        log.info("pruning empty accounts works again")
        _PRUNE_FAILING[0] = False
    if pruned:
        log.info("pruned %s empty accounts", pruned)
    return pruned


class Jobs:
    """The queue of one process: enqueue reads from the web, run them in a worker."""

    def __init__(
        self, config: Config, context: Callable[[], JobContext], *, name: str | None = None
    ) -> None:
        self.config = config
        self._context = context
        self._name = name or config.queue_name

    @property
    def embedded(self) -> bool:
        """The default SQLite queue: `calfeed serve` then runs a worker in its own process."""
        return not self.config.queue_url

    @property
    def immediate(self) -> bool:
        return self.config.queue_url == "immediate"

    @cached_property
    def huey(self) -> Huey:
        huey = make_huey(self.config, self._name)
        self._register(huey)
        return huey

    def _register(self, huey: Huey) -> None:
        context = self._context

        def read(user_id: int, attempt: int = 0) -> str:
            ctx = context()
            try:
                outcome = reads.run_read(
                    ctx.sessions, ctx.config, user_id, ctx.clock(), attempt=attempt
                )
            except Exception as exc:  # a bug or a broken database: one masked line, then retried
                log.error("read of user %s broke: %s", user_id, _describe(exc))
                again = reads.backoff(attempt) if attempt + 1 < reads.RETRY_ATTEMPTS else None
                outcome = reads.ReadOutcome(user_id, "broke", retry_in=again)  # then: the sweep
            if outcome.retry_in is not None:
                self._later(user_id, attempt + (outcome.status != "busy"), outcome.retry_in)
            if outcome.status == "ok":  # the follow-ups may have changed; the read
                self.request_write(user_id, coalesce=False)  # was one per burst already
            return outcome.status

        def read_source(source_id: int) -> str:
            """One calendar read by its secret address (`calfeed.background.ics_reads`); when
            its user's fair share of the worker is taken, back on the queue for a moment."""
            ctx = context()
            try:
                status = ics_reads.read_source_now(ctx.sessions, ctx.config, source_id, ctx.clock())
            except Exception as exc:  # a bug or a broken database: one masked line; the sweep
                log.error("read of calendar %s broke: %s", source_id, _describe(exc))
                return "broke"
            if status == "busy" and not self.immediate:
                self._source_task.schedule(args=(source_id,), delay=fair.BUSY_DELAY)
            if status == "read":  # new events may mean new follow-ups
                self._write_source_owner(source_id)
            return status

        def write(user_id: int, attempt: int = 0) -> str:
            """Bring the user's calfeed calendar at Google up to date."""
            ctx = context()
            try:
                outcome = google_writes.run_write(
                    ctx.sessions, ctx.config, user_id, ctx.clock(), attempt=attempt
                )
            except Exception as exc:  # a bug or a broken database: one masked line; the sweep
                log.error("google write of user %s broke: %s", user_id, _describe(exc))
                return "broke"
            if outcome.retry_in is not None:
                self._write_later(user_id, attempt + (outcome.status != "busy"), outcome.retry_in)
            return outcome.status

        def sweep() -> int:
            ctx = context()
            users = reads.sweep(ctx.sessions, ctx.config, ctx.clock())
            for user_id in users:
                self._read(user_id, 0)
            sources = ics_reads.due_source_ids(ctx.sessions, ctx.clock())
            for source_id in sources:
                self.request_source_read(source_id)
            writes = google_writes.sweep(ctx.sessions, ctx.clock())  # lost messages
            for user_id in writes:
                self._write(user_id, 0)
            prune_empty_accounts(ctx)
            return len(users) + len(sources) + len(writes)

        self._read_task = huey.task(name="read")(read)
        self._source_task = huey.task(name="read_source")(read_source)
        self._write_task = huey.task(name="write_google")(write)
        self._sweep_task = huey.periodic_task(crontab(minute="*"), name="sweep")(sweep)

    # --- enqueueing -----------------------------------------------------------------------------

    def _read(self, user_id: int, attempt: int, delay: float = 0.0) -> None:
        self.huey  # noqa: B018 - builds the queue and registers the tasks on first use
        try:
            if delay and not self.immediate:
                self._read_task.schedule(args=(user_id, attempt), delay=delay)
            else:
                self._read_task(user_id, attempt)
        except QUEUE_ERRORS as exc:  # the request is in the database: the sweep enqueues it later
            log.warning("queue unavailable, read of user %s left to the sweep: %s", user_id, exc)
            self._not_queued(user_id)

    def _not_queued(self, user_id: int) -> None:
        """The message never reached the queue: say so in the database, so the first sweep
        after the outage enqueues the read at once (not after the "lost message" wait)."""
        try:
            ctx = self._context()
            with session_scope(ctx.sessions) as s:
                bg.unmark_queued(s, user_id)
        except Exception as exc:  # noqa: BLE001 - the lost-message rule still finds it later
            log.warning("read of user %s stays marked queued: %s", user_id, _describe(exc))

    def _later(self, user_id: int, attempt: int, delay: float) -> None:
        if self.immediate:
            return  # immediate mode has no clock to wait on: the sweep asks again
        ctx = self._context()
        with session_scope(ctx.sessions) as s:
            bg.mark_queued(s, user_id, ctx.clock())
        self._read_task.schedule(args=(user_id, attempt), delay=delay)

    def request_read(self, user_id: int, *, coalesce: bool = False) -> bool:
        """Ask for a read of the user (connect, notification, schedule); True when a task was
        put on the queue, False when one already waiting covers it."""
        ctx = self._context()
        if not reads.request(ctx.sessions, user_id, ctx.clock()):
            return False
        self._read(user_id, 0, COALESCE if coalesce else 0.0)
        return True

    def request_write(self, user_id: int, *, coalesce: bool = True) -> bool:
        """The user's follow-ups may have changed: write the difference to their
        calfeed calendar at Google (coalesced: False when a waiting task covers it, or when
        nothing is written for this user). Never raises: a write must not block the caller."""
        ctx = self._context()
        try:
            if not google_writes.request(ctx.sessions, user_id, ctx.clock()):
                return False
        except Exception as exc:  # the database refused: the next change asks again
            log.warning("google write of user %s not requested: %s", user_id, _describe(exc))
            return False
        self._write(user_id, 0, COALESCE if coalesce else 0.0)
        return True

    def _write(self, user_id: int, attempt: int, delay: float = 0.0) -> None:
        self.huey  # noqa: B018 - builds the queue and registers the tasks on first use
        try:
            if delay and not self.immediate:
                self._write_task.schedule(args=(user_id, attempt), delay=delay)
            else:
                self._write_task(user_id, attempt)
        except QUEUE_ERRORS as exc:  # wanted in the database: the sweep enqueues it later
            log.warning("queue unavailable, write of user %s left to the sweep: %s", user_id, exc)

    def _write_later(self, user_id: int, attempt: int, delay: float) -> None:
        if self.immediate:
            return  # no clock to wait on: the sweep asks again
        ctx = self._context()
        google_writes.mark_queued(ctx.sessions, user_id, ctx.clock())
        self._write(user_id, attempt, delay)

    def _write_source_owner(self, source_id: int) -> None:
        ctx = self._context()
        user_id = google_writes.source_owner(ctx.sessions, source_id)
        if user_id is not None:
            self.request_write(user_id)

    def request_source_read(self, source_id: int) -> None:
        """Read a calendar by address in a worker (the read itself checks it is due,
        so a second request while one waits costs one cheap skip)."""
        self.huey  # noqa: B018 - builds the queue and registers the tasks on first use
        try:
            self._source_task(source_id)
        except QUEUE_ERRORS as exc:  # still due in the database: the next sweep enqueues it
            log.warning("queue unavailable, calendar %s left to the sweep: %s", source_id, exc)

    def refresh_now(self, user_id: int) -> bool:
        """ "Refresh now" from the dashboard; False when rate-limited."""
        ctx = self._context()
        enqueue = reads.request_manual(ctx.sessions, user_id, ctx.clock())
        if enqueue is None:
            return False
        if enqueue:
            self._read(user_id, 0)
        return True

    def sweep_now(self) -> int:
        """Run the periodic sweep once, here (tests, `calfeed worker --once`)."""
        self.huey  # noqa: B018 - registers the tasks
        return int(self._sweep_task.call_local())

    # --- running --------------------------------------------------------------------------------

    def consumer(self, workers: int = 2, **options: Any) -> Consumer:
        """Huey's consumer, with `calfeed.background.outage`'s rules for a queue that is down:
        backoff, one log line each way, and a sweep at once when it is back."""
        options.setdefault("worker_type", "thread")
        options.setdefault("periodic", True)
        options.setdefault("max_delay", 1.0)  # an idle worker looks for work at least every second
        self.huey  # noqa: B018 - registers the tasks before the consumer reads them
        consumer_class = watched_consumer_classes(self.watch)
        consumer: Consumer = consumer_class(self.huey, workers=workers, **options)
        return consumer

    @cached_property
    def watch(self) -> QueueWatch:
        """This process's view of the queue's health (the worker reports to it)."""
        return QueueWatch(on_recovery=self.sweep_now)

    def reachable(self) -> bool:
        """Whether the queue answers now (`/healthz`): a Redis PING within the timeouts; the
        SQLite file and immediate mode are local and always reachable."""
        if self.immediate or self.embedded:
            return True
        try:
            return bool(self.huey.storage.conn.ping())
        except QUEUE_ERRORS:
            return False

    def start_in_process(self, workers: int = 2) -> Consumer:
        """Worker threads inside this process (`calfeed serve`, `flask run`), without taking over
        its signal handlers; stop with `consumer.stop()`."""
        consumer = self.consumer(workers, check_worker_health=False)
        consumer.scheduler.start()
        for _worker, thread in consumer.worker_threads:
            thread.start()
        log.info("calfeed: %d worker thread(s) on the embedded queue", workers)
        return consumer

    def flush(self) -> None:
        """Drop everything queued (tests; a distinct queue name keeps other queues untouched)."""
        self.huey.flush()
