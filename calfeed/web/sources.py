"""Calendars added by their secret .ics address, managed from the dashboard.

Thin views: parse the form, call one `calfeed.background.ics_reads` function, redirect back to the
dashboard (303) with a message; a refused address re-renders the dashboard with status 400 and the
reason.
The partial `_sources.html` gets its rows from `ics_sources()` (a template function registered
here), so the dashboard view itself knows nothing of sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from calfeed.adapters.fetch import FetchRefused
from calfeed.background import ics_reads
from calfeed.background.ics_reads import SourceExists
from calfeed.errors import LimitReached, NotFound
from calfeed.store import ics_sources as db
from calfeed.store import session_scope
from calfeed.web.context import _, current_user_id, require_user, rt
from calfeed.web.forms import flag
from calfeed.web.runtime import jobs

bp = Blueprint("sources", __name__, url_prefix="/sources")

ADDRESS_LIMIT = 2000
#: the address field's error key on the dashboard ("@": a field id, not an event key)
FIELD = "@ics-address"


@dataclass(frozen=True)
class SourceRow:
    """One source as the partial shows it."""

    id: int
    name: str
    paused: bool
    events: int
    interviews: int
    last_read: str
    error: str | None
    reading: bool = False  # the first read is in the worker: "reading ..."
    fresh: bool = False  # added moments ago: the page reloads itself until the read ends
    notice: str | None = None  # what the last read left out (cut to the caps)


#: the dashboard reloads itself every this many seconds while a calendar added less than
#: `REFRESH_FOR` ago is still being read (the worker reads it; the page never waits on it)
REFRESH_EVERY = 3
REFRESH_FOR = timedelta(minutes=2)


def read_first(user_id: int, source_id: int) -> None:
    """Hand the first read of a calendar just added to the worker: no web thread ever waits on a
    stranger's server (a slow one held "add" for 100 s before); the dashboard shows "reading"."""
    jobs(current_app).request_source_read(source_id)


def added_message() -> tuple[str, str]:
    return _("Added. calfeed is reading the calendar now; this page shows what it found."), "ok"


def _rows(user_id: int) -> list[SourceRow]:
    now = rt().clock()
    with session_scope(rt().sessions) as s:
        views = db.source_views(s, user_id)
        from calfeed.store.users import get_user, rule_settings_of

        user = get_user(s, user_id)
        zone = ZoneInfo(rule_settings_of(user).time_zone) if user else ZoneInfo("UTC")
    return [
        SourceRow(
            v.id,
            v.name,
            v.paused,
            v.events_found,
            v.interviews_found,
            _when(v.last_success_at, zone),
            v.last_error,
            v.reading and not v.paused,
            v.reading
            and not v.paused
            and v.created_at is not None
            and now - v.created_at < REFRESH_FOR,
            v.notice,
        )
        for v in views
    ]


def _when(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


@bp.app_context_processor
def _context() -> dict[str, Any]:
    def ics_sources() -> list[SourceRow]:
        uid = current_user_id()
        return [] if uid is None else _rows(uid)

    return {"ics_sources": ics_sources, "sources_refresh": REFRESH_EVERY}


def _back() -> BaseResponse:
    return redirect(url_for("dashboard.index") + "#sources-h", code=303)


def _refused(user_id: int, message: str, typed: str = "", status: int = 400) -> ResponseReturnValue:
    """The dashboard again (400): the reason beside the address field, the typed text kept."""
    from calfeed.web.dashboard import FORM_REFUSED, _page

    return _page(user_id, status, _(FORM_REFUSED), {FIELD: message}, {FIELD: typed})


@bp.post("/add")
def add() -> ResponseReturnValue:
    user_id = require_user()
    address = request.form.get("address", "")[:ADDRESS_LIMIT]
    name = request.form.get("name", "")
    runtime = rt()
    try:
        source_id = ics_reads.add_source(
            runtime.sessions,
            runtime.cipher,
            user_id,
            address,
            name,
            runtime.clock(),
            policy=ics_reads.policy_for(runtime.config),
            max_sources=runtime.config.max_sources,
        )
    except LimitReached:
        limit = runtime.config.max_sources
        message = _("An account holds at most %(limit)s calendars by address.", limit=limit)
        return _refused(user_id, message, address, 409)
    except FetchRefused as exc:
        return _refused(user_id, _("This address cannot be read: %(reason)s.", reason=exc), address)
    except SourceExists:
        return _refused(user_id, _("This calendar is already added."), address)
    read_first(user_id, source_id)
    flash(*added_message())
    return _back()


@bp.post("/<int:source_id>/rename")
def rename(source_id: int) -> ResponseReturnValue:
    user_id = require_user()
    name = request.form.get("name", "")
    if not name.strip() or len(name) > ics_reads.NAME_LIMIT:
        from calfeed.web.dashboard import _page

        return _page(user_id, 400, _("A name is one line of at most 80 characters."))
    _do(ics_reads.rename_source, user_id, source_id, name)
    flash(_("Saved."), "ok")
    return _back()


@bp.post("/<int:source_id>/pause")
def pause(source_id: int) -> ResponseReturnValue:
    user_id = require_user()
    value = flag(request.form, "value")
    if value is None:
        from calfeed.web.dashboard import _page

        return _page(user_id, 400, _("Unknown action."))
    _do(ics_reads.pause_source, user_id, source_id, value)
    jobs(current_app).request_write(user_id)
    flash(
        _("Paused: its events left your feed and it is not read.")
        if value
        else _("Resumed: it is read again at the next chance."),
        "ok",
    )
    return _back()


@bp.post("/<int:source_id>/remove")
def remove(source_id: int) -> ResponseReturnValue:
    user_id = require_user()
    _do(ics_reads.remove_source, user_id, source_id)
    jobs(current_app).request_write(user_id)
    flash(_("Removed, with everything read from it."), "ok")
    return _back()


@bp.post("/<int:source_id>/read")
def read(source_id: int) -> ResponseReturnValue:
    """ "Read now": a read in the background worker, still at most one per source per interval."""
    user_id = require_user()
    now = rt().clock()
    with session_scope(rt().sessions) as s:
        source = db.get_source(s, user_id, source_id)
        if source is None:
            raise NotFound("no such calendar")
        due = not source.paused and (source.next_read_at is None or source.next_read_at <= now)
    if not due:
        flash(_("Read recently; calfeed reads each calendar at most every 15 minutes."), "ok")
        return _back()
    jobs(current_app).request_source_read(source_id)
    flash(_("The calendar will be read in a moment."), "ok")
    return _back()


def _do(action: Any, user_id: int, source_id: int, *args: Any) -> None:
    """Run a source action for the signed-in user (NotFound: the error handler's 404)."""
    action(rt().sessions, user_id, source_id, *args, rt().clock())
