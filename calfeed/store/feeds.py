"""What a feed needs besides events: SEQUENCE/DTSTAMP bookkeeping per follow-up (revisions) and
the rendered feed bytes per variant (the cache a poll answers from).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from calfeed.core.model import Revision
from calfeed.store.db import upsert
from calfeed.store.schema import (
    FeedCache,
    RevisionRow,
)


def revisions_for_user(session: Session, user_id: int) -> dict[str, Revision]:
    rows = session.scalars(select(RevisionRow).where(RevisionRow.user_id == user_id))
    return {
        r.uid: Revision(
            sequence=r.sequence, changed_at=r.changed_at, start=r.start, fingerprint=r.fingerprint
        )
        for r in rows
    }


def save_revisions(session: Session, user_id: int, revisions: Mapping[str, Revision]) -> None:
    """Upsert; revisions of follow-ups that went away are kept, so SEQUENCE never goes back."""
    upsert(
        session,
        RevisionRow.__table__,  # type: ignore[arg-type]
        [
            {
                "user_id": user_id,
                "uid": uid,
                "sequence": r.sequence,
                "changed_at": r.changed_at,
                "start": r.start,
                "fingerprint": r.fingerprint,
            }
            for uid, r in sorted(revisions.items())
        ],
        keys=("user_id", "uid"),
        update=("sequence", "changed_at", "start", "fingerprint"),
    )


@dataclass(frozen=True, slots=True)
class CachedFeed:
    ics: bytes
    etag: str
    rendered_at: datetime
    source_version: int


def get_cached_feed(session: Session, user_id: int, variant: str) -> CachedFeed | None:
    row = session.get(FeedCache, (user_id, variant))
    if row is None:
        return None
    return CachedFeed(row.ics, row.etag, row.rendered_at, row.source_version)


def put_cached_feed(session: Session, user_id: int, variant: str, feed: CachedFeed) -> None:
    """Store a rendered variant; concurrent writers from several processes simply overwrite."""
    upsert(
        session,
        FeedCache.__table__,  # type: ignore[arg-type]
        [
            {
                "user_id": user_id,
                "variant": variant,
                "ics": feed.ics,
                "etag": feed.etag,
                "rendered_at": feed.rendered_at,
                "source_version": feed.source_version,
            }
        ],
        keys=("user_id", "variant"),
        update=("ics", "etag", "rendered_at", "source_version"),
    )


def drop_cached_feeds(session: Session, user_id: int) -> None:
    session.execute(delete(FeedCache).where(FeedCache.user_id == user_id))
