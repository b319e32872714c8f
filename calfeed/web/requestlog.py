"""One log line per request, with nothing secret in it.

Werkzeug's own access log prints the full request line, which holds feed tokens (the path) and
OAuth codes (the query string); it is silenced and replaced by this line: method, the route's
pattern for secret-bearing routes (never the token), status, size and duration. Query strings are
never logged.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("calfeed.request")

#: endpoints whose URL carries a secret: logged by their pattern, not their path
SECRET_ENDPOINTS = frozenset({"feeds.feed"})


def _start() -> None:
    g.calfeed_t0 = time.perf_counter()


def _log(response: Response) -> Response:
    if not log.isEnabledFor(logging.INFO):
        return response
    path = request.path
    if request.endpoint in SECRET_ENDPOINTS or path.startswith("/feeds/"):
        path = "/feeds/<token>.ics"
    elapsed_ms = (time.perf_counter() - g.get("calfeed_t0", time.perf_counter())) * 1000
    log.info(
        "%s %s %s %s %.1fms",
        request.method,
        path,
        response.status_code,
        response.content_length if response.content_length is not None else "-",
        elapsed_ms,
    )
    return response


def init_request_log(app: Flask) -> None:
    """Install the one-line request log and quiet Werkzeug's line (it would print tokens)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        log.addHandler(handler)
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    app.before_request(_start)
    app.after_request(_log)
