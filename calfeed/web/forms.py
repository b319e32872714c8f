"""Form input -> checked values, or per-field messages; nothing is stored unless all is well.

Plain functions instead of WTForms classes: the rules' ranges already live in `RuleSettings`, the
messages must be translated, and CSRF is checked for every form by CSRFProtect regardless. Errors
are English messages marked for the catalogs (`N_`), translated where the page is rendered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from werkzeug.datastructures import MultiDict

from calfeed.core.calendar_days import supported_countries
from calfeed.core.detection.timeline import parse_timeline
from calfeed.core.model import (
    CHECK_IN_AT,
    EVENING_AT,
    GRACE_DAYS,
    MAX_USER_NAME,
    NO_TIMELINE_DAYS,
    THANK_YOU_DELAY_MINUTES,
    RuleSettings,
)
from calfeed.errors import SettingsError
from calfeed.store.settings import settings_to_dict
from calfeed.web.i18n import N_

MAX_KEYWORDS = 50
MAX_KEYWORD_LEN = 60
MAX_TIMELINE = 100  # a stated timeline override, in characters
MAX_TIME_ZONE = 64  # an IANA zone name


@dataclass
class SettingsForm:
    """The raw values (to show again) and the errors by field name (English msgids)."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    settings: RuleSettings | None = None
    calendars: list[str] = field(default_factory=list)


def settings_values(settings: RuleSettings, selected: Sequence[str]) -> dict[str, Any]:
    """The form's initial values for stored settings (the stored shape, as the form shows it)."""
    values = settings_to_dict(settings)
    values["holiday_country"] = settings.holiday_country or ""
    values["keywords"] = "\n".join(settings.keywords)
    values["calendars"] = list(selected)
    return values


def _int(raw: str, lo: int, hi: int) -> int | None:
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    return value if lo <= value <= hi else None


def _clock(raw: str, lo: time, hi: time) -> time | None:
    try:
        value = time.fromisoformat(raw.strip())
    except ValueError:
        return None
    value = value.replace(second=0, microsecond=0)
    return value if lo <= value <= hi else None


def parse_settings(form: MultiDict[str, str], known_calendars: Sequence[str]) -> SettingsForm:
    """Check every field of the settings form; `result.settings` is set only when all passed."""
    get = form.get
    values: dict[str, Any] = {
        name: (get(name) or "").strip()
        for name in (
            "lang",
            "time_zone",
            "thank_you",
            "thank_you_delay",
            "evening_at",
            "grace_days",
            "no_timeline_days",
            "check_in_at",
            "holiday_country",
        )
    }
    values["keywords"] = get("keywords") or ""
    values["user_name"] = " ".join((get("user_name") or "").split())
    values["calendars"] = form.getlist("calendars")
    result = SettingsForm(values)
    errors = result.errors
    if values["lang"] not in ("en", "id"):
        errors["lang"] = N_("Choose English or Indonesian.")
    try:
        if len(values["time_zone"]) > MAX_TIME_ZONE:
            errors["time_zone"] = N_("Too long for a time zone name: at most 64 characters.")
        else:
            RuleSettings(time_zone=values["time_zone"])
    except SettingsError:
        errors["time_zone"] = N_("Unknown time zone.")
    if values["thank_you"] not in ("soon", "evening"):
        errors["thank_you"] = N_("Choose soon or evening.")
    delay = _int(values["thank_you_delay"], *THANK_YOU_DELAY_MINUTES)
    if delay is None:
        errors["thank_you_delay"] = N_("Enter a number of minutes from 0 to 180.")
    evening = _clock(values["evening_at"], *EVENING_AT)
    if evening is None:
        errors["evening_at"] = N_("Enter a time from 17:00 to 20:00.")
    grace = _int(values["grace_days"], *GRACE_DAYS)
    if grace is None:
        errors["grace_days"] = N_("Enter a number from 1 to 5.")
    wait = _int(values["no_timeline_days"], *NO_TIMELINE_DAYS)
    if wait is None:
        errors["no_timeline_days"] = N_("Enter a number from 7 to 14.")
    check_in = _clock(values["check_in_at"], *CHECK_IN_AT)
    if check_in is None:
        errors["check_in_at"] = N_("Enter a time from 06:00 to 18:00.")
    country = values["holiday_country"] or None
    if country is not None and country not in supported_countries():
        errors["holiday_country"] = N_("Unknown country.")
    keywords = _keywords(values["keywords"])
    if keywords is None:
        long_word = any(len(w.strip()) > MAX_KEYWORD_LEN for w in _split(values["keywords"]))
        errors["keywords"] = (
            N_("A keyword is too long: at most 60 characters each.")
            if long_word
            else N_("Enter at least one keyword (at most 50, each under 60 characters).")
        )
    if len(values["user_name"]) > MAX_USER_NAME:
        errors["user_name"] = N_("Too long: your name is one line of at most 100 characters.")
    calendars = list(dict.fromkeys(values["calendars"]))
    if known_calendars and (not calendars or not set(calendars) <= set(known_calendars)):
        errors["calendars"] = N_("Choose at least one of your calendars.")
    if errors:
        return result
    assert delay is not None and evening is not None and check_in is not None
    assert grace is not None and wait is not None and keywords is not None
    try:
        result.settings = RuleSettings(
            lang=values["lang"],
            time_zone=values["time_zone"],
            thank_you=values["thank_you"],
            thank_you_delay=timedelta(minutes=delay),
            evening_at=evening,
            grace_days=grace,
            no_timeline_days=wait,
            check_in_at=check_in,
            holiday_country=country,
            keywords=keywords,
            user_name=values["user_name"],
        )
    except SettingsError:  # a range the checks above missed: refuse rather than store it
        errors["keywords"] = N_("Nothing was changed. Please fix the marked fields.")
        return result
    result.calendars = calendars
    return result


def _split(raw: str) -> list[str]:
    return raw.replace("\r", "\n").replace(",", "\n").split("\n")


def _keywords(raw: str) -> tuple[str, ...] | None:
    words = [w.strip() for w in _split(raw)]
    unique = tuple(dict.fromkeys(w for w in words if w))
    if not unique or len(unique) > MAX_KEYWORDS or any(len(w) > MAX_KEYWORD_LEN for w in unique):
        return None
    return unique


def parse_timeline_field(raw: str, interview_day: date) -> tuple[str | None, bool]:
    """(text to store or None to clear, ok): the override must be something rule E3 can read."""
    text = raw.strip()
    if not text:
        return None, True
    if len(text) > MAX_TIMELINE or parse_timeline(text, interview_day) is None:
        return None, False
    return text, True


def flag(form: Mapping[str, str], name: str) -> bool | None:
    """A '1'/'0' form flag, or None for anything else."""
    return {"1": True, "0": False}.get(form.get(name, ""))


#: how long a corrected company or position may be, and the word for "none"
MAX_CORRECTION = 120
NO_VALUE = "-"


def parse_correction_field(raw: str) -> tuple[str | None, bool]:
    """(value to store, ok) for a company/position correction (rule E2).

    Empty: None, back to what calfeed reads; "-": "" (none, the drafts leave it out); else the
    text on one line, at most MAX_CORRECTION characters.
    """
    text = " ".join(raw.split())
    if not text:
        return None, True
    if text == NO_VALUE:
        return "", True
    return (text, True) if len(text) <= MAX_CORRECTION else (None, False)
