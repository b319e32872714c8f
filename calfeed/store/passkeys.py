"""Passkeys (WebAuthn credentials), so a user with only .ics addresses needs no Google.

A credential's public key is not a secret (it only verifies signatures), so it is stored plainly;
the credential id is unique across users (the sign-in ceremony finds the user by it). Every user
gets one random WebAuthn user handle, the same for all their passkeys, that says nothing about
them (no id, no address). Rows go with their user (ON DELETE CASCADE).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from calfeed.errors import LimitReached
from calfeed.store.schema import Base, UTCDateTime


class Passkey(Base):
    """One WebAuthn credential of one user."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)  # base64url
    user_handle: Mapped[str] = mapped_column(String(100))  # base64url, per user
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def passkeys_created_since(session: Session, since: datetime) -> int:
    """How many passkeys were registered since `since` (the sign-up bound counts these)."""
    found = session.scalar(
        select(func.count()).select_from(Passkey).where(Passkey.created_at >= since)
    )
    return int(found or 0)


def count_passkeys(session: Session, user_id: int) -> int:
    found = session.scalar(select(func.count(Passkey.id)).where(Passkey.user_id == user_id))
    return int(found or 0)


def passkeys_of(session: Session, user_id: int) -> list[Passkey]:
    query = select(Passkey).where(Passkey.user_id == user_id).order_by(Passkey.id)
    return list(session.scalars(query))


def user_handle_of(session: Session, user_id: int) -> str | None:
    """The user's WebAuthn handle, when they have a passkey already."""
    return session.scalar(
        select(Passkey.user_handle).where(Passkey.user_id == user_id).order_by(Passkey.id).limit(1)
    )


def users_of_handle(session: Session, user_handle: str) -> set[int]:
    """The users holding a passkey under `user_handle` (one, or none: a handle is per user)."""
    return set(session.scalars(select(Passkey.user_id).where(Passkey.user_handle == user_handle)))


def find_passkey(session: Session, credential_id: str) -> Passkey | None:
    return session.scalars(
        select(Passkey).where(Passkey.credential_id == credential_id)
    ).one_or_none()


def add_passkey(
    session: Session,
    user_id: int,
    *,
    credential_id: str,
    user_handle: str,
    public_key: bytes,
    sign_count: int,
    now: datetime,
    limit: int | None = None,
) -> Passkey:
    """A new passkey for the user.

    Raises:
        LimitReached: the user has `limit` passkeys already (the cap per account).
    """
    if limit is not None and count_passkeys(session, user_id) >= limit:
        raise LimitReached(f"an account holds at most {limit} passkeys")
    row = Passkey(
        user_id=user_id,
        credential_id=credential_id,
        user_handle=user_handle,
        public_key=public_key,
        sign_count=sign_count,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row
