"""The user's Google calendars: the list as Google last gave it, and which ones are read."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from calfeed.store.schema import (
    Calendar,
    Event,
)
from calfeed.store.users import touch


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    """One calendar as Google lists it (users/me/calendarList)."""

    google_id: str
    summary: str
    time_zone: str | None
    primary: bool = False


def calendars_for_user(
    session: Session, user_id: int, *, selected_only: bool = False
) -> list[Calendar]:
    query = select(Calendar).where(Calendar.user_id == user_id)
    if selected_only:
        query = query.where(Calendar.selected)
    return list(session.scalars(query.order_by(Calendar.primary.desc(), Calendar.summary)))


def save_calendar_list(
    session: Session, user_id: int, listed: Sequence[CalendarInfo], now: datetime
) -> None:
    """Bring the user's calendars in line with Google's list, keeping choices and sync tokens.

    Calendars no longer listed (unsubscribed, deleted) go, with their cached events.
    """
    existing = {c.google_id: c for c in calendars_for_user(session, user_id)}
    for info in listed:
        row = existing.pop(info.google_id, None)
        if row is None:
            session.add(
                Calendar(
                    user_id=user_id,
                    google_id=info.google_id,
                    summary=info.summary,
                    time_zone=info.time_zone,
                    primary=info.primary,
                    selected=info.primary,
                )
            )
        else:
            row.summary, row.time_zone, row.primary = info.summary, info.time_zone, info.primary
    for gone in existing.values():
        session.delete(gone)
    session.flush()
    touch(session, user_id, now)


def select_calendars(
    session: Session, user_id: int, google_ids: Collection[str], now: datetime
) -> None:
    """Read exactly these calendars from now on.

    A calendar that is deselected loses its cached events and sync token: were it selected again
    later, its cache would be stale, and a full read is what rebuilds it.
    """
    wanted = set(google_ids)
    for calendar in calendars_for_user(session, user_id):
        selected = calendar.google_id in wanted
        if calendar.selected and not selected:
            session.execute(delete(Event).where(Event.calendar_id == calendar.id))
            calendar.sync_token = None
        calendar.selected = selected
    session.flush()
    touch(session, user_id, now)
