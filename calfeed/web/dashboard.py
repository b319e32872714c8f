"""The signed-in dashboard: the feed address, interviews with their follow-ups, and the marks.

Every form posts, then redirects back (so a reload never posts twice); a bad value re-renders
the page with status 400, a clear message, and nothing stored.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from calfeed.errors import NotFound
from calfeed.web import present, service
from calfeed.web.context import _, require_user, rt
from calfeed.web.forms import (
    MAX_CORRECTION,
    MAX_TIMELINE,
    flag,
    parse_correction_field,
    parse_timeline_field,
)
from calfeed.web.i18n import N_
from calfeed.web.runtime import jobs

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

FORM_REFUSED = N_("Nothing was changed. Please fix the marked fields.")
TIMELINE_UNREADABLE = N_(
    "calfeed cannot read that timeline. Try: within a week, 5 business days, 10d."
)


def feed_url(token: str) -> str:
    """The public address of a feed: CALFEED_BASE_URL when set (behind proxies), else this host."""
    base = rt().config.base_url or request.host_url.rstrip("/")
    return base + url_for("feeds.feed", token=token)


def _page(
    user_id: int,
    status: int = 200,
    error: str | None = None,
    fields: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> tuple[str, int]:
    """The page; after a refused form: the message beside its field, the typed text kept."""
    runtime = rt()
    now = runtime.clock()
    token = service.feed_token(runtime.sessions, runtime.cipher, user_id, now)
    page = request.args.get("page", default=1, type=int) or 1
    dash = present.dashboard(runtime.sessions, user_id, now, page=page)
    links = present.feed_links(feed_url(token), demo=runtime.config.demo)
    saved = request.args.get("saved", "")
    fields = fields or {}
    past = {c.anchor for c in dash.recent} | {c.key for c in dash.recent}
    # field error keys: the event key (its timeline) or "<key>#correct" (its correction)
    error_link = next((_field_id(k) for k in fields), None)
    html = render_template(
        "dashboard.html",
        dash=dash,
        feed=links,
        form_error=error,
        error_link=error_link,
        field_errors=fields,
        typed=typed or {},
        saved=saved,
        past_open=saved in past or any(k.removesuffix(CORRECT) in past for k in fields),
    )
    return html, status


CORRECT = "#correct"


def _field_id(error_key: str) -> str:
    """The HTML id of the field an error key names (the summary at the top links to it)."""
    if error_key.startswith("@"):  # A field outside the interview cards, by its id
        return error_key[1:]
    if error_key.endswith(CORRECT):
        return present.anchor_of(error_key.removesuffix(CORRECT)) + "-co"
    return present.anchor_of(error_key) + "-tl"


def _back(key: str | None = None) -> BaseResponse:
    """Back to the page, at what changed, where "Saved." is shown (not at the top)."""
    if key is None:
        return redirect(url_for("dashboard.index"), code=303)
    anchor = key if key == "feed" else present.anchor_of(key)
    return redirect(url_for("dashboard.index", saved=anchor) + "#" + anchor, code=303)


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
        return _page(user_id, 400, _("Unknown action."))
    try:
        service.set_mark(rt().sessions, user_id, key, name, value, rt().clock())
    except NotFound:
        return _page(user_id, 400, _("That interview is not in your calendar."))
    jobs(current_app).request_write(user_id)  # The follow-ups in Google Calendar
    if name == "not_interview":  # the card leaves (or comes back): say so at the top
        flash(_("Saved."), "ok")
        return _back()
    return _back(key)


@bp.post("/timeline")
def timeline() -> ResponseReturnValue:
    user_id = require_user()
    key = request.form.get("event", "")
    raw = request.form.get("timeline", "")
    now = rt().clock()
    if len(raw.strip()) > MAX_TIMELINE:
        too_long = _("Too long: at most %(n)s characters.", n=MAX_TIMELINE)
        return _page(user_id, 400, _(FORM_REFUSED), {key: too_long}, {key: raw})
    # relative phrases need a day to count from; any day of the read window will do to check
    text, ok = parse_timeline_field(raw, (now - timedelta(60)).date())
    if not ok:
        return _page(user_id, 400, _(FORM_REFUSED), {key: _(TIMELINE_UNREADABLE)}, {key: raw})
    try:
        service.set_timeline(rt().sessions, user_id, key, text, now)
    except NotFound:
        return _page(user_id, 400, _("That interview is not in your calendar."))
    jobs(current_app).request_write(user_id)
    return _back(key)


@bp.post("/correct")
def correct() -> ResponseReturnValue:
    """Rule E2: the user's correction of an interview's company and position."""
    user_id = require_user()
    key = request.form.get("event", "")
    raw_company, raw_position = request.form.get("company", ""), request.form.get("position", "")
    company, ok_company = parse_correction_field(raw_company)
    position, ok_position = parse_correction_field(raw_position)
    if not (ok_company and ok_position):
        typed = {key + "#company": raw_company, key + "#position": raw_position}
        too_long = _("Too long: at most %(n)s characters.", n=MAX_CORRECTION)
        return _page(user_id, 400, _(FORM_REFUSED), {key + CORRECT: too_long}, typed)
    try:
        service.set_correction(rt().sessions, user_id, key, company, position, rt().clock())
    except NotFound:
        return _page(user_id, 400, _("That interview is not in your calendar."))
    jobs(current_app).request_write(user_id)
    return _back(key)


@bp.post("/answer")
def answer() -> ResponseReturnValue:
    """Rule D9: the user's answer to "Is this one of your job interviews?"."""
    user_id = require_user()
    key = request.form.get("event", "")
    choice = request.form.get("answer", "")
    if choice not in ("yes", "no"):
        return _page(user_id, 400, _("Unknown action."))
    raw_company, raw_position = request.form.get("company", ""), request.form.get("position", "")
    company, ok_company = parse_correction_field(raw_company)
    position, ok_position = parse_correction_field(raw_position)
    if not (ok_company and ok_position):
        too_long = _("Too long: at most %(n)s characters.", n=MAX_CORRECTION)
        fields = {"@" + present.question_anchor(key) + "-co": too_long}
        return _page(user_id, 400, _(FORM_REFUSED), fields)
    # the fields come filled with what calfeed read: emptied, they mean "none"
    company, position = company or "", position or ""
    try:
        service.answer_question(
            rt().sessions, user_id, key, choice == "yes", company, position, rt().clock()
        )
    except NotFound:
        return _page(user_id, 400, _("That event is not in your calendar."))
    flash(_("Thank you: your interviews are updated.") if choice == "yes" else _("Saved."), "ok")
    return _back()


@bp.post("/rotate")
def rotate() -> ResponseReturnValue:
    user_id = require_user()
    runtime = rt()
    service.rotate_feed_token(runtime.sessions, runtime.cipher, user_id, runtime.clock())
    return _back("feed")
