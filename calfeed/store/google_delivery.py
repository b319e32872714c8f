"""Writing follow-ups into the user's Google Calendar: its state per user and per event written.

`google_deliveries` (one row per user who can write): whether writing is on, the id of the
calendar calfeed created (and the random `marker` in its description, stored *before* the
calendar is created, so a worker killed between creating it and storing its id finds it again
instead of making a second one), whether the user deleted it (`calendar_gone`: writing stops, no
retry storm), the reminder setting, and the outcome of the last write. Write requests are counted
like the reads' (`calfeed.store.background`): `wanted` grows with every change that can alter
follow-ups, `done` moves to the value a finished write claimed, `queued_at` coalesces requests
while one task waits; so a lost queue message leaves `wanted > done` for the sweep to find.

`google_written_events` holds, per event calfeed wrote, the content fingerprint and Google's
etag of that write (the If-Match of the next one), and `touched` once the user edited or deleted
it in Google: such an event is never written again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    case,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from calfeed.core.google_events import DEFAULT_REMINDER, REMINDERS, Reminder, Written
from calfeed.store.schema import Base, UTCDateTime


class GoogleDelivery(Base):
    """One user's calendar at Google that calfeed writes (see the module docstring)."""

    __tablename__ = "google_deliveries"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    calendar_id: Mapped[str | None] = mapped_column(String(1024))
    # the language the calendar's name and description were written in (None: not known; the
    # next write names it again): a change of the user's language renames it
    calendar_lang: Mapped[str | None] = mapped_column(String(8))
    marker: Mapped[str] = mapped_column(String(64))
    calendar_gone: Mapped[bool] = mapped_column(Boolean, default=False)
    reminder: Mapped[str] = mapped_column(String(16), default=DEFAULT_REMINDER)
    wanted: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # the dashboard asked an existing user once to allow writing (answered either way)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GoogleWrittenEvent(Base):
    """What calfeed last wrote of one event in its calendar (see the module docstring)."""

    __tablename__ = "google_written_events"
    __table_args__ = (UniqueConstraint("user_id", "event_id", name="uq_google_written_user_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    etag: Mapped[str | None] = mapped_column(String(128))
    touched: Mapped[bool] = mapped_column(Boolean, default=False)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class DeliveryStatus:
    """What the dashboard shows of the writing."""

    enabled: bool
    calendar_id: str | None
    calendar_gone: bool
    reminder: Reminder
    pending: bool
    last_written_at: datetime | None
    last_error: str | None
    asked: bool


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def get_delivery(session: Session, user_id: int) -> GoogleDelivery | None:
    return session.get(GoogleDelivery, user_id)


def ensure_delivery(
    session: Session, user_id: int, now: datetime, *, enabled: bool = True
) -> GoogleDelivery:
    """The user's row, created (with its marker) when missing; an existing row keeps its state."""
    stmt = _insert(session)(GoogleDelivery).values(
        user_id=user_id,
        enabled=enabled,
        marker=secrets.token_hex(16),
        calendar_gone=False,
        reminder=DEFAULT_REMINDER,
        wanted=0,
        done=0,
        failures=0,
        created_at=now,
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["user_id"]))
    found = session.get(GoogleDelivery, user_id, populate_existing=True)
    assert found is not None
    return found


def status(session: Session, user_id: int) -> DeliveryStatus | None:
    row = get_delivery(session, user_id)
    if row is None:
        return None
    reminder = row.reminder if row.reminder in REMINDERS else DEFAULT_REMINDER
    return DeliveryStatus(
        enabled=row.enabled,
        calendar_id=row.calendar_id,
        calendar_gone=row.calendar_gone,
        reminder=reminder,
        pending=row.wanted > row.done,
        last_written_at=row.last_written_at,
        last_error=row.last_error,
        asked=row.asked_at is not None,
    )


# --- requests, claims (the coalescing) ----------------------------------------------------------


def request_write(session: Session, user_id: int, now: datetime, requeue_after: timedelta) -> bool:
    """Record that the user's calendar must be brought up to date; True when the caller must put
    a task on the queue (False: no writing for this user, or a task already waits)."""
    bumped = session.execute(
        update(GoogleDelivery)
        .where(
            GoogleDelivery.user_id == user_id,
            GoogleDelivery.enabled.is_(True),
            GoogleDelivery.calendar_gone.is_(False),
        )
        .values(wanted=GoogleDelivery.wanted + 1)
    )
    if getattr(bumped, "rowcount", 0) != 1:
        return False
    claimed = session.execute(
        update(GoogleDelivery)
        .where(
            GoogleDelivery.user_id == user_id,
            or_(GoogleDelivery.queued_at.is_(None), GoogleDelivery.queued_at < now - requeue_after),
        )
        .values(queued_at=now)
    )
    return bool(getattr(claimed, "rowcount", 0) == 1)


def mark_queued(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(GoogleDelivery).where(GoogleDelivery.user_id == user_id).values(queued_at=now)
    )


def claim_write(session: Session, user_id: int, now: datetime) -> int | None:
    """A worker starts: the `wanted` value this write satisfies, or None when none is wanted."""
    session.execute(
        update(GoogleDelivery)
        .where(GoogleDelivery.user_id == user_id)
        .values(queued_at=None, claimed_at=now, last_attempt_at=now)
    )
    row = session.execute(
        select(GoogleDelivery.wanted, GoogleDelivery.done, GoogleDelivery.enabled).where(
            GoogleDelivery.user_id == user_id
        )
    ).one_or_none()
    if row is None or not row.enabled or row.wanted <= row.done:
        return None
    return int(row.wanted)


def finish_write(session: Session, user_id: int, claimed: int) -> None:
    session.execute(
        update(GoogleDelivery)
        .where(GoogleDelivery.user_id == user_id)
        .values(
            done=case((GoogleDelivery.done < claimed, claimed), else_=GoogleDelivery.done),
            claimed_at=None,
        )
    )


def stale_writes(session: Session, now: datetime, stale: timedelta) -> list[int]:
    """Users whose wanted write neither waits on the queue nor runs: its message was lost."""
    limit = now - stale
    rows = session.scalars(
        select(GoogleDelivery.user_id).where(
            GoogleDelivery.enabled.is_(True),
            GoogleDelivery.calendar_gone.is_(False),
            GoogleDelivery.wanted > GoogleDelivery.done,
            or_(GoogleDelivery.queued_at.is_(None), GoogleDelivery.queued_at < limit),
            or_(GoogleDelivery.claimed_at.is_(None), GoogleDelivery.claimed_at < limit),
        )
    )
    return list(rows)


# --- the calendar -------------------------------------------------------------------------------


def set_calendar(session: Session, user_id: int, calendar_id: str, lang: str | None) -> None:
    """The calendar calfeed writes, and the language its name is in (None: not known)."""
    session.execute(
        update(GoogleDelivery)
        .where(GoogleDelivery.user_id == user_id)
        .values(calendar_id=calendar_id, calendar_lang=lang, calendar_gone=False)
    )


def set_calendar_lang(session: Session, user_id: int, lang: str) -> None:
    """The calendar was renamed into `lang`."""
    session.execute(
        update(GoogleDelivery).where(GoogleDelivery.user_id == user_id).values(calendar_lang=lang)
    )


def mark_calendar_gone(session: Session, user_id: int, now: datetime) -> None:
    """The user deleted calfeed's calendar: stop writing until they ask for it again."""
    session.execute(
        update(GoogleDelivery)
        .where(GoogleDelivery.user_id == user_id)
        .values(calendar_id=None, calendar_gone=True, last_error="calendar_gone")
    )
    clear_written(session, user_id)


def set_enabled(session: Session, user_id: int, enabled: bool, now: datetime) -> None:
    """Writing on (a calendar found or made on the next write; one already written to is kept)
    or off (the caller deletes the calendar at Google: its id and events are forgotten here)."""
    row = ensure_delivery(session, user_id, now, enabled=enabled)
    if enabled and row.enabled and not row.calendar_gone:
        return  # already on: nothing to reset
    values: dict[str, object] = {"enabled": enabled, "calendar_gone": False, "last_error": None}
    values.update(calendar_id=None, queued_at=None)
    session.execute(update(GoogleDelivery).where(GoogleDelivery.user_id == user_id).values(values))
    clear_written(session, user_id)


def mark_asked(session: Session, user_id: int, now: datetime, *, declined: bool) -> None:
    """The dashboard's question was answered; a refusal leaves writing off."""
    ensure_delivery(session, user_id, now, enabled=not declined)
    values: dict[str, object] = {"asked_at": now}
    if declined:
        values["enabled"] = False
    session.execute(update(GoogleDelivery).where(GoogleDelivery.user_id == user_id).values(values))


def set_reminder(session: Session, user_id: int, reminder: Reminder, now: datetime) -> None:
    ensure_delivery(session, user_id, now)
    session.execute(
        update(GoogleDelivery).where(GoogleDelivery.user_id == user_id).values(reminder=reminder)
    )


def record_outcome(
    session: Session, user_id: int, now: datetime, error: str | None, *, wrote: bool
) -> None:
    """After a write: when it last succeeded, or why it failed (a short machine word)."""
    values: dict[str, object] = {"last_error": error}
    if error is None:
        values["failures"] = 0
        if wrote:
            values["last_written_at"] = now
    else:
        values["failures"] = GoogleDelivery.failures + 1
    session.execute(update(GoogleDelivery).where(GoogleDelivery.user_id == user_id).values(values))


# --- events written -----------------------------------------------------------------------------


def written_events(session: Session, user_id: int) -> dict[str, Written]:
    rows = session.scalars(select(GoogleWrittenEvent).where(GoogleWrittenEvent.user_id == user_id))
    return {r.event_id: Written(r.event_id, r.hash, r.etag, r.touched) for r in rows}


def record_written(
    session: Session,
    user_id: int,
    event_id: str,
    content_hash: str,
    etag: str | None,
    now: datetime,
    *,
    touched: bool = False,
) -> None:
    stmt = _insert(session)(GoogleWrittenEvent).values(
        user_id=user_id,
        event_id=event_id,
        hash=content_hash,
        etag=etag,
        touched=touched,
        written_at=now,
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["user_id", "event_id"],
            set_={"hash": content_hash, "etag": etag, "touched": touched, "written_at": now},
        )
    )


def record_touched(session: Session, user_id: int, event_id: str, now: datetime) -> None:
    """The user edited or deleted this event in Google: never write it again."""
    found = session.scalar(
        select(GoogleWrittenEvent).where(
            GoogleWrittenEvent.user_id == user_id, GoogleWrittenEvent.event_id == event_id
        )
    )
    record_written(session, user_id, event_id, found.hash if found else "", None, now, touched=True)


def forget_written(session: Session, user_id: int, event_id: str) -> None:
    session.execute(
        delete(GoogleWrittenEvent).where(
            GoogleWrittenEvent.user_id == user_id, GoogleWrittenEvent.event_id == event_id
        )
    )


def clear_written(session: Session, user_id: int) -> None:
    session.execute(delete(GoogleWrittenEvent).where(GoogleWrittenEvent.user_id == user_id))
