"""`GET /feeds/<token>.ics`: the subscribed calendar, cheap for the thousands of polls it gets.

Conditional requests are answered here without Werkzeug's generic machinery: an exact ETag
comparison on the cached value is all a warm poll needs.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from werkzeug.http import http_date

from calfeed.web.context import rt
from calfeed.web.feedcache import parse_variant, serve_feed

bp = Blueprint("feeds", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"
#: clients may keep the bytes but must ask again before using them: a mark shows at once, and the
#: question costs a 304
CACHE_CONTROL = "private, no-cache"


@bp.get("/feeds/<token>.ics")
def feed(token: str) -> Response:
    args = request.args
    variant = parse_variant(args.get("kinds"), args.get("lang"))
    runtime = rt()
    served = serve_feed(runtime.sessions, runtime.config, token, variant, runtime.clock())
    headers = {
        "ETag": served.etag,
        "Last-Modified": http_date(served.last_modified),
        "Cache-Control": CACHE_CONTROL,
        "Content-Disposition": 'inline; filename="calfeed.ics"',
    }
    if _not_modified(served.etag, served.last_modified):
        return Response(status=304, headers=headers)
    return Response(served.ics, status=200, headers=headers, content_type=CONTENT_TYPE)


def _not_modified(etag: str, last_modified) -> bool:  # type: ignore[no-untyped-def]
    """RFC 9110 13.1: If-None-Match wins; If-Modified-Since only counts without it."""
    if "If-None-Match" in request.headers:
        return request.if_none_match.contains_weak(etag.strip('"'))
    since = request.if_modified_since
    return since is not None and last_modified.replace(microsecond=0) <= since
