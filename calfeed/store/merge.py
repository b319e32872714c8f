"""One person, one account: linking Google to the signed-in account, and merging two accounts.

A person who signed up with a calendar address and a passkey and then connects Google must stay
one account: one dashboard, one feed address, their addresses and passkeys next to their Google
calendars. `link_google` attaches the Google address to the signed-in user (the grant itself is
then stored by the usual connect, which finds the user by that address).

When that Google account already belongs to another calfeed account, nothing happens unless the
person confirms a merge; `merge_accounts` then moves everything of the other account into the
signed-in one and deletes the other. "Everything" is found from the schema, not listed by hand:
every table with a `user_id` column, so a table added later is moved too. Where a row would
collide with one the kept account has (the same mark's event key, the same address, the same
calendar), the kept account's row wins and the other's is deleted; caches, leases, read requests
and open passkey ceremonies are dropped, to be made again for the kept account. The kept account
keeps its feed address, settings, marks and corrections; it takes the other's Google grant,
calendars, events, addresses, marks and corrections on events it did not have, and passkeys.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, UniqueConstraint, delete, select, tuple_, update
from sqlalchemy.orm import Session

from calfeed.errors import NotFound
from calfeed.store.schema import Base, User

#: per-user tables whose rows are recomputed or short-lived: dropped, never moved
#: (the kept account's feed cache goes stale by its data_version, bumped at the end)
DROPPED = frozenset({"feed_cache", "sync_leases", "sync_requests", "passkey_challenges"})
#: the Google side of a user row: moved with the Google account
GOOGLE_FIELDS = (
    "refresh_token_enc",
    "access_token_enc",
    "access_token_expires_at",
    "granted_scopes",
    "needs_reconnect",
    "reconnect_reason",
    "last_sync_at",
    "last_sync_attempt_at",
    "last_sync_error",
)


def owner_of_google(session: Session, email: str) -> int | None:
    """The account the Google address is connected to, if any."""
    found: int | None = session.scalar(select(User.id).where(User.google_email == email))
    return found


def link_google(session: Session, user_id: int, email: str, now: datetime) -> None:
    """Connect the Google address `email` to the account `user_id` (which has none yet).

    Raises:
        NotFound: no such user. ValueError: the account has another Google address, or the
        address belongs to another account (the caller checked both: this is the last guard).
    """
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    if user.google_email not in (None, email):
        raise ValueError("the account is connected to another Google address")
    owner = owner_of_google(session, email)
    if owner not in (None, user_id):
        raise ValueError("the Google address belongs to another account")
    user.google_email = email
    user.updated_at = now
    session.flush()


def user_tables() -> list[Table]:
    """Every table holding rows of a user (a `user_id` column), parents first."""
    return [t for t in Base.metadata.sorted_tables if t.name != "users" and "user_id" in t.c]


def _unique_sets(table: Table) -> list[list[str]]:
    """The column sets that must stay unique and include `user_id`, without it."""
    sets = [[c.name for c in table.primary_key.columns]]
    sets += [
        [c.name for c in k.columns] for k in table.constraints if isinstance(k, UniqueConstraint)
    ]
    sets += [[c.name for c in i.columns] for i in table.indexes if i.unique]
    return [[n for n in s if n != "user_id"] for s in sets if "user_id" in s]


def merge_accounts(session: Session, *, keep: int, absorb: int, now: datetime) -> None:
    """Move everything of account `absorb` into account `keep`, then delete `absorb`.

    The kept account takes the other's Google address and grant only when it has none itself.

    Raises:
        NotFound: either account is missing. ValueError: `keep` == `absorb`.
    """
    if keep == absorb:
        raise ValueError("an account cannot be merged into itself")
    kept, other = session.get(User, keep), session.get(User, absorb)
    if kept is None or other is None:
        raise NotFound("no such user")
    for table in user_tables():
        column = table.c.user_id
        if table.name in DROPPED:  # the kept account's own are made again as they are needed
            session.execute(delete(table).where(column == absorb))
            continue
        for names in _unique_sets(table):
            if not names:  # unique per user: the kept account's row wins
                mine_exists = select(column).where(column == keep).exists()
                session.execute(delete(table).where(column == absorb, mine_exists))
                continue
            columns = [table.c[n] for n in names]
            mine = select(*columns).where(column == keep)
            clash = columns[0].in_(mine) if len(columns) == 1 else tuple_(*columns).in_(mine)
            session.execute(delete(table).where(column == absorb, clash))
        session.execute(update(table).where(column == absorb).values(user_id=keep))
    email = other.google_email
    google = {name: getattr(other, name) for name in GOOGLE_FIELDS}
    session.execute(delete(User).where(User.id == absorb))
    session.flush()
    session.expire(kept)
    kept = session.get(User, keep)
    assert kept is not None
    if kept.google_email is None and email is not None:
        kept.google_email = email
        for name, value in google.items():
            setattr(kept, name, value)
    kept.data_version = (kept.data_version or 0) + 1  # every feed variant renders anew
    kept.updated_at = now
    session.flush()
