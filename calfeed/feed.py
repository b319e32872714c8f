"""Follow-up events -> the bytes of an RFC 5545 calendar that every calendar app reads the same way.

Deterministic on purpose: the same input gives byte-identical output (stable UIDs, stamps taken
from when a follow-up last changed, sorted events, no `now`), so ETags stay stable across processes
and subscribers never see duplicates.

Decisions:
- No METHOD. A subscribed feed is not an iTIP message; METHOD:PUBLISH would oblige an ORGANIZER on
  every event (RFC 5546 section 3.2.1) and makes some clients offer "import" instead of "subscribe".
- No SOURCE: it would repeat the secret feed address inside the feed.
- Times carry TZID with one VTIMEZONE per zone, generated from the tz database for just the span the
  events cover (Z1). Its transitions are listed as DTSTART/RDATE, which ical.js, icalendar and
  vobject read to the same instants (proved by tests/test_readers.py).
- Follow-ups are TRANSP:TRANSPARENT: a reminder to write an e-mail must not mark the user busy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from icalendar import Alarm, Calendar, Event, Timezone, vDuration

PRODID = "-//calfeed//calfeed follow-ups 1.0//EN"


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One VEVENT, already decided: the feed only writes it down."""

    uid: str
    summary: str
    description: str
    start: datetime | date
    end: datetime | date
    stamp: datetime
    sequence: int = 0
    url: str | None = None
    categories: tuple[str, ...] = ()
    related_to: str | None = None
    alarm: str | None = None  # the reminder's text (rule T4); None: no VALARM


@lru_cache(maxsize=256)
def _vtimezone(zone: str, first: date, last: date) -> bytes:
    """A VTIMEZONE for `zone` covering first..last (cached: feeds repeat the same few zones)."""
    return Timezone.from_tzid(zone, first_date=first, last_date=last).to_ical()


def _zone_of(value: datetime | date) -> str | None:
    if isinstance(value, datetime) and value.tzinfo is not None:
        key = getattr(value.tzinfo, "key", None)
        return key if key and key != "UTC" else None
    return None


def _unambiguous(value: datetime | date) -> datetime | date:
    """The value to write: in UTC when its wall time occurs twice (the second of a DST fold).

    RFC 5545 section 3.3.5 reads a repeated local time with TZID as its first occurrence, so the
    second one can only be published exactly as a UTC time.
    """
    repeated = isinstance(value, datetime) and value.fold == 1
    if repeated and value.replace(fold=0).utcoffset() != value.utcoffset():  # type: ignore[union-attr]
        return value.astimezone(UTC)  # type: ignore[union-attr]
    return value


def _clean(text: str) -> str:
    """No bare CR and no control characters in a text value (they break some readers)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or (ord(c) >= 32 and ord(c) != 127))


def _event(item: FeedEvent) -> Event:
    ev = Event()
    ev.add("uid", item.uid)
    ev.add("dtstamp", item.stamp.astimezone(UTC))
    ev.add("last-modified", item.stamp.astimezone(UTC))
    ev.add("sequence", item.sequence)
    ev.add("dtstart", _unambiguous(item.start))
    ev.add("dtend", _unambiguous(item.end))
    ev.add("summary", " ".join(_clean(item.summary).split())[:250])
    ev.add("description", _clean(item.description))
    if item.url:
        ev.add("url", item.url)
    if item.categories:
        ev.add("categories", list(item.categories))
    if item.related_to:
        ev.add("related-to", item.related_to)
    ev.add("transp", "TRANSPARENT")
    ev.add("class", "PRIVATE")
    if item.alarm:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", " ".join(_clean(item.alarm).split())[:250])
        alarm.add("trigger", timedelta(0))
        ev.add_component(alarm)
    return ev


def render_feed(
    events: Sequence[FeedEvent],
    *,
    name: str,
    description: str,
    refresh: timedelta = timedelta(hours=1),
) -> bytes:
    """The calendar's bytes: CRLF lines folded at 75 octets, UTF-8, events in a stable order."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("x-wr-caldesc", description)
    cal.add("description", description)
    cal.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(refresh))

    spans: dict[str, list[date]] = {}
    for item in events:
        for value in (item.start, item.end):
            zone = _zone_of(value)
            if zone is not None:
                spans.setdefault(zone, []).append(value.date())  # type: ignore[union-attr]
    ordered = sorted(events, key=lambda e: (_instant(e.start), e.uid))
    body = b"".join(_event(item).to_ical() for item in ordered)
    zones = b"".join(
        _vtimezone(zone, min(days) - timedelta(days=1), max(days) + timedelta(days=1))
        for zone, days in sorted(spans.items())
    )
    closing = b"END:VCALENDAR\r\n"
    head = cal.to_ical().removesuffix(closing)
    return head + zones + body + closing


def _instant(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
