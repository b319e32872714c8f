"""A per-user lock across processes, so two reads of the same user's Google never run at once.

PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a dedicated connection;
it dies with the connection, so a crashed worker cannot leave it behind. SQLite has no such thing:
a lease row with an expiry, taken by one atomic upsert (a crashed holder's lease simply runs out).
Both are try-locks: a second caller is told "busy" at once instead of queueing another read.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from calfeed.store.schema import SyncLease

#: first key of the two-int advisory lock is a hash of this and the schema: calfeed's locks then
#: collide neither with other applications' nor with another calfeed in another schema
ADVISORY_NAMESPACE = ":calfeed-sync"
#: a lease outlives any sane read (retries included); a holder that died frees it after this
LEASE = timedelta(minutes=10)


@contextmanager
def user_sync_lock(engine: Engine, user_id: int, now: datetime) -> Iterator[bool]:
    """Try to take the user's sync lock; yields True when taken (released on exit), else False."""
    if engine.dialect.name == "postgresql":
        with _advisory(engine, user_id) as taken:
            yield taken
    else:
        with _lease(engine, user_id, now) as taken:
            yield taken


@contextmanager
def _advisory(engine: Engine, user_id: int) -> Iterator[bool]:
    # AUTOCOMMIT: the lock belongs to the session, and no transaction sits open during the read
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        space = conn.scalar(
            select(func.hashtext(func.concat(func.current_schema(), ADVISORY_NAMESPACE)))
        )
        taken = bool(conn.scalar(select(func.pg_try_advisory_lock(space, user_id))))
        try:
            yield taken
        finally:
            if taken:
                conn.scalar(select(func.pg_advisory_unlock(space, user_id)))


@contextmanager
def _lease(engine: Engine, user_id: int, now: datetime) -> Iterator[bool]:
    holder = secrets.token_hex(16)
    with Session(engine) as session, session.begin():
        stmt = sqlite.insert(SyncLease).values(
            user_id=user_id, holder=holder, expires_at=now + LEASE
        )
        # take it over only when the current lease has run out: one atomic statement, no race
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id"],
            set_={"holder": stmt.excluded.holder, "expires_at": stmt.excluded.expires_at},
            where=SyncLease.expires_at <= now,
        )
        session.execute(stmt)
        taken = (
            session.scalar(select(SyncLease.holder).where(SyncLease.user_id == user_id)) == holder
        )
    try:
        yield taken
    finally:
        if taken:
            with Session(engine) as session, session.begin():
                session.execute(
                    delete(SyncLease).where(
                        SyncLease.user_id == user_id, SyncLease.holder == holder
                    )
                )
