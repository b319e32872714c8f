"""`calfeed serve` and `calfeed demo`: run the web service from the command line.

Werkzeug's server is for one person on one machine (the demo, development); production runs
gunicorn from the Procfile. Both print the addresses to open and never a secret beyond the demo's
own feed address, and only once the port is known to be free.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from calfeed.errors import ConfigError, SourceError

if TYPE_CHECKING:
    from flask import Flask


class PortBusy(SourceError):
    """The port to listen on is taken: one line and exit status 2, before any address is shown."""


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number (1-65535): {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (1-65535): {value}")
    return value


def _parser(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="ADDRESS",
        help="address to listen on: 127.0.0.1 (this machine only) or 0.0.0.0 (every network) "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=os.environ.get("PORT") or "5000",
        metavar="N",
        help="port to listen on, 1-65535 (default: $PORT or 5000)",
    )
    return parser


def check_port(host: str, port: int) -> None:
    """Raise PortBusy when `port` cannot be listened on, so no address of another program is shown.

    Binds and releases at once, with SO_REUSEADDR like the server itself, so a port only in
    TIME_WAIT from our own previous run still counts as free.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortBusy(
                    f"port {port} on {host} is already in use by another program; "
                    f"choose another with --port (e.g. --port {port + 1 if port < 65535 else 5000})"
                ) from None
            raise PortBusy(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


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
    check_port(args.host, args.port)
    from calfeed.web.runtime import jobs

    queue = jobs(app)
    consumer = queue.start_in_process() if queue.embedded else None
    print(f"calfeed: serving on http://{args.host}:{args.port}/", flush=True)
    if consumer is not None:
        print("calfeed: Google reads run in this process (embedded queue)", flush=True)
    try:
        _run(app, args.host, args.port)
    finally:
        if consumer is not None:
            consumer.stop()
    return 0


def demo_folder() -> Path:
    """Where the demo keeps its database and local secrets: the per-user data folder."""
    from platformdirs import user_data_path

    return user_data_path("calfeed", appauthor=False) / "demo"


def demo(argv: list[str]) -> int:
    """Run the service on the bundled sample calendar; no Google account, no configuration."""
    parser = _parser("calfeed demo", "Run calfeed on a bundled sample calendar (no Google needed).")
    parser.add_argument(
        "--instance",
        type=Path,
        metavar="FOLDER",
        help="folder for the demo's database and local keys, kept between runs so the feed "
        f"address stays the same (default: {demo_folder()})",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="start over: forget the demo's marks, settings and feed address first",
    )
    args = parser.parse_args(argv)
    instance: Path = args.instance or demo_folder()
    check_port(args.host, args.port)
    from calfeed.web.demo import demo_app, reset

    if instance.exists() and not instance.is_dir():
        raise SourceError(f"{instance}: not a folder")
    if args.reset:
        reset(instance)
    try:
        instance.mkdir(parents=True, exist_ok=True)
        os.chmod(instance, 0o700)  # it holds the demo's keys
        app = demo_app(instance)
    except OSError as exc:
        raise SourceError(f"{exc.filename or instance}: {exc.strerror or exc}") from None
    from flask import url_for

    from calfeed.web import service
    from calfeed.web.runtime import runtime

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
    print(f"  kept in:   {instance} (`calfeed demo --reset` starts over)", flush=True)
    print("  (Ctrl+C stops it)", flush=True)
    _run(app, args.host, args.port)
    return 0
