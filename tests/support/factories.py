"""Builders of Google Calendar event resources, shaped exactly like `events.list` items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from calfeed.core.inputs.google_json import parse_google_event
from calfeed.core.model import SourceEvent

ME = "budi.santoso@gmail.com"
MONDAY_10 = datetime.fromisoformat("2026-11-23T10:00:00+07:00")
SELF = {"email": ME, "self": True, "responseStatus": "accepted"}


def interviewer(email: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    person: dict[str, Any] = {"email": email, "responseStatus": "accepted", **extra}
    if name:
        person["displayName"] = name
    return person


def google_event(
    summary: str = "Interview with Jane Doe (Acme) - Store Manager",
    start: datetime | date = MONDAY_10,
    end: datetime | date | None = None,
    *,
    event_id: str = "evt0001",
    tz: str | None = "Asia/Jakarta",
    attendees: list[dict[str, Any]] | None = None,
    description: str | None = None,
    status: str = "confirmed",
    event_type: str = "default",
    updated: str = "2026-11-20T08:12:45.301Z",
    **extra: Any,
) -> dict[str, Any]:
    """One event resource; timed when `start` is a datetime, all-day when it is a date."""
    if end is None:
        from datetime import timedelta

        end = start + (timedelta(hours=1) if isinstance(start, datetime) else timedelta(days=1))
    resource: dict[str, Any] = {
        "kind": "calendar#event",
        "etag": '"3391234567890000"',
        "id": event_id,
        "status": status,
        "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
        "created": "2026-11-18T03:41:07.000Z",
        "updated": updated,
        "summary": summary,
        "creator": {"email": ME, "self": True},
        "organizer": {"email": ME, "self": True},
        "iCalUID": f"{event_id}@google.com",
        "sequence": 0,
        "reminders": {"useDefault": True},
        "eventType": event_type,
    }
    for key, value in (("start", start), ("end", end)):
        if isinstance(value, datetime):
            resource[key] = {"dateTime": value.isoformat(), **({"timeZone": tz} if tz else {})}
        else:
            resource[key] = {"date": value.isoformat()}
    if attendees is None:
        attendees = [interviewer("jane.doe@acme.co.id", "Jane Doe", organizer=True), SELF]
    if attendees:
        resource["attendees"] = attendees
    if description is not None:
        resource["description"] = description
    resource.update(extra)
    return resource


def source_event(calendar_time_zone: str | None = "Asia/Jakarta", **kwargs: Any) -> SourceEvent:
    return parse_google_event(
        google_event(**kwargs), calendar_id=ME, calendar_time_zone=calendar_time_zone
    )
