"""`GET /feeds/<token>.ics`: the subscribed calendar, cheap for the thousands of polls it gets.

Two ways in, one answer. `WarmFeeds` sits in front of Flask at the WSGI layer and answers a poll
whose cached feed is fresh straight from the one lookup query; everything else (a miss, a stale
feed, `?kinds=`/`?lang=`, an unknown token) falls through to the `feed` view, which renders,
reads Google when due, and maps errors. Both build their headers with `feed_headers` and decide
304s with `not_modified`, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, request
from werkzeug.http import http_date, parse_date

from calfeed.web.context import rt
from calfeed.web.feedcache import DEFAULT, Served, parse_variant, serve_feed, warm_feed
from calfeed.web.runtime import runtime

bp = Blueprint("feeds", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"
#: clients may keep the bytes but must ask again before using them: a mark shows at once, and the
#: question costs a 304
CACHE_CONTROL = "private, no-cache"
PREFIX, SUFFIX = "/feeds/", ".ics"


def feed_headers(served: Served) -> list[tuple[str, str]]:
    return [
        ("ETag", served.etag),
        ("Last-Modified", http_date(served.last_modified)),
        ("Cache-Control", CACHE_CONTROL),
        ("Content-Disposition", 'inline; filename="calfeed.ics"'),
    ]


def not_modified(served: Served, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110 13.1: If-None-Match (weak comparison) wins; If-Modified-Since only without it."""
    if if_none_match is not None:
        wanted = served.etag.strip('"')
        for candidate in if_none_match.split(","):
            tag = candidate.strip().removeprefix("W/").strip('"')
            if tag == wanted or tag == "*":
                return True
        return False
    if if_modified_since:
        since = parse_date(if_modified_since)
        return since is not None and served.last_modified.replace(microsecond=0) <= since
    return False


@bp.get("/feeds/<token>.ics")
def feed(token: str) -> Response:
    variant = parse_variant(request.args.get("kinds"), request.args.get("lang"))
    runtime_ = rt()
    served = serve_feed(runtime_.sessions, runtime_.config, token, variant, runtime_.clock())
    headers = feed_headers(served)
    inm, ims = request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")
    if not_modified(served, inm, ims):
        return Response(status=304, headers=headers)
    return Response(served.ics, status=200, headers=headers, content_type=CONTENT_TYPE)


StartResponse = Callable[..., Any]


class WarmFeeds:
    """WSGI fast path for fresh cached feeds (see the module docstring)."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path: str = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD")
        if (
            path.startswith(PREFIX)
            and path.endswith(SUFFIX)
            and method in ("GET", "HEAD")
            and not environ.get("QUERY_STRING")
        ):
            token = path[len(PREFIX) : -len(SUFFIX)]
            if "/" not in token:
                rt_ = runtime(self.app)
                now: datetime = rt_.clock()
                try:
                    served = warm_feed(rt_.sessions, rt_.config, token, DEFAULT, now)
                except Exception:  # noqa: BLE001 - e.g. the database is down: the Flask view
                    served = None  # answers (and logs, once) with its own error handling
                if served is not None:
                    return self._answer(served, environ, start_response, method == "HEAD")
        return self.wsgi_app(environ, start_response)

    @staticmethod
    def _answer(
        served: Served, environ: dict[str, Any], start_response: StartResponse, head: bool
    ) -> Iterable[bytes]:
        headers = feed_headers(served)
        inm = environ.get("HTTP_IF_NONE_MATCH")
        if not_modified(served, inm, environ.get("HTTP_IF_MODIFIED_SINCE")):
            start_response("304 NOT MODIFIED", headers)
            return []
        headers.append(("Content-Type", CONTENT_TYPE))
        headers.append(("Content-Length", str(len(served.ics))))
        start_response("200 OK", headers)
        return [] if head else [served.ics]
