"""The WSGI layer around the Flask app: security headers and the one-line request log.

Done in WSGI rather than Flask hooks because it runs on every feed poll: appending ready-made
header tuples in `start_response` costs a few microseconds, where Flask's header objects and
request globals cost a sizeable share of a cached feed's whole budget.

The log line holds method, path, status, size and duration. Query strings are never logged
(the OAuth callback carries codes in them) and feed paths are logged as their pattern, never
with the secret token; Werkzeug's own access log, which prints both, is silenced.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from calfeed.logmask import escape_controls
from calfeed.web.security import HEADERS

log = logging.getLogger("calfeed.request")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

INTERNAL_ERROR = b"Error 500\n"

#: path prefixes whose rest is a secret
SECRET_PREFIXES = ("/feeds/",)


def public_path(path: str) -> str:
    """The path as it may appear in logs."""
    for prefix in SECRET_PREFIXES:
        if path.startswith(prefix):
            return prefix + "<token>.ics"
    return escape_controls(path)


class EdgeMiddleware:
    """Adds the security headers a response lacks and logs one line per request."""

    def __init__(
        self, app: WSGIApp, *, https_only: bool = False, headers: dict[str, str] | None = None
    ) -> None:
        self.app = app
        self.headers = list((headers or HEADERS).items())
        if https_only:  # production: browsers must never fall back to plain http
            self.headers.append(("Strict-Transport-Security", "max-age=31536000"))
        self.names = frozenset(name.lower() for name in HEADERS)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        seen: dict[str, Any] = {}

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            headers.extend(h for h in self.headers if h[0].lower() not in present)
            seen["status"] = status.split(" ", 1)[0]
            seen["length"] = next((v for n, v in headers if n.lower() == "content-length"), "-")
            return start_response(status, headers, exc_info)

        try:
            result = self.app(environ, start)
        except Exception as exc:  # noqa: BLE001 - nothing may reach the server's own handler:
            # gunicorn would log the request line with the secret and answer a bare 500
            log.error(
                "unhandled error on %s %s: %s",
                environ.get("REQUEST_METHOD", "-"),
                public_path(environ.get("PATH_INFO", "")),
                type(exc).__name__,
            )
            result = [INTERNAL_ERROR]
            start(
                "500 INTERNAL SERVER ERROR",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(INTERNAL_ERROR))),
                    ("Cache-Control", "no-store"),
                ],
            )
        if log.isEnabledFor(logging.INFO):
            log.info(
                "%s %s %s %s %.1fms",
                environ.get("REQUEST_METHOD", "-"),
                public_path(environ.get("PATH_INFO", "")),
                seen.get("status", "-"),
                seen.get("length", "-"),
                (time.perf_counter() - started) * 1000,
            )
        return result


def init_logging() -> None:
    """Quiet Werkzeug's access line (it prints tokens) and make sure ours is emitted, masked.

    When nothing else (the platform, pytest) configured logging, the root logger gets one
    stderr handler with `logmask.MaskingFilter`: calfeed's lines and every library's warnings
    (Google's client logs request URLs) go out masked and on one line each. Handlers already
    there on calfeed's loggers get the filter too.
    """
    from calfeed.logmask import install

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    root = logging.getLogger()
    if not root.handlers and not logging.getLogger("calfeed").handlers and not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
        install(root)
    install(logging.getLogger("calfeed"))
    install(log)
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
