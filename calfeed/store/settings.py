"""A user's rule settings <-> the JSON text kept in `users.settings_json`.

JSON (not columns) because the settings grow with the rules and are always read whole; the shape is
plain and stable: {"lang": "en", "time_zone": "Asia/Jakarta", "thank_you": "soon",
"thank_you_delay": 60 (minutes), "evening_at": "18:00", "grace_days": 2, "no_timeline_days": 7,
"check_in_at": "10:00", "holiday_country": "ID" | null, "keywords": [...], "user_name": "..."}.
Missing keys take the defaults of `RuleSettings`, so a new setting needs no data migration.
"""

from __future__ import annotations

import json
from datetime import time, timedelta
from typing import Any

from calfeed.core.model import RuleSettings
from calfeed.errors import SettingsError


def settings_to_dict(settings: RuleSettings) -> dict[str, Any]:
    return {
        "lang": settings.lang,
        "time_zone": settings.time_zone,
        "thank_you": settings.thank_you,
        "thank_you_delay": int(settings.thank_you_delay.total_seconds() // 60),
        "evening_at": settings.evening_at.strftime("%H:%M"),
        "grace_days": settings.grace_days,
        "no_timeline_days": settings.no_timeline_days,
        "check_in_at": settings.check_in_at.strftime("%H:%M"),
        "holiday_country": settings.holiday_country,
        "keywords": list(settings.keywords),
        "user_name": settings.user_name,
    }


def settings_to_json(settings: RuleSettings) -> str:
    return json.dumps(settings_to_dict(settings), sort_keys=True, ensure_ascii=False)


def settings_from_dict(data: dict[str, Any]) -> RuleSettings:
    """Build RuleSettings from the stored dict; raises SettingsError for values out of range."""
    kwargs: dict[str, Any] = {}
    try:
        for name in ("lang", "time_zone", "thank_you", "holiday_country", "user_name"):
            if name in data:
                kwargs[name] = data[name]
        for name in ("grace_days", "no_timeline_days"):
            if name in data:
                kwargs[name] = int(data[name])
        if "thank_you_delay" in data:
            kwargs["thank_you_delay"] = timedelta(minutes=int(data["thank_you_delay"]))
        for name in ("evening_at", "check_in_at"):
            if name in data:
                kwargs[name] = time.fromisoformat(str(data[name]))
        if "keywords" in data:
            kwargs["keywords"] = tuple(str(k) for k in data["keywords"])
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"stored settings are malformed: {exc}") from exc
    return RuleSettings(**kwargs)


def settings_from_json(text: str | None) -> RuleSettings:
    """RuleSettings from `users.settings_json` (empty or "{}" means all defaults)."""
    if not text:
        return RuleSettings()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"stored settings are not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError("stored settings are not a JSON object")
    return settings_from_dict(data)
