"""Benchmark: Google requests per user per day at steady state, polling versus push.

A simulated day (virtual clock) runs the real service code against the fake Google on loopback:

- push (what calfeed does): every read runs from the worker's code (`reads.sweep` each minute, then
  `reads.run_read`); a change at Google is announced on the user's watch channel and its verified
  notification asks for a read; the safety net reads a watched user daily (`reads.WATCHED_INTERVAL`;
  CALFEED_REFRESH_INTERVAL, 6 h, for users without a live channel); channels
  are renewed a day before they expire (7 days); the weekly full read comes due for 1/7 of users.
  Steady state: last reads, channel ages and last full reads are spread evenly before the day.
- polling (before push, the baseline): a calendar app polls every 15 minutes (Apple's
  default) and a poll past the 300 s refresh interval read Google (`sync.sync_user`), as the feed
  poll did. Measured on a sample of users (each poll costs the same read; the per-user figure does
  not depend on how many users share the day).

Each user has one calendar and a few changes during the day (0..6, 3 on average). Prints requests
per user per day for both, the target (changes + 2) and the ratio.

    .venv/bin/python bench/push_quota.py [--users 1000] [--poll-users 50] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import update  # noqa: E402

from calfeed import store  # noqa: E402
from calfeed.background import push, reads, sync  # noqa: E402
from calfeed.config import Config, load_config  # noqa: E402
from calfeed.store import background as bg  # noqa: E402
from calfeed.store import session_scope  # noqa: E402
from tests.support.background import connect  # noqa: E402
from tests.support.factories import google_event  # noqa: E402
from tests.support.fake_google import FakeGoogle  # noqa: E402

T0 = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
DAY = timedelta(days=1)
POLL_EVERY = timedelta(minutes=15)
OLD_REFRESH = timedelta(seconds=300)


def _config(fake: FakeGoogle, folder: Path, url: str) -> Config:
    return load_config(
        {
            "CALFEED_ENV": "test",
            "CALFEED_INSTANCE_PATH": str(folder),
            "CALFEED_SECRET_KEY": "bench",
            "CALFEED_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "CALFEED_DATABASE_URL": url,
            **fake.env(),
            "CALFEED_BASE_URL": "https://calfeed.example",  # channels are opened; delivery is ours
        }
    )


def _event(n: int) -> dict:
    start = T0 + timedelta(days=3 + n % 30, hours=n % 9)
    return google_event(f"Interview with Jane Doe (Acme {n}) - Analyst", start, event_id=f"e{n}")


def _setup(users: int, rng: random.Random) -> tuple[FakeGoogle, Config, store.SessionFactory, dict]:
    fake = FakeGoogle().start()
    fake.push_enabled = False  # we deliver notifications ourselves, through push.verify
    folder = Path(tempfile.mkdtemp(prefix="calfeed-bench-"))
    url = f"sqlite:///{folder / 'calfeed.sqlite3'}"
    store.upgrade(url)
    config = _config(fake, folder, url)
    sessions = store.make_session_factory(store.make_engine(url))
    ids = {}
    for i in range(users):
        email = f"user{i:04d}@example.com"
        fake.add_user(email)
        fake.put_event(email, _event(i))
        ids[email] = connect(fake, config, sessions, email, quick=True)
    return fake, config, sessions, ids


def _first_reads(config: Config, sessions, ids: dict, rng: random.Random) -> None:
    """Connect-time reads (not counted), then spread the state as a long-running service has it."""
    for user_id in ids.values():
        reads.request(sessions, user_id, T0 - DAY)
        reads.run_read(sessions, config, user_id, T0 - DAY)
    with session_scope(sessions) as s:
        for user_id in ids.values():
            s.execute(
                update(store.User)
                .where(store.User.id == user_id)
                .values(last_sync_attempt_at=T0 - timedelta(seconds=rng.uniform(0, 6 * 3600)))
            )
            s.execute(
                update(store.Calendar)
                .where(store.Calendar.user_id == user_id)
                .values(last_full_read_at=T0 - timedelta(days=rng.uniform(0, 7)))
            )
            s.execute(
                update(bg.WatchChannel)
                .where(bg.WatchChannel.user_id == user_id)
                .values(expires_at=T0 + timedelta(days=rng.uniform(0, 7)))
            )


def _changes(ids: dict, rng: random.Random) -> list[tuple[datetime, str]]:
    plan = []
    for email in ids:
        for _ in range(rng.choice([0, 1, 2, 3, 3, 4, 5, 6])):
            plan.append((T0 + timedelta(seconds=rng.uniform(0, DAY.total_seconds())), email))
    return sorted(plan)


def push_day(users: int, seed: int) -> tuple[float, float]:
    rng = random.Random(seed)
    fake, config, sessions, ids = _setup(users, rng)
    try:
        _first_reads(config, sessions, ids, rng)
        plan = _changes(ids, rng)
        fake.reset_requests()
        counter = users
        minute = T0
        for moment, email in [*plan, (T0 + DAY, "")]:
            while minute <= moment and minute < T0 + DAY:  # the minute sweep
                for user_id in reads.sweep(sessions, config, minute):
                    reads.run_read(sessions, config, user_id, minute)
                minute += timedelta(minutes=1)
            if not email:
                break
            counter += 1
            fake.put_event(email, _event(counter))
            for channel in fake.channels().values():  # Google's notification, verified as the
                if channel["email"] != email:  # route does, then the read it asks for
                    continue
                found = push.verify(
                    sessions,
                    {
                        "x-goog-channel-id": channel["id"],
                        "x-goog-channel-token": channel["token"],
                        "x-goog-resource-id": channel["resource_id"],
                        "x-goog-resource-state": "exists",
                    },
                )
                assert found is not None and found.user_id == ids[email]
                if reads.request(sessions, found.user_id, moment):
                    reads.run_read(sessions, config, found.user_id, moment)
        requests = len(fake.api_requests())
    finally:
        fake.stop()
    return requests / users, len(plan) / users


def polling_day(users: int, seed: int) -> float:
    rng = random.Random(seed)
    fake, config, sessions, ids = _setup(users, rng)
    try:
        _first_reads(config, sessions, ids, rng)
        plan = _changes(ids, rng)
        fake.reset_requests()
        phase = {email: timedelta(seconds=rng.uniform(0, 900)) for email in ids}
        polls = sorted(
            (T0 + phase[email] + POLL_EVERY * k, email) for email in ids for k in range(96)
        )
        events = sorted([(t, "poll", e) for t, e in polls] + [(t, "change", e) for t, e in plan])
        counter = users
        for moment, kind, email in events:
            if kind == "change":
                counter += 1
                fake.put_event(email, _event(counter))
                continue
            with session_scope(sessions) as s:
                user = store.get_user(s, ids[email])
                due = sync.sync_due(user, moment, OLD_REFRESH)
            if due:  # what the feed poll did before push
                sync.sync_user(sessions, ids[email], config=config, now=moment)
        requests = len(fake.api_requests())
    finally:
        fake.stop()
    return requests / users


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--poll-users", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    started = time.perf_counter()
    polled = polling_day(args.poll_users, args.seed)
    pushed, changes = push_day(args.users, args.seed)
    print(f"users: {args.users} push, {args.poll_users} polling; changes/user/day: {changes:.2f}")
    print(f"polling (15-min polls, read when past 300 s): {polled:.2f} requests/user/day")
    print(f"push (notifications, daily safety net, renewals): {pushed:.2f} requests/user/day")
    print(f"target (changes + 2): {changes + 2:.2f}; push/polling: {pushed / polled:.3f}")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
