"""Benchmark: what writing follow-ups into Google Calendar costs in Google requests.

1. First fill of a user with 200 follow-ups (100 interviews, a thank-you and a check-in each):
   requests and seconds with batches (at most 50 calls each) against one call per event, in the
   same process, on fresh users; once under calfeed's quota (Google's per-user limit of 600 calls
   a minute, kept at 500, binds: a batch's calls count one by one) and once without it (what the
   batching alone saves in HTTP round trips).
2. Steady state: `--users` users with five interviews each, written once; then a day of changes
   (per user: a new interview, a thank-you marked sent, an interview moved an hour, the daily
   safety-net read that changes nothing), each followed by the write the queue would run. Counts
   the Google requests of the writes per user, against the follow-ups that changed in the user's
   feed (compared as the feed's VEVENTs before and after, without their stamps). Target: at most
   changed follow-ups + 2.

    .venv/bin/python bench/google_write_quota.py [--users 20]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402
from icalendar import Calendar  # noqa: E402

from calfeed import store  # noqa: E402
from calfeed.adapters.quota import LocalLimiter, Quota  # noqa: E402
from calfeed.background import google_writes, sync  # noqa: E402
from calfeed.config import Config, load_config  # noqa: E402
from calfeed.store import SessionFactory, make_engine, make_session_factory  # noqa: E402
from calfeed.web import service  # noqa: E402
from calfeed.web.rendering import render  # noqa: E402
from calfeed.web.variants import DEFAULT  # noqa: E402
from tests.support.background import connect  # noqa: E402
from tests.support.fake_google import FakeGoogle  # noqa: E402
from tests.support.google_fake import interview_event  # noqa: E402

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
STAMPS = ("DTSTAMP", "SEQUENCE", "LAST-MODIFIED")


def _setup(fake: FakeGoogle) -> tuple[Config, SessionFactory]:
    folder = Path(tempfile.mkdtemp(prefix="calfeed-bench-"))
    url = f"sqlite:///{folder / 'calfeed.sqlite3'}"
    store.upgrade(url)
    config = load_config(
        {
            "CALFEED_ENV": "test",
            "CALFEED_INSTANCE_PATH": str(folder),
            "CALFEED_SECRET_KEY": "bench",
            "CALFEED_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "CALFEED_DATABASE_URL": url,
            **fake.env(),
            "CALFEED_QUEUE_URL": "immediate",
        }
    )
    return config, make_session_factory(make_engine(url))


def _interviews(fake: FakeGoogle, email: str, n: int, first: int = 0) -> None:
    for i in range(first, first + n):
        day = (date(2026, 11, 27) + timedelta(days=i)).isoformat()
        fake.put_event(
            email,
            interview_event(
                f"ev{i}", f"Interview - Co{i} Analyst", day, (f"hr@co{i}.example", "R")
            ),
        )


def _write_requests(fake: FakeGoogle) -> int:
    """HTTP requests of writing (calendars, events, batches), reads of the primary excluded."""
    return sum(
        1
        for r in fake.requests
        if r.path.startswith("/batch/")
        or (r.path.startswith("/calendar/v3/") and not (r.method == "GET" and "@example" in r.path))
    )


def first_fill() -> None:
    fake = FakeGoogle().start()
    config, sessions = _setup(fake)
    rows = []
    for quota_name, quota in (
        ("calfeed's quota (500 calls/min per user)", None),
        ("no quota", Quota(LocalLimiter(), 10**7, 10**7)),
    ):
        for mode, batch_from in (("batches", google_writes.BATCH_FROM), ("one by one", 10**9)):
            email = f"fill-{len(rows)}@example.com"
            user = connect(fake, config, sessions, email, quick=True, write=True)
            _interviews(fake, email, 100)
            assert sync.sync_user(sessions, user, config=config, now=NOW).ok
            fake.reset_requests()
            google_writes.request(sessions, user, NOW)
            started = time.perf_counter()
            outcome = google_writes.run_write(
                sessions, config, user, NOW, batch_from=batch_from, quota=quota
            )
            took = time.perf_counter() - started
            assert outcome.status == "ok", outcome
            events = len(fake.live_events(fake.app_calendars(email)[0].id))
            rows.append((quota_name, mode, events, outcome.requests, outcome.calls, took))
    fake.stop()
    print("first fill of one user (SQLite, loopback fake Google):")
    for quota_name, mode, events, requests, calls, took in rows:
        print(
            f"  {quota_name:42} {mode:10}: {events} events, {requests:3} requests, "
            f"{calls} calls, {took:6.2f} s"
        )
    for quota_name in dict.fromkeys(r[0] for r in rows):
        batch, single = [r for r in rows if r[0] == quota_name]
        print(
            f"  {quota_name}: one by one / batches = {single[3] / batch[3]:.1f}x requests, "
            f"{single[5] / batch[5]:.2f}x seconds"
        )


def _feed(sessions: SessionFactory, user: int, now: datetime) -> dict[str, str]:
    ics = render(sessions, user, DEFAULT, now).ics
    found = {}
    for event in Calendar.from_ical(ics).walk("VEVENT"):
        for name in STAMPS:
            event.pop(name, None)
        found[str(event["UID"])] = event.to_ical().decode()
    return found


def _changed(before: dict[str, str], after: dict[str, str]) -> int:
    return len(set(before) ^ set(after)) + sum(
        1 for k in set(before) & set(after) if before[k] != after[k]
    )


def steady_state(users: int) -> None:
    fake = FakeGoogle().start()
    config, sessions = _setup(fake)
    config = replace(config, google_user_quota_per_minute=10**6, google_quota_per_minute=10**6)
    ids: dict[str, int] = {}
    for n in range(users):
        email = f"day-{n}@example.com"
        ids[email] = connect(fake, config, sessions, email, quick=True, write=True)
        _interviews(fake, email, 5)
        assert sync.sync_user(sessions, ids[email], config=config, now=NOW).ok
        google_writes.request(sessions, ids[email], NOW)
        assert google_writes.run_write(sessions, config, ids[email], NOW).status == "ok"
    per_user: list[tuple[int, int]] = []
    day = NOW + timedelta(hours=1)
    for email, user in ids.items():
        before = _feed(sessions, user, day)
        fake.reset_requests()

        def write(user: int = user) -> None:
            google_writes.request(sessions, user, day)
            assert google_writes.run_write(sessions, config, user, day).status == "ok"

        _interviews(fake, email, 1, first=50)  # a new interview
        assert sync.sync_user(sessions, user, config=config, now=day).ok
        reads = len(fake.requests)
        write()
        key = f"{email}/ev0"
        service.set_mark(sessions, user, key, "thank_you_sent", True, day)  # a thank-you sent
        write()
        moved = interview_event(
            "ev1", "Interview - Co1 Analyst", "2026-11-28", ("hr@co1.example", "R")
        )
        moved["start"]["dateTime"] = "2026-11-28T11:00:00+07:00"
        moved["end"]["dateTime"] = "2026-11-28T12:00:00+07:00"
        fake.put_event(email, moved)  # an interview moved an hour
        sync.sync_user(sessions, user, config=config, now=day)
        write()
        sync.sync_user(sessions, user, config=config, now=day)  # the daily read: nothing new
        write()
        del reads
        after = _feed(sessions, user, day)
        per_user.append((_write_requests(fake), _changed(before, after)))
    fake.stop()
    sent = [s for s, _ in per_user]
    changed = [c for _, c in per_user]
    over = sum(1 for s, c in per_user if s > c + 2)
    print(f"steady state, {users} users, one day (4 changes each, each written at once):")
    print(
        f"  write requests per user: mean {statistics.mean(sent):.1f}, max {max(sent)}; "
        f"changed follow-ups per user: mean {statistics.mean(changed):.1f}"
    )
    ratio = statistics.mean(sent) / (statistics.mean(changed) + 2)
    print(f"  requests / (changed + 2): {ratio:.2f}x; users over the target: {over} of {users}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    logging.getLogger("googleapiclient").setLevel(logging.ERROR)
    first_fill()
    steady_state(args.users)
    return 0


if __name__ == "__main__":
    sys.exit(main())
