"""Reading the calendars users added by secret address: the service functions (shell).

`read_ics_source` is the one read: claim the source (at most one read per `interval`, one reader at
a time), fetch it conditionally under the safe-fetch rules (`calfeed.adapters.fetch`), read it with
the same .ics reader as the command line (`calfeed.core.inputs.ics.read_ics`), and store what it
found (`calfeed.store.ics_sources`). A failure keeps the last good events, records the error for the
dashboard and backs off (doubling from `interval`, at least what `Retry-After` asked, at most a
day). Web views and the background worker call these functions; they hold no HTTP or queue logic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from calfeed.adapters.fetch import (
    Fetched,
    FetchFailed,
    FetchPolicy,
    FetchRefused,
    fetch,
    normalize_address,
)
from calfeed.clock import monotonic
from calfeed.config import Config
from calfeed.core.detection.detect import detect
from calfeed.core.inputs.ics import read_ics
from calfeed.core.model import SourceEvent
from calfeed.crypto import DecryptionFailed, TokenCipher, token_hash
from calfeed.errors import CalfeedError, NotFound, SourceError
from calfeed.store import SessionFactory, session_scope
from calfeed.store import ics_sources as db
from calfeed.store.marks import marks_for_user
from calfeed.store.schema import User
from calfeed.store.users import rule_settings_of

#: the read window, as for Google (`calfeed.background.sync`)
WINDOW_BACK = timedelta(days=60)
WINDOW_AHEAD = timedelta(days=365)
#: a source is downloaded whole (no validators) at least this often: recurring series are
#: expanded in a window that moves with time, and a 304 would leave it where it was
FULL_READ_EVERY = timedelta(days=7)
#: the longest wait between two reads of a failing source
MAX_BACKOFF = timedelta(days=1)
NAME_LIMIT = 80

ReadStatus = Literal["read", "unchanged", "failed", "skipped"]


class SourceExists(CalfeedError):
    """The user already added this address."""

    exit_code = 2
    http_status = 409


@dataclass(frozen=True, slots=True)
class SourceRead:
    """What one read did: `read` (the calendar was downloaded and read; `changed` when its events
    differ from the stored ones), `unchanged` (304), `failed` (the error is kept for the
    dashboard), `skipped` (paused, not due, or being read elsewhere)."""

    source_id: int
    status: ReadStatus
    events: int = 0
    interviews: int = 0
    error: str | None = None
    next_read_at: datetime | None = None
    changed: bool = False
    refused: bool = False  # the address (or a redirect) is one calfeed does not fetch


def policy_for(config: Config) -> FetchPolicy:
    """The service's fetch rules: the defaults plus the test-only allow-list."""
    return FetchPolicy(allowed_networks=tuple(config.fetch_allow))


def add_source(
    sessions: SessionFactory,
    cipher: TokenCipher,
    user_id: int,
    address: str,
    name: str,
    now: datetime,
) -> int:
    """Store a new address (encrypted) for the user; the caller reads it next.

    Raises:
        FetchRefused: the address is not one calfeed fetches (scheme, credentials in it, ...).
        SourceExists: the user already has it.
    """
    url = normalize_address(address)
    label = " ".join(name.split())[:NAME_LIMIT] or _default_name(url)
    with session_scope(sessions) as s:
        source = db.add_source(
            s,
            user_id,
            name=label,
            address_enc=cipher.encrypt(url),
            address_hash=token_hash(url),
            now=now,
        )
        if source is None:
            raise SourceExists("this calendar address is already added")
        return source.id


def _default_name(url: str) -> str:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "calendar").removeprefix("www.")
    return host[:NAME_LIMIT]


def rename_source(
    sessions: SessionFactory, user_id: int, source_id: int, name: str, now: datetime
) -> None:
    label = " ".join(name.split())[:NAME_LIMIT]
    with session_scope(sessions) as s:
        source = _owned(s, user_id, source_id)
        if label:
            source.name = label


def pause_source(
    sessions: SessionFactory, user_id: int, source_id: int, paused: bool, now: datetime
) -> None:
    """Pause (its events leave the feed, nothing is read) or resume (read at the next chance)."""
    with session_scope(sessions) as s:
        source = _owned(s, user_id, source_id)
        if source.paused != paused:
            source.paused = paused
            if not paused:
                source.next_read_at = None
            db.touch_user(s, user_id, now)


def remove_source(sessions: SessionFactory, user_id: int, source_id: int, now: datetime) -> None:
    """Delete the source and, by cascade, every event read from it."""
    with session_scope(sessions) as s:
        source = _owned(s, user_id, source_id)
        s.delete(source)
        s.flush()
        db.touch_user(s, user_id, now)


def _owned(session: Session, user_id: int, source_id: int) -> db.IcsSource:
    source = db.get_source(session, user_id, source_id)
    if source is None:
        raise NotFound("no such calendar")
    return source


def read_ics_source(
    sessions: SessionFactory,
    cipher: TokenCipher,
    source_id: int,
    now: datetime,
    *,
    policy: FetchPolicy,
    interval: timedelta,
    force: bool = False,
    fetcher: Callable[..., Fetched] = fetch,
) -> SourceRead:
    """Read one source if it is due (or `force`: the first read after adding it).

    Never raises for what the address does (refused, failing, not a calendar): that is the
    returned status and the stored `last_error`. Raises NotFound only for an unknown source.
    """
    with session_scope(sessions) as s:
        source = s.get(db.IcsSource, source_id)
        if source is None:
            raise NotFound("no such calendar")
        if not db.claim_source(s, source_id, now, force=force):
            return SourceRead(source_id, "skipped", next_read_at=source.next_read_at)
        user = s.get(User, source.user_id)
        assert user is not None  # the source's foreign key
        failures = source.failures
        etag, modified = source.etag, source.last_modified
        stale = source.content_read_at is None or now - source.content_read_at >= FULL_READ_EVERY
        if stale:
            etag = modified = None
        address_enc = source.address_enc
        self_emails = [user.google_email] if user.google_email else []
    try:
        address = cipher.decrypt(address_enc)
        got = fetcher(address, policy, etag=etag, last_modified=modified)
        if got.status == "not_modified":
            return _record_success(sessions, source_id, now, interval, got, None)
        read = read_ics(
            got.body,
            calendar_id=db.calendar_id(source_id),
            window_start=now - WINDOW_BACK,
            window_end=now + WINDOW_AHEAD,
            self_emails=self_emails,
            clock=monotonic,  # recurring series are bounded in time too (rrule_bound.Work)
        )
    except FetchFailed as exc:
        return _record_failure(sessions, source_id, now, interval, failures, str(exc), exc)
    except FetchRefused as exc:
        result = _record_failure(sessions, source_id, now, interval, failures, str(exc), None)
        return replace(result, refused=True)
    except SourceError as exc:
        return _record_failure(sessions, source_id, now, interval, failures, str(exc), None)
    except DecryptionFailed:
        message = "the stored address cannot be read with this server's key: add it again"
        return _record_failure(sessions, source_id, now, interval, failures, message, None)
    return _record_success(sessions, source_id, now, interval, got, read.events)


def _record_success(
    sessions: SessionFactory,
    source_id: int,
    now: datetime,
    interval: timedelta,
    got: Fetched,
    events: Sequence[SourceEvent] | None,
) -> SourceRead:
    """Store a good read (`events`), or note that nothing changed (None: a 304)."""
    with session_scope(sessions) as s:
        source = s.get(db.IcsSource, source_id)
        if source is None:  # removed while it was read
            return SourceRead(source_id, "skipped")
        source.last_success_at = now
        source.last_error = None
        source.failures = 0
        source.next_read_at = now + interval
        if events is None:  # 304: the validators stay unless the server sent new ones
            source.etag = got.etag or source.etag
            source.last_modified = got.last_modified or source.last_modified
            return SourceRead(
                source_id,
                "unchanged",
                source.events_found,
                source.interviews_found,
                next_read_at=source.next_read_at,
            )
        source.etag, source.last_modified = got.etag, got.last_modified
        source.content_read_at = now
        changed = db.replace_source_events(s, source, events)
        user = s.get(User, source.user_id)
        assert user is not None
        interviews = detect(events, rule_settings_of(user), marks_for_user(s, source.user_id))
        source.events_found = len({e.key for e in events})
        source.interviews_found = len(interviews)
        if changed and not source.paused:
            db.touch_user(s, source.user_id, now)
        return SourceRead(
            source_id,
            "read",
            source.events_found,
            source.interviews_found,
            next_read_at=source.next_read_at,
            changed=changed,
        )


def backoff(interval: timedelta, failures: int, retry_after: float | None) -> timedelta:
    """The wait after the `failures`-th failure in a row: `interval` doubled per earlier failure,
    never less than the server's Retry-After, never more than a day."""
    wait = interval * (2 ** min(max(failures - 1, 0), 10))
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    return min(wait, MAX_BACKOFF)


def _record_failure(
    sessions: SessionFactory,
    source_id: int,
    now: datetime,
    interval: timedelta,
    failures: int,
    message: str,
    failed: FetchFailed | None,
) -> SourceRead:
    with session_scope(sessions) as s:
        source = s.get(db.IcsSource, source_id)
        if source is None:
            return SourceRead(source_id, "skipped")
        source.failures = failures + 1
        source.last_error = message[:500]
        retry_after = failed.retry_after if failed is not None else None
        source.next_read_at = now + backoff(interval, source.failures, retry_after)
        return SourceRead(
            source_id,
            "failed",
            source.events_found,
            source.interviews_found,
            error=source.last_error,
            next_read_at=source.next_read_at,
        )


def read_source_now(
    sessions: SessionFactory, config: Config, source_id: int, now: datetime
) -> ReadStatus:
    """The worker's task body (issue 9's queue): read one source if it is due."""
    try:
        result = read_ics_source(
            sessions,
            TokenCipher(config.encryption_key),
            source_id,
            now,
            policy=policy_for(config),
            interval=timedelta(seconds=config.source_interval),
        )
    except NotFound:  # removed after it was queued
        return "skipped"
    return result.status


def due_source_ids(sessions: SessionFactory, now: datetime) -> list[int]:
    """Sources whose next read is due (the worker's minute sweep enqueues them)."""
    with session_scope(sessions) as s:
        return db.due_sources(s, now)


def read_due_sources(
    sessions: SessionFactory,
    cipher: TokenCipher,
    now: datetime,
    *,
    policy: FetchPolicy,
    interval: timedelta,
) -> list[SourceRead]:
    """Read every source that is due, one after the other, here (tests, the command line)."""
    with session_scope(sessions) as s:
        due = db.due_sources(s, now)
    return [
        read_ics_source(sessions, cipher, source_id, now, policy=policy, interval=interval)
        for source_id in due
    ]
