"""Measure what the page, the feed poll and the worker's write do under each write fault.

docs/web.md's fault table, the rows for writing follow-ups into the user's Google Calendar. For each
fault: a fresh connected user (SQLite, the loopback fake Google, in-process) with three interviews,
read and written once; then a change that rewrites every event (the reminder setting), the fault
staged, the write the worker's task runs (`google_writes.run_write`) timed, and the feed poll and
the dashboard timed after it. Prints per fault: the write's outcome, its seconds and requests, the
feed poll's status and seconds, what the dashboard says.

    .venv/bin/python bench/google_write_faults.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
EMAIL = "ana@example.com"


def main() -> int:
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    from cryptography.fernet import Fernet

    from calfeed import store
    from calfeed.background import google_writes, sync
    from calfeed.config import load_config
    from calfeed.store import google_delivery as gd
    from calfeed.store import session_scope
    from calfeed.web import service
    from calfeed.web.app import build_app
    from calfeed.web.runtime import runtime
    from tests.support.background import connect
    from tests.support.fake_google import FakeGoogle
    from tests.support.google_fake import interview_event

    def world(fake: FakeGoogle) -> tuple[Any, int, str]:
        tmp = tempfile.mkdtemp()
        url = f"sqlite:///{tmp}/w.sqlite3"
        store.upgrade(url)
        env = {
            "CALFEED_ENV": "test",
            "CALFEED_INSTANCE_PATH": tmp,
            "CALFEED_SECRET_KEY": "faults-" + "s" * 40,
            "CALFEED_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "CALFEED_DATABASE_URL": url,
            "CALFEED_QUEUE_URL": "immediate",
            **fake.env(),
        }
        app = build_app(load_config(env))
        app.extensions["calfeed"] = replace(runtime(app), clock=lambda: NOW)
        rt = runtime(app)
        user = connect(fake, rt.config, rt.sessions, EMAIL)
        assert sync.sync_user(rt.sessions, user, config=rt.config, now=NOW).ok
        google_writes.request(rt.sessions, user, NOW)
        assert google_writes.run_write(rt.sessions, rt.config, user, NOW).status == "ok"
        token = service.feed_token(rt.sessions, rt.cipher, user, NOW)
        return app, user, f"/feeds/{token}.ics"

    def calendar_of(fake: FakeGoogle) -> str:
        return fake.app_calendars(EMAIL)[0].id

    def no_fault(fake: FakeGoogle) -> None:
        pass

    def all_503(fake: FakeGoogle) -> None:
        fake.inject(503, count=10_000)

    def rate_limited(fake: FakeGoogle) -> None:
        fake.throttle(403, reason="rateLimitExceeded", retry_after=0, count=3)

    def retry_after(fake: FakeGoogle) -> None:
        fake.throttle(429, retry_after=2, count=1)

    def calendar_deleted(fake: FakeGoogle) -> None:
        fake.user_deletes_calendar(calendar_of(fake))

    def event_edited(fake: FakeGoogle) -> None:
        cal = calendar_of(fake)
        first = sorted(fake.live_events(cal))[0]
        fake.user_edits_event(cal, first, summary="my own title")

    def event_deleted(fake: FakeGoogle) -> None:
        cal = calendar_of(fake)
        fake.user_deletes_event(cal, sorted(fake.live_events(cal))[0])

    def write_scope_removed(fake: FakeGoogle) -> None:
        for grant in fake._grants.values():
            grant["scopes"] = [s for s in grant["scopes"] if not s.endswith("app.created")]
        fake.expire_access_tokens()

    def grant_revoked(fake: FakeGoogle) -> None:
        fake.revoke_user(EMAIL)
        fake.expire_access_tokens()

    def hanging(fake: FakeGoogle) -> None:
        fake.inject(0, count=1, delay=12.0)  # one call hangs past the 10 s client timeout

    faults: list[tuple[str, Callable[[FakeGoogle], None]]] = [
        ("none (baseline)", no_fault),
        ("Google 503 on every call", all_503),
        ("403 rateLimitExceeded x3", rate_limited),
        ("429 with Retry-After: 2", retry_after),
        ("the user deleted calfeed's calendar", calendar_deleted),
        ("the user edited one event", event_edited),
        ("the user deleted one event", event_deleted),
        ("the write scope taken back", write_scope_removed),
        ("the grant revoked", grant_revoked),
        ("Google hanging (12 s, one call)", hanging),
    ]
    print(
        f"{'fault':38} {'write':>12} {'s':>6} {'req':>4} {'poll':>5} {'ms':>6} {'page ms':>7}  page"
    )
    for name, stage in faults:
        fake = FakeGoogle().start()
        fake.add_user(EMAIL, "Asia/Jakarta")
        for i in range(3):
            fake.put_event(
                EMAIL, interview_event(f"ev{i}", f"Interview - Acme{i}", f"2026-11-2{7 + i}")
            )
        app, user, feed = world(fake)
        rt = runtime(app)
        client = app.test_client()
        nonce = service.renew_session_nonce(rt.sessions, user, keep=True)
        with client.session_transaction() as sess:
            sess["uid"] = user
            sess["sn"] = nonce
        with session_scope(rt.sessions) as s:
            gd.set_reminder(s, user, "15-min", NOW)
        stage(fake)
        google_writes.request(rt.sessions, user, NOW)
        started = time.perf_counter()
        outcome = google_writes.run_write(rt.sessions, rt.config, user, NOW)
        took = time.perf_counter() - started
        started = time.perf_counter()
        poll = client.get(feed)
        poll_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        page = client.get("/dashboard").get_data(as_text=True)
        page_ms = (time.perf_counter() - started) * 1000
        said = _said(page)
        print(
            f"{name:38} {outcome.status:>12} {took:6.2f} {outcome.requests:>4} "
            f"{poll.status_code:>5} {poll_ms:6.1f} {page_ms:7.1f}  {said}"
        )
        fake.stop()
    return 0


def _said(page: str) -> str:
    """What the dashboard's Google Calendar card says, in short."""
    for needle in (
        "You deleted the calendar",
        "The last write to Google Calendar failed",
        "Google does not let calfeed write",
        "Google no longer lets calfeed in",
        "Google no longer lets calfeed read",
        "Last written to your Google Calendar at",
    ):
        if needle in page:
            return needle
    return "-"


if __name__ == "__main__":
    raise SystemExit(main())
