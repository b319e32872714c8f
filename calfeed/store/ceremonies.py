"""Passkey ceremonies in progress, kept on the server so each challenge is used exactly once.

A WebAuthn challenge proves freshness only if the server forgets it the moment it is used. Kept
in the signed session cookie (as before), the browser holding the cookie could send the same
cookie again: a replayed assertion passed for an authenticator whose counter stays 0, and a
replayed registration made a second account sharing the first one's user handle. Here each
challenge is a row keyed by its sha256, bound to one browser session (the sha256 of a random
value only that session's cookie holds) and, for "add a passkey", to the signed-in user; taking
it deletes it in the same statement that checks the binding, so of two racing verifications only
one finds it. Rows expire after `CHALLENGE_LIFETIME` and are pruned whenever a new one is made.

Rows also carry the client key (`calfeed.store.signups.client_key`), so one client cannot fill
the table: at most `PENDING_PER_CLIENT` unexpired ceremonies per client, `PENDING_TOTAL` in all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, Text, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from calfeed.store.schema import Base, UTCDateTime

#: how long a browser has between asking for options and answering them (WebAuthn's own
#: default timeout is 5 minutes; a person creating a passkey needs well under that)
CHALLENGE_LIFETIME = timedelta(minutes=5)
#: unexpired ceremonies one client may hold at once (a person needs one; a retry or two more)
PENDING_PER_CLIENT = 10
#: unexpired ceremonies all clients together may hold: the table's size stays bounded (tens of
#: MB), and only ten thousand addresses at once, each at its own bound, can reach it
PENDING_TOTAL = 100_000

PURPOSES = ("signup", "signin", "add")


class PasskeyChallenge(Base):
    """One passkey ceremony between its options and its verification."""

    __tablename__ = "passkey_challenges"

    challenge_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))
    binding_hash: Mapped[str] = mapped_column(String(64))
    client_key: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: what the ceremony needs back at verification (the sign-up's handle, address, name), as
    #: encrypted JSON: the address is a secret of the person signing up
    payload_enc: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


@dataclass(frozen=True, slots=True)
class Taken:
    """A ceremony taken for verification (its row is gone)."""

    purpose: str
    user_id: int | None
    payload_enc: str | None


def digest(value: bytes | str) -> str:
    data = value.encode() if isinstance(value, str) else value
    return hashlib.sha256(data).hexdigest()


def pending_counts(session: Session, client_key: str, now: datetime) -> tuple[int, int]:
    """(this client's unexpired ceremonies, everyone's), after pruning the expired ones."""
    session.execute(delete(PasskeyChallenge).where(PasskeyChallenge.expires_at <= now))
    mine = session.scalar(
        select(func.count())
        .select_from(PasskeyChallenge)
        .where(PasskeyChallenge.client_key == client_key)
    )
    everyone = session.scalar(select(func.count()).select_from(PasskeyChallenge))
    return int(mine or 0), int(everyone or 0)


def put_challenge(
    session: Session,
    *,
    challenge: bytes,
    purpose: str,
    binding: str,
    client_key: str,
    now: datetime,
    user_id: int | None = None,
    payload_enc: str | None = None,
) -> None:
    """Record a challenge just handed to a browser (`binding`: its session's random value)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown ceremony {purpose!r}")
    session.add(
        PasskeyChallenge(
            challenge_hash=digest(challenge),
            purpose=purpose,
            binding_hash=digest(binding),
            client_key=client_key,
            user_id=user_id,
            payload_enc=payload_enc,
            created_at=now,
            expires_at=now + CHALLENGE_LIFETIME,
        )
    )
    session.flush()


def take_challenge(
    session: Session,
    *,
    challenge: bytes,
    purpose: str,
    binding: str,
    now: datetime,
    user_id: int | None = None,
) -> Taken | None:
    """The ceremony for `challenge`, deleted, when it is unexpired, of this `purpose`, bound to
    this session (and to `user_id` for "add"); None otherwise (unknown, used, expired, another
    browser's). Only one of several concurrent callers gets it: the DELETE decides."""
    hashed = digest(challenge)
    conditions = (
        PasskeyChallenge.challenge_hash == hashed,
        PasskeyChallenge.purpose == purpose,
        PasskeyChallenge.binding_hash == digest(binding),
        PasskeyChallenge.expires_at > now,
        PasskeyChallenge.user_id == user_id
        if user_id is not None
        else PasskeyChallenge.user_id.is_(None),
    )
    row = session.execute(select(PasskeyChallenge.payload_enc).where(*conditions)).one_or_none()
    if row is None:
        return None
    result = session.execute(delete(PasskeyChallenge).where(*conditions))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None  # another request took it between the two statements
    return Taken(purpose, user_id, row.payload_enc)
