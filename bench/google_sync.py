"""Benchmark: reading a 5,000-event Google calendar, first read vs re-read, against the fake Google.

Prints Calendar API requests, token requests and wall seconds for: the first (full) read, a re-read
of the unchanged calendar, a re-read after 10 changes, and a re-read after the sync token expired
(HTTP 410 -> full read). The fake runs on loopback, so seconds measure calfeed's own cost (client,
JSON, database), not Google's latency; requests are what Google would bill and rate-limit.

    .venv/bin/python bench/google_sync.py [--events 5000] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import text  # noqa: E402

from calfeed import store  # noqa: E402
from calfeed.background.sync import connect_user, sync_user  # noqa: E402
from calfeed.config import load_config  # noqa: E402
from tests.support.fake_google import FakeGoogle  # noqa: E402
from tests.support.google_fake import authorize  # noqa: E402

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
EMAIL = "ana@example.com"


def seed(fake: FakeGoogle, count: int) -> None:
    for n in range(count):
        start = NOW + timedelta(days=-59 + (n * 420 // count), hours=n % 9)
        fake.put_event(
            EMAIL,
            {
                "id": f"evt{n:06d}",
                "summary": "Interview with Acme" if n % 10 == 0 else f"Meeting {n}",
                "description": "Agenda " * 20,
                "start": {"dateTime": start.isoformat(), "timeZone": "Asia/Jakarta"},
                "end": {
                    "dateTime": (start + timedelta(hours=1)).isoformat(),
                    "timeZone": "Asia/Jakarta",
                },
                "attendees": [
                    {"email": "jane@acme.example", "responseStatus": "accepted"},
                    {"email": EMAIL, "self": True, "responseStatus": "accepted"},
                ],
            },
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run on this PostgreSQL server (in a throw-away schema) instead of a SQLite file",
    )
    args = parser.parse_args()
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # the fake speaks plain http on loopback

    fake = FakeGoogle().start()
    tmp = tempfile.TemporaryDirectory()
    schema = f"calfeed_bench_{secrets.token_hex(6)}"
    admin = store.make_engine(args.postgres) if args.postgres else None
    try:
        fake.add_user(EMAIL, "Asia/Jakarta")
        seed(fake, args.events)
        url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
        if args.postgres:
            url = f"{args.postgres}?options=-csearch_path%3D{schema}"
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        store.upgrade(url)
        config = load_config(
            {
                "CALFEED_ENV": "test",
                "CALFEED_INSTANCE_PATH": tmp.name,
                "CALFEED_ENCRYPTION_KEY": Fernet.generate_key().decode(),
                "CALFEED_DATABASE_URL": url,
                **fake.env(),
            }
        )
        engine = store.make_engine(url)
        factory = store.make_session_factory(engine)
        grant = authorize(config)
        user_id = connect_user(factory, grant, config=config, now=NOW)

        rows: list[tuple[str, int, int, float, int]] = []

        def run(label: str, minutes: int) -> None:
            fake.reset_requests()
            began = time.perf_counter()
            result = sync_user(
                factory, user_id, config=config, now=NOW + timedelta(minutes=minutes)
            )
            seconds = time.perf_counter() - began
            assert result.ok, result
            with store.session_scope(factory) as session:
                cached = store.count_events(session, user_id)
            rows.append(
                (label, len(fake.api_requests()), len(fake.api_requests("/token")), seconds, cached)
            )

        run("first read (full)", 0)
        run("re-read, unchanged", 5)
        for n in range(10):
            fake.put_event(EMAIL, {**fake.events(EMAIL)[n * 7], "summary": f"Interview moved {n}"})
        run("re-read, 10 changed", 10)
        fake.expire_sync_tokens()
        run("re-read, token expired (410)", 15)
        engine.dispose()
    finally:
        fake.stop()
        tmp.cleanup()
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()

    backend = "postgresql" if args.postgres else "sqlite"
    print(
        f"calfeed Google sync benchmark: {args.events} events, {backend}, fake Google on loopback"
    )
    print(f"{'read':32} {'API requests':>12} {'token req':>9} {'seconds':>8} {'cached':>7}")
    for label, api, tok, seconds, cached in rows:
        print(f"{label:32} {api:>12} {tok:>9} {seconds:>8.3f} {cached:>7}")
    first, again = rows[0], rows[1]
    print(
        f"re-read / first read: requests {again[1] / first[1]:.2f}x, "
        f"seconds {again[3] / first[3]:.3f}x ({first[3] / again[3]:.0f}x faster)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
