"""`calfeed worker`: the process that runs every Google read (the Procfile's `worker:`).

It consumes the queue `CALFEED_QUEUE_URL` names (unset: the SQLite file in the instance folder,
shared with `calfeed serve`/gunicorn on the same machine) with a few threads, and runs the minute
sweep that enqueues scheduled reads, channel renewals and reads whose queue message was lost.
SIGINT/SIGTERM stop it (SIGINT after the running reads finish); a read cut short runs again.
"""

from __future__ import annotations

import argparse
import logging
import sys

from calfeed.errors import ConfigError


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="calfeed worker", description="Run the background worker (every Google read)."
    )
    parser.add_argument(
        "--threads", type=int, default=2, help="reads run at once (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    from calfeed.background.jobs import JobContext, Jobs
    from calfeed.clock import utc_now
    from calfeed.config import load_config
    from calfeed.store import make_engine, make_session_factory

    try:
        config = load_config()
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"calfeed: {problem}", file=sys.stderr)
        return exc.exit_code
    if config.queue_url == "immediate":
        print("calfeed: CALFEED_QUEUE_URL=immediate has no worker", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    sessions = make_session_factory(make_engine(config.database_url))
    context = JobContext(config, sessions, utc_now)
    jobs = Jobs(config, lambda: context)
    queue = "the embedded SQLite queue" if jobs.embedded else "Redis"
    print(f"calfeed: worker with {args.threads} thread(s) on {queue}", flush=True)
    jobs.consumer(workers=max(1, args.threads)).run()
    return 0
