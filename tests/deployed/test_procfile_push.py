"""The Procfile's processes (release, web, worker) on the embedded default.

`calfeed db upgrade`, gunicorn and `calfeed worker` run as real processes sharing one SQLite
database and one SQLite queue file in the instance folder. A user connects through the fake Google;
then, while Google answers slowly, a change made at Google reaches the feed within seconds by push
notification, and every feed poll meanwhile answers at once.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import requests

from calfeed.core.rules import follow_up_uid
from tests.support.background import free_port, real_now, wait_for
from tests.support.factories import google_event
from tests.support.fake_google import FakeGoogle
from tests.support.paths import ROOT

BIN = Path(sys.executable).parent


def procfile() -> dict[str, list[str]]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return {name: shlex.split(cmd) for name, _, cmd in (line.partition(": ") for line in lines)}


def _command(argv: list[str], port: int) -> list[str]:
    argv = [a.replace("$PORT", str(port)) for a in argv]
    return [str(BIN / argv[0]), *argv[1:]]


def test_procfile_has_release_web_and_worker():
    assert set(procfile()) == {"release", "web", "worker"}
    assert procfile()["worker"] == ["python", "-m", "calfeed", "worker"]


def test_procfile_processes_deliver_a_change_by_push_while_google_is_slow(
    fake_google: FakeGoogle, google_env, tmp_path
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, **google_env)
    env.pop("CALFEED_QUEUE_URL")  # the embedded default
    env.update(
        CALFEED_DATABASE_URL=f"sqlite:///{tmp_path / 'calfeed.sqlite3'}",
        CALFEED_BASE_URL=base,
        WEB_CONCURRENCY="2",
        PORT=str(port),
        HOST="127.0.0.1",
        CALFEED_ENV="development",  # plain-http session cookies (the test speaks http)
    )
    commands = procfile()
    subprocess.run(_command(commands["release"], port), env=env, check=True, timeout=60, cwd=ROOT)
    processes = [
        subprocess.Popen(
            _command(commands[name], port), env=env, stderr=subprocess.DEVNULL, cwd=ROOT
        )
        for name in ("web", "worker")
    ]
    try:
        wait_for(lambda: _up(base), timeout=30)
        browser = requests.Session()
        dashboard = browser.get(f"{base}/auth/connect", timeout=10)  # consent at the fake
        assert dashboard.status_code == 200 and dashboard.url == f"{base}/dashboard"
        feed = dashboard.text.split('id="feed-url"', 1)[1].split('value="', 1)[1].split('"')[0]
        wait_for(lambda: fake_google.channels(), timeout=30)  # the first read opened a channel
        fake_google.inject(0, delay=3.0, count=1000, prefix="/calendar/v3/calendars/")  # slow
        start = real_now().replace(microsecond=0) + timedelta(days=2)
        fake_google.put_event(
            "ana@example.com",
            google_event("Interview with Jane Doe (Acme) - Analyst", start, event_id="pushed1"),
        )
        changed = time.monotonic()
        uid = follow_up_uid("ana@example.com", "pushed1", "thank-you").encode()
        slowest = 0.0
        while True:
            asked = time.monotonic()
            answer = requests.get(feed, timeout=10)
            slowest = max(slowest, time.monotonic() - asked)
            assert answer.status_code == 200
            if uid in answer.content:
                break
            assert time.monotonic() - changed < 20, "the change did not arrive"
            time.sleep(0.1)
        assert slowest < 1.5, f"a poll waited {slowest:.1f} s"  # never on Google (3 s a request)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def _up(base: str) -> bool:
    try:
        return requests.get(f"{base}/", timeout=2).status_code == 200
    except requests.RequestException:
        return False
