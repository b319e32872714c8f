"""Engines and sessions from a database URL: SQLite (default, instance folder) or PostgreSQL.

Nothing connects at import time; callers build one engine per process with `make_engine` and one
`sessionmaker` with `make_session_factory`, then use `session_scope` per unit of work.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SessionFactory = sessionmaker[Session]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite: without this ON DELETE CASCADE does nothing.
    # WAL lets feed reads go on while a sync writes; busy_timeout waits for a writer instead of
    # failing at once when several web processes share the file.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    """An Engine for `database_url`; for a SQLite file, its folder is created first."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        # "file:..." with ?uri=true is an SQLite URI (e.g. mode=ro), not a path to create
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)  # survive a PostgreSQL restart between requests
    return create_engine(url, **kwargs)


#: PostgreSQL's SQLSTATE for a write in a read-only transaction (default_transaction_read_only,
#: a hot standby, a replica promoted late)
READ_ONLY_SQLSTATE = "25006"


def refuses_writes(exc: BaseException) -> bool:
    """Whether `exc` is the database refusing a write while it still reads: PostgreSQL in
    read-only mode (SQLSTATE 25006, also "cannot execute ... in a read-only transaction" on a
    standby), or an SQLite file opened read-only or on a read-only disk."""
    from sqlalchemy.exc import DBAPIError

    original = exc.orig if isinstance(exc, DBAPIError) else exc
    if getattr(original, "sqlstate", None) == READ_ONLY_SQLSTATE:
        return True
    text = str(original).lower()
    return "readonly database" in text or "read-only transaction" in text


def make_session_factory(engine: Engine) -> SessionFactory:
    """Sessions that keep loaded values after commit (the web layer renders after committing)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def engine_of(factory: SessionFactory) -> Engine:
    """The engine a session factory is bound to (the sync lock needs its own connection)."""
    bind = factory.kw.get("bind")
    if not isinstance(bind, Engine):
        raise TypeError("session factory is not bound to an Engine")
    return bind


@contextmanager
def session_scope(factory: SessionFactory) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def upsert(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE for many rows, on SQLite and PostgreSQL.

    One compiled statement run as an executemany: SQLAlchemy batches it into multi-row VALUES
    ("insertmanyvalues"), so a 5,000-event first read costs a few round trips, not a SELECT and
    an INSERT per row as ORM merges would.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={c: stmt.excluded[c] for c in update}
    )
    session.execute(stmt, [dict(r) for r in rows])
