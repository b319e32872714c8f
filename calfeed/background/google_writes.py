"""Keeping the user's "Interview follow-ups" calendar at Google equal to their feed (the worker).

`run_write` is the queue's write task: claim the requests, compute what should be there (the
feed's own pipeline output, `calfeed.core.google_events`), diff it against what was last written,
send only the difference, record each answer as it comes, finish. It runs in a worker, never in a
page or a feed poll, and a failed write leaves reads, marks and the feed alone: it only records
its error (shown on the dashboard) and is tried again with backoff, then by the sweep.

Safe to kill anywhere:
- between creating the calendar and storing its id: the calendar's description carries the
  marker stored before it was created, so the next run finds it in the calendar list instead of
  creating a second one;
- between two writes: event ids are derived from the feed UIDs, so a write whose answer was
  never recorded comes back as 409 (insert) or 412 (update: the etag moved); calfeed then reads
  the event, sees its fingerprint is its own, and records or updates it. Nothing is doubled,
  nothing is lost.

The user's hand wins: updates and deletes carry the etag calfeed last saw (If-Match), so an event
the user changed in Google answers 412; read back, its content no longer matches calfeed's own
fingerprint on it, and it is left alone for good, as is one the user deleted (cancelled, 404,
410). A deleted calendar (404) stops the writing until the user asks for it again.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from calfeed import store
from calfeed.adapters.google import can_write, credentials_expiry, user_credentials
from calfeed.adapters.google_api import RetryPolicy
from calfeed.adapters.google_write import (
    BATCH_LIMIT,
    WRITE_RETRY,
    CalendarGone,
    CalendarWriter,
    Changed,
    Duplicate,
    EventMissing,
    Op,
    WriteNotGranted,
)
from calfeed.adapters.quota import Quota, quota_for
from calfeed.config import Config
from calfeed.core.drafts import RULES_DOC
from calfeed.core.google_events import (
    HASH_PROPERTY,
    REMINDERS,
    Desired,
    Plan,
    Reminder,
    Written,
    calendar_body,
    calendar_names,
    desired_events,
    fingerprint,
    plan,
)
from calfeed.core.limits import MAX_EVENTS_PER_USER, MAX_FOLLOW_UPS_PER_FEED
from calfeed.core.pipeline import build_feed
from calfeed.crypto import DecryptionFailed, TokenCipher
from calfeed.errors import GoogleError, ReauthorizationRequired
from calfeed.store import SessionFactory, engine_of, session_scope, user_sync_lock
from calfeed.store import google_delivery as gd

log = logging.getLogger(__name__)

#: a task already queued absorbs further requests for this long (then one is enqueued anew)
REQUEUE_AFTER = timedelta(minutes=5)
#: a wanted write neither queued nor running for this long lost its message: the sweep enqueues it
STALE_AFTER = timedelta(minutes=5)
#: retries of a write Google failed (after the client's own): about 15 s, 30 s, 1 min; then the
#: sweep's next pass (STALE_AFTER), so an outage costs one attempt per user every five minutes
RETRY_BASE = 15.0
RETRY_ATTEMPTS = 4
#: another worker holds the user's lock (a read or a write): look again after this many seconds
BUSY_DELAY = 2.0
#: from this many calls on, the difference goes in batch requests (a first fill, a mass change)
BATCH_FROM = 5

#: the dashboard's words for `google_deliveries.last_error`
ERRORS = ("calendar_gone", "not_granted", "reconnect", "google_unavailable")


@dataclass(frozen=True)
class WriteOutcome:
    """What one task did. `status`: nothing (no write wanted), busy, ok, failed, gone (the user
    deleted the calendar), not_granted, reconnect; `retry_in` when it must run again later."""

    user_id: int
    status: str
    retry_in: float | None = None
    requests: int = 0
    calls: int = 0
    written: int = 0


@dataclass
class _Snapshot:
    """Everything one write needs, read in one transaction."""

    refresh_token_enc: str
    access_token_enc: str | None
    access_expiry: datetime | None
    calendar_id: str | None
    calendar_lang: str | None
    marker: str
    lang: str
    time_zone: str
    desired: dict[str, Desired]
    written: dict[str, Written]


@dataclass
class _Tally:
    written: int = 0
    failed: int = 0
    missing: int = 0  # 404s on events: maybe the calendar itself is gone
    calls: list[Op] = field(default_factory=list)


def rules_page(config: Config) -> str:
    """Where the events point for a rule's paragraph: as the feed does (web.feedcache)."""
    return f"{config.base_url.rstrip('/')}/rules" if config.base_url else RULES_DOC


def request(sessions: SessionFactory, user_id: int, now: datetime) -> bool:
    """Ask for the user's calendar to be brought up to date; True: put a task on the queue."""
    with session_scope(sessions) as s:
        return gd.request_write(s, user_id, now, REQUEUE_AFTER)


def mark_queued(sessions: SessionFactory, user_id: int, now: datetime) -> None:
    with session_scope(sessions) as s:
        gd.mark_queued(s, user_id, now)


def sweep(sessions: SessionFactory, now: datetime) -> list[int]:
    """Users whose wanted write lost its queue message (a killed worker, a flushed Redis) or
    failed its retries: marked queued here, for the caller to enqueue."""
    with session_scope(sessions) as s:
        users = gd.stale_writes(s, now, STALE_AFTER)
        for user_id in users:
            gd.mark_queued(s, user_id, now)
    return users


def source_owner(sessions: SessionFactory, source_id: int) -> int | None:
    """The user a calendar read by address belongs to."""
    from calfeed.store.ics_sources import IcsSource

    with session_scope(sessions) as s:
        source = s.get(IcsSource, source_id)
        return source.user_id if source is not None else None


def backoff(attempt: int, rng: random.Random | None = None) -> float:
    full = RETRY_BASE * 2**attempt
    return (rng or random.Random()).uniform(full / 2, full)  # noqa: S311 - jitter


def run_write(
    sessions: SessionFactory,
    config: Config,
    user_id: int,
    now: datetime,
    *,
    attempt: int = 0,
    quota: Quota | None = None,
    sleep: Callable[[float], None] = time.sleep,
    retry: RetryPolicy = WRITE_RETRY,
    batch_from: int = BATCH_FROM,
) -> WriteOutcome:
    """Write the difference between the user's feed and their calfeed calendar at Google."""
    # 1. claim: every request made so far is covered by this run
    with session_scope(sessions) as s:
        claimed = gd.claim_write(s, user_id, now)
    if claimed is None:
        return WriteOutcome(user_id, "nothing")
    # one Google exchange per user at a time, reads included
    with user_sync_lock(engine_of(sessions), user_id, now) as taken:
        if not taken:
            return WriteOutcome(user_id, "busy", retry_in=BUSY_DELAY)
        # 2. compute what should be there
        snapshot = _snapshot(sessions, config, user_id, now)
        if isinstance(snapshot, str):
            return _stop(sessions, user_id, claimed, now, snapshot)
        # 3. diff against what was last written
        todo = plan(snapshot.desired, snapshot.written)
        if not todo.size:
            _finish(sessions, user_id, claimed, now, None, wrote=False)
            return WriteOutcome(user_id, "ok")
        writer = _writer(sessions, config, user_id, snapshot, quota, sleep, retry)
        try:
            # 4. write (the calendar first, created once), 5. recording each answer as it comes
            calendar_id = _calendar(sessions, writer, user_id, snapshot, todo)
            tally = _write(sessions, writer, user_id, calendar_id, todo, now, batch_from)
        except CalendarGone:
            with session_scope(sessions) as s:
                gd.mark_calendar_gone(s, user_id, now)
                gd.finish_write(s, user_id, claimed)
            return _outcome(user_id, "gone", writer)
        except WriteNotGranted:
            return _stop(sessions, user_id, claimed, now, "not_granted", writer)
        except ReauthorizationRequired:
            return _stop(sessions, user_id, claimed, now, "reconnect", writer)
        except GoogleError as exc:
            log.warning("google write of user %s failed: %s", user_id, type(exc).__name__)
            return _failed(sessions, user_id, now, attempt, writer)
        finally:
            _keep_access_token(sessions, config, user_id, snapshot, writer)
        if tally.failed:
            log.warning("google write of user %s: %d calls failed", user_id, tally.failed)
            return _failed(sessions, user_id, now, attempt, writer, written=tally.written)
    # 6. finish
    _finish(sessions, user_id, claimed, now, None, wrote=True)
    return _outcome(user_id, "ok", writer, tally.written)


# --- the steps ----------------------------------------------------------------------------------


def _snapshot(
    sessions: SessionFactory, config: Config, user_id: int, now: datetime
) -> _Snapshot | str:
    """The user's grant, calendar, and desired and written events; a reason word when no write
    can happen (gone, off, not_granted, reconnect)."""
    with session_scope(sessions) as s:
        user = store.get_user(s, user_id)
        delivery = gd.get_delivery(s, user_id)
        if user is None or delivery is None:
            return "gone"
        if not delivery.enabled or delivery.calendar_gone:
            return "off"
        if user.needs_reconnect or not user.refresh_token_enc:
            return "reconnect"
        if not can_write(user.granted_scopes.split()):
            return "not_granted"
        settings = store.rule_settings_of(user)
        events, _skipped = store.source_events_for_user(s, user_id, limit=MAX_EVENTS_PER_USER)
        # the answers and lessons too (rules D9, E5): what the feed shows is what Google gets
        marks, lessons = store.answers.reading_inputs(s, user_id, events)
        written = gd.written_events(s, user_id)
        reminder: Reminder = "at-start"
        for choice in REMINDERS:
            if delivery.reminder == choice:
                reminder = choice
        snap = _Snapshot(
            refresh_token_enc=user.refresh_token_enc,
            access_token_enc=user.access_token_enc,
            access_expiry=user.access_token_expires_at,
            calendar_id=delivery.calendar_id,
            calendar_lang=delivery.calendar_lang,
            marker=delivery.marker,
            lang=settings.lang,
            time_zone=_user_zone(s, user_id, settings.time_zone),
            desired={},
            written=written,
        )
    # the same pipeline, inputs and limit as the feed (`web.rendering.render`), so the events
    # cannot disagree with it; only SEQUENCE/DTSTAMP bookkeeping (not written to Google) is left out
    result = build_feed(
        events,
        settings,
        now=now,
        marks=marks,
        limit=MAX_FOLLOW_UPS_PER_FEED,
        rules_at=rules_page(config),
        lessons=lessons,
    )
    snap.desired = desired_events(result.events, reminder)
    return snap


def _user_zone(s: Any, user_id: int, fallback: str) -> str:
    """The user's zone as Google knows it (their primary calendar's), else their setting."""
    for calendar in store.calendars_for_user(s, user_id):
        if calendar.primary and calendar.time_zone:
            return calendar.time_zone
    return fallback


def _writer(
    sessions: SessionFactory,
    config: Config,
    user_id: int,
    snap: _Snapshot,
    quota: Quota | None,
    sleep: Callable[[float], None],
    retry: RetryPolicy,
) -> CalendarWriter:
    cipher = TokenCipher(config.encryption_key)
    try:
        refresh = cipher.decrypt(snap.refresh_token_enc)
        access = cipher.decrypt(snap.access_token_enc) if snap.access_token_enc else None
    except DecryptionFailed as exc:
        raise ReauthorizationRequired("the stored grant cannot be decrypted") from exc
    credentials = user_credentials(
        config, refresh, access_token=access, expires_at=snap.access_expiry
    )
    return CalendarWriter(
        credentials,
        config=config,
        quota=quota or quota_for(config),
        user_key=str(user_id),
        sleep=sleep,
        retry=retry,
    )


def _calendar(
    sessions: SessionFactory, writer: CalendarWriter, user_id: int, snap: _Snapshot, todo: Plan
) -> str:
    """calfeed's calendar at Google: the stored one, else one found by its marker (created by a
    run that died before storing its id), else a new one in the user's zone. Its name follows
    the user's language: renamed when that changed since it was named."""
    if snap.calendar_id:
        if snap.calendar_lang != snap.lang:
            writer.rename_calendar(snap.calendar_id, calendar_names(snap.lang, snap.marker))
            with session_scope(sessions) as s:
                gd.set_calendar_lang(s, user_id, snap.lang)
        return snap.calendar_id
    found = writer.find_calendar(snap.marker)
    if found is None:
        found = writer.create_calendar(calendar_body(snap.lang, snap.time_zone, snap.marker))
    else:  # named by a run that died, maybe in another language
        writer.rename_calendar(found, calendar_names(snap.lang, snap.marker))
    _store_calendar(sessions, user_id, found, snap.lang)
    return found


def _store_calendar(sessions: SessionFactory, user_id: int, calendar_id: str, lang: str) -> None:
    with session_scope(sessions) as s:
        gd.set_calendar(s, user_id, calendar_id, lang)
        gd.clear_written(s, user_id)  # rows of an earlier calendar mean nothing in this one


def _ops(todo: Plan) -> list[tuple[Op, Desired | None, Written | None]]:
    calls: list[tuple[Op, Desired | None, Written | None]] = []
    calls += [(Op("insert", d.event_id, d.body), d, None) for d in todo.inserts]
    calls += [(Op("update", d.event_id, d.body, w.etag), d, w) for d, w in todo.updates]
    calls += [(Op("delete", w.event_id, None, w.etag), None, w) for w in todo.deletes]
    return calls


def _write(
    sessions: SessionFactory,
    writer: CalendarWriter,
    user_id: int,
    calendar_id: str,
    todo: Plan,
    now: datetime,
    batch_from: int,
) -> _Tally:
    """Send the difference (in batches when it is large) and record every answer at once."""
    tally = _Tally()
    calls = _ops(todo)
    step = BATCH_LIMIT if len(calls) >= batch_from else 1
    for start in range(0, len(calls), step):
        chunk = calls[start : start + step]
        if step == 1:
            op = chunk[0][0]
            try:
                answers: list[dict[str, Any] | GoogleError] = [writer.call(calendar_id, op)]
            except (Duplicate, Changed, EventMissing) as exc:
                answers = [exc]
        else:
            answers = writer.batch(calendar_id, [op for op, _, _ in chunk])
        for (op, desired, _written), answer in zip(chunk, answers, strict=True):
            _settle(sessions, writer, user_id, calendar_id, op, desired, answer, now, tally)
    return tally


def _settle(
    sessions: SessionFactory,
    writer: CalendarWriter,
    user_id: int,
    calendar_id: str,
    op: Op,
    desired: Desired | None,
    answer: dict[str, Any] | GoogleError,
    now: datetime,
    tally: _Tally,
) -> None:
    """Record one call's answer; resolve 409 and 412 by reading the event back."""
    if isinstance(answer, CalendarGone | WriteNotGranted | ReauthorizationRequired):
        raise answer
    if isinstance(answer, EventMissing):
        tally.missing += 1
        # the first 404 of a run: the event, or the whole calendar (then stop at once)
        if tally.missing == 1 and not writer.calendar_exists(calendar_id):
            raise CalendarGone("calendar not found")
        with session_scope(sessions) as s:
            if op.kind == "delete":
                gd.forget_written(s, user_id, op.event_id)
            else:  # deleted by the user in Google: never resurrected
                gd.record_touched(s, user_id, op.event_id, now)
        return
    if isinstance(answer, Duplicate | Changed):
        _resolve(sessions, writer, user_id, calendar_id, op, desired, now, tally)
        return
    if isinstance(answer, GoogleError):
        tally.failed += 1  # retries spent: left wanted, tried again later
        return
    _record(sessions, user_id, op, desired, answer, now)
    tally.written += 1


def _record(
    sessions: SessionFactory,
    user_id: int,
    op: Op,
    desired: Desired | None,
    answer: dict[str, Any],
    now: datetime,
) -> None:
    with session_scope(sessions) as s:
        if op.kind == "delete":
            gd.forget_written(s, user_id, op.event_id)
        elif desired is not None:
            etag = answer.get("etag")
            gd.record_written(
                s, user_id, op.event_id, desired.hash, etag if isinstance(etag, str) else None, now
            )


def _untouched(event: dict[str, Any]) -> bool:
    """Whether an event read back is as calfeed wrote it (its content matches calfeed's own
    fingerprint stored on it): the user neither edited nor deleted it."""
    if event.get("status") == "cancelled":
        return False
    private = (event.get("extendedProperties") or {}).get("private") or {}
    return bool(private.get(HASH_PROPERTY)) and private.get(HASH_PROPERTY) == fingerprint(event)


def _resolve(
    sessions: SessionFactory,
    writer: CalendarWriter,
    user_id: int,
    calendar_id: str,
    op: Op,
    desired: Desired | None,
    now: datetime,
    tally: _Tally,
) -> None:
    """A 409 (the id exists) or 412 (the etag moved): read the event and decide whose it is."""
    try:
        event = writer.call(calendar_id, Op("get", op.event_id))
    except EventMissing:
        event = {"status": "cancelled"}
    if not _untouched(event):  # the user's hand: leave it alone from now on
        with session_scope(sessions) as s:
            if op.kind == "delete":
                gd.forget_written(s, user_id, op.event_id)
            else:
                gd.record_touched(s, user_id, op.event_id, now)
        return
    etag = event.get("etag") if isinstance(event.get("etag"), str) else None
    if op.kind != "delete" and desired is not None and fingerprint(event) == desired.hash:
        _record(sessions, user_id, op, desired, event, now)  # our own write, its answer lost
        tally.written += 1
        return
    again = Op("delete" if op.kind == "delete" else "update", op.event_id, op.body, etag)
    try:
        answer = writer.call(calendar_id, again)
    except (Changed, EventMissing, Duplicate):  # changed again meanwhile: the user's
        with session_scope(sessions) as s:
            gd.record_touched(s, user_id, op.event_id, now)
        return
    _record(sessions, user_id, again, desired, answer, now)
    tally.written += 1


# --- endings ------------------------------------------------------------------------------------


def _finish(
    sessions: SessionFactory,
    user_id: int,
    claimed: int,
    now: datetime,
    error: str | None,
    *,
    wrote: bool,
) -> None:
    with session_scope(sessions) as s:
        gd.record_outcome(s, user_id, now, error, wrote=wrote)
        gd.finish_write(s, user_id, claimed)


def _stop(
    sessions: SessionFactory,
    user_id: int,
    claimed: int,
    now: datetime,
    reason: str,
    writer: CalendarWriter | None = None,
) -> WriteOutcome:
    """No write can happen until the user acts (reconnect, grant, turn it on): say why."""
    if reason not in ("gone", "off"):
        _finish(sessions, user_id, claimed, now, reason, wrote=False)
    elif reason == "off":
        with session_scope(sessions) as s:
            gd.finish_write(s, user_id, claimed)
    return _outcome(user_id, reason, writer)


def _failed(
    sessions: SessionFactory,
    user_id: int,
    now: datetime,
    attempt: int,
    writer: CalendarWriter,
    *,
    written: int = 0,
) -> WriteOutcome:
    """Google failed: the error is shown, the requests stay wanted (retried, then swept)."""
    with session_scope(sessions) as s:
        gd.record_outcome(s, user_id, now, "google_unavailable", wrote=False)
    again = backoff(attempt) if attempt + 1 < RETRY_ATTEMPTS else None
    return _outcome(user_id, "failed", writer, written, retry_in=again)


def _outcome(
    user_id: int,
    status: str,
    writer: CalendarWriter | None,
    written: int = 0,
    *,
    retry_in: float | None = None,
) -> WriteOutcome:
    requests = writer.requests if writer else 0
    calls = writer.calls if writer else 0
    return WriteOutcome(user_id, status, retry_in, requests, calls, written)


def _keep_access_token(
    sessions: SessionFactory, config: Config, user_id: int, snap: _Snapshot, writer: CalendarWriter
) -> None:
    """A refreshed access token is stored, so the next read or write costs no refresh."""
    token = writer.credentials.token
    if not token:
        return
    cipher = TokenCipher(config.encryption_key)
    try:
        old = cipher.decrypt(snap.access_token_enc) if snap.access_token_enc else None
    except DecryptionFailed:
        old = None
    if token != old:
        with session_scope(sessions) as s:
            store.save_access_token(
                s, user_id, cipher.encrypt(token), credentials_expiry(writer.credentials)
            )


# --- off, disconnect ----------------------------------------------------------------------------


def delete_calendar(
    sessions: SessionFactory,
    config: Config,
    user_id: int,
    now: datetime,
    *,
    quota: Quota | None = None,
) -> bool:
    """Delete calfeed's calendar at Google (off, disconnect, account deletion) and forget it.

    Returns False when Google could not be asked or refused (the caller says so); the local
    state is cleared either way. True when there was nothing to delete.
    """
    with session_scope(sessions) as s:
        user = store.get_user(s, user_id)
        delivery = gd.get_delivery(s, user_id)
        if user is None or delivery is None:
            return True
        calendar_id, marker = delivery.calendar_id, delivery.marker
        refresh_enc, scopes = user.refresh_token_enc, user.granted_scopes.split()
        gd.set_enabled(s, user_id, False, now)
    if not refresh_enc or not can_write(scopes):
        return calendar_id is None
    try:
        refresh = TokenCipher(config.encryption_key).decrypt(refresh_enc)
    except DecryptionFailed:
        return calendar_id is None
    writer = CalendarWriter(
        user_credentials(config, refresh),
        config=config,
        quota=quota or quota_for(config),
        user_key=str(user_id),
        retry=RetryPolicy(attempts=3, base=0.5, cap=2.0, max_wait=4.0, deadline=10.0),
    )
    try:
        found = calendar_id or writer.find_calendar(marker)
        if found:
            writer.delete_calendar(found)
    except GoogleError as exc:
        log.warning("deleting the calendar of user %s failed: %s", user_id, type(exc).__name__)
        return False
    return True


def created_calendar(sessions: SessionFactory, user_id: int) -> str | None:
    with session_scope(sessions) as s:
        delivery = gd.get_delivery(s, user_id)
        return delivery.calendar_id if delivery else None


def own_calendar_ids(sessions: SessionFactory, user_id: int) -> Sequence[str]:
    """Calendars calfeed must never read back as the user's (its own)."""
    found = created_calendar(sessions, user_id)
    return (found,) if found else ()
