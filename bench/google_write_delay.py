"""Benchmark (issue 14): a change at Google -> its follow-up written in calfeed's Google calendar.

The app is served over real HTTP on loopback with the embedded SQLite queue and two worker
threads in the same process (what `calfeed serve` runs); every read opens a watch channel at the
fake Google, which POSTs a notification on each change. For each change (a new interview in a
user's primary calendar): the seconds from `put_event` until the thank-you's event is in the
user's calfeed calendar at the fake (polled every 20 ms), and, as the baseline in the same
process, until the user's feed holds it (issue 9's push delay). The write follows the read: a
read that succeeded asks for a write, which waits the queue's one-second coalescing. Prints p50
and p95 of both and their ratio.

    .venv/bin/python bench/google_write_delay.py [--users 20] [--changes 40]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402

from calfeed import store  # noqa: E402
from calfeed.background import google_writes  # noqa: E402
from calfeed.config import load_config  # noqa: E402
from calfeed.core.google_events import event_id_for  # noqa: E402
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
    parser.add_argument("--changes", type=int, default=40)
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
    feed_delays: list[float] = []
    write_delays: list[float] = []
    try:
        for i in range(args.users):
            email = f"user{i:03d}@example.com"
            users[email] = connect(fake, config, rt.sessions, email, quick=True, write=True)
            token = service.feed_token(rt.sessions, rt.cipher, users[email], real_now())
            feeds[email] = f"{server.url}/feeds/{token}.ics"
            queue.request_read(users[email])
        wait_for(lambda: len(fake.channels()) == args.users, timeout=120)
        for n in range(args.changes):
            email = rng.choice(list(users))
            uid = follow_up_uid(email, f"d{n}", "thank-you")
            wanted = event_id_for(uid)
            started = time.perf_counter()
            fake.put_event(email, _event(n))
            feed_at = write_at = None
            while feed_at is None or write_at is None:
                if (
                    feed_at is None
                    and uid.encode() in requests.get(feeds[email], timeout=10).content
                ):
                    feed_at = time.perf_counter() - started
                cal = google_writes.created_calendar(rt.sessions, users[email])
                if write_at is None and cal and wanted in fake.live_events(cal):
                    write_at = time.perf_counter() - started
                time.sleep(0.02)
            feed_delays.append(feed_at)
            write_delays.append(write_at)
    finally:
        consumer.stop()
        server.stop()
        fake.stop()
    p50, p95 = _percentile(write_delays, 50), _percentile(write_delays, 95)
    b50, b95 = _percentile(feed_delays, 50), _percentile(feed_delays, 95)
    print(f"users: {args.users}; changes: {len(write_delays)}, each announced by push")
    print(f"change -> event written in Google: p50 {p50:.2f} s, p95 {p95:.2f} s")
    print(f"change -> feed holds it (baseline): p50 {b50:.2f} s, p95 {b95:.2f} s")
    print(f"written / feed: p50 {p50 / b50:.2f}x, p95 {p95 / b95:.2f}x; target p95 < 10 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
