"""Benchmark: a change at Google -> its follow-up written in calfeed's Google calendar.

The app is served over real HTTP on loopback with the embedded SQLite queue and two worker
threads in the same process (what `calfeed serve` runs); every read opens a watch channel at the
fake Google, which POSTs a notification on each change. For each change (a new interview in a
user's primary calendar): the seconds from `put_event` until the thank-you's event is in the
user's calfeed calendar at the fake (polled every 20 ms), and, as the baseline in the same
process, until the user's feed holds it (the push delay). The write follows the read: a
read that succeeded asks for a write, which waits the queue's one-second coalescing. Prints p50
and p95 of both and their ratio.

    .venv/bin/python bench/google_write_delay.py [--users 20] [--changes 40]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402
from _pushed import change_event, percentile, pushed_service  # noqa: E402

from calfeed.background import google_writes  # noqa: E402
from calfeed.core.google_events import event_id_for  # noqa: E402
from calfeed.core.rules import follow_up_uid  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    feed_delays: list[float] = []
    write_delays: list[float] = []
    with pushed_service(args.users, seed=args.seed, write=True) as s:
        for n in range(args.changes):
            email = s.rng.choice(list(s.users))
            uid = follow_up_uid(email, f"d{n}", "thank-you")
            wanted = event_id_for(uid)
            started = time.perf_counter()
            s.fake.put_event(email, change_event(n))
            feed_at = write_at = None
            while feed_at is None or write_at is None:
                if (
                    feed_at is None
                    and uid.encode() in requests.get(s.feeds[email], timeout=10).content
                ):
                    feed_at = time.perf_counter() - started
                cal = google_writes.created_calendar(s.rt.sessions, s.users[email])
                if write_at is None and cal and wanted in s.fake.live_events(cal):
                    write_at = time.perf_counter() - started
                time.sleep(0.02)
            feed_delays.append(feed_at)
            write_delays.append(write_at)
    p50, p95 = percentile(write_delays, 50), percentile(write_delays, 95)
    b50, b95 = percentile(feed_delays, 50), percentile(feed_delays, 95)
    print(f"users: {args.users}; changes: {len(write_delays)}, each announced by push")
    print(f"change -> event written in Google: p50 {p50:.2f} s, p95 {p95:.2f} s")
    print(f"change -> feed holds it (baseline): p50 {b50:.2f} s, p95 {b95:.2f} s")
    print(f"written / feed: p50 {p50 / b50:.2f}x, p95 {p95 / b95:.2f}x; target p95 < 10 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
