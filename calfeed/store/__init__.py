"""Storage: SQLAlchemy models, small typed queries, the per-user sync lock and Alembic migrations.

Import from here; the submodules are an implementation detail:
    engine = make_engine(config.database_url); factory = make_session_factory(engine)
    with session_scope(factory) as session: user = get_user_by_feed_token(session, token)
"""

from __future__ import annotations

from calfeed.store import (  # each registers its tables on Base.metadata
    answers,  # the user's answers to calfeed's questions (rules D9, E5)
    background,
    ceremonies,
    google_delivery,
    ics_sources,
    passkeys,
    signups,
)
from calfeed.store.calendars import (
    CalendarInfo,
    calendars_for_user,
    save_calendar_list,
    select_calendars,
)
from calfeed.store.db import (
    SessionFactory,
    engine_of,
    make_engine,
    make_session_factory,
    session_scope,
)
from calfeed.store.events import (
    EventRecord,
    count_events,
    delete_events,
    delete_series_instances,
    prune_events,
    replace_events,
    source_events_for_user,
    upsert_events,
)
from calfeed.store.feeds import (
    CachedFeed,
    drop_cached_feeds,
    get_cached_feed,
    put_cached_feed,
    revisions_for_user,
    save_revisions,
)
from calfeed.store.lock import user_sync_lock
from calfeed.store.marks import get_mark, marks_for_user, set_mark
from calfeed.store.migrate import cli_db, current, upgrade
from calfeed.store.schema import (
    Base,
    Calendar,
    Event,
    FeedCache,
    Mark,
    RevisionRow,
    SyncLease,
    User,
)
from calfeed.store.settings import settings_from_json, settings_to_json
from calfeed.store.users import (
    bump_data_version,
    connect_google,
    create_user,
    delete_user,
    get_user,
    get_user_by_email,
    get_user_by_feed_token,
    get_user_by_feed_token_hash,
    mark_needs_reconnect,
    record_sync,
    rule_settings_of,
    save_access_token,
    set_feed_token,
    set_rule_settings,
)

__all__ = [
    "Base",
    "CachedFeed",
    "Calendar",
    "CalendarInfo",
    "Event",
    "EventRecord",
    "FeedCache",
    "Mark",
    "RevisionRow",
    "SessionFactory",
    "SyncLease",
    "answers",
    "ics_sources",
    "passkeys",
    "ceremonies",
    "signups",
    "User",
    "background",
    "google_delivery",
    "bump_data_version",
    "calendars_for_user",
    "cli_db",
    "connect_google",
    "count_events",
    "create_user",
    "current",
    "delete_events",
    "delete_series_instances",
    "delete_user",
    "drop_cached_feeds",
    "engine_of",
    "get_cached_feed",
    "get_mark",
    "get_user",
    "get_user_by_email",
    "get_user_by_feed_token",
    "get_user_by_feed_token_hash",
    "make_engine",
    "make_session_factory",
    "mark_needs_reconnect",
    "marks_for_user",
    "prune_events",
    "put_cached_feed",
    "record_sync",
    "replace_events",
    "revisions_for_user",
    "rule_settings_of",
    "save_access_token",
    "save_calendar_list",
    "save_revisions",
    "select_calendars",
    "session_scope",
    "set_feed_token",
    "set_mark",
    "set_rule_settings",
    "settings_from_json",
    "settings_to_json",
    "source_events_for_user",
    "upgrade",
    "upsert_events",
    "user_sync_lock",
]
