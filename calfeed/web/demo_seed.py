"""The demo's data: the bundled sample calendar stored as one user's Google events.

`seed` creates a user whose calendar is the sample (the demo user, or named users in tests);
`refresh_sample` moves the sample by whole weeks to sit around today again, keeping the user's
marks and settings. Both write through the store, as a Google read would.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask import Flask

from calfeed import store
from calfeed.core.inputs.google_json import parse_google_event
from calfeed.core.model import RuleSettings
from calfeed.demo import sample_payload
from calfeed.errors import InvalidEvent
from calfeed.store import session_scope
from calfeed.store.calendars import CalendarInfo
from calfeed.store.events import EventRecord
from calfeed.web import service
from calfeed.web.runtime import runtime


def _record(item: dict[str, Any], calendar_id: str, zone: str | None) -> EventRecord:
    try:
        event = parse_google_event(item, calendar_id=calendar_id, calendar_time_zone=zone)
        end = event.end
        end_at = (
            end
            if isinstance(end, datetime)
            else datetime.combine(end, datetime.min.time()).astimezone()
        )
        updated = event.updated
    except InvalidEvent:
        end_at, updated = None, None
    return EventRecord(
        google_id=str(item.get("id", "")),
        raw_json=json.dumps(item, sort_keys=True, ensure_ascii=False),
        status=str(item.get("status", "confirmed")),
        updated=updated,
        end_at=end_at,
    )


def seed(
    app: Flask,
    now: datetime,
    today: date | None = None,
    *,
    email: str | None = None,
    payload: dict[str, Any] | None = None,
) -> int:
    """Create a user whose calendar is the sample (or `payload`); returns the user id.

    The demo user has no `email` (so no Google read is ever tried); tests seed named users too.
    """
    payload = payload or sample_payload(today or now.date())
    calendar_id = email or str(payload.get("summary") or "demo@calfeed.invalid")
    zone = payload.get("timeZone") or "UTC"
    rt = runtime(app)
    with session_scope(rt.sessions) as s:
        settings = RuleSettings(time_zone=zone)
        user = store.create_user(s, now=now, google_email=email, settings=settings)
        info = CalendarInfo(calendar_id, email or "Sample calendar", zone, primary=True)
        store.save_calendar_list(s, user.id, [info], now)
        calendar = store.calendars_for_user(s, user.id)[0]
        records = [_record(item, calendar_id, zone) for item in payload.get("items", [])]
        store.replace_events(s, calendar, [r for r in records if r.google_id])
        user_id = user.id
    service.feed_token(rt.sessions, rt.cipher, user_id, now)
    return user_id


def refresh_sample(app: Flask, user_id: int, now: datetime) -> None:
    """Put the sample back around today for an existing demo user (marks and settings kept)."""
    payload = sample_payload(now.date())
    rt = runtime(app)
    with session_scope(rt.sessions) as s:
        calendar = store.calendars_for_user(s, user_id)[0]
        zone = payload.get("timeZone") or "UTC"
        records = [_record(item, calendar.google_id, zone) for item in payload.get("items", [])]
        store.replace_events(s, calendar, [r for r in records if r.google_id])
        store.bump_data_version(s, user_id, now)
