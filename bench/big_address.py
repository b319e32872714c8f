"""Benchmark: the worker reading a 100,000-event calendar address.

Before the caps, a 100,000-event, 8.5 MB address was stored whole: 136 s on PostgreSQL, 186 s on
SQLite, worker peak 371-485 MB. The target: refused or cut to the cap in under 10 s, worker peak
under 200 MB. This script serves, over real HTTP on loopback, a 5,000-event calendar (the
baseline: what the cap lets through) and a 100,000-event one (about 9.5 MB, under the 10 MB
download cap), and reads each as the worker does (`read_ics_source`: fetch, cut, parse, store on
SQLite or `--database-url`), each in a fresh process so its peak memory is its own. It prints
seconds and peak RSS for both, and the big read's as ratios of the baseline's.

    .venv/bin/python bench/big_address.py [--events 100000] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
KEY = "0" * 43 + "="  # a valid Fernet key (32 zero bytes): a benchmark's, never a deployment's


def peak_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(url: str, database_url: str, queue: Any) -> None:
    """One worker read in this (fresh) process; puts (seconds, peak MB, events, notice)."""
    from calfeed.adapters.fetch import FetchPolicy
    from calfeed.background import ics_reads
    from calfeed.config import parse_networks
    from calfeed.crypto import TokenCipher
    from calfeed.store import create_user, make_engine, make_session_factory, session_scope
    from calfeed.store.ics_sources import IcsSource
    from calfeed.store.migrate import upgrade

    upgrade(database_url)
    sessions = make_session_factory(make_engine(database_url))
    cipher = TokenCipher(KEY)
    with session_scope(sessions) as s:
        user_id = create_user(s, now=NOW).id
    source_id = ics_reads.add_source(sessions, cipher, user_id, url, "", NOW)
    policy = FetchPolicy(allowed_networks=parse_networks("127.0.0.1/32"))
    started = time.perf_counter()
    result = ics_reads.read_ics_source(
        sessions, cipher, source_id, NOW, policy=policy, interval=timedelta(minutes=15)
    )
    took = time.perf_counter() - started
    with session_scope(sessions) as s:
        source = s.get(IcsSource, source_id)
        notice = source.notice if source else None
    assert result.status == "read", result
    queue.put((took, peak_mb(), result.events, notice))


def run_phase(url: str, database_url: str) -> tuple[float, float, int, str | None]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=phase, args=(url, database_url, queue))
    process.start()
    found = queue.get(timeout=1800)
    process.join(timeout=60)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=5_000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="default: a fresh SQLite file per read; '{name}' is replaced by baseline/big "
        "(e.g. a PostgreSQL URL with options=-csearch_path%%3Dbench_{name}, schemas made first)",
    )
    args = parser.parse_args()
    from tests.support.big_calendar import big_calendar
    from tests.support.ics_server import IcsServer, Route

    server = IcsServer().start()
    start = NOW - timedelta(days=50)
    server.routes["/baseline.ics"] = Route(big_calendar(args.baseline, start))
    big = big_calendar(args.events, start)
    server.routes["/big.ics"] = Route(big)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("baseline", "big"):
                url = (
                    args.database_url.replace("{name}", name)
                    if args.database_url
                    else f"sqlite:///{Path(tmp) / name}.sqlite3"
                )
                rows.append((name, *run_phase(server.url(f"/{name}.ics"), url)))
    finally:
        server.stop()
    print(f"big address: {args.events:,} events, {len(big) / 1e6:.1f} MB")
    print(f"{'read':<10}{'seconds':>9}{'peak MB':>9}{'stored':>8}  notice")
    for name, took, peak, events, notice in rows:
        print(f"{name:<10}{took:>9.2f}{peak:>9.0f}{events:>8,}  {notice or '-'}")
    (_, t0, m0, _, _), (_, t1, m1, _, _) = rows
    print(f"ratios big/baseline: time {t1 / t0:.2f}x, peak memory {m1 / m0:.2f}x")
    print(f"targets: under 10 s ({'met' if t1 < 10 else 'MISSED'}), ", end="")
    print(f"peak under 200 MB ({'met' if m1 < 200 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
