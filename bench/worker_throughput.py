"""Benchmark: Google reads per second per worker, PostgreSQL + the Redis queue, 2 workers.

Two `calfeed worker --threads 2` processes consume a Redis queue (a name of its own, flushed after)
on a fresh PostgreSQL schema; N users at the fake Google each get a change, then all their reads
are enqueued at once, and the clock runs until every read is done (`sync_requests`). Baseline in
the same process: the same incremental reads run one after another in this process
(`reads.run_read`), which is what one worker thread can do with the machine to itself.
Prints reads/s per worker and the ratio to the baseline.

    .venv/bin/python bench/worker_throughput.py [--users 300]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from calfeed import store  # noqa: E402
from calfeed.background import reads  # noqa: E402
from calfeed.background.jobs import JobContext, Jobs  # noqa: E402
from calfeed.config import load_config  # noqa: E402
from calfeed.store import background as bg  # noqa: E402
from calfeed.store import session_scope  # noqa: E402
from tests.support.background import REDIS_URL, connect, real_now  # noqa: E402
from tests.support.factories import google_event  # noqa: E402
from tests.support.fake_google import FakeGoogle  # noqa: E402

PG = os.environ.get(
    "CALFEED_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BIN = Path(sys.executable).parent


def _event(n: int) -> dict:
    start = real_now().replace(microsecond=0) + timedelta(days=2 + n % 20, hours=n % 9)
    return google_event(f"Interview with Jane Doe (Acme {n}) - Analyst", start, event_id=f"w{n}")


def _pending(sessions) -> int:
    with session_scope(sessions) as s:
        return int(
            s.scalar(select(func.count()).where(bg.SyncRequest.wanted > bg.SyncRequest.done)) or 0
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    schema = f"calfeed_bench_{uuid.uuid4().hex[:10]}"
    admin = store.make_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG}?options=-csearch_path%3D{schema}"
    fake = FakeGoogle().start()
    processes: list[subprocess.Popen] = []
    jobs = None
    try:
        store.upgrade(url)
        env = {
            **os.environ,
            "CALFEED_ENV": "test",
            "CALFEED_INSTANCE_PATH": tempfile.mkdtemp(prefix="calfeed-bench-"),
            "CALFEED_SECRET_KEY": "bench",
            "CALFEED_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "CALFEED_DATABASE_URL": url,
            **fake.env(),
            "CALFEED_QUEUE_URL": REDIS_URL,
            "CALFEED_QUEUE_NAME": schema,
        }
        config = load_config(env)
        engine = store.make_engine(url)
        sessions = store.make_session_factory(engine)
        users = []
        for i in range(args.users):
            email = f"user{i:04d}@example.com"
            fake.add_user(email)
            fake.put_event(email, _event(i))
            users.append(connect(fake, config, sessions, email, quick=True))
        for user_id in users:  # first (full) reads, not measured
            reads.request(sessions, user_id, real_now())
            reads.run_read(sessions, config, user_id, real_now())

        # baseline: incremental reads one after another, in this process
        for i in range(len(users)):
            fake.put_event(f"user{i:04d}@example.com", _event(100_000 + i))
        started = time.perf_counter()
        for user_id in users:
            reads.request(sessions, user_id, real_now())
            reads.run_read(sessions, config, user_id, real_now())
        baseline = len(users) / (time.perf_counter() - started)

        # the workers
        context = JobContext(config, sessions, real_now)
        jobs = Jobs(config, lambda: context)
        processes = [
            subprocess.Popen(
                [str(BIN / "calfeed"), "worker", "--threads", "2"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(args.workers)
        ]
        time.sleep(3)  # started and idle
        for i in range(len(users)):
            fake.put_event(f"user{i:04d}@example.com", _event(200_000 + i))
        started = time.perf_counter()
        for user_id in users:
            jobs.request_read(user_id)
        while _pending(sessions):
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        per_worker = len(users) / elapsed / args.workers
        assert all(c == 1 for c in fake.max_in_flight.values())
        engine.dispose()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)
        if jobs is not None:
            jobs.flush()
        fake.stop()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    print(f"{len(users)} incremental reads, PostgreSQL, Redis, {args.workers} workers x 2 threads")
    print(f"workers: {per_worker:.1f} reads/s per worker ({per_worker * args.workers:.1f} in all)")
    print(f"baseline, one after another in this process: {baseline:.1f} reads/s")
    print(f"per worker / baseline: {per_worker / baseline:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
