"""Reading the calendars users added by secret address: the service functions (shell).

`read_ics_source` is the one read: claim the source (at most one read per `interval`, one reader at
a time), fetch it conditionally under the safe-fetch rules (`calfeed.adapters.fetch`), read it with
the same .ics reader as the command line (`calfeed.core.inputs.ics.read_ics`), and store what it
found (`calfeed.store.ics_sources`). A failure keeps the last good events, records the error for the
dashboard and backs off (doubling from `interval`, at least what `Retry-After` asked, at most a
day). Web views and the background worker call these functions; they hold no HTTP or queue logic.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from typing import Literal

from sqlalchemy.orm import Session

from calfeed.adapters.fetch import (
    Fetched,
    FetchFailed,
    FetchPolicy,
    FetchRefused,
    fetch,
    normalize_address,
    precheck,
)
from calfeed.background import fair
from calfeed.clock import monotonic
from calfeed.config import Config
from calfeed.core.detection.reading import read_calendar
from calfeed.core.inputs.ics import read_ics
from calfeed.core.inputs.ics_trim import trim_events
from calfeed.core.model import SourceEvent
from calfeed.crypto import DecryptionFailed, TokenCipher, token_hash
from calfeed.errors import CalfeedError, LimitReached, NotFound, SourceError
from calfeed.store import SessionFactory, session_scope
from calfeed.store import ics_sources as db
from calfeed.store.answers import reading_inputs
from calfeed.store.schema import User
from calfeed.store.users import rule_settings_of

log = logging.getLogger(__name__)

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
    """The service's fetch rules: the defaults, the configured deadline, the test allow-list."""
    return FetchPolicy(allowed_networks=tuple(config.fetch_allow), timeout=config.fetch_timeout)


def add_source(
    sessions: SessionFactory,
    cipher: TokenCipher,
    user_id: int,
    address: str,
    name: str,
    now: datetime,
    *,
    policy: FetchPolicy | None = None,
    max_sources: int | None = None,
) -> int:
    """Store a new address (encrypted) for the user; the caller has it read next (the worker).

    With `policy`, an address whose host is a refused IP address (or a metadata name) is refused
    here, at once, without any network; a name is checked when it is read.

    Raises:
        FetchRefused: the address is not one calfeed fetches (scheme, credentials in it, ...).
        SourceExists: the user already has it.
        LimitReached: the user has `max_sources` calendars by address already.
    """
    url = normalize_address(address) if policy is None else precheck(address, policy)
    label = " ".join(name.split())[:NAME_LIMIT] or _default_name(url)
    with session_scope(sessions) as s:
        if max_sources is not None and db.count_sources(s, user_id) >= max_sources:
            raise LimitReached(f"an account holds at most {max_sources} calendars by address")
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


@dataclass(frozen=True, slots=True)
class ReadCaps:
    """What one read may store: events from this address, and from all the user's addresses."""

    per_source: int = 5_000
    per_user: int = 10_000


def caps_for(config: Config) -> ReadCaps:
    return ReadCaps(config.max_source_events, config.max_user_events)


class _Heartbeat:
    """Renews a reader's claim while it runs, so a read that outlives `CLAIM` (a slow store, a
    huge calendar) never gets a second, overlapping reader; a killed reader stops renewing and
    its claim runs out."""

    def __init__(
        self, sessions: SessionFactory, source_id: int, token: str, now: datetime, hold: timedelta
    ) -> None:
        self._args = (sessions, source_id, token)
        self._now, self._hold = now, hold
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="calfeed-claim")

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        sessions, source_id, token = self._args
        every = max(self._hold.total_seconds() / 3, 0.01)
        while not self._stop.wait(every):
            elapsed = timedelta(seconds=time.monotonic() - self._started)
            try:
                with session_scope(sessions) as s:
                    if not db.renew_claim(s, source_id, token, self._now + elapsed + self._hold):
                        return  # taken over or removed: nothing left to keep
            except Exception as exc:  # noqa: BLE001 - a renewal is best effort; the claim stays
                log.warning("claim of calendar %s not renewed: %s", source_id, type(exc).__name__)


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
    caps: ReadCaps | None = None,
    hold: timedelta = db.CLAIM,
) -> SourceRead:
    """Read one source if it is due (or `force`).

    The read holds the source's claim (renewed while it runs, `hold` at a time) and stores only
    while it still holds it. A calendar past `caps` is cut to them before it is parsed
    (`ics_trim`) and after (recurring series), and the source's notice says so.

    Never raises for what the address does (refused, failing, not a calendar): that is the
    returned status and the stored `last_error`. Raises NotFound only for an unknown source.
    """
    caps = caps or ReadCaps()
    with session_scope(sessions) as s:
        source = s.get(db.IcsSource, source_id)
        if source is None:
            raise NotFound("no such calendar")
        token = db.claim_source(s, source_id, now, force=force, hold=hold)
        if token is None:
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
        room = max(caps.per_user - db.count_other_events(s, source.user_id, source_id), 0)
    cap = min(caps.per_source, room)
    record = _Recorder(sessions, source_id, token, now, interval, failures)
    with _Heartbeat(sessions, source_id, token, now, hold):
        try:
            address = cipher.decrypt(address_enc)
            got = fetcher(address, policy, etag=etag, last_modified=modified)
            if got.status == "not_modified":
                read_events: Sequence[SourceEvent] | None = None
                notice = None
            else:
                read_events, notice = _read_capped(got.body, source_id, now, self_emails, caps, cap)
        except FetchFailed as exc:
            return record.failure(str(exc), exc)
        except FetchRefused as exc:
            return replace(record.failure(str(exc), None), refused=True)
        except SourceError as exc:
            return record.failure(str(exc), None)
        except DecryptionFailed:
            message = "the stored address cannot be read with this server's key: add it again"
            return record.failure(message, None)
    return record.success(got, read_events, notice)


def _read_capped(
    body: bytes,
    source_id: int,
    now: datetime,
    self_emails: list[str],
    caps: ReadCaps,
    cap: int,
) -> tuple[list[SourceEvent], str | None]:
    """The events of a downloaded calendar, at most `cap` distinct ones, and what was cut."""
    start, end = now - WINDOW_BACK, now + WINDOW_AHEAD
    trimmed = trim_events(body, max_events=cap, now=now, window_start=start, window_end=end)
    read = read_ics(
        trimmed.data,
        calendar_id=db.calendar_id(source_id),
        window_start=start,
        window_end=end,
        self_emails=self_emails,
        clock=monotonic,  # recurring series are bounded in time too (rrule_bound.Work)
    )
    events = list(read.events)
    keys = {e.key for e in events}
    if len(keys) > cap:  # recurring series expanded past the cap: the occurrences nearest to now
        distance = {e.key: _distance(e, now) for e in events}
        chosen = set(sorted(keys, key=distance.__getitem__)[:cap])
        events = [e for e in events if e.key in chosen]
    if not trimmed.cut and len(keys) <= cap:
        return events, None
    kept = len({e.key for e in events})
    if cap < caps.per_source:
        return events, (
            f"your calendars by address together hold at most {caps.per_user:,} events: "
            f"{kept:,} of this one's are kept, those nearest to today"
        )
    total = max(trimmed.total, len(keys))
    return events, (
        f"this calendar holds {total:,} events; calfeed keeps at most {caps.per_source:,} per "
        f"calendar, those nearest to today"
    )


def _distance(event: SourceEvent, now: datetime) -> float:
    """Seconds between the event's end and now: the cut keeps the nearest."""
    end = event.end
    moment = end if isinstance(end, datetime) else datetime.combine(end, dt_time(), UTC)
    return abs((moment - now).total_seconds())


@dataclass(frozen=True)
class _Recorder:
    """Stores the outcome of one claimed read (only while the claim is still its own)."""

    sessions: SessionFactory
    source_id: int
    token: str
    now: datetime
    interval: timedelta
    failures: int

    def success(
        self, got: Fetched, events: Sequence[SourceEvent] | None, notice: str | None
    ) -> SourceRead:
        return _record_success(
            self.sessions, self.source_id, self.now, self.interval, got, events, notice, self.token
        )

    def failure(self, message: str, failed: FetchFailed | None) -> SourceRead:
        return _record_failure(
            self.sessions,
            self.source_id,
            self.now,
            self.interval,
            self.failures,
            message,
            failed,
            self.token,
        )


def _record_success(
    sessions: SessionFactory,
    source_id: int,
    now: datetime,
    interval: timedelta,
    got: Fetched,
    events: Sequence[SourceEvent] | None,
    notice: str | None = None,
    token: str | None = None,
) -> SourceRead:
    """Store a good read (`events`), or note that nothing changed (None: a 304)."""
    with session_scope(sessions) as s:
        source = s.get(db.IcsSource, source_id)
        if source is None or not db.holds_claim(source, token):  # removed, or taken over
            return SourceRead(source_id, "skipped")
        source.claim_token = None
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
        source.notice = notice
        changed = db.replace_source_events(s, source, events)
        user = s.get(User, source.user_id)
        assert user is not None
        # read as the feed reads it, the user's answers and lessons included (rules D9, E5)
        marks, lessons = reading_inputs(s, source.user_id, events)
        interviews = read_calendar(events, rule_settings_of(user), marks, lessons).interviews
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
    token: str | None = None,
) -> SourceRead:
    with session_scope(sessions) as s:
        source = s.get(db.IcsSource, source_id)
        if source is None or not db.holds_claim(source, token):
            return SourceRead(source_id, "skipped")
        source.claim_token = None
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
    sessions: SessionFactory,
    config: Config,
    source_id: int,
    now: datetime,
    *,
    slots: fair.UserSlots = fair.SLOTS,
) -> ReadStatus | Literal["busy"]:
    """The worker's task body: read one source if it is due, within its user's
    fair share of the worker (`calfeed.background.fair`): "busy" when the user's slots are all
    taken, and the caller puts the task back on the queue for a moment."""
    bound = config.source_reads_per_user
    with session_scope(sessions) as s:
        user_id = db.owner_of(s, source_id)
        if user_id is None:  # removed after it was queued
            return "skipped"
        if db.live_claims(s, user_id, now) >= bound:  # other processes' reads included
            return "busy"
    with slots.take(user_id, bound) as got:
        if not got:
            return "busy"
        try:
            result = read_ics_source(
                sessions,
                TokenCipher(config.encryption_key),
                source_id,
                now,
                policy=policy_for(config),
                interval=timedelta(seconds=config.source_interval),
                caps=caps_for(config),
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
