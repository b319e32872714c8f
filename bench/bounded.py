"""Benchmark: one user with 20,000 interviews, synced, rendered and served.

Before the caps of `calfeed.core.limits`, 20,000 interview events gave a 126 MB dashboard (13.5 s),
an 86 MB feed and 1.57 GB peak memory. This script seeds the loopback fake Google with N
interview events for one user (and 1 for a baseline user), then runs each phase in a fresh
process (so peak memory is the phase's own, as a web or worker process would see it):

- sync: the first (full) read from Google into SQLite;
- render: the feed rendered from stored events (what a stale poll does);
- serve: a web process (the Flask app) answering the feed poll cold, the feed warm, and the
  dashboard's first page.

It prints seconds, peak RSS and output sizes for the big user and the baseline user, and their
ratios. The target: at most 300 MB peak for a web process.

    .venv/bin/python bench/bounded.py [--interviews 20000]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
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
BIG, SMALL = "ana@example.com", "budi@example.com"


def interview(n: int, count: int, email: str) -> dict[str, Any]:
    start = NOW + timedelta(days=-59 + (n * 420 // max(1, count)), hours=n % 9)
    return {
        "id": f"iv{n:06d}",
        "summary": f"Interview with Acme {n} - Analyst",
        "description": "Round one with the hiring manager. " * 5,
        "start": {"dateTime": start.isoformat(), "timeZone": "Asia/Jakarta"},
        "end": {"dateTime": (start + timedelta(hours=1)).isoformat(), "timeZone": "Asia/Jakarta"},
        "attendees": [
            {"email": f"hr{n % 50}@acme.example", "displayName": "Rina", "organizer": True},
            {"email": email, "self": True, "responseStatus": "accepted"},
        ],
    }


def peak_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _config(env: dict[str, str]) -> Any:
    from calfeed.config import load_config

    return load_config(env)


def phase(name: str, env: dict[str, str], user_id: int, queue: Any) -> None:
    """One phase in this (fresh) process; puts (seconds, peak MB, sizes) on `queue`."""
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    from calfeed.web.app import build_app
    from calfeed.web.runtime import runtime

    config = _config(env)
    app = build_app(config)
    rt = runtime(app)
    sizes: dict[str, int] = {}
    started = time.perf_counter()
    if name == "sync":
        from calfeed.background.sync import sync_user

        result = sync_user(rt.sessions, user_id, config=config, now=NOW)
        assert result.ok, result
        sizes["stored"] = result.stored
    elif name == "render":
        from calfeed.web.rendering import render
        from calfeed.web.variants import DEFAULT

        sizes["feed bytes"] = len(render(rt.sessions, user_id, DEFAULT, NOW).ics)
    else:
        from calfeed.web import service
        from calfeed.web.context import SESSION_NONCE, SESSION_USER

        token = service.feed_token(rt.sessions, rt.cipher, user_id, NOW)
        nonce = service.renew_session_nonce(rt.sessions, user_id)
        client = app.test_client()
        cold = client.get(f"/feeds/{token}.ics")
        warm = client.get(f"/feeds/{token}.ics")
        assert cold.status_code == warm.status_code == 200
        with client.session_transaction() as s:
            s[SESSION_USER], s[SESSION_NONCE] = user_id, nonce
        page = client.get("/dashboard")
        assert page.status_code == 200, page.status_code
        sizes["feed bytes"] = len(warm.data)
        sizes["dashboard bytes"] = len(page.data)
    queue.put((time.perf_counter() - started, peak_mb(), sizes))


def run_phase(name: str, env: dict[str, str], user_id: int) -> tuple[float, float, dict]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=phase, args=(name, env, user_id, queue))
    process.start()
    found = queue.get(timeout=1800)
    process.join(timeout=60)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=20_000)
    args = parser.parse_args()
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"

    from cryptography.fernet import Fernet

    from calfeed import store
    from calfeed.background.sync import connect_user
    from tests.support.fake_google import FakeGoogle
    from tests.support.google_fake import authorize

    fake = FakeGoogle().start()
    tmp = tempfile.TemporaryDirectory()
    try:
        for email, count in ((BIG, args.interviews), (SMALL, 1)):
            fake.add_user(email, "Asia/Jakarta")
            for n in range(count):
                fake.put_event(email, interview(n, count, email))
        url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
        store.upgrade(url)
        env = {
            "CALFEED_ENV": "test",
            "CALFEED_INSTANCE_PATH": tmp.name,
            "CALFEED_SECRET_KEY": "bench-" + "s" * 40,
            "CALFEED_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "CALFEED_DATABASE_URL": url,
            **fake.env(),
        }
        config = _config(env)
        factory = store.make_session_factory(store.make_engine(url))
        users = {}
        for email in (BIG, SMALL):
            fake.login_as = email
            users[email] = connect_user(factory, authorize(config), config=config, now=NOW)
        rows = []
        for name in ("sync", "render", "serve"):
            big = run_phase(name, env, users[BIG])
            small = run_phase(name, env, users[SMALL])
            rows.append((name, big, small))
    finally:
        fake.stop()
        tmp.cleanup()

    print(f"calfeed bounded work: {args.interviews:,} interviews for one user vs 1 (baseline)")
    print(f"{'phase':8} {'seconds':>9} {'peak MB':>8} {'base s':>7} {'base MB':>8} "
          f"{'x time':>7} {'x mem':>6}  sizes")  # fmt: skip
    for name, (seconds, mb, sizes), (base_s, base_mb, _sizes) in rows:
        shown = ", ".join(f"{k} {v:,}" for k, v in sizes.items())
        print(
            f"{name:8} {seconds:>9.2f} {mb:>8.0f} {base_s:>7.2f} {base_mb:>8.0f} "
            f"{seconds / max(base_s, 1e-3):>7.1f} {mb / base_mb:>6.2f}  {shown}"
        )
    web_peak = rows[2][1][1]
    print(f"web process peak: {web_peak:.0f} MB (target: at most 300 MB)")
    return 0 if web_peak <= 300 else 1


if __name__ == "__main__":
    raise SystemExit(main())
