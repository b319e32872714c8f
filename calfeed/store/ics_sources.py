"""Calendars read from a secret .ics address, their events, and the queries over them.

- `ics_sources`: one row per address a user added. The address is a secret (whoever has it reads
  the calendar), so it is stored Fernet-encrypted like the Google token, with its sha256 beside it
  only to refuse adding the same address twice. Validators (ETag, Last-Modified) and the read
  schedule (`next_read_at`, `failures`) make reads polite; `last_error` is what the dashboard shows.
- `ics_events`: what the last good read found, one row per occurrence, the core's `SourceEvent`
  as JSON. Their calendar id is `ics:<source id>`, so event keys, marks, corrections and follow-up
  UIDs work exactly as for Google (`calendarId/eventId`); the event id is the iCalendar UID (plus
  the occurrence for a series), so an interview moved at the source keeps its key and its
  follow-ups move with it. A failed read never touches these rows: the last good events stay.
- Every row goes with its source (ON DELETE CASCADE), and every source with its user.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from calfeed.core.model import Attendee, Skipped, SourceEvent
from calfeed.store.db import upsert
from calfeed.store.schema import Base, User, UTCDateTime

#: the calendar id of a source's events: "ics:<source id>"
PREFIX = "ics:"
#: a read in progress holds its source this long (a killed reader's claim runs out)
CLAIM = timedelta(minutes=2)


class IcsSource(Base):
    """A calendar the user added by its secret address (see the module docstring)."""

    __tablename__ = "ics_sources"
    __table_args__ = (
        UniqueConstraint("user_id", "address_hash", name="uq_ics_sources_user_address"),
        {"sqlite_autoincrement": True},  # ids are part of event keys and UIDs: never reused
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address_enc: Mapped[str] = mapped_column(Text)
    address_hash: Mapped[str] = mapped_column(String(64))
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the last 200 (content read and expanded): a 304 does not move the expansion window
    content_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    events_found: Mapped[int] = mapped_column(Integer, default=0)
    interviews_found: Mapped[int] = mapped_column(Integer, default=0)
    # the read holding the source (`claim_source`): only it may store what it read
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # what the last good read left out (cut to the caps), said on the dashboard
    notice: Mapped[str | None] = mapped_column(Text)


class IcsEvent(Base):
    """One occurrence from a source's last good read, as the core's SourceEvent in JSON."""

    __tablename__ = "ics_events"
    __table_args__ = (
        UniqueConstraint("source_id", "event_id", name="uq_ics_events_source_event"),
        Index("ix_ics_events_user_end", "user_id", "end_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("ics_sources.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(1100))
    data_json: Mapped[str] = mapped_column(Text)
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def calendar_id(source_id: int) -> str:
    return f"{PREFIX}{source_id}"


def source_of_key(event_key: str) -> tuple[int, str] | None:
    """ "ics:<id>/<event id>" -> (id, event id); None for any other key (Google's).

    Split at the first slash: an iCalendar UID may hold slashes, a source id never does.
    """
    if not event_key.startswith(PREFIX):
        return None
    head, slash, event_id = event_key[len(PREFIX) :].partition("/")
    if not slash or not head.isdigit() or not event_id:
        return None
    return int(head), event_id


# --- SourceEvent <-> JSON (dates and zones kept exactly) -----------------------------------------


def _when(value: datetime | date | None) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        zone = getattr(value.tzinfo, "key", None)
        return {"dt": value.isoformat(), "zone": zone}
    return {"date": value.isoformat()}


def _from_when(value: Any) -> Any:
    if value is None:
        return None
    if "date" in value:
        return date.fromisoformat(value["date"])
    moment = datetime.fromisoformat(value["dt"])
    return moment.astimezone(ZoneInfo(value["zone"])) if value.get("zone") else moment


_EVENT_FIELDS = tuple(f.name for f in fields(SourceEvent))
_ATTENDEE_FIELDS = tuple(f.name for f in fields(Attendee))


def _attendee(person: Attendee) -> dict[str, Any]:
    return {name: getattr(person, name) for name in _ATTENDEE_FIELDS}


def event_to_json(event: SourceEvent) -> str:
    """The event as stored: `dataclasses.asdict`'s JSON, built without its deep copy (a third of
    the time of storing a 5,000-event read went into `asdict`)."""
    data: dict[str, Any] = {name: getattr(event, name) for name in _EVENT_FIELDS}
    data["attendees"] = [_attendee(a) for a in event.attendees]
    data["organizer"] = _attendee(event.organizer) if event.organizer else None
    for name in ("start", "end", "updated"):
        data[name] = _when(getattr(event, name))
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_from_json(text: str) -> SourceEvent:
    data = json.loads(text)
    for name in ("start", "end", "updated"):
        data[name] = _from_when(data[name])
    data["attendees"] = tuple(Attendee(**a) for a in data["attendees"])
    data["organizer"] = Attendee(**data["organizer"]) if data["organizer"] else None
    return SourceEvent(**data)


def _end_at(event: SourceEvent) -> datetime | None:
    end = event.end
    if isinstance(end, datetime):
        return end
    return datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)


# --- sources --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceView:
    """What the dashboard shows of a source (never the address)."""

    id: int
    name: str
    paused: bool
    events_found: int
    interviews_found: int
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    next_read_at: datetime | None
    created_at: datetime | None = None
    notice: str | None = None

    @property
    def reading(self) -> bool:
        """The first read has not ended yet (it runs in the worker, the page shows "reading")."""
        return self.last_success_at is None and self.last_error is None


def sources_for_user(session: Session, user_id: int) -> list[IcsSource]:
    query = select(IcsSource).where(IcsSource.user_id == user_id).order_by(IcsSource.id)
    return list(session.scalars(query))


def source_views(session: Session, user_id: int) -> list[SourceView]:
    return [
        SourceView(
            s.id,
            s.name,
            s.paused,
            s.events_found,
            s.interviews_found,
            s.last_success_at,
            s.last_attempt_at,
            s.last_error,
            s.next_read_at,
            s.created_at,
            s.notice,
        )
        for s in sources_for_user(session, user_id)
    ]


def get_source(session: Session, user_id: int, source_id: int) -> IcsSource | None:
    source = session.get(IcsSource, source_id)
    return source if source is not None and source.user_id == user_id else None


def add_source(
    session: Session,
    user_id: int,
    *,
    name: str,
    address_enc: str,
    address_hash: str,
    now: datetime,
) -> IcsSource | None:
    """A new source, due for reading at once; None when the user already has this address."""
    exists = session.scalar(
        select(IcsSource.id).where(
            IcsSource.user_id == user_id, IcsSource.address_hash == address_hash
        )
    )
    if exists is not None:
        return None
    source = IcsSource(
        user_id=user_id,
        name=name,
        address_enc=address_enc,
        address_hash=address_hash,
        paused=False,
        created_at=now,
        failures=0,
        events_found=0,
        interviews_found=0,
    )
    session.add(source)
    session.flush()
    return source


def claim_source(
    session: Session,
    source_id: int,
    now: datetime,
    *,
    force: bool = False,
    hold: timedelta = CLAIM,
) -> str | None:
    """Take the source for one read: its claim token when it is due (or `force`: due or not),
    not paused and not held by another reader; None otherwise. The claim (`next_read_at` moved
    `hold` ahead) keeps other readers off; the reader renews it while it runs (`renew_claim`) and
    stores only while its token is still the source's (`holds_claim`)."""
    token = secrets.token_hex(16)
    query = update(IcsSource).where(IcsSource.id == source_id, IcsSource.paused.is_(False))
    due = or_(IcsSource.next_read_at.is_(None), IcsSource.next_read_at <= now)
    # `force` skips the schedule, never another reader's live claim
    query = query.where(or_(IcsSource.claim_token.is_(None), due) if force else due)
    values = {"next_read_at": now + hold, "last_attempt_at": now, "claim_token": token}
    result = session.execute(query.values(**values))
    return token if getattr(result, "rowcount", 0) == 1 else None


def renew_claim(session: Session, source_id: int, token: str, until: datetime) -> bool:
    """Move a live claim's end to `until`; False when the claim is no longer this reader's."""
    result = session.execute(
        update(IcsSource)
        .where(IcsSource.id == source_id, IcsSource.claim_token == token)
        .values(next_read_at=until)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def holds_claim(source: IcsSource, token: str | None) -> bool:
    """Whether the reader with `token` still holds `source` (None: an unclaimed write, tests)."""
    return token is None or source.claim_token == token


def count_other_events(session: Session, user_id: int, source_id: int) -> int:
    """Events stored for the user's other sources (the per-user cap leaves this read the rest)."""
    query = select(func.count(IcsEvent.id)).where(
        IcsEvent.user_id == user_id, IcsEvent.source_id != source_id
    )
    return session.scalar(query) or 0


def owner_of(session: Session, source_id: int) -> int | None:
    return session.scalar(select(IcsSource.user_id).where(IcsSource.id == source_id))


def live_claims(session: Session, user_id: int, now: datetime) -> int:
    """Reads of the user's calendars running now, in any process (claims not yet run out)."""
    query = select(func.count(IcsSource.id)).where(
        IcsSource.user_id == user_id,
        IcsSource.claim_token.is_not(None),
        IcsSource.next_read_at > now,
    )
    return session.scalar(query) or 0


def count_sources(session: Session, user_id: int) -> int:
    query = select(func.count(IcsSource.id)).where(IcsSource.user_id == user_id)
    return session.scalar(query) or 0


def due_sources(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Sources whose next read is due (the sweep), oldest first."""
    rows = session.scalars(
        select(IcsSource.id)
        .where(
            IcsSource.paused.is_(False),
            or_(IcsSource.next_read_at.is_(None), IcsSource.next_read_at <= now),
        )
        .order_by(IcsSource.next_read_at.nulls_first(), IcsSource.id)
        .limit(limit)
    )
    return list(rows)


def replace_source_events(
    session: Session, source: IcsSource, events: Sequence[SourceEvent]
) -> bool:
    """A good read's events become the source's whole set; True when anything changed."""
    rows = {e.event_id: event_to_json(e) for e in events}
    query = select(IcsEvent.event_id, IcsEvent.data_json).where(IcsEvent.source_id == source.id)
    stored: dict[str, str] = {event_id: data for event_id, data in session.execute(query)}
    gone = [k for k in stored if k not in rows]
    for start in range(0, len(gone), 500):
        session.execute(
            delete(IcsEvent).where(
                IcsEvent.source_id == source.id, IcsEvent.event_id.in_(gone[start : start + 500])
            )
        )
    changed = [e for e in events if stored.get(e.event_id) != rows[e.event_id]]
    if changed:
        upsert(
            session,
            IcsEvent.__table__,  # type: ignore[arg-type]
            [
                {
                    "user_id": source.user_id,
                    "source_id": source.id,
                    "event_id": e.event_id,
                    "data_json": rows[e.event_id],
                    "end_at": _end_at(e),
                }
                for e in changed
            ],
            keys=("source_id", "event_id"),
            update=("data_json", "end_at"),
        )
    return bool(gone or changed)


def ics_events_for_user(
    session: Session, user_id: int, *, limit: int | None = None
) -> tuple[list[SourceEvent], list[Skipped]]:
    """The events of the user's sources that are not paused (earliest end first with `limit`)."""
    query = (
        select(IcsEvent.event_id, IcsEvent.data_json)
        .join(IcsSource, IcsSource.id == IcsEvent.source_id)
        .where(IcsEvent.user_id == user_id, IcsSource.paused.is_(False))
    )
    if limit is None:
        query = query.order_by(IcsEvent.source_id, IcsEvent.event_id)
    else:
        query = query.order_by(IcsEvent.end_at, IcsEvent.source_id, IcsEvent.event_id).limit(limit)
    events: list[SourceEvent] = []
    skipped: list[Skipped] = []
    for event_id, data in session.execute(query):
        try:
            events.append(event_from_json(data))
        except (ValueError, KeyError, TypeError):
            skipped.append(Skipped(event_id, "stored event is unreadable"))
    return events, skipped


def count_ics_events(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count(IcsEvent.id)).where(IcsEvent.user_id == user_id)) or 0


def has_event(session: Session, user_id: int, event_key: str) -> bool:
    """Whether `event_key` names an event of one of the user's sources."""
    parsed = source_of_key(event_key)
    if parsed is None:
        return False
    source_id, event_id = parsed
    found = session.scalar(
        select(IcsEvent.id)
        .where(
            IcsEvent.user_id == user_id,
            IcsEvent.source_id == source_id,
            IcsEvent.event_id == event_id,
        )
        .limit(1)
    )
    return found is not None


def touch_user(session: Session, user_id: int, now: datetime) -> None:
    """Every cached feed of the user is stale (see `queries._touch`)."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(data_version=User.data_version + 1, updated_at=now)
    )
