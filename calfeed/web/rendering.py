"""Rendering a user's feed from stored data into the shared cache.

The default variant is rendered first because it owns the SEQUENCE/DTSTAMP bookkeeping
(`revisions`) that every variant shares; the bytes are stored with the `data_version` they were
rendered from, which is what makes a cached feed fresh or stale (see `feedcache`).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from calfeed import store
from calfeed.core.drafts import RULES_DOC
from calfeed.core.limits import MAX_EVENTS_PER_USER, MAX_FOLLOW_UPS_PER_FEED
from calfeed.core.model import Notice
from calfeed.core.pipeline import build_feed
from calfeed.errors import NotFound
from calfeed.store import SessionFactory, session_scope
from calfeed.store.feeds import CachedFeed
from calfeed.web.variants import DEFAULT, Variant


def etag_of(ics: bytes) -> str:
    """A strong ETag from the bytes alone, so every process computes the same one."""
    return '"' + hashlib.sha256(ics).hexdigest()[:32] + '"'


RECONNECT = {
    "en": (
        "calfeed: reconnect Google Calendar",
        "Google stopped letting calfeed read your calendar, so new interviews will not get "
        "follow-ups. Open calfeed and connect Google Calendar again.",
    ),
    "id": (
        "calfeed: hubungkan ulang Google Calendar",
        "Google tidak lagi mengizinkan calfeed membaca kalender Anda, jadi wawancara baru tidak "
        "mendapat tindak lanjut. Buka calfeed dan hubungkan Google Calendar lagi.",
    ),
}


def reconnect_notice(user_id: int, lang: str, zone: str, since: datetime) -> Notice:
    """The one feed event asking to reconnect, dated when the grant was found unusable.

    `since` (not "now") fixes its day and stamp, so re-renders keep the bytes and the ETag.
    """
    summary, description = RECONNECT.get(lang, RECONNECT["en"])
    day = since.astimezone(ZoneInfo(zone)).date()
    return Notice(f"reconnect-{user_id}@calfeed", summary, description, day, since)


def render(
    sessions: SessionFactory,
    user_id: int,
    variant: Variant,
    now: datetime,
    *,
    rules_at: str = RULES_DOC,
    save: bool = True,
) -> CachedFeed:
    """Re-render the user's feed from stored data and cache it (the default variant too).

    `rules_at` is where each event points for its rule's paragraph (the service's `/rules`).
    `save=False` writes nothing (no revisions, no cache): the feed of a database that refuses
    writes, rendered from the events and revisions stored, so every variant still answers.

    The default variant is always rendered first because it owns the SEQUENCE/DTSTAMP bookkeeping
    (`revisions`) that every variant shares.
    """
    with session_scope(sessions) as s:
        user = store.get_user(s, user_id)
        if user is None:
            raise NotFound("no such feed")
        version = user.data_version
        settings = store.rule_settings_of(user)
        events, skipped = store.source_events_for_user(s, user_id, limit=MAX_EVENTS_PER_USER)
        marks, lessons = store.answers.reading_inputs(s, user_id, events)
        previous = store.revisions_for_user(s, user_id)
        since = user.last_sync_attempt_at or user.updated_at
        notices = (
            [reconnect_notice(user_id, settings.lang, settings.time_zone, since)]
            if user.needs_reconnect
            else []
        )
        full = build_feed(
            events,
            settings,
            now=now,
            marks=marks,
            revisions=previous,
            notices=notices,
            limit=MAX_FOLLOW_UPS_PER_FEED,
            rules_at=rules_at,
            lessons=lessons,
        )
        changed = {u: r for u, r in full.revisions.items() if previous.get(u) != r}
        if changed and save:
            store.save_revisions(s, user_id, changed)
        result = _cache(s, user_id, DEFAULT.key, full.ics, version, now, save=save)
        if variant != DEFAULT:
            lang_settings = replace(settings, lang=variant.lang) if variant.lang else settings
            notices = (
                [reconnect_notice(user_id, lang_settings.lang, settings.time_zone, since)]
                if user.needs_reconnect
                else []
            )
            out = build_feed(
                events,
                lang_settings,
                now=now,
                marks=marks,
                revisions=full.revisions,
                kinds=variant.kinds,
                notices=notices,
                limit=MAX_FOLLOW_UPS_PER_FEED,
                rules_at=rules_at,
                lessons=lessons,
            )
            result = _cache(s, user_id, variant.key, out.ics, version, now, save=save)
        return result


def _cache(
    s: Session,
    user_id: int,
    key: str,
    ics: bytes,
    version: int,
    now: datetime,
    *,
    save: bool = True,
) -> CachedFeed:
    """Store one rendering (unless `save` is off); Last-Modified moves only when the bytes did."""
    old = store.get_cached_feed(s, user_id, key)
    etag = etag_of(ics)
    stamp = old.rendered_at if old is not None and old.etag == etag else now
    feed = CachedFeed(ics, etag, stamp.astimezone(UTC).replace(microsecond=0), version)
    if save:
        store.put_cached_feed(s, user_id, key, feed)
    return feed
