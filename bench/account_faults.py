"""Measure a read-only database and a sign-up flood (docs/web.md's fault table).

Read-only: one user with the sample calendar and its default feed cached; then the same
deployment on the database opened read-only (SQLite `mode=ro`; PostgreSQL
`default_transaction_read_only`, when a server answers at CALFEED_TEST_POSTGRES_URL's address).
Timed, each against the same request on the writable database in the same process (the ratio):
a poll of the cached feed, a poll of a variant never cached (`?lang=id`), the dashboard, "Get a
new address", `/healthz`, and the worker's sweep (which prunes empty accounts).

Sign-up flood: 55 passkey sign-ups from one client as fast as the test client goes, then a real
visitor's sign-up from another address, timed against a sign-up on a fresh database; a feed
poll during the flood; then the sweep a day later, which deletes the accounts the flood left
empty.

    .venv/bin/python bench/account_faults.py
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def timed(
    call: Callable[[], Any], repeat: int = 5, setup: Callable[[], None] | None = None
) -> tuple[Any, float]:
    """(the last result, the median seconds of `repeat` calls; `setup` runs untimed before each)."""
    results, times = None, []
    for _ in range(repeat):
        if setup is not None:
            setup()
        began = time.perf_counter()
        results = call()
        times.append(time.perf_counter() - began)
    return results, sorted(times)[len(times) // 2]


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name != "calfeed.request":
            self.lines.append(f"{record.levelname} {record.getMessage()}"[:100])


def databases(tmp: Path) -> list[tuple[str, str, str, Callable[[], None]]]:
    """(name, writable URL, read-only URL, cleanup) for SQLite and, when it answers, PostgreSQL."""
    from sqlalchemy import text

    from calfeed import store

    path = tmp / "bench.sqlite3"
    sqlite = f"sqlite:///{path}"
    store.upgrade(sqlite)
    found = [("SQLite", sqlite, f"sqlite:///file:{path}?mode=ro&uri=true", lambda: None)]
    try:
        import psycopg

        psycopg.connect(PG.replace("+psycopg", ""), connect_timeout=3).close()
    except Exception:  # noqa: BLE001 - no server: SQLite only
        return found
    schema = f"calfeed_bench_{uuid.uuid4().hex[:10]}"
    admin = store.make_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG}?options=-csearch_path%3D{schema}"
    store.upgrade(url)
    ro = url.replace("?options=", "?options=-cdefault_transaction_read_only%3Don%20", 1)

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    found.append(("PostgreSQL", url, ro, drop))
    return found


def read_only_rows(name: str, url: str, ro: str, tmp: Path, lines: Lines) -> list[str]:
    from calfeed.web.runtime import jobs
    from tests.support.web import CSRF_RE, make_app, seed_user, signed_in, web_config

    config = web_config(url, tmp / f"instance-{name}")
    writable = make_app(config, NOW)
    user = seed_user(writable, f"bench-{name.lower()}@example.com", NOW)
    writable.test_client().get(user.feed_path)
    signed_in(writable.test_client(), user)
    frozen = make_app(replace(config, database_url=ro), NOW)

    def requests(app: Any) -> dict[str, Callable[[], int]]:
        client = signed_in(app.test_client(), user)
        token = CSRF_RE.search(client.get("/dashboard").get_data(as_text=True)).group(1)
        fresh = [0]

        def variant() -> int:  # a variant the cache does not hold (read-only: never can)
            fresh[0] += 1
            kinds = ("check-in", "thank-you", "check-in,thank-you")[fresh[0] % 3]
            return client.get(f"{user.feed_path}?lang=id&kinds={kinds}").status_code

        return {
            "poll, cached feed": lambda: client.get(user.feed_path).status_code,
            "poll, ?lang=id never cached": variant,
            "page: GET /dashboard": lambda: client.get("/dashboard").status_code,
            'page: "Get a new address"': lambda: (
                client.post("/dashboard/rotate", data={"csrf_token": token}).status_code
            ),
            "/healthz": lambda: client.get("/healthz").status_code,
            "worker: the sweep": lambda: jobs(app).sweep_now(),
        }

    def uncache() -> None:  # the writable database: the variants rendered anew each time too
        from calfeed.store import FeedCache, session_scope
        from calfeed.web.runtime import runtime

        with session_scope(runtime(writable).sessions) as s:
            s.query(FeedCache).filter(
                FeedCache.user_id == user.id, FeedCache.variant.like("%lang=id")
            ).delete(synchronize_session=False)

    rows = []
    base, frozen_requests = requests(writable), requests(frozen)
    for label, call in frozen_requests.items():
        lines.lines.clear()
        answer, seconds = timed(call, repeat=9)
        logged = "; ".join(dict.fromkeys(lines.lines)) or "-"
        setup = uncache if "never cached" in label else None
        _same, baseline = timed(base[label], repeat=9, setup=setup)
        rows.append(
            f"{name:10} {label:30} {answer!s:>5} {seconds * 1000:8.1f} ms"
            f" {seconds / baseline:6.2f}x  {logged}"
        )
    return rows


def flood_rows(url: str, tmp: Path) -> list[str]:
    from calfeed.config import parse_networks
    from calfeed.store import User, session_scope
    from calfeed.store.signups import EMPTY_GRACE
    from calfeed.web.runtime import jobs, runtime
    from tests.support.ics_server import IcsServer, Route
    from tests.support.passkey_client import Visitor
    from tests.support.web import make_app, seed_user, web_config

    server = IcsServer().start()
    server.routes["/cal.ics"] = Route((ROOT / "tests/fixtures/outlook_export.ics").read_bytes())
    address = server.url("/cal.ics")
    allow = parse_networks("127.0.0.1/32")
    config = web_config(url, tmp / "instance-flood", fetch_allow=allow)
    app = make_app(config, NOW)
    poller = seed_user(app, "poller@example.com", NOW)
    app.test_client().get(poller.feed_path)

    def sign_up(visitor: Visitor) -> int:
        options = visitor.signup_options(address)
        if options.status_code != 200:
            return int(options.status_code)
        credential = visitor.authenticator.create(json.loads(options.data))
        answer = visitor.post("/passkeys/signup/verify", credential)
        visitor.post("/auth/signout")
        return int(answer.status_code)

    # the baseline: one sign-up on a database no flood touched
    from calfeed import store

    store.upgrade(f"sqlite:///{tmp / 'calm.sqlite3'}")
    calm = make_app(replace(config, database_url=f"sqlite:///{tmp / 'calm.sqlite3'}"), NOW)
    _status, baseline = timed(lambda: sign_up(Visitor(calm.test_client(), address="192.0.2.1")), 3)

    flood = Visitor(app.test_client(), address="203.0.113.7")
    began = time.perf_counter()
    statuses = [sign_up(flood) for _ in range(55)]
    flood_s = time.perf_counter() - began
    poll_status, poll_s = timed(lambda: app.test_client().get(poller.feed_path).status_code)
    person = Visitor(app.test_client(), address="198.51.100.23")
    began = time.perf_counter()
    person_status = sign_up(person)
    person_s = time.perf_counter() - began

    with session_scope(runtime(app).sessions) as s:  # the flood's accounts lose their address
        from calfeed.store.ics_sources import IcsSource

        s.query(IcsSource).filter(IcsSource.user_id != poller.id).delete()
        before = s.query(User).count()
    later = make_app(config, NOW + EMPTY_GRACE + timedelta(minutes=1))
    began = time.perf_counter()
    jobs(later).sweep_now()
    sweep_s = time.perf_counter() - began
    with session_scope(runtime(app).sessions) as s:
        after = s.query(User).count()
    server.stop()
    ok, refused = statuses.count(200), statuses.count(429)
    return [
        f"flood: 55 sign-ups from one client in {flood_s:.2f} s: {ok} made, {refused} got 429",
        f"poll during the flood: {poll_status} in {poll_s * 1000:.1f} ms",
        f"the next real visitor (another address): {person_status} in {person_s * 1000:.0f} ms,"
        f" {person_s / baseline:.2f}x a sign-up on an untouched database",
        f"the sweep a day later: {before} accounts -> {after} in {sweep_s * 1000:.0f} ms"
        " (the empty ones deleted)",
    ]


def main() -> int:
    lines = Lines()
    logging.getLogger("calfeed").addHandler(lines)
    logging.getLogger("calfeed").setLevel(logging.INFO)
    logging.getLogger("calfeed.request").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        rows: list[str] = []
        cleanups = []
        for db, url, ro, cleanup in databases(tmp):
            cleanups.append(cleanup)
            rows += read_only_rows(db, url, ro, tmp, lines)
        print("read-only database (answer, median time, ratio to the writable database, logged)")
        for row in rows:
            print("  " + row)
        print("sign-up flood (SQLite)")
        from calfeed import store

        flood_db = f"sqlite:///{tmp / 'flood.sqlite3'}"
        store.upgrade(flood_db)
        for row in flood_rows(flood_db, tmp):
            print("  " + row)
        for cleanup in cleanups:
            cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
