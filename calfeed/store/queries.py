"""Small typed queries over the schema; each takes an open Session, the caller commits.

Anything that changes what a feed would show calls `_touch`, which bumps `users.data_version`: a
cached feed whose `source_version` differs is stale (see schema.py).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from calfeed.core.inputs.google_json import parse_google_event
from calfeed.core.model import Marks, Revision, RuleSettings, Skipped, SourceEvent
from calfeed.crypto import same_secret, token_hash
from calfeed.errors import InvalidEvent
from calfeed.store.db import upsert
from calfeed.store.schema import (
    Calendar,
    Event,
    FeedCache,
    Mark,
    PendingAuthorization,
    RevisionRow,
    User,
)
from calfeed.store.settings import settings_from_json, settings_to_json


def _touch(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(data_version=User.data_version + 1, updated_at=now)
    )


def bump_data_version(session: Session, user_id: int, now: datetime) -> None:
    """Mark every cached feed of the user stale (something they depend on changed)."""
    _touch(session, user_id, now)


# --- users ----------------------------------------------------------------------------------------


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.google_email == email)).one_or_none()


def get_user_by_feed_token_hash(session: Session, feed_token_hash: str) -> User | None:
    return session.scalars(
        select(User).where(User.feed_token_hash == feed_token_hash)
    ).one_or_none()


def get_user_by_feed_token(session: Session, token: str) -> User | None:
    """The user whose feed secret is `token`, or None (the caller answers 404 either way).

    The lookup is by sha256, so timing reveals nothing about the secret; the final comparison is
    constant-time anyway, as issue 4 asks.
    """
    wanted = token_hash(token)
    user = get_user_by_feed_token_hash(session, wanted)
    if user is None or user.feed_token_hash is None:
        return None
    return user if same_secret(user.feed_token_hash, wanted) else None


def create_user(
    session: Session,
    *,
    now: datetime,
    google_email: str | None = None,
    settings: RuleSettings | None = None,
) -> User:
    """A new user without a Google grant yet (the demo user, or tests)."""
    user = User(
        google_email=google_email,
        granted_scopes="",
        needs_reconnect=False,
        settings_json=settings_to_json(settings or RuleSettings()),
        data_version=0,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    return user


def connect_google(
    session: Session,
    *,
    email: str,
    refresh_token_enc: str,
    scopes: Collection[str],
    now: datetime,
    access_token_enc: str | None = None,
    access_token_expires_at: datetime | None = None,
    primary_time_zone: str | None = None,
    settings: RuleSettings | None = None,
) -> User:
    """Store a fresh grant for `email` (new user or reconnect) and make sure the primary calendar
    exists and is selected (issue 3: "default: primary"). Clears the reconnect flag.
    """
    user = get_user_by_email(session, email)
    if user is None:
        user = create_user(session, now=now, google_email=email, settings=settings)
    user.refresh_token_enc = refresh_token_enc
    user.access_token_enc = access_token_enc
    user.access_token_expires_at = access_token_expires_at
    user.granted_scopes = " ".join(sorted(scopes))
    user.needs_reconnect = False
    user.reconnect_reason = None
    user.updated_at = now
    primary = session.scalars(
        select(Calendar).where(Calendar.user_id == user.id, Calendar.google_id == email)
    ).one_or_none()
    if primary is None:
        has_selection = session.scalars(
            select(Calendar.id).where(Calendar.user_id == user.id, Calendar.selected)
        ).first()
        session.add(
            Calendar(
                user_id=user.id,
                google_id=email,
                summary=email,
                time_zone=primary_time_zone,
                primary=True,
                selected=has_selection is None,
            )
        )
    elif primary_time_zone:
        primary.time_zone = primary_time_zone
    session.flush()
    _touch(session, user.id, now)
    return user


def delete_user(session: Session, user_id: int) -> bool:
    """Delete the user and, by cascade, everything of theirs. True when there was such a user."""
    result = session.execute(delete(User).where(User.id == user_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def set_feed_token(
    session: Session,
    user_id: int,
    *,
    feed_token_hash: str,
    feed_token_enc: str | None,
    now: datetime,
) -> None:
    """Replace the feed secret: the old address stops working with this commit (issue 4 rotate)."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(feed_token_hash=feed_token_hash, feed_token_enc=feed_token_enc, updated_at=now)
    )


def mark_needs_reconnect(session: Session, user_id: int, reason: str, now: datetime) -> None:
    """Flag the grant as unusable; the feed then carries one "reconnect" notice (hence _touch)."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(needs_reconnect=True, reconnect_reason=reason, access_token_enc=None)
    )
    _touch(session, user_id, now)


def save_access_token(
    session: Session, user_id: int, access_token_enc: str, expires_at: datetime | None
) -> None:
    """Keep the short-lived access token so the next read does not cost a token refresh."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(access_token_enc=access_token_enc, access_token_expires_at=expires_at)
    )


def record_sync(
    session: Session, user_id: int, *, now: datetime, error: str | None, succeeded: bool
) -> None:
    values: dict[str, object] = {"last_sync_attempt_at": now, "last_sync_error": error}
    if succeeded:
        values["last_sync_at"] = now
    session.execute(update(User).where(User.id == user_id).values(**values))


def rule_settings_of(user: User) -> RuleSettings:
    """The user's settings as the core's `RuleSettings` (defaults for anything not stored)."""
    return settings_from_json(user.settings_json)


def set_rule_settings(
    session: Session, user_id: int, settings: RuleSettings, now: datetime
) -> None:
    session.execute(
        update(User).where(User.id == user_id).values(settings_json=settings_to_json(settings))
    )
    _touch(session, user_id, now)


# --- calendars ------------------------------------------------------------------------------------


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
    _touch(session, user_id, now)


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
    _touch(session, user_id, now)


# --- events ---------------------------------------------------------------------------------------


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

    from calfeed.store.ics_sources import count_ics_events  # issue 11

    google = session.scalar(select(func.count(Event.id)).where(Event.user_id == user_id)) or 0
    return google + count_ics_events(session, user_id)


def source_events_for_user(
    session: Session, user_id: int, *, limit: int | None = None
) -> tuple[list[SourceEvent], list[Skipped]]:
    """Every cached event of the user's selected calendars, parsed by the core.

    With `limit`, at most that many, earliest end first (issue 7: bounded work per user).
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
    """issue 11: the events of the user's .ics sources join Google's, under the same limit."""
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


# --- marks ----------------------------------------------------------------------------------------


def _marks(row: Mark) -> Marks:
    return Marks(
        thank_you_sent=row.thank_you_sent,
        heard_back=row.heard_back,
        not_interview=row.not_interview,
        closed=row.closed,
        timeline=row.timeline,
        company=row.company,
        position=row.position,
    )


def marks_for_user(session: Session, user_id: int) -> dict[str, Marks]:
    """Every mark of the user by event key ("calendarId/eventId")."""
    rows = session.scalars(select(Mark).where(Mark.user_id == user_id))
    return {row.event_key: _marks(row) for row in rows}


def get_mark(session: Session, user_id: int, event_key: str) -> Marks:
    row = session.scalars(
        select(Mark).where(Mark.user_id == user_id, Mark.event_key == event_key)
    ).one_or_none()
    return Marks() if row is None else _marks(row)


def set_mark(session: Session, user_id: int, event_key: str, marks: Marks, now: datetime) -> None:
    """Store the user's marks for one event (whole value: read, replace a field, write back)."""
    upsert(
        session,
        Mark.__table__,  # type: ignore[arg-type]
        [
            {
                "user_id": user_id,
                "event_key": event_key,
                "thank_you_sent": marks.thank_you_sent,
                "heard_back": marks.heard_back,
                "not_interview": marks.not_interview,
                "closed": marks.closed,
                "timeline": marks.timeline,
                "company": marks.company,
                "position": marks.position,
                "updated_at": now,
            }
        ],
        keys=("user_id", "event_key"),
        update=(
            "thank_you_sent",
            "heard_back",
            "not_interview",
            "closed",
            "timeline",
            "company",
            "position",
            "updated_at",
        ),
    )
    _touch(session, user_id, now)


# --- revisions ------------------------------------------------------------------------------------


def revisions_for_user(session: Session, user_id: int) -> dict[str, Revision]:
    rows = session.scalars(select(RevisionRow).where(RevisionRow.user_id == user_id))
    return {
        r.uid: Revision(
            sequence=r.sequence, changed_at=r.changed_at, start=r.start, fingerprint=r.fingerprint
        )
        for r in rows
    }


def save_revisions(session: Session, user_id: int, revisions: Mapping[str, Revision]) -> None:
    """Upsert; revisions of follow-ups that went away are kept, so SEQUENCE never goes back."""
    upsert(
        session,
        RevisionRow.__table__,  # type: ignore[arg-type]
        [
            {
                "user_id": user_id,
                "uid": uid,
                "sequence": r.sequence,
                "changed_at": r.changed_at,
                "start": r.start,
                "fingerprint": r.fingerprint,
            }
            for uid, r in sorted(revisions.items())
        ],
        keys=("user_id", "uid"),
        update=("sequence", "changed_at", "start", "fingerprint"),
    )


# --- feed cache -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CachedFeed:
    ics: bytes
    etag: str
    rendered_at: datetime
    source_version: int


def get_cached_feed(session: Session, user_id: int, variant: str) -> CachedFeed | None:
    row = session.get(FeedCache, (user_id, variant))
    if row is None:
        return None
    return CachedFeed(row.ics, row.etag, row.rendered_at, row.source_version)


def put_cached_feed(session: Session, user_id: int, variant: str, feed: CachedFeed) -> None:
    """Store a rendered variant; concurrent writers from several processes simply overwrite."""
    upsert(
        session,
        FeedCache.__table__,  # type: ignore[arg-type]
        [
            {
                "user_id": user_id,
                "variant": variant,
                "ics": feed.ics,
                "etag": feed.etag,
                "rendered_at": feed.rendered_at,
                "source_version": feed.source_version,
            }
        ],
        keys=("user_id", "variant"),
        update=("ics", "etag", "rendered_at", "source_version"),
    )


def drop_cached_feeds(session: Session, user_id: int) -> None:
    session.execute(delete(FeedCache).where(FeedCache.user_id == user_id))


# --- OAuth consent in progress --------------------------------------------------------------------


def save_pending_authorization(
    session: Session,
    state: str,
    code_verifier_enc: str,
    now: datetime,
    ttl: timedelta = timedelta(minutes=15),
) -> None:
    """Keep the PKCE verifier server-side under the (hashed) OAuth state until the callback."""
    session.execute(delete(PendingAuthorization).where(PendingAuthorization.expires_at < now))
    session.add(
        PendingAuthorization(
            state_hash=token_hash(state),
            code_verifier_enc=code_verifier_enc,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    session.flush()


def take_pending_authorization(session: Session, state: str, now: datetime) -> str | None:
    """The encrypted verifier for `state`, removed as it is read: a replayed state finds nothing."""
    row = session.get(PendingAuthorization, token_hash(state))
    if row is None:
        return None
    session.delete(row)
    session.flush()
    return row.code_verifier_enc if row.expires_at >= now else None
