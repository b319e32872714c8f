"""Benchmark: the delay from a change at Google to new feed bytes, with push.

The app is served over real HTTP on loopback with the embedded SQLite queue and worker threads in
the same process (what `calfeed serve` runs); `CALFEED_BASE_URL` points at it, so every read opens
a watch channel at the fake Google, which POSTs a notification (Google's headers) on each change.
For each change: the seconds from `put_event` until a poll of the user's feed (every 20 ms) holds
the new follow-up. Baseline in the same process: the same measurement when the read is asked for
directly (as "Refresh now" does), i.e. the cost of a read and a render without the notification
and its one-second coalescing wait. Prints p50/p95 of both and their ratio. The fake delivers at
once; real Google adds its own delivery time (typically seconds).

    .venv/bin/python bench/push_delay.py [--users 20] [--changes 60]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402
from _pushed import change_event, percentile, pushed_service  # noqa: E402

from calfeed.core.rules import follow_up_uid  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with pushed_service(args.users, seed=args.seed) as s:

        def measure(n: int, direct: bool) -> float:
            email = s.rng.choice(list(s.users))
            uid = follow_up_uid(email, f"d{n}", "thank-you").encode()
            started = time.perf_counter()
            s.fake.put_event(email, change_event(n))
            if direct:
                s.queue.request_read(s.users[email])
            while uid not in requests.get(s.feeds[email], timeout=10).content:
                time.sleep(0.02)
            return time.perf_counter() - started

        s.fake.push_enabled = False
        direct = [measure(n, True) for n in range(args.changes // 2)]
        s.fake.push_enabled = True
        pushed = [measure(10_000 + n, False) for n in range(args.changes)]
    p50, p95 = percentile(pushed, 50), percentile(pushed, 95)
    b50, b95 = percentile(direct, 50), percentile(direct, 95)
    print(f"users: {args.users}; changes: {len(pushed)} by notification, {len(direct)} direct")
    mean = statistics.mean(pushed)
    print(f"push, change -> feed:   p50 {p50:.2f} s, p95 {p95:.2f} s (mean {mean:.2f})")
    print(f"direct read -> feed:    p50 {b50:.2f} s, p95 {b95:.2f} s")
    print(f"push / direct: p50 {p50 / b50:.2f}x, p95 {p95 / b95:.2f}x; target p95 < 10 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
