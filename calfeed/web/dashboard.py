"""The signed-in dashboard: the feed address, interviews with their follow-ups, and the marks.

Every form posts, then redirects back (so a reload never posts twice); a bad value re-renders
the page with status 400, a clear message, and nothing stored.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from calfeed.errors import NotFound
from calfeed.web import present, service
from calfeed.web.context import _, require_user, rt
from calfeed.web.forms import flag, parse_correction_field, parse_timeline_field

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


def feed_url(token: str) -> str:
    """The public address of a feed: CALFEED_BASE_URL when set (behind proxies), else this host."""
    base = rt().config.base_url or request.host_url.rstrip("/")
    return base + url_for("feeds.feed", token=token)


def _page(
    user_id: int, status: int = 200, error: str | None = None, fields: dict[str, str] | None = None
) -> tuple[str, int]:
    runtime = rt()
    now = runtime.clock()
    token = service.feed_token(runtime.sessions, runtime.cipher, user_id, now)
    page = request.args.get("page", default=1, type=int) or 1
    dash = present.dashboard(runtime.sessions, user_id, now, page=page)
    links = present.feed_links(feed_url(token))
    html = render_template(
        "dashboard.html", dash=dash, feed=links, form_error=error, field_errors=fields or {}
    )
    return html, status


def _back(key: str | None = None) -> BaseResponse:
    anchor = "#" + present.anchor_of(key) if key else ""
    return redirect(url_for("dashboard.index") + anchor, code=303)


@bp.get("")
def index() -> tuple[str, int]:
    return _page(require_user())


@bp.post("/mark")
def mark() -> ResponseReturnValue:
    user_id = require_user()
    key, name, value = (
        request.form.get("event", ""),
        request.form.get("mark", ""),
        flag(request.form, "value"),
    )
    if name not in service.MARK_FIELDS or value is None:
        return _page(user_id, 400, _("err.action"))
    try:
        service.set_mark(rt().sessions, user_id, key, name, value, rt().clock())
    except NotFound:
        return _page(user_id, 400, _("err.event"))
    flash(_("dash.saved"), "ok")
    return _back(None if name == "not_interview" else key)


@bp.post("/timeline")
def timeline() -> ResponseReturnValue:
    user_id = require_user()
    key = request.form.get("event", "")
    now = rt().clock()
    # relative phrases need a day to count from; any day of the read window will do to check
    text, ok = parse_timeline_field(request.form.get("timeline", ""), (now - timedelta(60)).date())
    if not ok:
        return _page(user_id, 400, _("err.form"), {key: _("err.timeline")})
    try:
        service.set_timeline(rt().sessions, user_id, key, text, now)
    except NotFound:
        return _page(user_id, 400, _("err.event"))
    flash(_("dash.saved"), "ok")
    return _back(key)


@bp.post("/correct")
def correct() -> ResponseReturnValue:
    """Rule E2: the user's correction of an interview's company and position (issue 8)."""
    user_id = require_user()
    key = request.form.get("event", "")
    company, ok_company = parse_correction_field(request.form.get("company", ""))
    position, ok_position = parse_correction_field(request.form.get("position", ""))
    if not (ok_company and ok_position):
        return _page(user_id, 400, _("err.form"), {key + "#correct": _("err.correction")})
    try:
        service.set_correction(rt().sessions, user_id, key, company, position, rt().clock())
    except NotFound:
        return _page(user_id, 400, _("err.event"))
    flash(_("dash.saved"), "ok")
    return _back(key)


@bp.post("/rotate")
def rotate() -> ResponseReturnValue:
    user_id = require_user()
    runtime = rt()
    service.rotate_feed_token(runtime.sessions, runtime.cipher, user_id, runtime.clock())
    flash(_("dash.rotated"), "ok")
    return _back()
