"""Writing end to end: a change at Google reaches calfeed's Google calendar within seconds.

The app on a real port with the embedded SQLite queue and two worker threads (what `calfeed
serve` runs): Google's push notification -> a read -> a write, each a task on the queue.
"""

from __future__ import annotations

import time
from datetime import timedelta

from calfeed.background import google_writes
from calfeed.config import load_config
from calfeed.core.google_events import event_id_for
from calfeed.core.rules import follow_up_uid
from calfeed.web.app import build_app
from calfeed.web.runtime import jobs, runtime
from tests.support.background import LiveApp, connect, free_port, real_now, wait_for
from tests.support.factories import google_event
from tests.support.fake_google import FakeGoogle

EMAIL = "ana@example.com"


def test_a_new_interview_is_written_to_google_within_seconds(
    google_env, sqlite_db_url, fake_google: FakeGoogle
):
    port = free_port()
    env = dict(google_env, CALFEED_DATABASE_URL=sqlite_db_url)
    env["CALFEED_BASE_URL"] = f"http://127.0.0.1:{port}"
    env.pop("CALFEED_QUEUE_URL")  # the embedded SQLite queue, worker threads in this process
    app = build_app(load_config(env))
    server = LiveApp(app).start(port)
    consumer = jobs(app).start_in_process(workers=2)
    try:
        rt = runtime(app)
        user = connect(fake_google, rt.config, rt.sessions, EMAIL, quick=True, write=True)
        jobs(app).request_read(user)
        wait_for(lambda: fake_google.channels(), timeout=30)
        start = real_now().replace(microsecond=0) + timedelta(days=2)
        started = time.monotonic()
        fake_google.put_event(EMAIL, google_event("Interview - Acme Analyst", start, event_id="n1"))
        wanted = event_id_for(follow_up_uid(EMAIL, "n1", "thank-you"))

        def written() -> bool:
            calendar = google_writes.created_calendar(rt.sessions, user)
            return bool(calendar) and wanted in fake_google.live_events(calendar)

        wait_for(written, timeout=10)
        assert time.monotonic() - started < 10
        assert len(fake_google.app_calendars(EMAIL)) == 1
    finally:
        consumer.stop()
        jobs(app).flush()
        server.stop()
