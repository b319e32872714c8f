"""Feed serving under load: warm-cache feed requests/second as a ratio to bytes from memory.

    .venv/bin/python bench/feed_load.py [--seconds 5] [--connections 16]

Starts gunicorn (2 workers, the Procfile's default worker class) on loopback with the real app on a
fresh SQLite database holding the demo user, plus one extra route, `/bench/static.ics`, that
returns the very same feed bytes from memory: a minimal Flask route under the same server and
the same middleware. The load generator is wrk when installed (Debian's `wrk`), else a bounded
Python client. It reports requests/second for
  - the feed with a warm cache (`GET /feeds/<token>.ics`),
  - the in-memory route,
  - the feed with a matching If-None-Match (304s),
and the ratio feed / in-memory (the target: at least 0.7). Loopback only, bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def bench_app():  # gunicorn entry point: 'feed_load:bench_app()'
    """The real app plus the in-memory baseline route serving the same bytes."""
    from flask import Response

    from calfeed import create_app
    from calfeed.web import feedcache
    from calfeed.web.runtime import runtime

    app = create_app()
    rt = runtime(app)
    served = feedcache.serve_feed(
        rt.sessions, rt.config, os.environ["BENCH_TOKEN"], feedcache.DEFAULT, rt.clock()
    )
    body, etag = served.ics, served.etag

    @app.get("/bench/static.ics")
    def static_feed() -> Response:
        return Response(body, content_type="text/calendar; charset=utf-8", headers={"ETag": etag})

    return app


def bare_app():  # gunicorn entry point: 'feed_load:bare_app()'
    """A bare Flask app (no calfeed middleware) returning the same bytes: the strict floor."""
    from flask import Flask, Response

    body = Path(os.environ["BENCH_BODY"]).read_bytes()
    app = Flask("bare")

    @app.get("/bench/static.ics")
    def static_feed() -> Response:
        return Response(body, content_type="text/calendar; charset=utf-8")

    return app


def prepare(folder: Path) -> tuple[dict[str, str], str]:
    """A migrated SQLite database with the demo user; returns (environment, feed token)."""
    sys.path.insert(0, str(ROOT))
    from calfeed.web import service
    from calfeed.web.demo import demo_app
    from calfeed.web.runtime import runtime

    app = demo_app(folder)
    rt = runtime(app)
    user_id = service.demo_user_id(rt.sessions)
    assert user_id is not None
    token = service.feed_token(rt.sessions, rt.cipher, user_id, rt.clock())
    # render once here: a warm cache before the workers start (else both render the first time)
    assert app.test_client().get(f"/feeds/{token}.ics").status_code == 200
    env = dict(
        os.environ,
        CALFEED_ENV="development",
        CALFEED_INSTANCE_PATH=str(folder),
        CALFEED_DATABASE_URL=rt.config.database_url,
        CALFEED_SECRET_KEY=rt.config.secret_key,
        CALFEED_ENCRYPTION_KEY=rt.config.encryption_key,
        BENCH_TOKEN=token,
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
    )
    return env, token


def start_gunicorn(target: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            target,
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=str(ROOT / "bench"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # the app's one line per request would cost the same for both
        start_new_session=True,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_up(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def run_wrk(url: str, seconds: int, connections: int, headers: dict[str, str]) -> float:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        cmd + [url], capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        raise SystemExit(f"errors under load: {non2xx.group(1)} non-2xx/3xx answers\n{out}")
    assert match, out
    return float(match.group(1))


def run_python(url: str, seconds: int, connections: int, headers: dict[str, str]) -> float:
    """A bounded threaded client (when wrk is missing): fresh connection per request, like wrk
    against gunicorn's sync workers, which close every connection."""
    port = int(url.split(":")[2].split("/")[0])
    path = "/" + url.split("/", 3)[3]
    stop = time.monotonic() + seconds
    counts = [0] * connections
    errors: list[int] = []

    def worker(n: int) -> None:
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
            conn.request("GET", path, headers=headers)
            answer = conn.getresponse()
            answer.read()
            conn.close()
            if answer.status not in (200, 304):
                errors.append(answer.status)
            counts[n] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 30)
    if errors:
        raise SystemExit(f"errors under load: {len(errors)} answers with status {errors[0]}")
    return sum(counts) / (time.monotonic() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="per measurement (max 30)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (max 5)")
    args = parser.parse_args()
    seconds, rounds = min(args.seconds, 30), min(args.rounds, 5)
    load = run_wrk if shutil.which("wrk") else run_python
    folder = Path(tempfile.mkdtemp(prefix="calfeed-bench-"))
    env, token = prepare(folder)
    port = free_port()
    server = start_gunicorn("feed_load:bench_app()", port, env)
    base = f"http://{HOST}:{port}"
    feed_url, static_url = f"{base}/feeds/{token}.ics", f"{base}/bench/static.ics"
    try:
        wait_up(static_url, time.monotonic() + 30)
        with urllib.request.urlopen(feed_url, timeout=10) as r:  # noqa: S310 - warm the cache
            etag, feed_body = r.headers["ETag"], r.read()
            size = len(feed_body)
        with urllib.request.urlopen(static_url, timeout=10) as r:  # noqa: S310
            assert len(r.read()) == size
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        conn.request("GET", f"/feeds/{token}.ics", headers={"If-None-Match": etag})
        status = conn.getresponse().status
        conn.close()
        assert status == 304, f"If-None-Match answered {status}, not 304"
        feed, static, not_modified = [], [], []
        for _ in range(rounds):  # alternate, so drift (CPU heat, neighbours) hits both alike
            feed.append(load(feed_url, seconds, args.connections, {}))
            static.append(load(static_url, seconds, args.connections, {}))
            not_modified.append(load(feed_url, seconds, args.connections, {"If-None-Match": etag}))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    # the strict floor: a bare Flask app, none of calfeed's hooks (headers, request log, session)
    body_path = folder / "body.ics"
    bare_port = free_port()
    body_path.write_bytes(feed_body)
    bare = start_gunicorn("feed_load:bare_app()", bare_port, dict(env, BENCH_BODY=str(body_path)))
    bare_url = f"http://{HOST}:{bare_port}/bench/static.ics"
    try:
        wait_up(bare_url, time.monotonic() + 30)
        bare_rps = [load(bare_url, seconds, args.connections, {}) for _ in range(rounds)]
    finally:
        os.killpg(bare.pid, signal.SIGTERM)
        bare.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    f, s, n, b = max(feed), max(static), max(not_modified), max(bare_rps)
    print(
        f"load generator: {'wrk' if load is run_wrk else 'python threads'}, "
        f"{args.connections} connections, {rounds} x {seconds}s each, gunicorn 2 workers"
    )
    print(f"feed body: {size} bytes")
    print(f"feed (warm cache):       {f:9.0f} req/s")
    print(f"in-memory Flask route:   {s:9.0f} req/s")
    print(f"feed, If-None-Match 304: {n:9.0f} req/s")
    print(f"bare Flask app, same bytes (no calfeed middleware): {b:9.0f} req/s")
    ratio = f / s
    verdict = "met" if ratio >= 0.7 else "NOT met"
    print(f"ratio feed / in-memory route, same app and server: {ratio:5.2f} (0.70: {verdict})")
    print(f"ratio feed / bare Flask app (stricter):             {f / b:5.2f}")
    return 0 if ratio >= 0.7 else 1


if __name__ == "__main__":
    raise SystemExit(main())
