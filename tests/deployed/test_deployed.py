"""The service under gunicorn (gunicorn.conf.py, TLS, production mode): faults seen as deployed.

- Database down: the poll gets the app's own 500 with the security headers, and the feed token
  appears nowhere in anything gunicorn or calfeed wrote.
- Google hanging: a stale poll still ends within about 2 s and `/healthz` answers under 1 s
  meanwhile.
- Forged log lines: CR/LF in a path or the OAuth `error` stays on one line.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from pathlib import Path

import pytest

from calfeed.config import load_config
from calfeed.crypto import new_secret_token
from tests.background.test_sync import interview
from tests.support.fake_google import FakeGoogle
from tests.support.gunicorn import (
    Deployed,
    free_port,
    production_env,
    start_gunicorn,
    stop_gunicorn,
)
from tests.support.web import make_app
from tests.web.test_web_auth import consent, start

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"


def request(deployed: Deployed, path: str, method: str = "GET") -> tuple[int, dict[str, str]]:
    req = urllib.request.Request(deployed.url + path, method=method)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(req, timeout=30, context=deployed.ssl_context) as answer:
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def test_database_down_no_token_in_any_log(fake_google: FakeGoogle, tmp_path: Path) -> None:
    port = free_port()
    env = production_env(UNREACHABLE, f"https://127.0.0.1:{port}", fake_google, tmp_path / "i")
    env.update(PORT=str(port), CALFEED_ACCESS_LOG="-")  # gunicorn's access log on, masked too
    deployed = start_gunicorn(env, tmp_path)
    token = new_secret_token()
    code = "4/0A" + new_secret_token()
    try:
        status, headers = request(deployed, f"/feeds/{token}.ics")
        assert status == 500
        assert "nosniff" in headers.get("X-Content-Type-Options", "")
        assert "Content-Security-Policy" in headers
        assert request(deployed, f"/feeds/{token}.ics?kinds=thank-you")[0] == 500
        assert request(deployed, f"/feeds/{token}.ics", "HEAD")[0] == 500
        assert request(deployed, f"/auth/callback?code={code}&state=x")[0] in (400, 500)
        forged = "/auth/callback?error=x%0d%0aFORGED%20line"
        assert request(deployed, forged)[0] in (400, 500)
        assert request(deployed, "/nope%0d%0aFORGED%20path")[0] == 404
        assert request(deployed, "/healthz")[0] == 503
    finally:
        stop_gunicorn(deployed)
    output = deployed.output()
    assert "/feeds/<token>.ics" in output  # the polls were logged, masked
    assert token not in output and token[:20] not in output
    assert code not in output and code[4:24] not in output
    assert "\nFORGED" not in output and "\rFORGED" not in output


@pytest.fixture
def connected_db(google_env, sqlite_db_url, fake_google, now) -> tuple[str, str]:
    """A database with ana connected and her feed cached (stale by the time gunicorn runs)."""
    fake_google.put_event("ana@example.com", interview("iv1", summary="Interview - Initech"))
    app = make_app(load_config(dict(google_env, CALFEED_DATABASE_URL=sqlite_db_url)), now)
    client = app.test_client()
    assert client.get(consent(start(client))).status_code == 303
    page = client.get("/dashboard").get_data(as_text=True)
    feed_path = page.split('value="http://localhost', 1)[1].split('"', 1)[0]
    assert client.get(feed_path).status_code == 200
    return sqlite_db_url, feed_path


def test_google_hanging_polls_end_in_time_and_health_stays_fast(
    fake_google: FakeGoogle, connected_db, tmp_path: Path
) -> None:
    db_url, feed_path = connected_db
    port = free_port()
    env = production_env(db_url, f"https://127.0.0.1:{port}", fake_google, tmp_path / "i")
    env["PORT"] = str(port)
    deployed = start_gunicorn(env, tmp_path)
    fake_google.inject(0, count=1000, delay=20.0)  # every Google call answers 20 s late
    polls: list[tuple[int, float]] = []

    def poll() -> None:
        started = time.monotonic()
        status, _headers = request(deployed, feed_path)
        polls.append((status, time.monotonic() - started))

    try:
        threads = [threading.Thread(target=poll) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)  # the first poll is waiting on Google now
        health = []
        for _ in range(3):
            started = time.monotonic()
            assert request(deployed, "/healthz")[0] == 200
            health.append(time.monotonic() - started)
        for thread in threads:
            thread.join(timeout=60)
    finally:
        stop_gunicorn(deployed)
    assert [status for status, _ in polls] == [200] * 4
    slowest = max(seconds for _, seconds in polls)
    assert slowest < 5, f"a poll took {slowest:.1f} s with Google hanging (20 s per call)"
    assert min(health) < 1.0, f"/healthz took {health} while polls waited on Google"


def workers_of(deployed: Deployed) -> list[int]:
    pid = deployed.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children]


def test_a_worker_killed_mid_sync_is_not_retried_by_the_next_polls(
    fake_google: FakeGoogle, connected_db, tmp_path: Path
) -> None:
    import os
    import signal

    db_url, feed_path = connected_db
    port = free_port()
    env = production_env(db_url, f"https://127.0.0.1:{port}", fake_google, tmp_path / "i")
    env["PORT"] = str(port)
    deployed = start_gunicorn(env, tmp_path)
    fake_google.inject(0, count=1000, delay=20.0)
    try:
        assert request(deployed, feed_path)[0] == 200  # its Google read goes on in the worker
        [worker] = workers_of(deployed)
        os.kill(worker, signal.SIGKILL)  # as gunicorn's timeout or an OOM kill would
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and workers_of(deployed) in ([], [worker]):
            time.sleep(0.1)
        fake_google.reset_requests()
        started = time.monotonic()
        status, _headers = request(deployed, feed_path)
        elapsed = time.monotonic() - started
    finally:
        stop_gunicorn(deployed)
    assert status == 200 and elapsed < 5, elapsed  # generous: a loaded machine, a fresh worker
    assert fake_google.api_requests() == []  # the killed read counts as tried
