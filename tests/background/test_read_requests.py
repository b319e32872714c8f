"""The read-request bookkeeping as a model-based property test.

Any interleaving of requests (connect, notification, "Refresh now"), queue deliveries, finished
reads, lost messages and workers dying mid-read, followed by sweeps and a drained queue, ends with
every request satisfied by a read that started after it: nothing is lost. And a request is only
ever enqueued when no message for the user is waiting (the coalescing).
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from calfeed.background import reads
from calfeed.store import Base, create_user, make_session_factory, session_scope
from calfeed.store import background as bg
from tests.conftest import NOW
from tests.support.examples import examples


class Bookkeeping(RuleBasedStateMachine):
    """One user; the queue is a list of messages, workers are claims in progress."""

    def __init__(self) -> None:
        super().__init__()
        # in memory, one shared connection: fast enough for hundreds of runs
        self.engine = create_engine("sqlite://", poolclass=StaticPool)
        Base.metadata.create_all(self.engine)
        self.sessions = make_session_factory(self.engine)
        with session_scope(self.sessions) as s:
            self.user = create_user(s, google_email="ana@example.com", now=NOW).id
        self.now = NOW
        self.queue = 0  # messages waiting
        self.running: list[int] = []  # claimed values of reads in progress
        self.requested = 0  # requests made (the model's `wanted`)
        self.satisfied = 0  # highest request a finished read started after

    def tick(self, seconds: float = 1.0) -> None:
        self.now += timedelta(seconds=seconds)

    @rule()
    def request(self) -> None:
        self.tick()
        enqueue = reads.request(self.sessions, self.user, self.now)
        self.requested += 1
        if enqueue:
            self.queue += 1

    @precondition(lambda self: self.queue > 0)
    @rule()
    def deliver(self) -> None:
        self.tick()
        self.queue -= 1
        with session_scope(self.sessions) as s:
            claimed = bg.claim_read(s, self.user, self.now)
        if claimed is not None:
            self.running.append(claimed)

    @precondition(lambda self: self.running)
    @rule()
    def finish(self) -> None:
        self.tick()
        claimed = self.running.pop(0)
        with session_scope(self.sessions) as s:
            bg.finish_read(s, self.user, claimed)
        self.satisfied = max(self.satisfied, claimed)

    @precondition(lambda self: self.queue > 0)
    @rule()
    def lose_message(self) -> None:
        self.queue -= 1  # a Redis flush, a worker killed after taking it

    @precondition(lambda self: self.running)
    @rule()
    def die_mid_read(self) -> None:
        self.running.pop(0)  # kill -9: never finished

    @rule()
    def sweep(self) -> None:
        self.tick(reads.STALE_AFTER.total_seconds() + 1)
        self.running.clear()  # a read older than STALE_AFTER: assume its worker is gone
        self.queue += len(_lost(self))

    @invariant()
    def never_more_done_than_asked(self) -> None:
        with session_scope(self.sessions) as s:
            row = s.get(bg.SyncRequest, self.user)
            if row is not None:
                assert row.done <= row.wanted == self.requested

    @rule()
    def drain_and_check(self) -> None:
        """Sweeps and deliveries until nothing is wanted: then nothing was lost."""
        while self.running:
            self.finish()
        for _ in range(3):
            self.tick(reads.STALE_AFTER.total_seconds() + 1)
            self.queue += len(_lost(self))
            while self.queue:
                self.deliver()
                while self.running:
                    self.finish()
        assert self.satisfied == self.requested

    def teardown(self) -> None:
        self.engine.dispose()


def _lost(machine: Bookkeeping) -> list[int]:
    with session_scope(machine.sessions) as s:
        lost = bg.stale_requests(s, machine.now, reads.STALE_AFTER)
        for user_id in lost:
            bg.mark_queued(s, user_id, machine.now)
    return lost


Bookkeeping.TestCase.settings = settings(
    max_examples=examples(200), stateful_step_count=12, deadline=None
)
TestBookkeeping = Bookkeeping.TestCase
