"""Google Calendar event resources (the JSON `events.list` returns) -> SourceEvent.

Google's shape: `start`/`end` hold either `dateTime` (RFC 3339 with an offset) plus an optional
`timeZone`, or `date` (all-day, end exclusive). Anything we cannot use raises InvalidEvent so the
caller skips that one event and keeps the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calfeed.core.model import Attendee, Skipped, SourceEvent
from calfeed.errors import InvalidEvent, SourceError

JsonDict = Mapping[str, Any]


def _text(value: object, limit: int = 100_000) -> str:
    """A string field, whatever the JSON held, cut to a sane size (a 10 MB notes field is a bug)."""
    if value is None:
        return ""
    return (value if isinstance(value, str) else str(value))[:limit]


def valid_zone(name: object) -> str | None:
    """The zone name if zoneinfo knows it, else None (rule Z1 then falls back)."""
    if not isinstance(name, str) or not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        return None
    return name


def _when(value: object, field: str, event_id: str) -> datetime | date:
    if not isinstance(value, Mapping):
        raise InvalidEvent(f"no {field}", event_id)
    raw_dt, raw_date = value.get("dateTime"), value.get("date")
    try:
        if isinstance(raw_dt, str) and raw_dt:
            parsed = datetime.fromisoformat(raw_dt.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                zone = valid_zone(value.get("timeZone"))
                if zone is None:
                    raise InvalidEvent(f"{field} has no offset and no known time zone", event_id)
                parsed = parsed.replace(tzinfo=ZoneInfo(zone))
            return parsed
        if isinstance(raw_date, str) and raw_date:
            return date.fromisoformat(raw_date)
    except ValueError as exc:
        raise InvalidEvent(f"{field} is not a date: {exc}", event_id) from None
    raise InvalidEvent(f"{field} has neither dateTime nor date", event_id)


def _attendee(raw: object) -> Attendee | None:
    if not isinstance(raw, Mapping):
        return None
    email = _text(raw.get("email"), 320).strip()
    return Attendee(
        email=email,
        display_name=_text(raw.get("displayName"), 200).strip() or None,
        is_self=raw.get("self") is True,
        organizer=raw.get("organizer") is True,
        resource=raw.get("resource") is True,
        response_status=_text(raw.get("responseStatus"), 40) or "needsAction",
    )


def parse_google_event(
    resource: JsonDict, *, calendar_id: str, calendar_time_zone: str | None = None
) -> SourceEvent:
    """Read one Google event resource.

    Raises:
        InvalidEvent: the resource lacks an id or usable start/end (cancelled instances in an
            incremental answer carry only id and status; they parse, with placeholder times).
    """
    if not isinstance(resource, Mapping):
        raise InvalidEvent("not a JSON object")
    event_id = _text(resource.get("id"), 1024)
    if not event_id:
        raise InvalidEvent("no id")
    status = _text(resource.get("status"), 40) or "confirmed"
    if status == "cancelled" and "start" not in resource:
        epoch = date(1970, 1, 1)
        return SourceEvent(
            calendar_id=calendar_id,
            event_id=event_id,
            start=epoch,
            end=epoch + timedelta(days=1),
            status="cancelled",
            ical_uid=_text(resource.get("iCalUID"), 1024),
        )
    start = _when(resource.get("start"), "start", event_id)
    end = _when(resource.get("end") or resource.get("start"), "end", event_id)
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise InvalidEvent("start and end mix a date and a date-time", event_id)
    if end < start:
        raise InvalidEvent("ends before it starts", event_id)
    if not isinstance(start, datetime) and end == start:
        end = start + timedelta(days=1)
    raw_attendees = resource.get("attendees")
    attendees = tuple(
        a
        for a in (_attendee(r) for r in (raw_attendees if isinstance(raw_attendees, list) else ()))
        if a is not None and a.email
    )
    organizer = _attendee(resource.get("organizer"))
    if organizer is not None:
        organizer = Attendee(
            email=organizer.email,
            display_name=organizer.display_name,
            is_self=organizer.is_self,
            organizer=True,
            response_status="accepted",
        )
    updated = None
    raw_updated = resource.get("updated")
    if isinstance(raw_updated, str):
        try:
            updated = datetime.fromisoformat(raw_updated.replace("Z", "+00:00"))
            if updated.tzinfo is None:
                updated = None
        except ValueError:
            updated = None
    start_zone = resource.get("start", {})
    return SourceEvent(
        calendar_id=calendar_id,
        event_id=event_id,
        start=start,
        end=end,
        ical_uid=_text(resource.get("iCalUID"), 1024) or f"{event_id}@google.com",
        status=status,
        event_type=_text(resource.get("eventType"), 40) or "default",
        summary=_text(resource.get("summary"), 2000),
        description=_text(resource.get("description")),
        location=_text(resource.get("location"), 2000),
        time_zone=valid_zone(
            start_zone.get("timeZone") if isinstance(start_zone, Mapping) else None
        ),
        calendar_time_zone=valid_zone(calendar_time_zone),
        attendees=attendees,
        organizer=organizer if organizer and organizer.email else None,
        updated=updated,
        html_link=_text(resource.get("htmlLink"), 2000) or None,
        recurring_event_id=_text(resource.get("recurringEventId"), 1024) or None,
    )


def events_from_payload(
    payload: object, *, calendar_id: str = "primary"
) -> tuple[list[SourceEvent], list[Skipped]]:
    """Read a saved `events.list` response (or a bare JSON list of event resources).

    The response's own `timeZone` (the calendar's zone) feeds rule Z1. Raises SourceError when the
    payload is not either shape at all; single bad events become Skipped entries.
    """
    calendar_zone: str | None = None
    items: Iterable[object]
    if isinstance(payload, list):
        items = payload
    elif isinstance(payload, Mapping) and isinstance(payload.get("items"), list):
        items = payload["items"]
        calendar_zone = valid_zone(payload.get("timeZone"))
        summary = payload.get("summary")
        if isinstance(summary, str) and "@" in summary and calendar_id == "primary":
            calendar_id = summary
    else:
        raise SourceError("expected an events.list response (an object with 'items') or a list")
    events: list[SourceEvent] = []
    skipped: list[Skipped] = []
    for index, raw in enumerate(items):
        try:
            events.append(
                parse_google_event(raw, calendar_id=calendar_id, calendar_time_zone=calendar_zone)
            )
        except InvalidEvent as exc:
            skipped.append(Skipped(exc.event_id or f"#{index}", exc.reason))
    return events, skipped
