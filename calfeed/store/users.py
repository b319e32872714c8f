"""Users: accounts, their Google connection and tokens, feed addresses, rule settings.

Anything that changes what a feed would show calls `touch`, which bumps `users.data_version`: a
cached feed whose `source_version` differs is stale (see schema.py).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from calfeed.core.model import RuleSettings
from calfeed.crypto import same_secret, token_hash
from calfeed.store.schema import (
    Calendar,
    User,
)
from calfeed.store.settings import settings_from_json, settings_to_json


def touch(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(data_version=User.data_version + 1, updated_at=now)
    )


def bump_data_version(session: Session, user_id: int, now: datetime) -> None:
    """Mark every cached feed of the user stale (something they depend on changed)."""
    touch(session, user_id, now)


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
    constant-time anyway.
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
    exists and is selected. Clears the reconnect flag.
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
    touch(session, user.id, now)
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
    """Replace the feed secret: the old address stops working with this commit."""
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
    touch(session, user_id, now)


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
    touch(session, user_id, now)
