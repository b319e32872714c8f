"""A fair share of the worker for every user: at most `bound` calendar reads of one user at once.

The worker has a few threads for everyone. One user with many slow addresses (each may take the
whole fetch deadline) could otherwise fill every thread, and every other user's read, Google's
"Refresh now" included, would wait behind them (six such addresses held both threads for minutes).
So a calendar read first takes one of its user's slots: in this process (`UserSlots`, exact) and
across processes (the user's live claims in the database, `ics_sources.live_claims`). A read that
finds its user's slots taken does not wait in its thread: the task goes back on the queue for a
moment (`BUSY_DELAY`) and the thread takes the next task, which is usually someone else's.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

#: seconds before a read whose user's slots were all taken is tried again
BUSY_DELAY = 1.0


class UserSlots:
    """Per-user counters of the reads running in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: Counter[int] = Counter()

    @contextmanager
    def take(self, user_id: int, bound: int) -> Iterator[bool]:
        """Yields True with a slot held for the block, False (and nothing held) when the user
        already has `bound` reads running here."""
        with self._lock:
            if self._running[user_id] >= bound:
                got = False
            else:
                self._running[user_id] += 1
                got = True
        try:
            yield got
        finally:
            if got:
                with self._lock:
                    self._running[user_id] -= 1
                    if self._running[user_id] <= 0:
                        del self._running[user_id]

    def running(self, user_id: int) -> int:
        with self._lock:
            return self._running[user_id]


#: the slots of this process (every worker thread of it shares them)
SLOTS = UserSlots()
