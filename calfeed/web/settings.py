"""Settings: language, time zone, the rules' options, calendars to read."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from calfeed.core.calendar_days import country_names
from calfeed.errors import NotFound
from calfeed.web import service
from calfeed.web.context import _, require_user, rt
from calfeed.web.forms import SettingsForm, parse_settings, settings_values
from calfeed.web.i18n import N_
from calfeed.web.runtime import jobs

bp = Blueprint("settings", __name__, url_prefix="/settings")

#: the form's fields top to bottom: the first one in error gets the focus
FIELD_ORDER = (
    "lang",
    "user_name",
    "time_zone",
    "thank_you",
    "thank_you_delay",
    "evening_at",
    "grace_days",
    "no_timeline_days",
    "check_in_at",
    "holiday_country",
    "keywords",
    "calendars",
)

COMMON_ZONES = (
    "Asia/Jakarta",
    "Asia/Makassar",
    "Asia/Jayapura",
    "Asia/Singapore",
    "Asia/Kuala_Lumpur",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
)


def _render(
    form: SettingsForm, calendars: list[service.CalendarChoice], status: int
) -> tuple[str, int]:
    errors = {name: _(key) for name, key in form.errors.items()}
    first_error = next((name for name in FIELD_ORDER if name in errors), None)
    html = render_template(
        "settings.html",
        values=form.values,
        errors=errors,
        first_error=first_error,
        saved=request.args.get("saved") == "1" and not errors,
        calendars=calendars,
        countries=country_names(),
        common_zones=COMMON_ZONES,
    )
    return html, status


@bp.get("")
def index() -> tuple[str, int]:
    user_id = require_user()
    settings, calendars = service.load_settings(rt().sessions, user_id)
    selected = [c.id for c in calendars if c.selected]
    return _render(SettingsForm(settings_values(settings, selected)), calendars, 200)


@bp.post("")
def save() -> ResponseReturnValue:
    user_id = require_user()
    _settings, calendars = service.load_settings(rt().sessions, user_id)
    form = parse_settings(request.form, [c.id for c in calendars])
    if form.settings is None:
        return _render(form, calendars, 400)
    try:
        service.save_settings(rt().sessions, user_id, form.settings, form.calendars, rt().clock())
    except NotFound:
        form.errors["calendars"] = N_("Choose at least one of your calendars.")
        return _render(form, calendars, 400)
    if set(form.calendars) != {c.id for c in calendars if c.selected}:
        # Read the new choice (and stop the channels of deselected calendars)
        jobs(current_app).request_read(user_id)
    jobs(current_app).request_write(user_id)  # Times, language, names may change
    # "Saved." appears beside the button that saved, where the user is looking
    return redirect(url_for("settings.index", saved="1") + "#save", code=303)
