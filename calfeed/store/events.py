"""Stored events: Google's raw JSON per calendar, read back as the core's `SourceEvent`s.

Events keep Google's JSON, not parsed values, so a parser fix applies to data already stored;
calendars read by address (`calfeed.store.ics_sources`) join them on the way out.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from calfeed.core.inputs.google_json import parse_google_event
from calfeed.core.model import Skipped, SourceEvent
from calfeed.errors import InvalidEvent
from calfeed.store.db import upsert
from calfeed.store.schema import (
    Calendar,
    Event,
)


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One event resource ready to cache: its raw JSON plus what the store indexes."""

    google_id: str
    raw_json: str
    status: str
    updated: datetime | None
    end_at: datetime | None


def _event_rows(calendar: Calendar, records: Sequence[EventRecord]) -> list[dict[str, object]]:
    return [
        {
            "user_id": calendar.user_id,
            "calendar_id": calendar.id,
            "google_id": r.google_id,
            "raw_json": r.raw_json,
            "status": r.status,
            "updated": r.updated,
            "end_at": r.end_at,
        }
        for r in records
    ]


def upsert_events(session: Session, calendar: Calendar, records: Sequence[EventRecord]) -> int:
    upsert(
        session,
        Event.__table__,  # type: ignore[arg-type]
        _event_rows(calendar, records),
        keys=("calendar_id", "google_id"),
        update=("raw_json", "status", "updated", "end_at"),
    )
    return len(records)


def delete_events(session: Session, calendar: Calendar, google_ids: Collection[str]) -> int:
    removed = 0
    ids = list(google_ids)
    for start in range(0, len(ids), 500):
        result = session.execute(
            delete(Event).where(
                Event.calendar_id == calendar.id, Event.google_id.in_(ids[start : start + 500])
            )
        )
        removed += result.rowcount  # type: ignore[attr-defined]
    return removed


def delete_series_instances(
    session: Session, calendar: Calendar, series_ids: Collection[str]
) -> int:
    """Delete the expanded instances of recurring series that were cancelled as a whole.

    With `singleEvents=True` we store instances, whose ids are "<seriesId>_<originalStart>";
    an incremental answer may report only the series id as cancelled. Google's event ids use
    base32hex characters only, so the "_" separator cannot match an unrelated event.
    """
    removed = 0
    for series_id in series_ids:
        pattern = series_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        result = session.execute(
            delete(Event).where(
                Event.calendar_id == calendar.id,
                Event.google_id.like(pattern + "\\_%", escape="\\"),
            )
        )
        removed += result.rowcount  # type: ignore[attr-defined]
    return removed


def replace_events(
    session: Session, calendar: Calendar, records: Sequence[EventRecord]
) -> tuple[int, int]:
    """A full read's result becomes the calendar's whole cache. Returns (stored, removed)."""
    keep = {r.google_id for r in records}
    cached = set(session.scalars(select(Event.google_id).where(Event.calendar_id == calendar.id)))
    removed = delete_events(session, calendar, cached - keep)
    return upsert_events(session, calendar, records), removed


def prune_events(session: Session, user_id: int, window_start: datetime) -> int:
    """Drop events that ended by the read window's start (they left it as time went by).

    `<=` matches the window test of a read (an event is in it when it ends after the start).
    """
    result = session.execute(
        delete(Event).where(Event.user_id == user_id, Event.end_at <= window_start)
    )
    return result.rowcount  # type: ignore[attr-defined]


def count_events(session: Session, user_id: int) -> int:
    from sqlalchemy import func

    from calfeed.store.ics_sources import count_ics_events

    google = session.scalar(select(func.count(Event.id)).where(Event.user_id == user_id)) or 0
    return google + count_ics_events(session, user_id)


def source_events_for_user(
    session: Session, user_id: int, *, limit: int | None = None
) -> tuple[list[SourceEvent], list[Skipped]]:
    """Every cached event of the user's selected calendars, parsed by the core.

    With `limit`, at most that many, earliest end first.
    A stored event that no longer parses is reported as Skipped, never fatal to the feed.
    """
    query = (
        select(Calendar.google_id, Calendar.time_zone, Event.google_id, Event.raw_json)
        .join(Event, Event.calendar_id == Calendar.id)
        .where(Calendar.user_id == user_id, Calendar.selected, Event.status != "cancelled")
    )
    if limit is None:
        query = query.order_by(Calendar.google_id, Event.google_id)
    else:
        query = query.order_by(Event.end_at, Calendar.google_id, Event.google_id).limit(limit)
    rows = session.execute(query)
    events: list[SourceEvent] = []
    skipped: list[Skipped] = []
    for calendar_id, zone, event_id, raw in rows:
        try:
            resource = json.loads(raw)
            events.append(
                parse_google_event(resource, calendar_id=calendar_id, calendar_time_zone=zone)
            )
        except json.JSONDecodeError:
            skipped.append(Skipped(event_id, "stored JSON is unreadable"))
        except InvalidEvent as exc:
            skipped.append(Skipped(exc.event_id or event_id, exc.reason))
    return _with_ics_events(session, user_id, limit, events, skipped)


def _with_ics_events(
    session: Session,
    user_id: int,
    limit: int | None,
    events: list[SourceEvent],
    skipped: list[Skipped],
) -> tuple[list[SourceEvent], list[Skipped]]:
    """The events of the user's .ics sources join Google's, under the same limit."""
    from calfeed.store.ics_sources import ics_events_for_user

    more, more_skipped = ics_events_for_user(session, user_id, limit=limit)
    if not more and not more_skipped:
        return events, skipped
    events = events + more
    if limit is not None and len(events) > limit:
        events = sorted(events, key=_end_instant)[:limit]
    return events, skipped + more_skipped


def _end_instant(event: SourceEvent) -> datetime:
    end = event.end
    if isinstance(end, datetime):
        return end
    return datetime(end.year, end.month, end.day, tzinfo=UTC)
