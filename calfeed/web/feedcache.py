"""Serving feeds cheaply: rendered bytes cached in the database, shared by every web process.

Calendar apps poll, so the common request must cost one indexed query: the user (by the hash of
the secret) joined with the cached variant. The cached bytes are served while
their `source_version` equals the user's `data_version` (nothing the feed depends on changed: a
mark, a setting, a sync that found changes all bump it); otherwise the request re-renders from the
stored events and stores the result. A poll never reads Google: the worker does
(`calfeed.background.reads`), and a read that found changes bumps the version, so the next poll
re-renders.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Select, and_, bindparam, select

from calfeed.config import Config
from calfeed.core.drafts import RULES_DOC
from calfeed.crypto import same_secret, token_hash
from calfeed.errors import NotFound, ServiceUnavailable
from calfeed.store import FeedCache, SessionFactory, User, engine_of
from calfeed.store.db import refuses_writes
from calfeed.web.rendering import render
from calfeed.web.variants import DEFAULT, BadFeedQuery, Variant, parse_variant

__all__ = [
    "DEFAULT",
    "BadFeedQuery",
    "Served",
    "Variant",
    "parse_variant",
    "serve_feed",
    "warm_feed",
]

log = logging.getLogger(__name__)

#: seconds after the database refused a write during which renders write nothing (so a poll of a
#: read-only database renders once, not a failed caching render first); then caching is tried again
REFUSED_FOR = 30.0
#: when each engine last refused a write (monotonic seconds), dropped with the engine
_REFUSED: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()

#: longest token accepted before hashing (ours are 43 characters): no hashing of megabyte paths
MAX_TOKEN = 128


@dataclass(frozen=True)
class Served:
    ics: bytes
    etag: str  # quoted, ready for the header
    last_modified: datetime


def _lookup_statement() -> Select[*tuple[Any, ...]]:
    """The warm-hit query: the user by secret hash, joined with the cached variant if any."""
    return (
        select(
            User.id,
            User.feed_token_hash,
            User.data_version,
            User.refresh_token_enc.is_not(None),
            User.needs_reconnect,
            User.last_sync_attempt_at,
            FeedCache.ics,
            FeedCache.etag,
            FeedCache.rendered_at,
            FeedCache.source_version,
        )
        .outerjoin(
            FeedCache,
            and_(FeedCache.user_id == User.id, FeedCache.variant == bindparam("variant")),
        )
        .where(User.feed_token_hash == bindparam("hashed"))
    )


@dataclass(frozen=True)
class _Compiled:
    """The lookup compiled once per engine, run on a raw DB-API cursor.

    SQLAlchemy's per-execution work (statement coercion, cache keys, result adaptation) costs
    more than the indexed query itself, and this query runs on every poll of every calendar app;
    the SQL and the column converters (booleans, UTC datetimes) come from SQLAlchemy all the same.
    """

    sql: str
    order: tuple[str, ...] | None  # bind names in order for positional paramstyles, else None
    converters: tuple[Callable[[Any], Any] | None, ...]


#: one compiled lookup per engine, dropped with the engine (tests build many apps)
_COMPILED: weakref.WeakKeyDictionary[Engine, _Compiled] = weakref.WeakKeyDictionary()


def _compiled(engine: Engine) -> _Compiled:
    found = _COMPILED.get(engine)
    if found is None:
        stmt = _lookup_statement()
        dialect = engine.dialect
        compiled = stmt.compile(dialect=dialect)
        names = compiled.positiontup if compiled.positional else None
        order = tuple(names) if names else None
        converters = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in stmt.selected_columns
        )
        found = _COMPILED[engine] = _Compiled(str(compiled), order, converters)
    return found


def _lookup(sessions: SessionFactory, hashed: str, variant: str) -> tuple[Any, ...] | None:
    """The one query of a warm hit."""
    engine = engine_of(sessions)
    query = _compiled(engine)
    values = {"hashed": hashed, "variant": variant}
    params: Any = tuple(values[name] for name in query.order) if query.order else values
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        try:
            cursor.execute(query.sql, params)
            row = cursor.fetchone()
        finally:
            cursor.close()
        conn.commit()  # end the read transaction (PostgreSQL would otherwise sit idle in one)
    finally:
        conn.close()  # back to the pool
    if row is None:
        return None
    return tuple(c(v) if c is not None else v for c, v in zip(query.converters, row, strict=True))


@dataclass(frozen=True)
class _Found:
    """The lookup's row, named."""

    user_id: int
    version: int
    cached: Served | None
    cached_version: int | None

    @property
    def fresh(self) -> Served | None:
        """The cached bytes when they can be served as they are."""
        if self.cached is not None and self.cached_version == self.version:
            return self.cached
        return None


def _find(
    sessions: SessionFactory, config: Config, token: str, variant: Variant, now: datetime
) -> _Found | None:
    if not token or len(token) > MAX_TOKEN:
        return None
    hashed = token_hash(token)
    row = _lookup(sessions, hashed, variant.key)
    if row is None or not same_secret(row[1] or "", hashed):
        return None
    user_id, _h, version, _grant, _reconnect, _attempted, ics, etag, rendered_at, source = row
    cached = Served(ics, etag, rendered_at) if ics is not None else None
    return _Found(user_id, version, cached, source)


def warm_feed(
    sessions: SessionFactory, config: Config, token: str, variant: Variant, now: datetime
) -> Served | None:
    """The cached feed if it is fresh; None when `serve_feed` must decide (miss, stale, 404)."""
    found = _find(sessions, config, token, variant, now)
    return found.fresh if found is not None else None


def serve_feed(
    sessions: SessionFactory, config: Config, token: str, variant: Variant, now: datetime
) -> Served:
    """The feed bytes for `token`, from the cache when fresh, else rendered from stored events.

    Raises:
        NotFound: no user has this secret (the caller says no more than 404).
    """
    found = _find(sessions, config, token, variant, now)
    if found is None:
        raise NotFound("no such feed")
    if found.fresh is not None:
        return found.fresh
    engine = engine_of(sessions)
    refused_at = _REFUSED.get(engine)
    save = refused_at is None or time.monotonic() - refused_at > REFUSED_FOR
    try:
        fresh = render(
            sessions, found.user_id, variant, now, rules_at=rules_page(config), save=save
        )
    except Exception as exc:  # any failure (a poisonous event, a read-only database): last good
        if save and refuses_writes(exc):  # the events can still be read: render without storing
            _REFUSED[engine] = time.monotonic()
            log.warning("database refuses writes: feeds are rendered without caching them")
            try:
                fresh = render(
                    sessions, found.user_id, variant, now, rules_at=rules_page(config), save=False
                )
            except Exception as again:  # noqa: BLE001 - logged below, then the last good feed
                exc = again
            else:
                return Served(fresh.ics, fresh.etag, fresh.rendered_at)
        if found.cached is None:
            if refuses_writes(exc):
                raise ServiceUnavailable("the database cannot render this feed now") from exc
            raise
        log.error("feed render failed, serving the last good feed: %s", describe(exc))
        return found.cached
    return Served(fresh.ics, fresh.etag, fresh.rendered_at)


def rules_page(config: Config) -> str:
    """Where the service's feeds point for a rule's paragraph: its own `/rules` page when its
    public address is configured (always in production), else the repository's file."""
    return f"{config.base_url.rstrip('/')}/rules" if config.base_url else RULES_DOC


def describe(exc: BaseException) -> str:
    """An exception as one log-safe phrase: its type and its masked, escaped, shortened text."""
    from calfeed.logmask import clean_line

    text = clean_line(str(exc))
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__
