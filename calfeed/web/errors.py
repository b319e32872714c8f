"""Domain errors -> HTTP at the edge: each CalfeedError carries its `http_status`.

Pages get a clear, translated page; feed URLs get a bare text answer (calendar apps show no HTML,
and a 404 must not hint whether a token ever existed). Unexpected exceptions are logged once
with their traceback and answered with a plain 500 page that leaks nothing.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from calfeed.errors import CalfeedError, ServiceUnavailable
from calfeed.store.db import refuses_writes
from calfeed.web.context import SignInRequired, _
from calfeed.web.i18n import N_

log = logging.getLogger(__name__)

#: statuses with their own message; anything else uses the 500 one (or 400 for client errors)
MESSAGES = {
    400: N_("The request could not be understood. Go back, reload the page and try again."),
    401: N_("Please connect Google Calendar again."),
    403: N_("You may not do that."),
    404: N_("There is nothing here."),
    405: N_("That method is not allowed here."),
    500: N_("Something went wrong on our side. Please try again later."),
    502: N_("Google could not be reached. Please try again later."),
    503: N_("The service is not available right now. Please try again later."),
}
READ_ONLY = N_(
    "calfeed cannot save changes right now, so nothing was changed. Your calendar feed keeps"
    " working. Please try again later."
)
#: seconds a client is asked to wait after a 503 (the database refusing writes)
RETRY_AFTER = "300"
OAUTH_FAILED = N_("Connecting Google did not work. Nothing was stored. You can try again.")
CSRF_FAILED = N_("The form expired or was sent from another site. Reload the page and try again.")


#: paths whose callers are scripts reading JSON (static/passkeys.js): errors answer JSON there
JSON_PREFIXES = ("/passkeys/",)


def _is_feed() -> bool:
    return request.path.startswith("/feeds/") or request.path == "/healthz"


def _plain(status: int, text: str) -> Response:
    return Response(text + "\n", status=status, content_type="text/plain; charset=utf-8")


def error_page(status: int, message: str | None = None) -> Response:
    """The error page for `status` (`message`: an English msgid), or plain text for machines."""
    if _is_feed():
        text = {404: "Not found", 400: "Bad request", 503: "Unavailable, try again later"}
        answer = _plain(status, text.get(status, "Error"))
        if status == 503:
            answer.headers["Retry-After"] = RETRY_AFTER
        return answer
    message = message or MESSAGES.get(status) or MESSAGES[400 if status < 500 else 500]
    if request.path.startswith(JSON_PREFIXES):  # the passkey script shows `error` in its form
        answer = jsonify({"error": _(message)})
        answer.status_code = status
        if status == 503:
            answer.headers["Retry-After"] = RETRY_AFTER
        return answer
    try:
        html = render_template("error.html", status=status, message=_(message))
    except Exception:  # noqa: BLE001 - e.g. the database is down: the page needs the user's language
        log.warning("error page could not be rendered; answering in plain text")
        return _plain(status, f"Error {status}")
    answer = Response(html, status=status, content_type="text/html; charset=utf-8")
    if status == 503:
        answer.headers["Retry-After"] = RETRY_AFTER
    return answer


def _calfeed_error(exc: CalfeedError) -> Response:
    if isinstance(exc, SignInRequired):
        flash(_("Please connect Google Calendar first."), "error")
        return redirect(url_for("pages.index"), code=303)  # type: ignore[return-value]
    status = exc.http_status
    if isinstance(exc, ServiceUnavailable):
        log.warning("%s on %s: %s", type(exc).__name__, request.endpoint, exc)
        return error_page(503, READ_ONLY)
    if status >= 500:
        log.error("%s on %s: %s", type(exc).__name__, request.endpoint, exc)
    from calfeed.adapters.google import AuthorizationError

    if isinstance(exc, AuthorizationError):
        log.info("google consent failed: %s", exc.reason)
        return error_page(400, OAUTH_FAILED)
    if _is_feed() and status == 400:
        return _plain(400, f"Bad request: {exc}")
    return error_page(status)


def _csrf_error(exc: CSRFError) -> Response:
    return error_page(400, CSRF_FAILED)


def _http_error(exc: HTTPException) -> Response:
    answer = error_page(exc.code or 500)
    for name, value in exc.get_headers():  # e.g. 405's Allow (RFC 9110 15.5.6)
        if name.lower() != "content-type":
            answer.headers[name] = value
    return answer


def _database_down(exc: Exception) -> bool:
    """SQLAlchemy's OperationalError, or the driver's own (the feed lookup's raw connection)."""
    import sqlite3

    import psycopg
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError | sqlite3.OperationalError | psycopg.OperationalError)


def _unexpected(exc: Exception) -> Response:
    if refuses_writes(exc):  # it still reads: the pages say so, one line each, no traceback
        log.warning("database refuses writes on %s: %s", request.endpoint, type(exc).__name__)
        return error_page(503, READ_ONLY)
    if _database_down(exc):  # one line per request, not a traceback each time
        log.error("database unavailable on %s: %s", request.endpoint, type(exc).__name__)
    else:
        log.exception("unhandled error on %s", request.endpoint)
    return error_page(500)


def init_errors(app: Flask) -> None:
    app.register_error_handler(CalfeedError, _calfeed_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
