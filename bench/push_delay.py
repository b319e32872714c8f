"""Benchmark (issue 9): the delay from a change at Google to new feed bytes, with push.

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
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402

from calfeed import store  # noqa: E402
from calfeed.config import load_config  # noqa: E402
from calfeed.core.rules import follow_up_uid  # noqa: E402
from calfeed.web import service  # noqa: E402
from calfeed.web.app import build_app  # noqa: E402
from calfeed.web.runtime import jobs, runtime  # noqa: E402
from tests.support.background import LiveApp, connect, free_port, real_now, wait_for  # noqa: E402
from tests.support.factories import google_event  # noqa: E402
from tests.support.fake_google import FakeGoogle  # noqa: E402


def _event(n: int) -> dict:
    start = real_now().replace(microsecond=0) + timedelta(days=2 + n % 20, hours=n % 9)
    return google_event(f"Interview with Jane Doe (Acme {n}) - Analyst", start, event_id=f"d{n}")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    logging.getLogger("calfeed.request").setLevel(logging.WARNING)
    rng = random.Random(args.seed)
    fake = FakeGoogle().start()
    folder = Path(tempfile.mkdtemp(prefix="calfeed-bench-"))
    url = f"sqlite:///{folder / 'calfeed.sqlite3'}"
    store.upgrade(url)
    port = free_port()
    config = load_config(
        {
            "CALFEED_ENV": "test",
            "CALFEED_INSTANCE_PATH": str(folder),
            "CALFEED_SECRET_KEY": "bench",
            "CALFEED_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "CALFEED_DATABASE_URL": url,
            **fake.env(),
            "CALFEED_BASE_URL": f"http://127.0.0.1:{port}",
        }
    )
    app = build_app(config)
    server = LiveApp(app).start(port)
    queue = jobs(app)
    consumer = queue.start_in_process(workers=2)
    rt = runtime(app)
    feeds: dict[str, str] = {}
    users: dict[str, int] = {}
    try:
        for i in range(args.users):
            email = f"user{i:03d}@example.com"
            users[email] = connect(fake, config, rt.sessions, email, quick=True)
            token = service.feed_token(rt.sessions, rt.cipher, users[email], real_now())
            feeds[email] = f"{server.url}/feeds/{token}.ics"
            queue.request_read(users[email])
        wait_for(lambda: len(fake.channels()) == args.users, timeout=120)

        def measure(n: int, direct: bool) -> float:
            email = rng.choice(list(users))
            uid = follow_up_uid(email, f"d{n}", "thank-you").encode()
            started = time.perf_counter()
            fake.put_event(email, _event(n))
            if direct:
                queue.request_read(users[email])
            while uid not in requests.get(feeds[email], timeout=10).content:
                time.sleep(0.02)
            return time.perf_counter() - started

        fake.push_enabled = False
        direct = [measure(n, True) for n in range(args.changes // 2)]
        fake.push_enabled = True
        pushed = [measure(10_000 + n, False) for n in range(args.changes)]
    finally:
        consumer.stop()
        server.stop()
        fake.stop()
    p50, p95 = _percentile(pushed, 50), _percentile(pushed, 95)
    b50, b95 = _percentile(direct, 50), _percentile(direct, 95)
    print(f"users: {args.users}; changes: {len(pushed)} by notification, {len(direct)} direct")
    mean = statistics.mean(pushed)
    print(f"push, change -> feed:   p50 {p50:.2f} s, p95 {p95:.2f} s (mean {mean:.2f})")
    print(f"direct read -> feed:    p50 {b50:.2f} s, p95 {b95:.2f} s")
    print(f"push / direct: p50 {p50 / b50:.2f}x, p95 {p95 / b95:.2f}x; target p95 < 10 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
