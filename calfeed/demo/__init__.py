"""The bundled sample calendar: a saved Google `events.list` answer, for the demo and the tests."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).with_name("calendar.json")
#: the Monday of the week the sample was recorded in
SAMPLE_WEEK = date(2026, 11, 23)


def sample_payload(today: date | None = None) -> dict[str, Any]:
    """The sample answer; with `today`, moved by whole weeks so it sits around `today`.

    Moving by whole weeks keeps every weekday (and so every working-day rule) as recorded, while a
    demo run next year still shows upcoming interviews instead of stale ones.
    """
    payload: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    if today is None:
        return payload
    weeks = (today - SAMPLE_WEEK).days // 7
    if weeks:
        _shift(payload, timedelta(weeks=weeks))
    return payload


def _shift(payload: dict[str, Any], delta: timedelta) -> None:
    from datetime import datetime

    for item in payload.get("items", []):
        for key in ("start", "end"):
            when = item.get(key) or {}
            if "dateTime" in when:
                when["dateTime"] = (datetime.fromisoformat(when["dateTime"]) + delta).isoformat()
            if "date" in when:
                when["date"] = (date.fromisoformat(when["date"]) + delta).isoformat()
        for key in ("updated", "created"):
            if key in item:
                stamp = datetime.fromisoformat(item[key].replace("Z", "+00:00")) + delta
                item[key] = stamp.isoformat().replace("+00:00", "Z")
        desc = item.get("description", "")
        if "#followup 20" in desc:
            import re

            item["description"] = re.sub(
                r"#followup (\d{4}-\d{2}-\d{2})",
                lambda m: "#followup " + (date.fromisoformat(m.group(1)) + delta).isoformat(),
                desc,
            )
