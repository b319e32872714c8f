"""Google Calendar event resources (the JSON `events.list` returns) -> SourceEvent.

Google's shape: `start`/`end` hold either `dateTime` (RFC 3339 with an offset) plus an optional
`timeZone`, or `date` (all-day, end exclusive). Anything we cannot use raises InvalidEvent so the
caller skips that one event and keeps the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calfeed.core.model import Attendee, Skipped, SourceEvent
from calfeed.errors import InvalidEvent, SourceError

JsonDict = Mapping[str, Any]


def _text(value: object, limit: int = 100_000) -> str:
    """A string field, whatever the JSON held, cut to a sane size (a 10 MB notes field is a bug)."""
    if value.__class__ is str:  # nearly always: no conversion, and a short one is not copied
        return value[:limit]
    if value is None:
        return ""
    return (value if isinstance(value, str) else str(value))[:limit]


def _is_mapping(value: object) -> TypeGuard[JsonDict]:
    """A JSON object; the exact-dict test first, as `isinstance(_, Mapping)` costs an ABC check."""
    return value.__class__ is dict or isinstance(value, Mapping)


@lru_cache(maxsize=1024)
def _known_zone(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        return None
    return name


def valid_zone(name: object) -> str | None:
    """The zone name if zoneinfo knows it, else None (rule Z1 then falls back)."""
    if not isinstance(name, str) or not name:
        return None
    return _known_zone(name)


def _when(value: object, field: str, event_id: str) -> datetime | date:
    if not _is_mapping(value):
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


#: an attendee as the JSON wrote it: email, displayName, self, organizer, resource, responseStatus
_AttendeeKey = tuple[object, object, bool, bool, bool, object]


class _People:
    """The attendees of one payload, each distinct entry read once.

    A calendar names the same people again and again (the user is on every event): equal entries
    give equal, frozen Attendees, so one object serves them all (the 5,000-event benchmark's
    15,600 entries are 5,800 distinct ones). Only entries whose fields are strings or absent are
    shared, so that keys that compare equal (1 == True) always read the same.
    """

    def __init__(self) -> None:
        self._seen: dict[_AttendeeKey, Attendee] = {}

    def attendee(self, raw: object, *, organizer: bool = False) -> Attendee | None:
        """`raw` read as an attendee (as the organizer: organizer=True and accepted), or None."""
        if not _is_mapping(raw):
            return None
        get = raw.get
        email, name, status = get("email"), get("displayName"), get("responseStatus")
        if organizer:
            key: _AttendeeKey = (email, name, get("self") is True, True, False, "accepted")
        else:
            is_self, named = get("self") is True, get("organizer") is True
            key = (email, name, is_self, named, get("resource") is True, status)
        if (
            (email is None or email.__class__ is str)
            and (name is None or name.__class__ is str)
            and (status is None or status.__class__ is str)
        ):
            found = self._seen.get(key)
            if found is None:
                found = self._seen[key] = _attendee(*key)
            return found
        return _attendee(*key)


def _attendee(
    email: object,
    name: object,
    is_self: bool,
    organizer: bool,
    resource: bool,
    status: object,
) -> Attendee:
    return Attendee(
        email=_text(email, 320).strip(),
        display_name=_text(name, 200).strip() or None,
        is_self=is_self,
        organizer=organizer,
        resource=resource,
        response_status=_text(status, 40) or "needsAction",
    )


def parse_google_event(
    resource: JsonDict, *, calendar_id: str, calendar_time_zone: str | None = None
) -> SourceEvent:
    """Read one Google event resource.

    Raises:
        InvalidEvent: the resource lacks an id or usable start/end (cancelled instances in an
            incremental answer carry only id and status; they parse, with placeholder times).
    """
    return _parse(resource, calendar_id, calendar_time_zone, _People())


def _parse(
    resource: JsonDict, calendar_id: str, calendar_time_zone: str | None, people: _People
) -> SourceEvent:
    if not _is_mapping(resource):
        raise InvalidEvent("not a JSON object")
    get = resource.get
    event_id = _text(get("id"), 1024)
    if not event_id:
        raise InvalidEvent("no id")
    status = _text(get("status"), 40) or "confirmed"
    if status == "cancelled" and "start" not in resource:
        epoch = date(1970, 1, 1)
        return SourceEvent(
            calendar_id=calendar_id,
            event_id=event_id,
            start=epoch,
            end=epoch + timedelta(days=1),
            status="cancelled",
            ical_uid=_text(get("iCalUID"), 1024),
        )
    start_zone = get("start")
    start = _when(start_zone, "start", event_id)
    end = _when(get("end") or start_zone, "end", event_id)
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise InvalidEvent("start and end mix a date and a date-time", event_id)
    if end < start:
        raise InvalidEvent("ends before it starts", event_id)
    if not isinstance(start, datetime) and end == start:
        end = start + timedelta(days=1)
    raw_attendees = get("attendees")
    attendees: tuple[Attendee, ...] = ()
    if isinstance(raw_attendees, list):
        read = (people.attendee(r) for r in raw_attendees)
        attendees = tuple(a for a in read if a is not None and a.email)
    organizer = people.attendee(get("organizer"), organizer=True)
    updated = None
    raw_updated = get("updated")
    if isinstance(raw_updated, str):
        try:
            updated = datetime.fromisoformat(raw_updated.replace("Z", "+00:00"))
            if updated.tzinfo is None:
                updated = None
        except ValueError:
            updated = None
    return SourceEvent(
        calendar_id=calendar_id,
        event_id=event_id,
        start=start,
        end=end,
        ical_uid=_text(get("iCalUID"), 1024) or f"{event_id}@google.com",
        status=status,
        event_type=_text(get("eventType"), 40) or "default",
        summary=_text(get("summary"), 2000),
        description=_text(get("description")),
        location=_text(get("location"), 2000),
        time_zone=valid_zone(start_zone.get("timeZone") if _is_mapping(start_zone) else None),
        calendar_time_zone=valid_zone(calendar_time_zone),
        attendees=attendees,
        organizer=organizer if organizer and organizer.email else None,
        updated=updated,
        html_link=_text(get("htmlLink"), 2000) or None,
        recurring_event_id=_text(get("recurringEventId"), 1024) or None,
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
    people = _People()
    for index, raw in enumerate(items):
        try:
            events.append(_parse(raw, calendar_id, calendar_zone, people))
        except InvalidEvent as exc:
            skipped.append(Skipped(exc.event_id or f"#{index}", exc.reason))
    return events, skipped
