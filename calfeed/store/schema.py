"""SQLAlchemy 2 tables: users, their calendars, cached Google events, marks, revisions, feed cache.

Why these shapes:
- Events keep Google's raw JSON; the pure core (`calfeed.core.inputs.google_json`) reads it each
  time, so a parser fix applies to data already stored without a re-read.
- Marks are keyed by the event key ("calendarId/eventId") and are NOT a child of `events`: a full
  re-read deletes and re-inserts events, and what the user told us must survive that.
- `users.data_version` grows whenever anything a feed depends on changes (events, marks, settings,
  the reconnect flag); a cached feed is fresh while its `source_version` matches, so the web layer
  never has to guess whether a re-render is needed.
- Every child row is deleted with its user (ON DELETE CASCADE): "disconnect and delete everything".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: constraint names fixed by convention, so Alembic migrations name them the same on every database
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC everywhere (SQLite has no zone type and drops offsets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass an aware one")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    """One person: their Google grant (encrypted), settings, feed secret and sync status."""

    __tablename__ = "users"
    # ids are never reused (SQLite would hand a deleted user's id to the next one otherwise)
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # the primary calendar's id, i.e. the Google address; NULL for the demo user
    google_email: Mapped[str | None] = mapped_column(String(320), unique=True)
    refresh_token_enc: Mapped[str | None] = mapped_column(Text)
    access_token_enc: Mapped[str | None] = mapped_column(Text)
    access_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    granted_scopes: Mapped[str] = mapped_column(Text, default="")  # space-separated
    needs_reconnect: Mapped[bool] = mapped_column(Boolean, default=False)
    reconnect_reason: Mapped[str | None] = mapped_column(Text)
    settings_json: Mapped[str] = mapped_column(Text, default="{}")
    # sha256 hex of the feed secret: the secret itself is never stored in the clear
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    # the same secret encrypted, so the dashboard can show the address again
    feed_token_enc: Mapped[str | None] = mapped_column(Text)
    data_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sync_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sync_error: Mapped[str | None] = mapped_column(Text)
    # random, in the row and in the session cookie: a session opens only this row, and only until
    # the next sign-in or sign-out (`calfeed.web.context`); NULL: no session can open it
    session_nonce: Mapped[str | None] = mapped_column(String(64))

    calendars: Mapped[list[Calendar]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Calendar(Base):
    """A calendar the user can read, with the sync token of its last read."""

    __tablename__ = "calendars"
    __table_args__ = (UniqueConstraint("user_id", "google_id", name="uq_calendars_user_google"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    google_id: Mapped[str] = mapped_column(String(1024))
    summary: Mapped[str] = mapped_column(Text, default="")
    time_zone: Mapped[str | None] = mapped_column(String(64))
    primary: Mapped[bool] = mapped_column(Boolean, default=False)
    selected: Mapped[bool] = mapped_column(Boolean, default=False)
    sync_token: Mapped[str | None] = mapped_column(Text)
    last_full_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="calendars")


class Event(Base):
    """One Google event resource as read (raw JSON), inside the read window."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("calendar_id", "google_id", name="uq_events_calendar_google"),
        Index("ix_events_user_end", "user_id", "end_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    google_id: Mapped[str] = mapped_column(String(1024))
    raw_json: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="confirmed")
    updated: Mapped[datetime | None] = mapped_column(UTCDateTime)  # Google's `updated`
    # the event's end, so events that fall out of the window can be pruned without parsing JSON
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Mark(Base):
    """What the user told us about one interview; survives every re-read (see module docstring)."""

    __tablename__ = "marks"
    __table_args__ = (UniqueConstraint("user_id", "event_key", name="uq_marks_user_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_key: Mapped[str] = mapped_column(String(2100))  # "calendarId/eventId"
    thank_you_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    heard_back: Mapped[bool] = mapped_column(Boolean, default=False)
    not_interview: Mapped[bool] = mapped_column(Boolean, default=False)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    timeline: Mapped[str | None] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(Text)  # rule E2 correction
    position: Mapped[str | None] = mapped_column(Text)  # rule E2 correction
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RevisionRow(Base):
    """What subscribers already saw of a follow-up (SEQUENCE, DTSTAMP): see `model.Revision`."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("user_id", "uid", name="uq_revisions_user_uid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(2200))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    fingerprint: Mapped[str] = mapped_column(String(128))


class FeedCache(Base):
    """A rendered feed variant, shared by every web process (nothing correctness needs is local)."""

    __tablename__ = "feed_cache"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    variant: Mapped[str] = mapped_column(String(200), primary_key=True)  # "kinds=all;lang=en"
    ics: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(String(100))
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source_version: Mapped[int] = mapped_column(Integer)


class SyncLease(Base):
    """The per-user read lock on databases without advisory locks (SQLite): a row with an expiry."""

    __tablename__ = "sync_leases"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
