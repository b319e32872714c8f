"""SEQUENCE and DTSTAMP bookkeeping: what subscribers already saw of each follow-up.

RFC 5545 wants SEQUENCE raised when an event's time changes and DTSTAMP/LAST-MODIFIED to say when
it last changed. Both need memory of the previous feed, so this is a pure function from the old
bookkeeping (kept by the store) plus today's follow-ups to the new bookkeeping.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from calfeed.core.feed import FeedEvent
from calfeed.core.model import Revision


def fingerprint(item: FeedEvent) -> str:
    """A digest of everything a subscriber sees of the event, apart from the bookkeeping itself."""
    parts = (
        item.summary,
        item.description,
        item.start.isoformat(),
        item.end.isoformat(),
        item.url or "",
        "\x1e".join(item.categories),
        item.related_to or "",
        item.alarm or "",
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _utc(value: object) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)  # type: ignore[attr-defined]


def revise(
    previous: Mapping[str, Revision], items: Iterable[FeedEvent], now: datetime
) -> dict[str, Revision]:
    """The bookkeeping after publishing `items` at `now`.

    New follow-ups start at SEQUENCE 0 stamped `now`; a changed time raises SEQUENCE; any other
    change only moves the stamp; an unchanged one keeps its revision, so the bytes stay the same.
    Revisions of follow-ups that left the feed are kept: if one comes back, it continues its
    sequence instead of restarting at 0, which clients would ignore as stale.
    """
    result = dict(previous)
    for item in items:
        digest = fingerprint(item)
        start = _utc(item.start)
        old = previous.get(item.uid)
        if old is None:
            result[item.uid] = Revision(0, now, start, digest)
        elif old.fingerprint != digest:
            moved = old.start != start
            result[item.uid] = Revision(old.sequence + (1 if moved else 0), now, start, digest)
    return result
