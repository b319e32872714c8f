"""The web layer's unit-of-work functions over the store's tables (`calfeed.store.schema`).

Views call one of these per request and never touch SQL themselves. Every function takes the user
id it acts for and filters by it, so one user can never read or change another's rows whatever
the form says. Anything that changes what a feed shows bumps `users.data_version`: cached feeds are
only served while their `source_version` matches it, so the change shows at once in every process.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from calfeed import store
from calfeed.core.model import RuleSettings
from calfeed.crypto import TokenCipher, new_secret_token, token_hash
from calfeed.errors import NotFound
from calfeed.store import Calendar, Event, SessionFactory, User, session_scope

#: the marks a form may set, by form name -> `Mark` column
MARK_FIELDS = ("thank_you_sent", "heard_back", "not_interview")


@dataclass(frozen=True)
class CalendarChoice:
    id: str
    name: str
    selected: bool


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    return user


def user_exists(sessions: SessionFactory, user_id: int) -> bool:
    with session_scope(sessions) as s:
        return s.scalar(select(User.id).where(User.id == user_id)) is not None


def session_opens(sessions: SessionFactory, user_id: int, nonce: str) -> bool:
    """Whether a session cookie holding (`user_id`, `nonce`) may act for that user now."""
    with session_scope(sessions) as s:
        stored = s.scalar(select(User.session_nonce).where(User.id == user_id))
    return stored is not None and secrets.compare_digest(stored, nonce)


def renew_session_nonce(sessions: SessionFactory, user_id: int, *, keep: bool = False) -> str:
    """A new random nonce for the user's sessions (every older cookie stops working), or with
    `keep` the current one when there is one (the demo's shared user). Raises NotFound."""
    with session_scope(sessions) as s:
        user = _user(s, user_id)
        if not (keep and user.session_nonce):
            user.session_nonce = secrets.token_urlsafe(32)
        return user.session_nonce


def demo_user_id(sessions: SessionFactory) -> int | None:
    """The demo user (the one without a Google address), used only when the app runs as a demo."""
    with session_scope(sessions) as s:
        found: int | None = s.scalar(
            select(User.id).where(User.google_email.is_(None)).order_by(User.id).limit(1)
        )
        return found


def user_lang(sessions: SessionFactory, user_id: int) -> str | None:
    with session_scope(sessions) as s:
        text = s.scalar(select(User.settings_json).where(User.id == user_id))
    return None if text is None else store.settings_from_json(text).lang


def needs_reconnect(sessions: SessionFactory, user_id: int) -> bool:
    with session_scope(sessions) as s:
        return bool(s.scalar(select(User.needs_reconnect).where(User.id == user_id)))


# --- the feed secret -----------------------------------------------------------------------------


def _set_new_token(session: Session, user_id: int, cipher: TokenCipher, now: datetime) -> str:
    token = new_secret_token()
    store.set_feed_token(
        session,
        user_id,
        feed_token_hash=token_hash(token),
        feed_token_enc=cipher.encrypt(token),
        now=now,
    )
    return token


def feed_token(sessions: SessionFactory, cipher: TokenCipher, user_id: int, now: datetime) -> str:
    """The user's current feed secret (created on first use); shown only to its owner."""
    with session_scope(sessions) as s:
        user = _user(s, user_id)
        if user.feed_token_enc:
            return cipher.decrypt(user.feed_token_enc)
        return _set_new_token(s, user_id, cipher, now)


def rotate_feed_token(
    sessions: SessionFactory, cipher: TokenCipher, user_id: int, now: datetime
) -> str:
    """Replace the feed secret; the old address answers 404 from the next request on."""
    with session_scope(sessions) as s:
        _user(s, user_id)
        return _set_new_token(s, user_id, cipher, now)


# --- marks ---------------------------------------------------------------------------------------


def split_key(event_key: str) -> tuple[str, str]:
    """ "calendarId/eventId" -> parts; event ids never hold a slash, calendar ids might."""
    calendar_id, slash, event_id = event_key.rpartition("/")
    if not slash or not calendar_id or not event_id:
        raise NotFound("not an event key")
    return calendar_id, event_id


def _require_event(session: Session, user_id: int, event_key: str) -> None:
    """NotFound unless `event_key` names an event in one of this user's calendars."""
    if store.ics_sources.source_of_key(event_key) is not None:  # An .ics source's
        if not store.ics_sources.has_event(session, user_id, event_key):
            raise NotFound("no such event")
        return
    calendar_id, event_id = split_key(event_key)
    found = session.scalar(
        select(Event.id)
        .join(Calendar, Event.calendar_id == Calendar.id)
        .where(
            Event.user_id == user_id,
            Calendar.user_id == user_id,
            Calendar.google_id == calendar_id,
            Event.google_id == event_id,
        )
        .limit(1)
    )
    if found is None:
        raise NotFound("no such event")


def set_mark(
    sessions: SessionFactory, user_id: int, event_key: str, mark: str, value: bool, now: datetime
) -> None:
    """Set or clear one mark on one of the user's interviews (the feed changes with the commit).

    Raises:
        NotFound: the event is not the user's, or `mark` is not a mark.
    """
    if mark not in MARK_FIELDS:
        raise NotFound("no such mark")
    with session_scope(sessions) as s:
        _require_event(s, user_id, event_key)
        change: dict[str, Any] = {mark: value}
        marks = replace(store.get_mark(s, user_id, event_key), **change)
        store.set_mark(s, user_id, event_key, marks, now)


def set_timeline(
    sessions: SessionFactory, user_id: int, event_key: str, timeline: str | None, now: datetime
) -> None:
    """Record (or clear, with None) the stated timeline the user typed for one interview.

    The caller has checked that the text parses (rule E3); this only stores it.
    """
    with session_scope(sessions) as s:
        _require_event(s, user_id, event_key)
        marks = replace(store.get_mark(s, user_id, event_key), timeline=timeline)
        store.set_mark(s, user_id, event_key, marks, now)


def set_correction(
    sessions: SessionFactory,
    user_id: int,
    event_key: str,
    company: str | None,
    position: str | None,
    now: datetime,
) -> None:
    """Record the user's correction of one interview's company and position (rule E2).

    None for a field means "as calfeed reads it"; "" means "none" (the drafts then leave it out).
    """
    with session_scope(sessions) as s:
        _require_event(s, user_id, event_key)
        marks = replace(store.get_mark(s, user_id, event_key), company=company, position=position)
        store.set_mark(s, user_id, event_key, marks, now)


def answer_question(
    sessions: SessionFactory,
    user_id: int,
    event_key: str,
    is_interview: bool,
    company: str | None,
    position: str | None,
    now: datetime,
) -> None:
    """Rule D9: keep the user's answer to "Is this one of your job interviews?".

    Yes: the event is an interview, with `company` and `position` as given (None: as read, "":
    none). No: it is marked "not an interview" (rule D2), like the card's button. Either way the
    answer is kept with the event's organizer and shape, to teach the reading (rule E5).

    Raises:
        NotFound: the event is not the user's.
    """
    from calfeed.core.detection.lessons import shape_of
    from calfeed.core.limits import MAX_EVENTS_PER_USER

    with session_scope(sessions) as s:
        _require_event(s, user_id, event_key)
        events, _ = store.source_events_for_user(s, user_id, limit=MAX_EVENTS_PER_USER)
        event = next((e for e in events if e.key == event_key), None)
        organizer = event.organizer.email if event is not None and event.organizer else ""
        marks = replace(store.get_mark(s, user_id, event_key), not_interview=not is_interview)
        store.set_mark(s, user_id, event_key, marks, now)  # bumps the data version
        store.answers.record_answer(
            s,
            user_id,
            event_key,
            is_interview=is_interview,
            company=company if is_interview else None,
            position=position if is_interview else None,
            organizer=organizer,
            shape=shape_of(event) if event is not None else "",
            now=now,
        )


# --- settings ------------------------------------------------------------------------------------


def load_settings(
    sessions: SessionFactory, user_id: int
) -> tuple[RuleSettings, list[CalendarChoice]]:
    with session_scope(sessions) as s:
        user = _user(s, user_id)
        delivery = store.google_delivery.get_delivery(s, user_id)
        own = delivery.calendar_id if delivery is not None else None  # Never read
        choices = [
            CalendarChoice(c.google_id, c.summary or c.google_id, c.selected)
            for c in store.calendars_for_user(s, user_id)
            if c.google_id != own
        ]
        return store.rule_settings_of(user), choices


def save_settings(
    sessions: SessionFactory,
    user_id: int,
    settings: RuleSettings,
    calendar_ids: Collection[str],
    now: datetime,
) -> None:
    """Store checked settings and the calendar choice, all or nothing.

    Raises:
        NotFound: a calendar id that is not one of the user's calendars.
    """
    with session_scope(sessions) as s:
        _user(s, user_id)
        known = {c.google_id for c in store.calendars_for_user(s, user_id)}
        if not set(calendar_ids) <= known:
            raise NotFound("no such calendar")
        store.set_rule_settings(s, user_id, settings, now)
        if {c.google_id for c in store.calendars_for_user(s, user_id, selected_only=True)} != set(
            calendar_ids
        ):
            store.select_calendars(s, user_id, calendar_ids, now)


# --- leaving -------------------------------------------------------------------------------------


def delete_user(sessions: SessionFactory, user_id: int) -> None:
    """Delete the user and, by ON DELETE CASCADE, every row that belongs to them."""
    with session_scope(sessions) as s:
        store.delete_user(s, user_id)
