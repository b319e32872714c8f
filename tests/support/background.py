"""Worker helpers: connected users at the fake Google, a queue per test, a real worker, a live app.

`connect(fake, config, sessions, email)` runs the consent round trip through the fake for a new
Google account and stores the grant, as the OAuth callback does. `worker_jobs` builds a Jobs on the
queue `config` names, under a queue name unique to the test (Redis keys huey.*.calfeed_test_<hex>,
flushed afterwards), so nothing else on the Redis server is touched. `LiveApp` serves a Flask app
over real HTTP on 127.0.0.1 (Google's notifications need an address to post to).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from werkzeug.serving import make_server

from calfeed.background.jobs import JobContext, Jobs
from calfeed.config import Config
from calfeed.store import SessionFactory
from tests.support.fake_google import FakeGoogle, _QuietHandler
from tests.support.google_fake import authorize

REDIS_URL = "redis://127.0.0.1:6379/0"


def real_now() -> datetime:
    return datetime.now(UTC)


def connect(
    fake: FakeGoogle,
    config: Config,
    sessions: SessionFactory,
    email: str,
    *,
    quick: bool = False,
    write: bool = False,
) -> int:
    """A new Google account at the fake, consented and stored; returns the user id.

    `quick`: the fake issues the grant directly instead of the consent round trip (many users),
    read-only unless `write` (the write scope; the round trip asks for it by default).
    """
    from calfeed.adapters.google import SCOPES, WRITE_SCOPE, CalendarListEntry, Grant
    from calfeed.background import sync

    if email not in fake._users:
        fake.add_user(email, time_zone="Asia/Jakarta")
    if quick:
        scopes = tuple(sorted([*SCOPES, WRITE_SCOPE] if write else SCOPES))
        refresh, access = fake.issue_grant(email, list(scopes))
        primary = CalendarListEntry(email, email, "Asia/Jakarta", True, "owner")
        grant = Grant(email, refresh, access, None, scopes, "Asia/Jakarta", (primary,))
    else:
        fake.login_as = email
        grant = authorize(config)
    return sync.connect_user(sessions, grant, config=config, now=real_now())


def worker_jobs(config: Config, sessions: SessionFactory) -> Jobs:
    context = JobContext(config, sessions, real_now)
    return Jobs(config, lambda: context, name=f"calfeed_test_{uuid.uuid4().hex[:10]}")


def wait_for(check: Callable[[], Any], timeout: float = 30.0, every: float = 0.05) -> Any:
    """Poll `check` until it returns something truthy (returned) or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {check}")
        time.sleep(every)


@dataclass
class LiveApp:
    """A WSGI app on a real loopback port, in a thread."""

    app: Any
    server: Any = None
    url: str = ""

    def start(self, port: int = 0) -> LiveApp:
        self.server = make_server(
            "127.0.0.1", port, self.app, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
