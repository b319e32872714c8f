"""Benchmark: reading a 5,000-event calendar by address, over loopback HTTP.

Prints wall seconds, each as a ratio against the baseline measured in the same process: parsing
the same bytes with `read_ics` alone (what the command line does with a file). Phases: the first
read (fetch + read + store), an unchanged re-read (the server answers 304 to the ETag), a re-read
after 10 events moved (200, only changed rows written). SQLite in a temporary folder by default.

    .venv/bin/python bench/ics_source.py [--events 5000] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import text  # noqa: E402

from calfeed import store  # noqa: E402
from calfeed.adapters.fetch import FetchPolicy  # noqa: E402
from calfeed.background import ics_reads  # noqa: E402
from calfeed.config import parse_networks  # noqa: E402
from calfeed.core.inputs.ics import read_ics  # noqa: E402
from calfeed.crypto import TokenCipher  # noqa: E402
from tests.support.ics_server import IcsServer, Route  # noqa: E402

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=15)


def calendar(count: int, moved: int = 0) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", "X-WR-TIMEZONE:Asia/Jakarta"]
    for n in range(count):
        shift = timedelta(hours=2) if n < moved else timedelta(0)
        start = NOW + timedelta(days=-59 + (n * 420 // count), hours=n % 9) + shift
        end = start + timedelta(hours=1)
        lines += [
            "BEGIN:VEVENT",
            f"UID:evt{n:06d}@bench",
            "DTSTAMP:20261101T000000Z",
            f"DTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}",
            f"DTEND:{end.strftime('%Y%m%dT%H%M%SZ')}",
            f"SUMMARY:{'Interview with Acme' if n % 10 == 0 else f'Meeting {n}'}",
            "DESCRIPTION:" + "Agenda " * 20,
            "ORGANIZER;CN=Jane Doe:mailto:jane@acme.example",
            "ATTENDEE;CN=Jane Doe;PARTSTAT=ACCEPTED:mailto:jane@acme.example",
            "ATTENDEE;CN=Ana;PARTSTAT=ACCEPTED:mailto:ana@example.com",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def timed(action):  # noqa: ANN001, ANN201
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--postgres", help="a PostgreSQL URL instead of a temporary SQLite file")
    args = parser.parse_args()
    body = calendar(args.events)
    server = IcsServer().start()
    server.routes["/cal.ics"] = Route(body)
    with tempfile.TemporaryDirectory() as folder:
        url = args.postgres or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        if args.postgres:
            schema = f"bench_{os.getpid()}"
            engine = store.make_engine(url)
            with engine.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            url = f"{url}?options=-csearch_path%3D{schema}"
        store.upgrade(url)
        sessions = store.make_session_factory(store.make_engine(url))
        with store.session_scope(sessions) as s:
            user_id = store.create_user(s, now=NOW).id
        cipher = TokenCipher(Fernet.generate_key().decode())
        policy = FetchPolicy(allowed_networks=parse_networks("127.0.0.1/32"))
        source_id = ics_reads.add_source(sessions, cipher, user_id, server.url("/cal.ics"), "", NOW)

        def read(at: datetime) -> ics_reads.SourceRead:
            return ics_reads.read_ics_source(
                sessions, cipher, source_id, at, policy=policy, interval=INTERVAL
            )

        baseline, parsed = timed(
            lambda: read_ics(
                body,
                calendar_id="bench",
                window_start=NOW - timedelta(days=60),
                window_end=NOW + timedelta(days=365),
            )
        )
        first, result = timed(lambda: read(NOW))
        unchanged, again = timed(lambda: read(NOW + INTERVAL))
        server.routes["/cal.ics"].body = calendar(args.events, moved=10)
        changed, moved = timed(lambda: read(NOW + 2 * INTERVAL))
        if args.postgres:
            with store.make_engine(args.postgres).begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    server.stop()
    assert (result.status, again.status, moved.status) == ("read", "unchanged", "read")
    print(f"{len(body) / 1e6:.1f} MB, {len(parsed.events)} events, {result.interviews} interviews")
    print(f"baseline read_ics alone     {baseline:7.3f} s  1.00x")
    for label, seconds in (
        ("first read (fetch+read+store)", first),
        ("unchanged re-read (304)", unchanged),
        ("re-read, 10 events moved", changed),
    ):
        print(f"{label:28s}{seconds:7.3f} s  {seconds / baseline:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
