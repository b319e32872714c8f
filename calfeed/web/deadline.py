"""A hard deadline for work a waiting client must not wait out (issue 7, point 3).

A feed poll may read Google, and Google may hang (20 s per call was seen). `run_bounded` runs the
read in a daemon thread and waits at most `seconds`: the poll then answers with what is stored
(the last good feed) while the read finishes, or fails, on its own; its result is stored as usual
and serves the next poll. The read records its attempt when it starts (`sync.sync_user`), so the
polls that follow do not start another one while it runs, and a read killed with its worker is
not retried by every poll.

Self-contained on purpose: when Google reads leave the poll for a background worker, this stays
as the backstop around whatever the poll still calls.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass
class Outcome(Generic[T]):
    """What the bounded call did: `done` with `value` or `error`, or still running."""

    done: bool = False
    value: T | None = None
    error: BaseException | None = None


def run_bounded(call: Callable[[], T], seconds: float, *, name: str = "bounded") -> Outcome[T]:
    """Run `call` in a daemon thread and wait at most `seconds` for it.

    Returns the Outcome as it stands at the deadline: an exception `call` raised is handed back
    (never raised here), and a call still running goes on in the background; whatever it raises
    later is logged by type only (it may hold data that must not reach a log).
    """
    outcome: Outcome[T] = Outcome()
    finished = threading.Event()
    late = threading.Event()

    def run() -> None:
        try:
            outcome.value = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, or logged if late
            outcome.error = exc
            if late.is_set():
                log.warning("%s failed after its deadline: %s", name, type(exc).__name__)
        finally:
            outcome.done = True
            finished.set()

    thread = threading.Thread(target=run, name=f"calfeed-{name}", daemon=True)
    thread.start()
    if not finished.wait(seconds):
        late.set()
        if not finished.is_set():
            log.warning("%s still running after %.1f s; answering without it", name, seconds)
            return Outcome()
    return outcome
