"""The background reads' own tables and queries (read requests, Google watch channels).

`sync_requests` is what makes the queue safe to lose. A read is *wanted* (a counter bumped by every
request: connect, notification, "Refresh now", the schedule) and *done* up to the counter value a
finished read claimed; a task carries only the user id. So a queue message that vanishes (a worker
killed mid-read, a Redis flush) leaves `wanted > done` behind, and the periodic sweep enqueues the
read again. `queued_at` coalesces: while one task is queued, further requests only bump `wanted`.

`watch_channels` holds the Calendar API push channels (`events.watch`), one per calendar read; the
token Google echoes back is stored only as a hash, like the feed secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    and_,
    case,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from calfeed.store.schema import Base, Calendar, User, UTCDateTime


class SyncRequest(Base):
    """Reads asked for and reads done, per user (see the module docstring)."""

    __tablename__ = "sync_requests"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    wanted: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a task is on the queue
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a worker started it
    manual_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last "Refresh now"


class WatchChannel(Base):
    """One open Calendar API push channel (`events.watch`, type web_hook) for one calendar."""

    __tablename__ = "watch_channels"

    channel_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    resource_id: Mapped[str] = mapped_column(String(256))
    token_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- read requests ------------------------------------------------------------------------------


def request_read(session: Session, user_id: int, now: datetime, requeue_after: timedelta) -> bool:
    """Record that a read of the user is wanted; True when the caller must enqueue a task.

    False means a task is already queued (it will see this request too): the coalescing.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(SyncRequest).values(user_id=user_id, wanted=1, done=0, requested_at=now)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["user_id"],
            set_={"wanted": SyncRequest.wanted + 1, "requested_at": now},
        )
    )
    claimed = session.execute(
        update(SyncRequest)
        .where(
            SyncRequest.user_id == user_id,
            or_(SyncRequest.queued_at.is_(None), SyncRequest.queued_at < now - requeue_after),
        )
        .values(queued_at=now)
    )
    return bool(getattr(claimed, "rowcount", 0) == 1)


def mark_queued(session: Session, user_id: int, now: datetime) -> None:
    session.execute(update(SyncRequest).where(SyncRequest.user_id == user_id).values(queued_at=now))


def unmark_queued(session: Session, user_id: int) -> None:
    """The task for the user never reached the queue (it was down): the sweep enqueues it."""
    session.execute(
        update(SyncRequest).where(SyncRequest.user_id == user_id).values(queued_at=None)
    )


def claim_read(session: Session, user_id: int, now: datetime) -> int | None:
    """A worker starts: the `wanted` value this read will satisfy, or None when nothing is wanted.

    Clears `queued_at`, so a request arriving during the read enqueues the next one.
    """
    session.execute(
        update(SyncRequest)
        .where(SyncRequest.user_id == user_id)
        .values(queued_at=None, claimed_at=now)
    )
    row = session.execute(
        select(SyncRequest.wanted, SyncRequest.done).where(SyncRequest.user_id == user_id)
    ).one_or_none()
    if row is None or row.wanted <= row.done:
        return None
    return int(row.wanted)


def finish_read(session: Session, user_id: int, claimed: int) -> None:
    """Every request up to `claimed` is satisfied (never moves `done` backwards)."""
    session.execute(
        update(SyncRequest)
        .where(SyncRequest.user_id == user_id)
        .values(done=case((SyncRequest.done < claimed, claimed), else_=SyncRequest.done))
    )


def stale_requests(session: Session, now: datetime, stale: timedelta) -> list[int]:
    """Users whose wanted read neither sits on the queue nor runs: its message was lost."""
    limit = now - stale
    rows = session.scalars(
        select(SyncRequest.user_id).where(
            SyncRequest.wanted > SyncRequest.done,
            or_(SyncRequest.queued_at.is_(None), SyncRequest.queued_at < limit),
            or_(SyncRequest.claimed_at.is_(None), SyncRequest.claimed_at < limit),
        )
    )
    return list(rows)


def due_for_schedule(
    session: Session, now: datetime, interval: timedelta, watched_interval: timedelta
) -> list[int]:
    """Users with a usable grant whose last read attempt is older than `interval`, or older than
    `watched_interval` when every selected calendar has a live watch channel (the safety net)."""
    unwatched = (
        select(Calendar.id)
        .where(
            Calendar.user_id == User.id,
            Calendar.selected.is_(True),
            ~select(WatchChannel.channel_id)
            .where(WatchChannel.calendar_id == Calendar.id, WatchChannel.expires_at > now)
            .exists(),
        )
        .exists()
    )
    rows = session.scalars(
        select(User.id)
        .outerjoin(SyncRequest, SyncRequest.user_id == User.id)
        .where(
            User.refresh_token_enc.is_not(None),
            User.needs_reconnect.is_(False),
            or_(
                User.last_sync_attempt_at.is_(None),
                User.last_sync_attempt_at <= now - watched_interval,
                and_(User.last_sync_attempt_at <= now - interval, unwatched),
            ),
            or_(SyncRequest.user_id.is_(None), SyncRequest.wanted <= SyncRequest.done),
        )
        .order_by(User.id)
    )
    return list(rows)


@dataclass(frozen=True)
class ReadStatus:
    last_read_at: datetime | None  # the last read that succeeded
    last_error: str | None
    pending: bool  # a read is wanted and not done yet
    manual_at: datetime | None


def read_status(session: Session, user_id: int) -> ReadStatus:
    row = session.execute(
        select(
            User.last_sync_at,
            User.last_sync_error,
            SyncRequest.wanted,
            SyncRequest.done,
            SyncRequest.manual_at,
        )
        .outerjoin(SyncRequest, SyncRequest.user_id == User.id)
        .where(User.id == user_id)
    ).one_or_none()
    if row is None:
        return ReadStatus(None, None, False, None)
    pending = row.wanted is not None and row.wanted > row.done
    return ReadStatus(row.last_sync_at, row.last_sync_error, pending, row.manual_at)


def take_manual_slot(session: Session, user_id: int, now: datetime, every: timedelta) -> bool:
    """Rate limit of "Refresh now": True (and the slot taken) when the last one is `every` ago."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(SyncRequest).values(user_id=user_id, wanted=0, done=0)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["user_id"]))
    taken = session.execute(
        update(SyncRequest)
        .where(
            SyncRequest.user_id == user_id,
            or_(SyncRequest.manual_at.is_(None), SyncRequest.manual_at <= now - every),
        )
        .values(manual_at=now)
    )
    return bool(getattr(taken, "rowcount", 0) == 1)


# --- watch channels -----------------------------------------------------------------------------


def add_channel(
    session: Session,
    *,
    channel_id: str,
    user_id: int,
    calendar_pk: int,
    resource_id: str,
    token_hash: str,
    expires_at: datetime,
    now: datetime,
) -> None:
    session.add(
        WatchChannel(
            channel_id=channel_id,
            user_id=user_id,
            calendar_id=calendar_pk,
            resource_id=resource_id,
            token_hash=token_hash,
            expires_at=expires_at,
            created_at=now,
        )
    )


def activate_channel(
    session: Session, channel_id: str, resource_id: str, expires_at: datetime
) -> None:
    session.execute(
        update(WatchChannel)
        .where(WatchChannel.channel_id == channel_id)
        .values(resource_id=resource_id, expires_at=expires_at)
    )


def find_channel(session: Session, channel_id: str) -> WatchChannel | None:
    return session.get(WatchChannel, channel_id)


def channels_for_user(session: Session, user_id: int) -> list[WatchChannel]:
    return list(
        session.scalars(
            select(WatchChannel)
            .where(WatchChannel.user_id == user_id)
            .order_by(WatchChannel.created_at)
        )
    )


def drop_channels(session: Session, channel_ids: Sequence[str]) -> None:
    if channel_ids:
        session.execute(delete(WatchChannel).where(WatchChannel.channel_id.in_(channel_ids)))


def channels_to_stop(session: Session, user_id: int) -> list[WatchChannel]:
    """Channels of calendars no longer selected (stopped at Google, then dropped)."""
    return list(
        session.scalars(
            select(WatchChannel)
            .join(Calendar, Calendar.id == WatchChannel.calendar_id)
            .where(WatchChannel.user_id == user_id, Calendar.selected.is_(False))
        )
    )


def calendars_to_watch(
    session: Session, user_id: int, now: datetime, renew_before: timedelta
) -> list[tuple[int, str]]:
    """Selected calendars without a channel that lives beyond `now + renew_before`."""
    live = (
        select(WatchChannel.calendar_id)
        .where(WatchChannel.user_id == user_id, WatchChannel.expires_at > now + renew_before)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Calendar.id, Calendar.google_id).where(
            Calendar.user_id == user_id, Calendar.selected.is_(True), Calendar.id.not_in(live)
        )
    )
    return [(int(r.id), str(r.google_id)) for r in rows]


def users_with_expiring_channels(
    session: Session, now: datetime, renew_before: timedelta
) -> list[int]:
    rows = session.scalars(
        select(WatchChannel.user_id)
        .distinct()
        .where(and_(WatchChannel.expires_at <= now + renew_before))
    )
    return sorted(rows)
