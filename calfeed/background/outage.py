"""Riding out a queue outage in the worker: backoff, one log line each way, a sweep on recovery.

Huey's consumer logs a full traceback for every failed poll of the queue (each worker thread
about once a second, the scheduler as often), so a Redis cut of a few minutes once wrote 332
error lines, and it polls at the same pace however long the outage lasts. And nothing it does on
recovery looks at what happened meanwhile: a calendar added or a "Refresh now" pressed during the
outage is in the database (the web recorded it) but its queue message was never sent, so it
waited for the minute sweep's "lost message" rule (up to 6 minutes).

`QueueWatch` is shared by the worker threads and the scheduler of one consumer:
- the first failure logs one warning (the masked cause), later ones nothing; every poll then
  waits a backoff that doubles from `FIRST_WAIT` to `LONGEST_WAIT` (shared, so two threads and
  the scheduler do not each hammer a dead server);
- a task that ran while the queue went away fails in Huey's bookkeeping after it (storing the
  result, clearing the revoke flag): that is the same outage, not a task error, and counts so;
- the first success after failures logs one line (how long, how many polls failed) and runs the
  sweep at once (`on_recovery`), which enqueues everything due or wanted, so a change made
  during the outage is read within seconds of the queue coming back.

`watched_consumer_classes` gives Huey's Worker and Scheduler with these rules (Huey's own loops,
with the error handling replaced); `Jobs.consumer` uses them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from huey.consumer import Consumer, Scheduler, Worker
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

#: seconds between polls of an unreachable queue: doubling from the first to the longest, so an
#: outage of minutes costs a few dozen polls and the recovery is seen within `LONGEST_WAIT`
FIRST_WAIT = 0.5
LONGEST_WAIT = 4.0

#: what a call to the queue raises when the queue itself is unreachable, not a task's failure
QUEUE_DOWN: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)


class QueueWatch:
    """The queue's health as the worker sees it (see the module docstring)."""

    def __init__(
        self,
        on_recovery: Callable[[], object] | None = None,
        *,
        first_wait: float = FIRST_WAIT,
        longest_wait: float = LONGEST_WAIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_recovery = on_recovery
        self._first, self._longest = first_wait, longest_wait
        self._clock = clock
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._failures = 0
        self._wait = first_wait

    @property
    def down(self) -> bool:
        with self._lock:
            return self._down_since is not None

    def failed(self, exc: BaseException) -> float:
        """A poll failed: seconds to wait before the next one (logs only the outage's first)."""
        with self._lock:
            self._failures += 1
            if self._down_since is None:
                self._down_since = self._clock()
                self._wait = self._first
                first = True
            else:
                self._wait = min(self._wait * 2, self._longest)
                first = False
            wait = self._wait
        if first:
            log.warning(
                "queue unreachable (%s); retrying with backoff up to %g s, pages keep answering",
                _describe(exc),
                self._longest,
            )
        return wait

    def succeeded(self) -> None:
        """A poll worked: if the queue was down, log its return once and sweep at once."""
        with self._lock:
            if self._down_since is None:
                return
            lasted = self._clock() - self._down_since
            failures = self._failures
            self._down_since, self._failures, self._wait = None, 0, self._first
        log.warning(
            "queue reachable again after %.1f s (%d polls failed); sweeping now", lasted, failures
        )
        if self._on_recovery is not None:
            try:
                self._on_recovery()
            except Exception as exc:  # noqa: BLE001 - the minute sweep remains the safety net
                log.warning("sweep after the outage failed: %s", _describe(exc))


def _describe(exc: BaseException) -> str:
    from calfeed.logmask import clean_line

    text = clean_line(str(exc))[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def watched_consumer_classes(watch: QueueWatch) -> type[Consumer]:
    """A Huey Consumer whose worker threads and scheduler report to `watch`."""

    class WatchedWorker(Worker):
        def loop(self, now: Any = None) -> None:
            try:
                task = self.huey.dequeue()
            except Exception as exc:  # noqa: BLE001 - Huey's own loop catches everything too
                self.stop_flag.wait(watch.failed(exc))
                return
            watch.succeeded()
            if task is not None:
                self.delay = self.default_delay
                try:
                    self.huey.execute(task, now)
                except QUEUE_DOWN as exc:
                    # Huey catches the task's own errors; what escapes is its bookkeeping in the
                    # queue after the task ran (the result, the revoke flag): the same outage
                    self.stop_flag.wait(watch.failed(exc))
                except Exception:  # noqa: BLE001 - as Huey: one line, the worker goes on
                    self._logger.exception("Unhandled error during execution of task %s.", task.id)
            elif not self.huey.storage.blocking:
                self.sleep()

    class WatchedScheduler(Scheduler):
        _next_loop: float
        _next_periodic: float

        def loop(self, now: Any = None) -> None:
            current = self._next_loop
            self._next_loop += self.interval
            if self._next_loop < time.monotonic():
                self._next_loop = time.monotonic()
                return
            try:
                for task in self.huey.read_schedule(now):
                    self.huey.enqueue(task)
                if self.periodic and self._next_periodic <= time.monotonic():
                    while self._next_periodic <= time.monotonic():
                        self._next_periodic += self.periodic_task_seconds
                    for task in self.huey.read_periodic(now):
                        self.huey.enqueue(task)
            except Exception as exc:  # noqa: BLE001 - the queue is down: wait, then look again
                self.stop_flag.wait(watch.failed(exc))
                return
            watch.succeeded()
            self.sleep_for_interval(current, self.interval)

    class WatchedConsumer(Consumer):
        worker_class = WatchedWorker
        scheduler_class = WatchedScheduler

    return WatchedConsumer
