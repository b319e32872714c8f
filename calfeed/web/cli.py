"""`calfeed serve` and `calfeed demo`: run the web service from the command line.

Werkzeug's server is for one person on one machine (the demo, development); production runs
gunicorn from the Procfile. Both print the addresses to open and never a secret beyond the demo's
own feed address.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from calfeed.errors import ConfigError

if TYPE_CHECKING:
    from flask import Flask


def _parser(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "5000")),
        help="port (default: $PORT or 5000)",
    )
    return parser


def _run(app: Flask, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


def serve(argv: list[str]) -> int:
    """Run the service with the configuration from the `CALFEED_*` environment."""
    args = _parser("calfeed serve", "Run the calfeed web service (development server).").parse_args(
        argv
    )
    from calfeed import create_app

    try:
        app = create_app()
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"calfeed: {problem}", file=sys.stderr)
        return exc.exit_code
    from calfeed.web.app import jobs

    queue = jobs(app)
    consumer = queue.start_in_process() if queue.embedded else None  # issue 9
    print(f"calfeed: serving on http://{args.host}:{args.port}/", flush=True)
    if consumer is not None:
        print("calfeed: Google reads run in this process (embedded queue)", flush=True)
    try:
        _run(app, args.host, args.port)
    finally:
        if consumer is not None:
            consumer.stop()
    return 0


def demo(argv: list[str]) -> int:
    """Run the service on the bundled sample calendar; no Google account, no configuration."""
    parser = _parser("calfeed demo", "Run calfeed on a bundled sample calendar (no Google needed).")
    parser.add_argument(
        "--instance", type=Path, help="folder for the demo database (default: a temp folder)"
    )
    args = parser.parse_args(argv)
    from calfeed.web.demo import demo_app

    instance = args.instance or Path(tempfile.mkdtemp(prefix="calfeed-demo-"))
    app = demo_app(instance)
    from flask import url_for

    from calfeed.web import service
    from calfeed.web.app import runtime

    rt = runtime(app)
    user_id = service.demo_user_id(rt.sessions)
    assert user_id is not None, "demo_app seeds the demo user"
    token = service.feed_token(rt.sessions, rt.cipher, user_id, rt.clock())
    with app.test_request_context(base_url=f"http://{args.host}:{args.port}"):
        dashboard = url_for("dashboard.index", _external=True)
        feed = url_for("feeds.feed", token=token, _external=True)
    print("calfeed demo: the sample calendar, no Google account needed", flush=True)
    print(f"  dashboard: {dashboard}", flush=True)
    print(f"  feed:      {feed}", flush=True)
    print("  (Ctrl+C stops it)", flush=True)
    _run(app, args.host, args.port)
    return 0
