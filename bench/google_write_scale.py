"""Benchmark: many users' follow-ups change at once; two workers write them all.

`--users` users (one interview each, read), then every user's write requested at the same moment
(as a burst of changes would) on the embedded SQLite queue, drained by two worker threads (what
`calfeed serve` runs) that share calfeed's project quota (`CALFEED_GOOGLE_QUOTA_PER_MINUTE`). The
fake Google enforces its own project limit over a sliding window (`--google-limit` calls per
minute) and answers 403 `rateLimitExceeded` beyond it. Prints the seconds until every write is
done, the stand-in's 403s, and whether every follow-up is in its user's calendar; then the same
burst with calfeed's limiter switched off (its quota far above Google's), as the baseline.

    .venv/bin/python bench/google_write_scale.py [--users 2000] [--google-limit 10000]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from calfeed import store  # noqa: E402
from calfeed.background import sync  # noqa: E402
from calfeed.background.jobs import JobContext, Jobs  # noqa: E402
from calfeed.config import load_config  # noqa: E402
from calfeed.store import google_delivery as gd  # noqa: E402
from calfeed.store import make_engine, make_session_factory, session_scope  # noqa: E402
from tests.support.background import connect, real_now, wait_for  # noqa: E402
from tests.support.fake_google import FakeGoogle  # noqa: E402
from tests.support.google_fake import interview_event  # noqa: E402

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def run(
    users: int, interviews: int, google_limit: int, quota: int, name: str
) -> tuple[float, int, bool, int]:
    fake = FakeGoogle().start()
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
            "CALFEED_QUEUE_NAME": name,
            "CALFEED_GOOGLE_QUOTA_PER_MINUTE": str(quota),
            **fake.env(),
        }
    )
    sessions = make_session_factory(make_engine(url))
    ids = []
    for n in range(users):
        email = f"u{n:05d}@example.com"
        user = connect(fake, config, sessions, email, quick=True, write=True)
        for i in range(interviews):
            day = f"2026-11-{27 + i}"
            event = interview_event(f"ev{i}", f"Interview - Co{n}x{i} Analyst", day, (email, "R"))
            fake.put_event(email, event)
        assert sync.sync_user(sessions, user, config=config, now=NOW).ok
        ids.append(user)
    fake.limit_rate(google_limit, 60.0)
    jobs = Jobs(config, lambda: JobContext(config, sessions, real_now), name=name)
    jobs.flush()
    started = time.perf_counter()
    for user in ids:
        jobs.request_write(user, coalesce=False)
    consumer = jobs.start_in_process(workers=2)

    def done() -> bool:
        with session_scope(sessions) as s:
            left = s.scalar(
                select(func.count())
                .select_from(gd.GoogleDelivery)
                .where(gd.GoogleDelivery.wanted > gd.GoogleDelivery.done)
            )
        return left == 0

    try:
        wait_for(done, timeout=3600, every=0.5)
        took = time.perf_counter() - started
    finally:
        consumer.stop()
        jobs.flush()
    with session_scope(sessions) as s:
        errors = s.scalar(
            select(func.count())
            .select_from(gd.GoogleDelivery)
            .where(gd.GoogleDelivery.last_error.is_not(None))
        )
        written = s.scalar(select(func.count()).select_from(gd.GoogleWrittenEvent))
    in_google = sum(
        len(fake.live_events(cal.id))
        for n in range(users)
        for cal in fake.app_calendars(f"u{n:05d}@example.com")
    )
    calendars = sum(len(fake.app_calendars(f"u{n:05d}@example.com")) for n in range(users))
    ok = errors == 0 and written == in_google and calendars == users
    limited = fake.rate_limited
    fake.stop()
    return took, limited, ok, in_google


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--interviews", type=int, default=3, help="per user")
    parser.add_argument("--google-limit", type=int, default=10_000, help="calls per minute")
    args = parser.parse_args()
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    logging.getLogger("googleapiclient").setLevel(logging.ERROR)
    logging.getLogger("calfeed").setLevel(logging.ERROR)
    quota = int(args.google_limit * 0.9)
    took, limited, ok, events = run(
        args.users, args.interviews, args.google_limit, quota, "bench_scale_on"
    )
    print(
        f"{args.users} users at once, 2 workers, Google's limit {args.google_limit}/min, "
        f"calfeed's quota {quota}/min:"
    )
    print(
        f"  with the limiter:    {took:7.1f} s, 403s from Google: {limited}, "
        f"{events} events, all written: {ok}"
    )
    took0, limited0, ok0, events0 = run(
        args.users, args.interviews, args.google_limit, 10**7, "bench_scale_off"
    )
    print(
        f"  without (baseline):  {took0:7.1f} s, 403s from Google: {limited0}, "
        f"{events0} events, all written: {ok0}"
    )
    print(f"  seconds with / without: {took / took0:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
