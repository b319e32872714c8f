"""Follow-up events -> the bytes of an RFC 5545 calendar that every calendar app reads the same way.

Deterministic on purpose: the same input gives byte-identical output (stable UIDs, stamps taken
from when a follow-up last changed, sorted events, no `now`), so ETags stay stable across processes
and subscribers never see duplicates.

Decisions:
- No METHOD. A subscribed feed is not an iTIP message; METHOD:PUBLISH would oblige an ORGANIZER on
  every event (RFC 5546 section 3.2.1) and makes some clients offer "import" instead of "subscribe".
- No SOURCE: it would repeat the secret feed address inside the feed.
- Times carry TZID with one VTIMEZONE per zone (Z1) in the yearly-RRULE shape every reader agrees
  on (see calfeed/vtimezone.py); a wall time that occurs twice is written in UTC instead.
  ical.js, icalendar and vobject read every event to the same instants (tests/test_readers.py).
- Follow-ups are TRANSP:TRANSPARENT: a reminder to write an e-mail must not mark the user busy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vDuration

from calfeed.vtimezone import vtimezone

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


def _unambiguous(value: datetime | date) -> datetime | date:
    """The value to write: in UTC when its wall time occurs twice (a fall-back night).

    RFC 5545 section 3.3.5 reads a repeated local time with TZID as its first occurrence, but
    ical.js reads it as the second, so either occurrence is only unambiguous as a UTC time.
    """
    if isinstance(value, datetime):
        other = value.replace(fold=1 - value.fold)
        if other.utcoffset() != value.utcoffset():
            return value.astimezone(UTC)
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

    ordered = sorted(events, key=lambda e: (_instant(e.start), e.uid))
    built = [_event(item) for item in ordered]
    used = {
        str(prop.params["TZID"])
        for ev in built
        for prop in (ev["DTSTART"], ev["DTEND"])
        if "TZID" in prop.params
    }
    zones = b"".join(vtimezone(zone) for zone in sorted(used))
    body = b"".join(ev.to_ical() for ev in built)
    closing = b"END:VCALENDAR\r\n"
    head = cal.to_ical().removesuffix(closing)
    return head + zones + body + closing


def _instant(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
