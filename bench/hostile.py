"""Benchmark: a poll, a page and the worker with hostile servers and a queue outage (docs/web.md).

Staged in one process against servers this script starts on loopback (SQLite, the SQLite queue
file or a private `redis-server`, the Flask app through its test client, a real worker with two
threads):

- slow servers: eight "add calendar" posts with addresses that send one header byte every 0.2 s,
  then feed polls, the dashboard and `/healthz` while the worker reads them; and the worker's read
  of a header trickler, a TLS handshake trickled a byte at a time, and a name lookup that hangs,
  each under the service's 10 s deadline;
- a Redis cut: polls, the dashboard and `/healthz` during it, the worker's log lines, and how soon
  after Redis is back a calendar added during the outage is read.

Every time is printed beside the same request on a healthy service (the baseline, same process).

    .venv/bin/python bench/hostile.py
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def timed(call: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


class Lines(logging.Handler):
    """Counts the worker's warnings and errors (Huey's and calfeed's outage lines)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("huey", "calfeed.background.outage")):
            self.records.append(record)


def _app(tmp: Path, name: str, **overrides: Any) -> Any:
    from calfeed.config import parse_networks
    from calfeed.store.migrate import upgrade
    from tests.support.web import make_app, web_config

    url = f"sqlite:///{tmp / name}.sqlite3"
    upgrade(url)
    config = web_config(
        url, tmp / name, fetch_allow=parse_networks("127.0.0.1/32"), queue_name=name, **overrides
    )
    return make_app(config, NOW)


def _signed_in(app: Any, email: str) -> tuple[Any, Any, str]:
    from tests.support.web import seed_user, signed_in

    user = seed_user(app, email, NOW)
    client = app.test_client()
    signed_in(client, user)
    page = client.get("/dashboard").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return client, user, token


def _probe(client: Any, user: Any) -> dict[str, float]:
    """One feed poll, one dashboard, one /healthz: seconds each (status asserted); the feed is
    polled once before, so the time is a warm poll's (a stale one renders from stored events)."""
    client.get(user.feed_path)
    out = {}
    for label, path in (("poll", user.feed_path), ("page", "/dashboard"), ("healthz", "/healthz")):
        answer, took = timed(lambda p=path: client.get(p))
        assert answer.status_code == 200, (path, answer.status_code)
        out[label] = took
    return out


def slow_servers(tmp: Path) -> list[tuple[str, str]]:
    from calfeed.adapters.fetch import FetchFailed, FetchPolicy, fetch
    from calfeed.config import parse_networks
    from calfeed.web.runtime import jobs
    from tests.support.background import wait_for
    from tests.support.slow_servers import trickling_server

    rows: list[tuple[str, str]] = []
    app = _app(tmp, "slow", queue_url=None)
    client, user, token = _signed_in(app, "ana@example.com")
    healthy = _probe(client, user)
    with trickling_server("headers", pause=0.2, limit=120) as port:
        adds = []
        for n in range(8):
            form = {"csrf_token": token, "address": f"http://127.0.0.1:{port}/{n}.ics"}
            answer, took = timed(lambda f=form: client.post("/sources/add", data=f))
            assert answer.status_code == 303, answer.status_code
            adds.append(took)
        page = client.get("/dashboard").get_data(as_text=True)
        rows.append(
            (
                "8 adds of header-trickling addresses",
                f"each answered 303 in at most {max(adds) * 1000:.0f} ms; the page shows "
                f"{page.count('Reading …')} x 'Reading …' and reloads every 3 s",
            )
        )
        consumer = jobs(app).start_in_process(workers=2)
        started = time.monotonic()
        try:
            time.sleep(1.0)  # both worker threads are inside a slow read now
            busy = _probe(client, user)
            from calfeed.store import session_scope
            from calfeed.store.ics_sources import IcsSource
            from calfeed.web.runtime import runtime

            def all_failed() -> bool:
                with session_scope(runtime(app).sessions) as s:
                    rows_ = s.query(IcsSource).all()
                    return bool(rows_) and all(r.last_error for r in rows_)

            wait_for(all_failed, timeout=200, every=0.2)
            done = time.monotonic() - started
        finally:
            consumer.stop(graceful=False)
            jobs(app).flush()
    rows.append(
        (
            "while the worker reads them",
            ", ".join(
                f"{k} {busy[k] * 1000:.0f} ms (healthy {healthy[k] * 1000:.0f} ms)" for k in busy
            )
            + f"; the worker (2 threads, 1 read per user) ended all 8 reads in {done:.0f} s",
        )
    )
    policy = FetchPolicy(allowed_networks=parse_networks("127.0.0.1/32"))
    cases = [("header trickle", "headers", "http"), ("TLS handshake trickle", "tls", "https")]
    for label, kind, scheme in cases:
        with trickling_server(kind, pause=0.2, limit=120) as port:
            started = time.monotonic()
            try:
                fetch(f"{scheme}://127.0.0.1:{port}/x.ics", policy)
            except FetchFailed as exc:
                rows.append(
                    (
                        f"worker read: {label}",
                        f"failed in {time.monotonic() - started:.1f} s: {exc}",
                    )
                )

    def hang(host: str, port: int) -> list[str]:
        time.sleep(30)
        return ["127.0.0.1"]

    started = time.monotonic()
    try:
        fetch("http://slow-dns.example/x.ics", replace(policy, resolver=hang))
    except FetchFailed as exc:
        rows.append(
            (
                "worker read: name lookup hangs",
                f"failed in {time.monotonic() - started:.1f} s: {exc}",
            )
        )
    return rows


def redis_cut(tmp: Path) -> list[tuple[str, str]]:
    from calfeed.web.runtime import jobs, runtime
    from tests.support.background import wait_for
    from tests.support.ics_server import IcsServer, Route
    from tests.support.redis_server import PrivateRedis

    rows: list[tuple[str, str]] = []
    directory = tmp / "redis"
    directory.mkdir()
    server = PrivateRedis(directory)
    server.start()
    ics = IcsServer().start()
    ics.routes["/cal.ics"] = Route((ROOT / "tests/fixtures/outlook_export.ics").read_bytes())
    lines = Lines()
    logging.getLogger().addHandler(lines)
    logging.getLogger().setLevel(logging.INFO)
    try:
        app = _app(tmp, "redis", queue_url=server.url)
        client, user, token = _signed_in(app, "budi@example.com")
        healthy = _probe(client, user)
        worker = jobs(app)
        consumer = worker.start_in_process(workers=2)
        try:
            server.stop()
            cut = time.monotonic()
            time.sleep(1.0)
            during = _probe(client, user)
            health = client.get("/healthz").get_data(as_text=True).strip()
            rt = runtime(app)
            form = {"csrf_token": token, "address": ics.url("/cal.ics")}
            answer, add_took = timed(lambda: client.post("/sources/add", data=form))
            assert answer.status_code == 303
            with rt.sessions() as s:
                from calfeed.store.ics_sources import IcsSource

                source_id = s.query(IcsSource.id).scalar()
            time.sleep(max(0.0, 60 - (time.monotonic() - cut)))  # a one-minute outage
            lost = len(lines.records)
            server.start()
            back = time.monotonic()

            def read() -> bool:
                with rt.sessions() as s:
                    row = s.get(IcsSource, source_id)
                    return row is not None and row.last_success_at is not None

            wait_for(read, timeout=120, every=0.1)
            recovered = time.monotonic() - back
        finally:
            consumer.stop(graceful=False)
        rows.append(
            (
                "Redis cut (60 s) under a running worker",
                ", ".join(
                    f"{k} {during[k] * 1000:.0f} ms (healthy {healthy[k] * 1000:.0f} ms)"
                    for k in during
                )
                + f"; /healthz 200 '{health}'; add calendar 303 in {add_took * 1000:.0f} ms",
            )
        )
        rows.append(
            (
                "the worker during and after it",
                f"{lost} line(s) logged during the outage, {len(lines.records)} in all; the "
                f"calendar added during it read {recovered:.1f} s after Redis was back",
            )
        )
    finally:
        logging.getLogger().removeHandler(lines)
        server.stop()
        ics.stop()
    return rows


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="calfeed-hostile-"))
    try:
        rows = slow_servers(tmp)
        if shutil.which("redis-server"):
            rows += redis_cut(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for label, what in rows:
        print(f"- {label}: {what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
