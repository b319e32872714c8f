"""Schema migrations: `calfeed db upgrade` / `flask --app calfeed db upgrade` run Alembic here.

The migration scripts live in the package (`calfeed/migrations/`), so an installed wheel can
upgrade a database without the source tree or an alembic.ini.
"""

from __future__ import annotations

import argparse

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.exc import SQLAlchemyError

from calfeed.errors import ConfigError, SourceError


def alembic_config(database_url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", "calfeed:migrations")
    # passed as an attribute, not an ini option: ini values treat "%" specially, URLs contain it
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database at `database_url` to `revision` (default: the newest schema)."""
    command.upgrade(alembic_config(database_url), revision)


def current(database_url: str) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    from calfeed.store.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def cli_db(argv: list[str]) -> int:
    """`calfeed db upgrade [--revision R]` and `calfeed db current`; returns the exit status."""
    parser = argparse.ArgumentParser(prog="calfeed db", description="Database schema commands.")
    sub = parser.add_subparsers(dest="action", required=True)
    up = sub.add_parser("upgrade", help="apply the schema migrations (safe to run repeatedly)")
    up.add_argument(
        "--revision",
        default="head",
        metavar="REV",
        help="the schema revision to reach, e.g. 0001 (default: head, the newest)",
    )
    sub.add_parser("current", help="print the schema revision of the database")
    args = parser.parse_args(argv)

    import os

    from calfeed.config import database_url_of, instance_path_of

    # only the database is needed: no secret keys, so a fresh machine (or a release step that
    # holds no secrets) can migrate
    database_url = database_url_of(os.environ, instance_path_of(os.environ))
    try:
        if args.action == "upgrade":
            upgrade(database_url, args.revision)
            print(f"database is at {current(database_url) or 'no revision'}")
        else:
            print(current(database_url) or "no revision")
    except (SQLAlchemyError, OSError) as exc:
        problem = f"database {_masked(database_url)}: {_first_line(exc)}"
        if database_url.startswith("sqlite"):  # a file problem: one line, exit status 2
            raise SourceError(problem) from None
        raise ConfigError(problem) from None
    return 0


def _masked(database_url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(database_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as its scheme only
        return database_url.split(":", 1)[0] + ":…"


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
