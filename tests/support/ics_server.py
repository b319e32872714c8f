"""A calendar server on loopback: real HTTP, changing .ics content, ETag/304, faults.

Each path is a `Route`; tests change a route's body between reads (as a provider would when the
user moves an interview) and look at `requests` to see what calfeed sent.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True  # send an ETag (sha256 of the body) and answer If-None-Match with 304
    last_modified: str | None = None
    location: str | None = None  # with a 3xx status
    trickle: float = 0.0  # seconds between single bytes of the body
    content_type: str = "text/calendar; charset=utf-8"


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class IcsServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append(
                    Seen(self.path, {k.lower(): v for k, v in self.headers.items()})
                )
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    self._send(404, b"not found", {})
                    return
                headers = {"Content-Type": route.content_type, **route.headers}
                if route.location:
                    headers["Location"] = route.location
                tag = f'"{hashlib.sha256(route.body).hexdigest()[:16]}"'
                if route.etag and route.status == 200:
                    headers["ETag"] = tag
                    if self.headers.get("If-None-Match") == tag:
                        self._send(304, b"", {"ETag": tag})
                        return
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                    if self.headers.get("If-Modified-Since") == route.last_modified:
                        self._send(304, b"", {})
                        return
                self._send(route.status, route.body, headers, route.trickle)

            def _send(
                self, status: int, body: bytes, headers: dict[str, str], trickle: float = 0.0
            ) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if trickle:
                        for i in range(len(body)):
                            self.wfile.write(body[i : i + 1])
                            self.wfile.flush()
                            time.sleep(trickle)
                    else:
                        self.wfile.write(body)
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def start(self) -> IcsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def ics_server() -> Iterator[IcsServer]:
    server = IcsServer().start()
    try:
        yield server
    finally:
        server.stop()
