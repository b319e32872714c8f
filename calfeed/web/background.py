"""The web side of background reads: "Refresh now", the last-read line, Google's pushes.

`POST /dashboard/refresh` enqueues a read (at most one a minute per user) and returns at once;
`POST /google/notify` is where Google's push notifications land (CSRF-exempt: Google sends no
token; it is authenticated by the channel id, resource id and channel token instead, and anything
unknown gets 404 and starts no read). Neither ever calls Google itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from calfeed import store
from calfeed.background import push, reads
from calfeed.store import session_scope
from calfeed.web.context import _, current_lang, current_user_id, require_user, rt
from calfeed.web.present import _due
from calfeed.web.runtime import jobs

bp = Blueprint("background", __name__)


@dataclass(frozen=True)
class ReadLine:
    """What the dashboard's partial (`_google_read.html`) shows."""

    connected: bool
    last_read: str | None  # formatted in the user's zone
    pending: bool
    error: bool


def read_line() -> ReadLine | None:
    """The signed-in user's Google read status, or None (no user)."""
    user_id = current_user_id()
    if user_id is None:
        return None
    sessions = rt().sessions
    status = reads.status(sessions, user_id)
    with session_scope(sessions) as s:
        user = store.get_user(s, user_id)
        if user is None:
            return None
        connected = bool(user.refresh_token_enc)
        zone = store.rule_settings_of(user).time_zone
    when = _due(status.last_read_at, zone, current_lang()) if status.last_read_at else None
    return ReadLine(connected, when, status.pending, bool(status.last_error))


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {"google_read_line": read_line}


@bp.post("/dashboard/refresh")
def refresh() -> ResponseReturnValue:
    user_id = require_user()
    if jobs(current_app).refresh_now(user_id):
        flash(_("Google Calendar will be read in a moment."), "ok")
    else:
        flash(_("Google Calendar was just refreshed. Try again in a minute."), "error")
    return redirect(url_for("dashboard.index"), code=303)


@bp.post(push.NOTIFY_PATH)
def notify() -> ResponseReturnValue:
    """A Calendar API push notification: verified, then (for a change) one coalesced read."""
    found = push.verify(rt().sessions, {k.lower(): v for k, v in request.headers.items()})
    if found is None:
        return Response("not found\n", status=404, content_type="text/plain")
    if found.change:
        jobs(current_app).request_read(found.user_id, coalesce=True)
    return Response(status=200)
