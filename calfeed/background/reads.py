"""The background reads of Google, as service functions the queue's tasks call.

Every Google read runs here, in a worker, never in a feed poll or a page. The tasks are thin (a user
id in, one of these functions called); what makes the queue safe to lose lives in the database
(`calfeed.store.background`): a request bumps `wanted`, a finished read sets `done`, and the
periodic `sweep` finds wanted reads whose queue message vanished. One read per user at a time
across every process is the store's per-user lock, which `run_read` holds for the whole read.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from calfeed.config import Config
from calfeed.errors import CalfeedError, GoogleError, NotFound
from calfeed.store import SessionFactory, engine_of, session_scope, user_sync_lock
from calfeed.store import background as bg

log = logging.getLogger(__name__)

#: a task already queued for the user absorbs further requests (coalescing) for this long; after
#: it, a request enqueues anew (the message may have been lost)
REQUEUE_AFTER = timedelta(minutes=5)
#: a wanted read neither queued nor running for this long had its message lost: enqueue again
STALE_AFTER = timedelta(minutes=5)
#: retries of a read Google failed (after the client's own short retries): waits 30 s, 1, 2, 4 min
RETRY_BASE = 30.0
RETRY_ATTEMPTS = 4
#: users whose every selected calendar has a live watch channel hear of changes by notification:
#: their safety-net read comes daily (or every CALFEED_REFRESH_INTERVAL, if that is longer), which
#: keeps Google requests per user per day at most changes + 2 (bench/push_quota.py)
WATCHED_INTERVAL = timedelta(hours=24)
#: "Refresh now" at most once per this
MANUAL_EVERY = timedelta(minutes=1)
#: another process holds the user's lock: look again after this many seconds
BUSY_DELAY = 2.0


@dataclass(frozen=True)
class ReadOutcome:
    """What one task did: `status` from `sync.SyncResult` or "nothing" (no read was wanted);
    `retry_in` seconds when the task must run again later."""

    user_id: int
    status: str
    retry_in: float | None = None
    requests: int = 0


def request(sessions: SessionFactory, user_id: int, now: datetime) -> bool:
    """Ask for a read of the user; True when the caller must put a task on the queue."""
    with session_scope(sessions) as s:
        return bg.request_read(s, user_id, now, REQUEUE_AFTER)


def backoff(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds before retry number `attempt` (0-based): exponential, with jitter (half to full)."""
    full = RETRY_BASE * 2**attempt
    return (rng or random.Random()).uniform(full / 2, full)  # noqa: S311 - jitter


def run_read(
    sessions: SessionFactory,
    config: Config,
    user_id: int,
    now: datetime,
    *,
    attempt: int = 0,
) -> ReadOutcome:
    """One background read of a user's Google calendars (the queue's read task calls this alone).

    The steps, in order: claim the requests made so far; take the user's lock (one Google
    conversation per user, across every process); read every selected calendar and store what
    changed; open or renew the watch channels, still under the lock; finish the claimed requests,
    or schedule a retry (backoff for a failure, soon when another process holds the lock). A
    worker killed anywhere in between leaves the requests wanted, and `sweep` enqueues them again.
    """
    from calfeed.background import (  # imported late: Google's client libraries are heavy to load
        push,
        sync,
    )

    # 1. claim
    with session_scope(sessions) as s:
        claimed = bg.claim_read(s, user_id, now)
    if claimed is None:
        return ReadOutcome(user_id, "nothing")
    try:
        # 2. lock
        with user_sync_lock(engine_of(sessions), user_id, now) as taken:
            if not taken:
                return ReadOutcome(user_id, "busy", retry_in=BUSY_DELAY)
            # 3. read and store
            result = sync.read_user(sessions, user_id, config=config, now=now)
            # 4. watch (push is an optimisation: the schedule still reads without it)
            if result.ok:
                try:
                    push.ensure_channels(sessions, config, user_id, now)
                except CalfeedError as exc:
                    log.warning("watch channels of user %s: %s", user_id, type(exc).__name__)
    except NotFound:  # deleted meanwhile: its rows are gone with it
        return ReadOutcome(user_id, "gone")
    except GoogleError as exc:
        log.warning("google read of user %s failed: %s", user_id, type(exc).__name__)
        return _failed(sessions, user_id, claimed, attempt, 0)
    # 5. finish
    if result.status == "failed":  # the reason is stored (the dashboard shows it), not logged:
        # it names calendars, which are often e-mail addresses
        log.warning("google read of user %s failed; its stored events are kept", user_id)
        return _failed(sessions, user_id, claimed, attempt, result.requests)
    with session_scope(sessions) as s:
        bg.finish_read(s, user_id, claimed)
    return ReadOutcome(user_id, result.status, requests=result.requests)


def _failed(
    sessions: SessionFactory, user_id: int, claimed: int, attempt: int, requests: int
) -> ReadOutcome:
    if attempt + 1 < RETRY_ATTEMPTS:
        return ReadOutcome(user_id, "failed", retry_in=backoff(attempt), requests=requests)
    with session_scope(sessions) as s:  # give up until the next scheduled read
        bg.finish_read(s, user_id, claimed)
    return ReadOutcome(user_id, "failed", requests=requests)


def sweep(sessions: SessionFactory, config: Config, now: datetime) -> list[int]:
    """The periodic safety net: users to enqueue a read for (lost messages, due schedule, channels
    about to expire). Requests are recorded here; the caller enqueues the returned users."""
    from calfeed.background import push

    interval = timedelta(seconds=config.refresh_interval)
    watched = max(interval, WATCHED_INTERVAL)
    with session_scope(sessions) as s:
        lost = bg.stale_requests(s, now, STALE_AFTER)
        due = bg.due_for_schedule(s, now, interval, watched)
        renew = bg.users_with_expiring_channels(s, now, push.RENEW_BEFORE)
    enqueue: list[int] = []
    with session_scope(sessions) as s:
        for user_id in lost:
            bg.mark_queued(s, user_id, now)
            enqueue.append(user_id)
        for user_id in sorted(set(due) | set(renew)):
            if user_id not in enqueue and bg.request_read(s, user_id, now, REQUEUE_AFTER):
                enqueue.append(user_id)
    return enqueue


def request_manual(sessions: SessionFactory, user_id: int, now: datetime) -> bool | None:
    """ "Refresh now": None when rate-limited, else whether a task must be enqueued."""
    with session_scope(sessions) as s:
        if not bg.take_manual_slot(s, user_id, now, MANUAL_EVERY):
            return None
        return bg.request_read(s, user_id, now, REQUEUE_AFTER)


def status(sessions: SessionFactory, user_id: int) -> bg.ReadStatus:
    with session_scope(sessions) as s:
        return bg.read_status(s, user_id)
