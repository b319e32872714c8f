"""One Calendar API budget for every worker, so Google's limiter never bites.

GCRA spaces calls: in any window of W seconds a key passes at most rate * (W + burst) + 1 calls.
In process (the embedded queue's worker threads) and on Redis (any number of processes).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace

import pytest
import redis
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from calfeed.adapters.quota import LocalLimiter, Quota, RedisLimiter, quota_for
from calfeed.background import google_writes, sync
from calfeed.store import google_delivery as gd
from calfeed.store import make_engine, make_session_factory, session_scope
from tests.support.background import REDIS_URL, connect
from tests.support.google_fake import interview_event


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@given(
    st.lists(st.tuples(st.integers(1, 50), st.floats(0, 2)), min_size=1, max_size=60),
    st.integers(60, 6000),
)
def test_in_any_window_the_local_limiter_passes_at_most_its_rate(requests, per_minute):
    clock = Clock()
    limiter = LocalLimiter(clock=clock, burst=1.0)
    sent: list[tuple[float, int]] = []  # (when the calls go out, how many)
    for calls, gap in requests:
        clock.now += gap
        wait = limiter.reserve("project", calls, per_minute)
        sent.append((clock.now + wait, calls))
    rate = per_minute / 60
    for start, _ in sent:
        window = [(t, n) for t, n in sent if start <= t < start + 1.0]
        # a reservation of n calls is one slot of n calls: allow the largest one on top
        biggest = max(n for _, n in window)
        assert sum(n for _, n in window) <= rate * (1.0 + 1.0) + biggest + 1e-6


def test_two_processes_share_one_budget_on_redis():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip("Redis not reachable")
    prefix = f"calfeed:quota:test_{uuid.uuid4().hex[:8]}"
    one = RedisLimiter(redis.Redis.from_url(REDIS_URL), prefix, burst=0.0)
    two = RedisLimiter(redis.Redis.from_url(REDIS_URL), prefix, burst=0.0)
    waits = [lim.reserve("project", 1, 600) for _ in range(10) for lim in (one, two)]
    # 20 calls at 10 a second, both limiters drawing from one key: the last waits about 1.9 s
    assert waits[0] == pytest.approx(0.0, abs=0.05)
    assert waits[-1] == pytest.approx(1.9, abs=0.1)
    assert waits == sorted(waits)


def test_quota_for_shares_one_limiter_per_deployment(google_config):
    assert quota_for(google_config).limiter is quota_for(google_config).limiter
    on_redis = replace(google_config, queue_url=REDIS_URL)
    assert isinstance(quota_for(on_redis).limiter, RedisLimiter)


def test_two_workers_writing_many_users_never_meet_googles_limiter(
    db_url, google_config, fake_google, now
):
    """Scaled down from the benchmark (bench/google_write_scale.py): 8 users at once."""
    config = replace(google_config, google_quota_per_minute=900, queue_name="quota_test")
    sessions = make_session_factory(make_engine(db_url))
    users = []
    for n in range(8):
        email = f"user{n}@example.com"
        user = connect(fake_google, config, sessions, email, quick=True, write=True)
        for i in range(3):
            day = f"2026-11-{27 + i}"
            fake_google.put_event(
                email, interview_event(f"ev{i}", f"Interview - Acme{i}", day, (email, "Me"))
            )
        assert sync.sync_user(sessions, user, config=config, now=now).ok
        users.append(user)
    fake_google.limit_rate(40, 1.0)  # Google's project limit, scaled: 40 calls in any second
    quota = Quota(LocalLimiter(), 900, 500)  # calfeed's: 15 a second, shared by both workers
    outcomes: list[str] = []

    def worker(mine: list[int]) -> None:
        for user in mine:
            google_writes.request(sessions, user, now)
            outcome = google_writes.run_write(sessions, config, user, now, quota=quota)
            outcomes.append(outcome.status)

    threads = [threading.Thread(target=worker, args=(users[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert outcomes == ["ok"] * len(users)
    assert fake_google.rate_limited == 0
    with session_scope(sessions) as s:
        written = s.scalar(select(func.count()).select_from(gd.GoogleWrittenEvent))
    assert written == sum(
        len(fake_google.live_events(fake_google.app_calendars(f"user{n}@example.com")[0].id))
        for n in range(8)
    )


def test_reads_draw_from_the_budget_writes_draw_from(db_url, google_config, fake_google, now):
    """A worker's reads reserve their calls in the project's budget and the user's, as writes do,
    so reads and writes together stay under Google's limiter."""
    config = replace(google_config, queue_name=f"reads_{uuid.uuid4().hex[:8]}")
    sessions = make_session_factory(make_engine(db_url))
    user = connect(fake_google, config, sessions, "reader@example.com", quick=True)
    limiter = quota_for(config).limiter
    assert isinstance(limiter, LocalLimiter) and limiter._tat == {}
    fake_google.reset_requests()
    assert sync.sync_user(sessions, user, config=config, now=now).ok
    calls = [r for r in fake_google.requests if r.path.startswith("/calendar/v3/")]
    assert calls and set(limiter._tat) == {"project", f"user:{user}"}
