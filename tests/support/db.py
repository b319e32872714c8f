"""Database fixtures: every storage/sync test runs on SQLite and on PostgreSQL.

`db_url` is parametrized ("sqlite", "postgresql"). The schema is built once per test session with
the real Alembic migrations (so they are tested too), then each test gets a clean database:
SQLite copies a migrated template file; PostgreSQL uses one schema per session (via search_path in
the URL, so nothing else in the `test` database is touched) and empties its tables per test.

PostgreSQL unreachable: its params are skipped, unless CALFEED_REQUIRE_POSTGRES=1 (set by .ci/run),
which turns the skip into a loud failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from calfeed.store import SessionFactory, make_engine, make_session_factory, upgrade
from calfeed.store.schema import Base

PG_SERVER = os.environ.get(
    "CALFEED_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def _postgres_reachable() -> str | None:
    """None when the server answers, else why not."""
    import psycopg

    conninfo = PG_SERVER.replace("postgresql+psycopg://", "postgresql://")
    try:
        psycopg.connect(conninfo, connect_timeout=3).close()
    except psycopg.Error as exc:
        return str(exc).strip() or type(exc).__name__
    return None


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_schema_url() -> Iterator[str]:
    problem = _postgres_reachable()
    if problem is not None:
        if os.environ.get("CALFEED_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (CALFEED_REQUIRE_POSTGRES=1) but: {problem}")
        pytest.skip(f"PostgreSQL not reachable: {problem}")
    schema = f"calfeed_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_SERVER)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


#: every sequence of the session's schema back to 1, in one statement (ids as in a new database)
_RESTART_SEQUENCES = text(
    "SELECT setval(c.oid, 1, false) FROM pg_class c "
    "WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace"
)


def empty_postgres(url: str) -> None:
    """Empty every table, children first, and restart the ids: what TRUNCATE ... RESTART IDENTITY
    does, at a tenth of its cost on tables this small (TRUNCATE replaces each table's files)."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
            conn.execute(_RESTART_SEQUENCES)
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "calfeed.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("_postgres_schema_url")
    empty_postgres(url)
    return url


@pytest.fixture
def sqlite_db_url(_sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated, empty SQLite database only (for tests that need no PostgreSQL run)."""
    path = tmp_path / "calfeed-sqlite-only.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> SessionFactory:
    return make_session_factory(engine)
