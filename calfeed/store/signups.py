"""Accounts made by anonymous visitors: who made them (per client), how fast, and the empty ones.

Anyone may sign up with a calendar address and a passkey, so the bound on sign-ups must hold
against a flood without locking real people out. Counting passkeys (as before) let one script
exhaust the one global hourly bound in 4 seconds, and counted passkeys that signed-in users add.
Each sign-up is now a row of its own with the client it came from, so the bound is per client
(`CALFEED_SIGNUPS_PER_CLIENT`, an hour) and, far higher, for everyone together
(`CALFEED_SIGNUPS_PER_HOUR`), which only many addresses at once can reach.

The client key is an HMAC of the client's address under the service's secret (the address itself
is never stored); an IPv6 client counts by its /64, since one host is handed a whole /64. Each
sign-up also carries its network's key (an IPv4 /24, an IPv6 /48, which one site is handed), with
`NETWORK_FACTOR` times the client bound: a site that holds a whole /48 cannot step through its
65,536 /64s to pass the client bound.

An account with nothing in it (no Google, no calendar address, no calendar, no event) and
unchanged for `EMPTY_GRACE` (its `updated_at`: removing an address touches it) is deleted by the
worker's sweep: a flood leaves nothing behind, and a person whose first read was refused, or who
removed their last address, has a day to add another.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, delete, exists, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from calfeed.store.ics_sources import IcsEvent, IcsSource
from calfeed.store.schema import Base, Calendar, Event, User, UTCDateTime

#: the window both sign-up bounds count over
WINDOW = timedelta(hours=1)
#: how long an account may stay empty before the sweep deletes it
EMPTY_GRACE = timedelta(days=1)
#: at most this many empty accounts deleted per sweep (the sweep runs every minute)
PRUNE_BATCH = 500
#: a network's sign-ups an hour, as a multiple of one client's (an office or campus behind
#: many addresses of one /24 or /48 stays well inside)
NETWORK_FACTOR = 10


class Signup(Base):
    """One account made by an anonymous visitor (a passkey sign-up)."""

    __tablename__ = "signups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64), index=True)
    network_key: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


def _unit(address: str | None, v4: int, v6: int) -> str:
    """The address's network of prefix `v4` (IPv4) or `v6` (IPv6), as text."""
    text = (address or "").strip()
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text or "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = v4 if isinstance(ip, ipaddress.IPv4Address) else v6
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _key(unit: str, secret: str) -> str:
    return hmac.new(secret.encode(), unit.encode(), hashlib.sha256).hexdigest()


def client_key(address: str | None, secret: str) -> str:
    """The key one client's sign-ups are counted under (an HMAC, never the address itself):
    the IPv4 address, or the IPv6 /64."""
    return _key(_unit(address, 32, 64), secret)


def network_key(address: str | None, secret: str) -> str:
    """The key of the client's network: its IPv4 /24 or IPv6 /48 (told apart from client keys)."""
    return _key("net:" + _unit(address, 24, 48), secret)


def signups_since(
    session: Session, since: datetime, client: str | None = None, network: str | None = None
) -> int:
    """Sign-ups since `since`: of one client or one network when given, else everyone's."""
    query = select(func.count()).select_from(Signup).where(Signup.created_at >= since)
    if client is not None:
        query = query.where(Signup.client_key == client)
    if network is not None:
        query = query.where(Signup.network_key == network)
    return int(session.scalar(query) or 0)


def record_signup(session: Session, client: str, network: str, now: datetime) -> None:
    session.add(Signup(client_key=client, network_key=network, created_at=now))
    session.flush()


def empty_account_ids(session: Session, now: datetime, limit: int = PRUNE_BATCH) -> list[int]:
    """Accounts unchanged for `EMPTY_GRACE` with no Google, no address, no calendar, no event."""
    query = (
        select(User.id)
        .where(
            User.google_email.is_(None),
            User.created_at < now - EMPTY_GRACE,
            User.updated_at < now - EMPTY_GRACE,
            ~exists().where(IcsSource.user_id == User.id),
            ~exists().where(Calendar.user_id == User.id),
            ~exists().where(Event.user_id == User.id),
            ~exists().where(IcsEvent.user_id == User.id),
        )
        .order_by(User.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def prune(session: Session, now: datetime) -> int:
    """Delete the empty accounts (with everything of theirs, by cascade) and the sign-up rows
    no bound counts any more; returns how many accounts went."""
    ids = empty_account_ids(session, now)
    if ids:
        session.execute(delete(User).where(User.id.in_(ids)))
    session.execute(delete(Signup).where(Signup.created_at < now - WINDOW))
    return len(ids)
