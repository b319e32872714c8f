"""The set-up both push benchmarks share: the app served over loopback HTTP with push on.

`push_delay.py` (change at Google -> the feed) and `google_write_delay.py` (change at Google ->
the event in calfeed's Google calendar) measure the same service: the fake Google, a SQLite
database in a temporary folder, the app on a free port with `CALFEED_BASE_URL` pointing at it (so
every read opens a watch channel), the embedded queue with two worker threads, and users connected
and read once until each has a channel.
"""

from __future__ import annotations

import logging
import os
import random
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402

from calfeed import store  # noqa: E402
from calfeed.background.jobs import Jobs  # noqa: E402
from calfeed.config import load_config  # noqa: E402
from calfeed.web import service  # noqa: E402
from calfeed.web.app import build_app  # noqa: E402
from calfeed.web.runtime import Runtime, jobs, runtime  # noqa: E402
from tests.support.background import LiveApp, connect, free_port, real_now, wait_for  # noqa: E402
from tests.support.factories import google_event  # noqa: E402
from tests.support.fake_google import FakeGoogle  # noqa: E402


@dataclass
class Pushed:
    """The running service: the fake, the runtime, the queue, and each user's id and feed URL."""

    fake: FakeGoogle
    rt: Runtime
    queue: Jobs
    users: dict[str, int]
    feeds: dict[str, str]
    rng: random.Random


def change_event(n: int) -> dict[str, Any]:
    """The n-th new interview a benchmark puts at the fake (event id `d<n>`)."""
    start = real_now().replace(microsecond=0) + timedelta(days=2 + n % 20, hours=n % 9)
    return google_event(f"Interview with Jane Doe (Acme {n}) - Analyst", start, event_id=f"d{n}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@contextmanager
def pushed_service(users: int, *, seed: int, write: bool = False) -> Iterator[Pushed]:
    """The service with `users` connected (with Google write access when `write`), each read
    once and watched; stopped on the way out."""
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    logging.getLogger("calfeed.request").setLevel(logging.WARNING)
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
    running = Pushed(fake, rt, queue, {}, {}, random.Random(seed))
    try:
        for i in range(users):
            email = f"user{i:03d}@example.com"
            user_id = connect(fake, config, rt.sessions, email, quick=True, write=write)
            running.users[email] = user_id
            token = service.feed_token(rt.sessions, rt.cipher, user_id, real_now())
            running.feeds[email] = f"{server.url}/feeds/{token}.ics"
            queue.request_read(user_id)
        wait_for(lambda: len(fake.channels()) == users, timeout=120)
        yield running
    finally:
        consumer.stop()
        server.stop()
        fake.stop()
