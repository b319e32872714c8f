"""The web side of writing follow-ups into the user's Google Calendar: status, on/off, reminders.

`google_write_line()` (a template helper) is what the dashboard and settings show: whether
calfeed writes, when it last did, its error in plain words, and whether to ask an existing user
(once) to allow it. `POST /dashboard/google-calendar` turns writing off (calfeed's calendar is
deleted at Google, reading goes on), on again (a new calendar; for a user who never allowed it,
the incremental consent first), or records that the user declined to be asked;
`POST /settings/google-calendar` sets the reminder. The writes themselves run in the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from calfeed import store
from calfeed.adapters.google import can_write
from calfeed.background import google_writes
from calfeed.core.google_events import REMINDERS
from calfeed.store import google_delivery as gd
from calfeed.store import session_scope
from calfeed.web.context import _, current_lang, current_user_id, require_user, rt
from calfeed.web.i18n import N_
from calfeed.web.present import _due
from calfeed.web.runtime import jobs

bp = Blueprint("google_calendar", __name__)

#: the last write's error as the user reads it (`google_writes.ERRORS`)
ERROR_TEXT = {
    "calendar_gone": N_(
        "You deleted the calendar “Interview follow-ups” in Google Calendar, so calfeed stopped "
        "writing to it."
    ),
    "not_granted": N_(
        "Google does not let calfeed write to your calendar any more. Allow it again to resume."
    ),
    "reconnect": N_("Google no longer lets calfeed in. Connect again to resume writing."),
    "google_unavailable": N_(
        "The last write to Google Calendar failed (Google did not answer or refused for now); "
        "calfeed tries again by itself. Your feed and this page are not affected."
    ),
}
REMINDER_TEXT = {
    "none": N_("No reminder"),
    "at-start": N_("A notification at the time"),
    "15-min": N_("A notification 15 minutes before"),
}


@dataclass(frozen=True)
class WriteLine:
    """What the partial `_google_write.html` and the feed card show."""

    google: bool  # a Google account (not the demo, not a passkey-only account)
    granted: bool  # the user allowed writing (calendar.app.created)
    writing: bool  # calfeed writes now (granted, on, calendar not deleted)
    gone: bool  # the user deleted calfeed's calendar
    off: bool  # granted, but the user stopped the writing
    ask: bool  # an existing user never asked yet
    last_written: str | None
    pending: bool
    error: str | None  # in plain words
    reminder: str


def write_line() -> WriteLine | None:
    user_id = current_user_id()
    if user_id is None:
        return None
    with session_scope(rt().sessions) as s:
        user = store.get_user(s, user_id)
        if user is None:
            return None
        google = bool(user.google_email and user.refresh_token_enc)
        granted = can_write(user.granted_scopes.split())
        zone = store.rule_settings_of(user).time_zone
        status = gd.status(s, user_id)
    enabled = status is not None and status.enabled
    gone = status is not None and status.calendar_gone
    writing = google and granted and enabled and not gone
    when = None
    if status is not None and status.last_written_at is not None:
        when = _due(status.last_written_at, zone, current_lang())
    code = status.last_error if status is not None and writing else None
    error = _(ERROR_TEXT[code]) if code in ERROR_TEXT else None
    return WriteLine(
        google=google,
        granted=granted,
        writing=writing,
        gone=google and granted and gone,
        off=google and granted and not enabled,
        ask=google and not granted and (status is None or not status.asked),
        last_written=when,
        pending=bool(status and status.pending and writing),
        error=error,
        reminder=status.reminder if status is not None else "at-start",
    )


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {"google_write_line": write_line, "reminder_choices": REMINDER_TEXT}


@bp.post("/dashboard/google-calendar")
def switch() -> ResponseReturnValue:
    """on: write again (a new calendar); off: stop and delete calfeed's calendar; decline: the
    user does not want to be asked to allow writing."""
    user_id = require_user()
    runtime = rt()
    action = request.form.get("action", "")
    now = runtime.clock()
    if action == "decline":
        with session_scope(runtime.sessions) as s:
            gd.mark_asked(s, user_id, now, declined=True)
        flash(_("calfeed will not ask again. You can turn writing on in Settings."), "ok")
        return redirect(url_for("dashboard.index"), code=303)
    if action == "off":
        deleted = google_writes.delete_calendar(runtime.sessions, runtime.config, user_id, now)
        if deleted:
            flash(
                _(
                    "calfeed stopped writing to your Google Calendar and deleted its calendar "
                    "there. It still reads your interviews."
                ),
                "ok",
            )
        else:
            flash(
                _(
                    "calfeed stopped writing to your Google Calendar, but Google did not let it "
                    "delete its calendar “Interview follow-ups”: delete it yourself in Google "
                    "Calendar's settings."
                ),
                "error",
            )
        return redirect(url_for("dashboard.index"), code=303)
    if action != "on":
        flash(_("Unknown action."), "error")
        return redirect(url_for("dashboard.index"), code=303)
    with session_scope(runtime.sessions) as s:
        user = store.get_user(s, user_id)
        granted = user is not None and can_write(user.granted_scopes.split())
        if granted:
            gd.set_enabled(s, user_id, True, now)
    if not granted:  # incremental consent first; the callback turns writing on
        return redirect(url_for("auth.connect", access="write", then="write"), code=303)
    jobs(current_app).request_write(user_id)
    flash(_("calfeed writes your follow-ups into your Google Calendar; they appear shortly."), "ok")
    return redirect(url_for("dashboard.index"), code=303)


@bp.post("/settings/google-calendar")
def reminder() -> ResponseReturnValue:
    """The reminder on each follow-up calfeed writes (none, at the time, 15 minutes before)."""
    user_id = require_user()
    runtime = rt()
    choice = request.form.get("reminder", "")
    if choice not in REMINDERS:
        flash(_("Unknown action."), "error")
        return redirect(url_for("settings.index"), code=303)
    with session_scope(runtime.sessions) as s:
        gd.set_reminder(s, user_id, choice, runtime.clock())
    jobs(current_app).request_write(user_id)
    return redirect(url_for("settings.index", saved="gcal") + "#gcal", code=303)
