"""The service that keeps a user's cached events in step with Google (the imperative shell).

`sync_user` reads every selected calendar: the first time in full over the window (60 days back,
365 ahead), then by sync token only, so an unchanged calendar costs one request. Results land in
the store in one transaction per calendar, together with the new sync token, so a crash mid-read
never leaves a token that skips changes. Google failing keeps the old data (the last good feed);
a revoked grant flags the user for reconnecting. Every clock value comes in as `now`.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from calfeed.adapters.google import (
    Grant,
    can_write,
    credentials_expiry,
    revoke,
    user_credentials,
)
from calfeed.adapters.google_api import (
    CalendarClient,
    CalendarGone,
    CalendarListEntry,
    EventsRead,
    RetryPolicy,
    SyncTokenExpired,
)
from calfeed.config import Config
from calfeed.core.inputs.google_json import parse_google_event
from calfeed.crypto import DecryptionFailed, TokenCipher
from calfeed.errors import GoogleError, InvalidEvent, NotFound, ReauthorizationRequired
from calfeed.store import (
    Calendar,
    CalendarInfo,
    EventRecord,
    SessionFactory,
    User,
    bump_data_version,
    calendars_for_user,
    connect_google,
    delete_events,
    delete_series_instances,
    delete_user,
    engine_of,
    get_user,
    google_delivery,
    mark_needs_reconnect,
    prune_events,
    record_sync,
    replace_events,
    save_access_token,
    save_calendar_list,
    session_scope,
    upsert_events,
    user_sync_lock,
)

#: the read window, from 60 days back to 365 days ahead
WINDOW_BACK = timedelta(days=60)
WINDOW_AHEAD = timedelta(days=365)
#: a sync token reports changes only, so an event that was beyond the window's far end when last
#: read full never arrives as it drifts into the window unchanged; a weekly full read picks it up
#: (such events are a year away, so a week late costs nothing) and heals any other drift
FULL_READ_EVERY = timedelta(days=7)

SyncStatus = Literal["ok", "busy", "failed", "reconnect"]


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one read did; `status` tells the web layer what to show.

    ok: everything read; busy: another process is reading this user right now; failed: Google
    could not be read (old data kept, `error` says why); reconnect: the grant is gone.
    """

    user_id: int
    status: SyncStatus
    calendars: int = 0
    full_reads: int = 0
    stored: int = 0
    removed: int = 0
    requests: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def read_window(now: datetime) -> tuple[datetime, datetime]:
    return now - WINDOW_BACK, now + WINDOW_AHEAD


def sync_due(user: User, now: datetime, interval: timedelta) -> bool:
    """Whether a read should start: none attempted within `interval`, and the grant is usable.

    Failed attempts count too, so a Google outage does not turn every feed poll into a slow read.
    """
    if user.needs_reconnect or not user.refresh_token_enc:
        return False
    last = user.last_sync_attempt_at
    return last is None or now - last >= interval


def _as_datetime(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _record(item: dict[str, Any], calendar_id: str) -> tuple[EventRecord, datetime | None]:
    """The store's record of one raw event, and its start (None when it cannot be parsed)."""
    start = end = updated = None
    try:
        event = parse_google_event(item, calendar_id=calendar_id)
        if event.status != "cancelled":
            start, end = _as_datetime(event.start), _as_datetime(event.end)
        updated = event.updated
    except InvalidEvent:
        pass  # kept as raw JSON: building the feed reports it as Skipped, never fatal
    record = EventRecord(
        google_id=str(item.get("id", "")),
        raw_json=json.dumps(item, ensure_ascii=False, separators=(",", ":")),
        status=str(item.get("status") or "confirmed"),
        updated=updated,
        end_at=end,
    )
    return record, start


def _in_window(
    record: EventRecord, start: datetime | None, window: tuple[datetime, datetime]
) -> bool:
    if record.end_at is None or start is None:
        return record.status != "cancelled"  # unparseable: keep, so it is reported
    return record.end_at > window[0] and start < window[1]


def _apply(
    session_factory: SessionFactory,
    calendar_pk: int,
    read: EventsRead,
    *,
    now: datetime,
) -> tuple[int, int]:
    """Write one calendar's read and its new sync token in one transaction; (stored, removed)."""
    window = read_window(now)
    with session_scope(session_factory) as session:
        calendar = session.get(Calendar, calendar_pk)
        if calendar is None or not calendar.selected:  # changed while we read: drop the answer
            return 0, 0
        keep: list[EventRecord] = []
        drop: list[str] = []
        cancelled: list[str] = []
        for item in read.items:
            record, start = _record(item, calendar.google_id)
            if not record.google_id:
                continue
            if record.status != "cancelled" and _in_window(record, start, window):
                keep.append(record)
            else:  # cancelled, or moved out of the window: its follow-ups must go
                drop.append(record.google_id)
                if record.status == "cancelled":
                    cancelled.append(record.google_id)
        if read.full and not read.next_sync_token:  # never: google_api refuses such a read
            raise GoogleError("a full read without nextSyncToken replaces nothing")
        if read.full:
            stored, removed = replace_events(session, calendar, keep)
            calendar.last_full_read_at = now
        else:
            stored = upsert_events(session, calendar, keep)
            removed = delete_events(session, calendar, drop)
            removed += delete_series_instances(session, calendar, cancelled)
        calendar.sync_token = read.next_sync_token
        calendar.time_zone = read.time_zone or calendar.time_zone
        calendar.last_read_at = now
        if stored or removed or read.full:
            bump_data_version(session, calendar.user_id, now)
    return stored, removed


def sync_user(
    session_factory: SessionFactory,
    user_id: int,
    *,
    config: Config,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
    retry: RetryPolicy | None = None,
    rng: random.Random | None = None,
) -> SyncResult:
    """Read the user's selected calendars from Google and update the cached events, under the
    user's lock (a second caller, in any process, gets "busy").

    The background read (`calfeed.background.reads.run_read`) takes the lock itself, to open the
    watch channels under it too, and calls `read_user`.

    Raises:
        NotFound: no such user.
    """
    with session_scope(session_factory) as session:
        if get_user(session, user_id) is None:
            raise NotFound("no such user")
    with user_sync_lock(engine_of(session_factory), user_id, now) as taken:
        if not taken:
            return SyncResult(user_id, "busy")
        return read_user(
            session_factory, user_id, config=config, now=now, sleep=sleep, retry=retry, rng=rng
        )


def read_user(
    session_factory: SessionFactory,
    user_id: int,
    *,
    config: Config,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
    retry: RetryPolicy | None = None,
    rng: random.Random | None = None,
) -> SyncResult:
    """The read itself; the caller holds the user's lock (`calfeed.store.user_sync_lock`).

    Raises:
        NotFound: no such user.
    """
    # the snapshot is taken under the lock: a read that just finished elsewhere has already
    # stored its sync tokens, and we continue from them
    with session_scope(session_factory) as session:
        user = get_user(session, user_id)
        if user is None:
            raise NotFound("no such user")
        if user.needs_reconnect or not user.refresh_token_enc:
            return SyncResult(user_id, "reconnect", error=user.reconnect_reason)
        # recorded before Google is asked: a read that is killed (worker timeout, deploy)
        # still counts as tried, so the next polls serve the cache instead of retrying it
        user.last_sync_attempt_at = now
        refresh_enc, access_enc = user.refresh_token_enc, user.access_token_enc
        access_expiry = user.access_token_expires_at
        delivery = google_delivery.get_delivery(session, user_id)
        own = delivery.calendar_id if delivery is not None else None
        calendars = [
            (c.id, c.google_id, _usable_token(c, now))
            for c in calendars_for_user(session, user_id, selected_only=True)
            if c.google_id != own  # calfeed's own calendar is never read back
        ]
    cipher = TokenCipher(config.encryption_key)
    try:
        refresh_token = cipher.decrypt(refresh_enc)
        access_token = cipher.decrypt(access_enc) if access_enc else None
    except DecryptionFailed:
        return _reconnect(session_factory, user_id, "the stored grant cannot be decrypted", now)
    credentials = user_credentials(
        config, refresh_token, access_token=access_token, expires_at=access_expiry
    )
    client = CalendarClient(
        credentials,
        config=config,
        sleep=sleep,
        retry=retry,
        rng=rng,
        user_id=user_id,
    )
    window = read_window(now)
    errors: list[str] = []
    full_reads = stored = removed = 0
    try:
        for calendar_pk, google_id, sync_token in calendars:
            try:
                read = _read(client, google_id, sync_token, window)
            except CalendarGone:
                errors.append(f"{google_id}: not found at Google")
                continue
            except ReauthorizationRequired:
                raise
            except GoogleError as exc:  # retries spent: keep this calendar's old data
                errors.append(f"{google_id}: {exc}")
                continue
            full_reads += read.full
            s, r = _apply(session_factory, calendar_pk, read, now=now)
            stored, removed = stored + s, removed + r
    except ReauthorizationRequired as exc:
        return _reconnect(session_factory, user_id, str(exc), now, requests=client.requests)

    with session_scope(session_factory) as session:
        pruned = prune_events(session, user_id, window[0])
        if pruned:
            bump_data_version(session, user_id, now)
        if credentials.token and credentials.token != access_token:
            save_access_token(
                session,
                user_id,
                cipher.encrypt(credentials.token),
                credentials_expiry(credentials),
            )
        error = "; ".join(errors) or None
        record_sync(session, user_id, now=now, error=error, succeeded=not errors)
    return SyncResult(
        user_id,
        "failed" if errors else "ok",
        calendars=len(calendars),
        full_reads=full_reads,
        stored=stored,
        removed=removed + pruned,
        requests=client.requests,
        error=error,
    )


def _usable_token(calendar: Calendar, now: datetime) -> str | None:
    """The calendar's sync token, unless a periodic full read is due (see FULL_READ_EVERY)."""
    last_full = calendar.last_full_read_at
    if last_full is None or now - last_full >= FULL_READ_EVERY:
        return None
    return calendar.sync_token


def _read(
    client: CalendarClient,
    google_id: str,
    sync_token: str | None,
    window: tuple[datetime, datetime],
) -> EventsRead:
    if sync_token:
        try:
            return client.read_changes(google_id, sync_token)
        except SyncTokenExpired:
            pass  # HTTP 410 -> a full read, transparently
    return client.read_full(google_id, *window)


def _reconnect(
    session_factory: SessionFactory, user_id: int, reason: str, now: datetime, requests: int = 0
) -> SyncResult:
    with session_scope(session_factory) as session:
        mark_needs_reconnect(session, user_id, reason, now)
        record_sync(session, user_id, now=now, error=reason, succeeded=False)
    return SyncResult(user_id, "reconnect", requests=requests, error=reason)


def _infos(entries: Iterable[CalendarListEntry]) -> list[CalendarInfo]:
    return [CalendarInfo(e.id, e.summary, e.time_zone, e.primary) for e in entries]


def connect_user(
    session_factory: SessionFactory, grant: Grant, *, config: Config, now: datetime
) -> int:
    """Store a completed consent (new user or reconnect) and return the user's id.

    The refresh token is encrypted at rest; the calendar list from the consent is saved so the
    settings page can offer the user's calendars at once (the primary one is selected).
    """
    cipher = TokenCipher(config.encryption_key)
    with session_scope(session_factory) as session:
        user = connect_google(
            session,
            email=grant.email,
            refresh_token_enc=cipher.encrypt(grant.refresh_token),
            scopes=grant.scopes,
            now=now,
            access_token_enc=cipher.encrypt(grant.access_token),
            access_token_expires_at=grant.expires_at,
            primary_time_zone=grant.time_zone,
        )
        if grant.calendars:
            save_calendar_list(session, user.id, _infos(grant.calendars), now)
        if can_write(grant.scopes):  # writing is on once the user allowed it
            google_delivery.ensure_delivery(session, user.id, now)
        return user.id


def refresh_calendar_list(
    session_factory: SessionFactory,
    user_id: int,
    *,
    config: Config,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
) -> list[CalendarInfo]:
    """Re-read the user's calendar list from Google (for the settings page) and store it.

    Raises:
        NotFound: no such user. ReauthorizationRequired: the grant is gone (the user is flagged).
        GoogleError: Google could not be read; the stored list stays as it was.
    """
    with session_scope(session_factory) as session:
        user = get_user(session, user_id)
        if user is None:
            raise NotFound("no such user")
        if user.needs_reconnect or not user.refresh_token_enc:
            raise ReauthorizationRequired(user.reconnect_reason or "not connected to Google")
        refresh_enc = user.refresh_token_enc
    try:
        refresh_token = TokenCipher(config.encryption_key).decrypt(refresh_enc)
    except DecryptionFailed as exc:
        _reconnect(session_factory, user_id, "the stored grant cannot be decrypted", now)
        raise ReauthorizationRequired("the stored grant cannot be decrypted") from exc
    client = CalendarClient(
        user_credentials(config, refresh_token),
        config=config,
        sleep=sleep,
        user_id=user_id,
    )
    try:
        infos = _infos(client.calendar_list())
    except ReauthorizationRequired as exc:
        _reconnect(session_factory, user_id, str(exc), now)
        raise
    with session_scope(session_factory) as session:
        save_calendar_list(session, user_id, infos, now)
    return infos


def disconnect_user(session_factory: SessionFactory, user_id: int, *, config: Config) -> bool:
    """Revoke the grant at Google and delete everything of the user's.

    Returns whether Google confirmed the revocation; the data is deleted either way (if Google was
    unreachable, tell the user to check https://myaccount.google.com/permissions).
    """
    with session_scope(session_factory) as session:
        user = get_user(session, user_id)
        if user is None:
            raise NotFound("no such user")
        refresh_enc = user.refresh_token_enc
    revoked = True
    if refresh_enc:
        try:
            revoked = revoke(config, TokenCipher(config.encryption_key).decrypt(refresh_enc))
        except DecryptionFailed:
            revoked = False
    with session_scope(session_factory) as session:
        delete_user(session, user_id)
    return revoked
