"""Measure what a feed poll and a worker's read do under each fault (docs/web.md's fault table).

One connected user (the loopback fake Google, SQLite), the feed cached, then for each fault: the
clock moves an hour on, the fault is staged, and the poll is timed (a poll never reads Google: it
answers from the database); then the read the worker would run (`reads.run_read`, what the queue's
task calls) is timed with the fault still staged, and the feed is polled again. Prints the poll's
status and seconds, whether the last good feed was served, what /healthz says, the read's outcome
and seconds, what the poll after the read served, and the log lines calfeed wrote (already masked).

    .venv/bin/python bench/faults.py
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
EMAIL = "ana@example.com"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name != "calfeed.request":
            self.lines.append(f"{record.levelname} {record.getMessage()}"[:110])


def interview(event_id: str, summary: str, days: int = 1) -> dict[str, Any]:
    start = NOW - timedelta(days=days)
    return {
        "id": event_id,
        "summary": summary,
        "start": {"dateTime": start.isoformat(), "timeZone": "Asia/Jakarta"},
        "end": {"dateTime": (start + timedelta(hours=1)).isoformat(), "timeZone": "Asia/Jakarta"},
        "attendees": [
            {"email": EMAIL, "self": True, "responseStatus": "accepted"},
            {"email": "rina@acme.example", "displayName": "Rina", "organizer": True},
        ],
    }


def main() -> int:
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    from cryptography.fernet import Fernet

    from calfeed import store
    from calfeed.background import reads
    from calfeed.config import load_config
    from calfeed.store import User, session_scope
    from calfeed.web.app import build_app
    from calfeed.web.runtime import runtime
    from tests.support.fake_google import FakeGoogle

    fake = FakeGoogle().start()
    fake.add_user(EMAIL, "Asia/Jakarta")
    fake.put_event(EMAIL, interview("iv1", "Interview - Initech Analyst"))
    tmp = tempfile.TemporaryDirectory()
    path = Path(tmp.name) / "faults.sqlite3"
    url = f"sqlite:///{path}"
    store.upgrade(url)
    env = {
        "CALFEED_ENV": "test",
        "CALFEED_INSTANCE_PATH": tmp.name,
        "CALFEED_SECRET_KEY": "faults-" + "s" * 40,
        "CALFEED_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "CALFEED_DATABASE_URL": url,
        **fake.env(),
    }
    lines = Lines()
    logging.getLogger("calfeed").addHandler(lines)
    logging.getLogger("calfeed").setLevel(logging.INFO)
    logging.getLogger("calfeed.request").setLevel(logging.WARNING)

    def app_at(moment: datetime, **extra: str) -> Any:
        app = build_app(load_config(dict(env, **extra)))
        app.extensions["calfeed"] = replace(runtime(app), clock=lambda: moment)
        return app

    import requests

    app = app_at(NOW)
    client = app.test_client()
    start = client.get("/auth/connect").headers["Location"]
    back = requests.get(start, allow_redirects=False, timeout=10).headers["Location"]
    client.get(back.split("localhost", 1)[1])
    page = client.get("/dashboard").get_data(as_text=True)
    feed = page.split('value="http://localhost', 1)[1].split('"', 1)[0]
    last = [client.get(feed).data]  # the last good feed served
    rows = []
    clock = [NOW]

    with session_scope(runtime(app).sessions) as s:
        user_id = s.query(User.id).scalar()

    def measure(name: str, stage: Any, read: bool = True, **extra: str) -> None:
        clock[0] += timedelta(hours=1)
        fake._faults.clear()  # noqa: SLF001 - the bench's own fake
        stage()
        lines.lines.clear()
        target = app_at(clock[0], **extra)
        began = time.perf_counter()
        answer = target.test_client().get(feed)
        seconds = time.perf_counter() - began
        began = time.perf_counter()
        health = target.test_client().get("/healthz").status_code
        health_s = time.perf_counter() - began
        served = "-"
        if answer.status_code == 200:
            served = "last good" if answer.data == last[0] else "new feed"
            last[0] = answer.data
        outcome, read_s, after = "-", 0.0, "-"
        if read:
            rt = runtime(target)
            began = time.perf_counter()
            try:
                reads.request(rt.sessions, user_id, clock[0])
                outcome = reads.run_read(rt.sessions, rt.config, user_id, clock[0]).status
            except Exception as exc:  # noqa: BLE001 - the bench reports what the worker would see
                outcome = type(exc).__name__
            read_s = time.perf_counter() - began
            again = target.test_client().get(feed)
            if again.status_code == 200:
                after = "last good" if again.data == last[0] else "new feed"
                last[0] = again.data
            else:
                after = str(again.status_code)
        logged = "; ".join(dict.fromkeys(lines.lines)) or "-"
        rows.append(
            (name, answer.status_code, seconds, served, health, health_s, outcome, read_s, after,
             logged)
        )  # fmt: skip

    measure("none (baseline)", lambda: None)
    measure("Google 503 on every call", lambda: fake.inject(503, count=1000))
    measure("Google answers HTML with 200", lambda: fake.inject(200, count=1000, reason="html"))
    measure("Google 200, no nextSyncToken", lambda: fake.inject(200, count=1000, body="{}"))

    def token_500() -> None:
        fake.expire_access_tokens()
        with session_scope(runtime(app).sessions) as s:  # the stored access token has expired
            s.query(User).update({User.access_token_expires_at: NOW - timedelta(days=1)})
        fake.inject(500, count=1000, prefix="/token")

    measure("token endpoint 500", token_500)
    ro = "sqlite:///file:" + str(path) + "?mode=ro&uri=true"
    measure("database read-only", lambda: None, CALFEED_DATABASE_URL=ro)
    down = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    measure("database down", lambda: None, CALFEED_DATABASE_URL=down)

    def poison() -> None:
        fake.put_event(EMAIL, interview("bad1", "Interview - Glob\ud800ex", days=2))

    measure("an event with a lone surrogate", poison)

    def killed() -> None:  # a read began (attempt recorded) and its worker died
        with session_scope(runtime(app).sessions) as s:
            s.query(User).update({User.last_sync_attempt_at: clock[0]})
        fake.inject(0, count=1000, delay=20.0)

    measure(
        "worker killed mid-sync", killed, read=False
    )  # the sweep's case: tests/background/test_worker.py
    measure("Google hanging (20 s a call)", lambda: fake.inject(0, count=1000, delay=20.0))
    fake._faults.clear()  # noqa: SLF001
    fake.stop()
    tmp.cleanup()

    print(
        f"{'fault':32} {'poll':>4} {'seconds':>8} {'served':>9} {'healthz':>7} {'s':>6}"
        f" {'read':>16} {'s':>6} {'then':>9}  logged"
    )
    for name, status, secs, served, health, health_s, outcome, read_s, after, logged in rows:
        print(
            f"{name:32} {status:>4} {secs:>8.3f} {served:>9} {health:>7} {health_s:>6.3f}"
            f" {outcome:>16} {read_s:>6.2f} {after:>9}  {logged}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
