"""`calfeed serve` and `flask --app calfeed run` read Google in their own process.

On the embedded default (no CALFEED_QUEUE_URL: the SQLite queue file) there is no worker process:
the web process runs worker threads itself. Started for real, a user connects through the fake
Google and the first read happens with nothing else running.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.support.background import free_port, wait_for
from tests.support.fake_google import FakeGoogle

BIN = Path(sys.executable).parent


@pytest.mark.parametrize("command", ["calfeed serve", "flask run"])
def test_the_development_servers_run_the_worker_in_process(
    command, fake_google: FakeGoogle, google_env, tmp_path
):
    port = free_port()
    env = {**os.environ, **google_env}
    env.pop("CALFEED_QUEUE_URL")
    env.update(
        CALFEED_ENV="development",  # plain-http cookies
        CALFEED_DATABASE_URL=f"sqlite:///{tmp_path / 'calfeed.sqlite3'}",
        FLASK_APP="calfeed",
    )
    subprocess.run([str(BIN / "calfeed"), "db", "upgrade"], env=env, check=True, timeout=60)
    argv = (
        [str(BIN / "calfeed"), "serve", "--port", str(port)]
        if command == "calfeed serve"
        else [str(BIN / "flask"), "--app", "calfeed", "run", "--port", str(port), "--no-reload"]
    )
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _up(base), timeout=30)
        browser = requests.Session()
        assert browser.get(f"{base}/auth/connect", timeout=10).url == f"{base}/dashboard"
        wait_for(lambda: fake_google.api_requests("/calendar/v3/calendars/"), timeout=30)
        page = wait_for(
            lambda: (
                (p := browser.get(f"{base}/dashboard", timeout=10).text)
                and "Google last read at" in p
                and p
            ),
            timeout=30,
        )
        assert "Refresh now" in page
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def _up(base: str) -> bool:
    try:
        return requests.get(f"{base}/", timeout=2).status_code == 200
    except requests.RequestException:
        return False
