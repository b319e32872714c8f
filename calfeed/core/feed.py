"""Follow-up events -> the bytes of an RFC 5545 calendar that every calendar app reads the same way.

Deterministic on purpose: the same input gives byte-identical output (stable UIDs, stamps taken
from when a follow-up last changed, sorted events, no `now`), so ETags stay stable across processes
and subscribers never see duplicates.

Decisions:
- No METHOD. A subscribed feed is not an iTIP message; METHOD:PUBLISH would oblige an ORGANIZER on
  every event (RFC 5546 section 3.2.1) and makes some clients offer "import" instead of "subscribe".
- No SOURCE: it would repeat the secret feed address inside the feed.
- Times carry TZID with one VTIMEZONE per zone (Z1) in the yearly-RRULE shape every reader agrees
  on (see calfeed/core/vtimezone.py); a wall time that occurs twice is written in UTC instead.
  ical.js, icalendar and vobject read every event to the same instants (tests/core/test_readers.py).
- Follow-ups are TRANSP:TRANSPARENT: a reminder to write an e-mail must not mark the user busy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from calfeed.core.vtimezone import FIRST_YEAR, LAST_YEAR, changes, vtimezone

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


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu"})


def _clean(text: str) -> str:
    """No bare CR and no control characters in a text value (they break some readers)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def _one_line(text: str, limit: int = 250) -> str:
    return " ".join(_clean(text).split())[:limit]


def _text(value: str) -> str:
    """RFC 5545 3.3.11 TEXT escaping."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> bytes:
    """One content line as bytes, folded at 75 octets (RFC 5545 3.1) without splitting a
    UTF-8 character or an escape sequence, CRLF-terminated."""
    raw = line.encode()
    n = len(raw)
    if n < 75:
        return raw + b"\r\n"
    ascii = n == len(line)  # one byte per character: no character to keep whole
    if ascii and b"\\" not in raw and b"^" not in raw:  # nor an escape: cut every 74 octets
        return b"\r\n ".join([raw[i : i + 74] for i in range(0, n, 74)]) + b"\r\n"
    pieces, i = [], 0
    while n - i >= 75:
        j = i + 74
        if not ascii:
            while raw[j] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
                j -= 1
        if j - i > 1 and raw[j - 1] in b"\\^":  # keep "\n", "\," and "^n" in one piece
            j -= 1
        pieces.append(raw[i:j])
        i = j
    pieces.append(raw[i:])
    return b"\r\n ".join(pieces) + b"\r\n"


def _zone_name(value: datetime) -> str | None:
    """The TZID to write, or None for a UTC time."""
    key = getattr(value.tzinfo, "key", None)
    return None if key is None or key in _UTC_NAMES else key


def _when(name: str, value: datetime | date) -> tuple[str, str | None]:
    if not isinstance(value, datetime):
        return f"{name};VALUE=DATE:{value:%Y%m%d}", None
    zone = _zone_name(value)
    if zone is None:
        return f"{name}:{value.astimezone(UTC):%Y%m%dT%H%M%SZ}", None
    return f"{name};TZID={zone}:{value:%Y%m%dT%H%M%S}", zone


@lru_cache(maxsize=64)
def _categories(categories: tuple[str, ...]) -> bytes:
    """The CATEGORIES line: a feed's events share a few pairs, written once each."""
    return _fold("CATEGORIES:" + ",".join(_text(c) for c in categories))


@lru_cache(maxsize=64)
def _alarm(text: str) -> bytes:
    """The VALARM block (rule T4: one reminder at the start); its text is one per kind."""
    lines = ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:" + _text(_one_line(text))]
    return b"".join(map(_fold, [*lines, "TRIGGER:P0D", "END:VALARM"]))


def event_bytes(item: FeedEvent) -> tuple[bytes, set[str]]:
    """One VEVENT's bytes and the zones it names.

    Written directly rather than through icalendar's Event: building a component per event made
    rendering six times slower than icalendar serializing as many plain events (bench/engine.py).
    tests/core/test_feed_writer.py proves the bytes equal icalendar's serialization of the event.
    The lines every event has alike are written once, as bytes.
    """
    start, start_zone = _when("DTSTART", _unambiguous(item.start))
    end, end_zone = _when("DTEND", _unambiguous(item.end))
    stamp = f"{item.stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}\r\n".encode()
    parts = [
        b"BEGIN:VEVENT\r\n",
        _fold("SUMMARY:" + _text(_one_line(item.summary))),
        _fold(start),
        _fold(end),
        b"DTSTAMP:" + stamp,
        _fold("UID:" + _text(item.uid)),
        _fold(f"SEQUENCE:{item.sequence}"),
    ]
    if item.categories:
        parts.append(_categories(item.categories))
    parts += [
        b"CLASS:PRIVATE\r\n",
        _fold("DESCRIPTION:" + _text(_clean(item.description))),
        b"LAST-MODIFIED:" + stamp,
    ]
    if item.related_to:
        parts.append(_fold("RELATED-TO:" + _text(_one_line(item.related_to, 1000))))
    parts.append(b"TRANSP:TRANSPARENT\r\n")
    if item.url:
        parts.append(_fold("URL:" + item.url))
    if item.alarm:
        parts.append(_alarm(item.alarm))
    parts.append(b"END:VEVENT\r\n")
    zones = {z for z in (start_zone, end_zone) if z}
    return b"".join(parts), zones


def render_feed(
    events: Sequence[FeedEvent],
    *,
    name: str,
    description: str,
    refresh: timedelta = timedelta(hours=1),
) -> bytes:
    """The calendar's bytes: CRLF lines folded at 75 octets, UTF-8, events in a stable order."""
    ordered = sorted(events, key=lambda e: (_instant(e.start), e.uid))
    used: set[str] = set()
    chunks = []
    for item in ordered:
        chunk, named = event_bytes(item)
        chunks.append(chunk)
        used |= named
    spans = _spans(ordered)
    zones = [vtimezone(zone, *spans.get(zone, _DEFAULT_SPAN)) for zone in sorted(used)]
    head = calendar_head(name, description, refresh)
    return b"".join([head, *zones, *chunks, b"END:VCALENDAR\r\n"])  # one copy of the events


def duration(value: timedelta) -> str:
    """An RFC 5545 3.3.6 DURATION, written as icalendar's vDuration writes it ("PT1H", "P1DT5S")."""
    sign = ""
    if value.days < 0:
        sign, value = "-", -value
    time = ""
    if value.seconds:
        hours, rest = divmod(value.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        time = "T" + (f"{hours}H" if hours else "")
        time += f"{minutes}M" if minutes or (hours and seconds) else ""
        time += f"{seconds}S" if seconds else ""
    if value.days == 0 and time:
        return f"{sign}P{time}"
    return f"{sign}P{value.days}D{time}"


def calendar_head(name: str, description: str, refresh: timedelta) -> bytes:
    """The VCALENDAR's opening and properties, in icalendar's canonical order.

    Written directly, like the events: building an icalendar Calendar for these nine lines cost
    the import of icalendar (about 45 ms of a `calfeed feed` run) and nothing else.
    tests/core/test_feed_writer.py proves the bytes equal icalendar's serialization. The X- and
    NAME values are written verbatim (icalendar's UNKNOWN type: no TEXT escaping).

    Raises:
        ValueError: the name or description holds a line break, which a verbatim value cannot.
    """
    if any(c in text for text in (name, description) for c in "\r\n"):
        raise ValueError("a calendar's name and description are single lines")
    every = duration(refresh)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:" + _text(PRODID),
        "CALSCALE:GREGORIAN",
        "DESCRIPTION:" + _text(description),
        "X-WR-CALDESC:" + description,
        "NAME:" + name,
        "X-WR-CALNAME:" + name,
        "REFRESH-INTERVAL;VALUE=DURATION:" + every,
        "X-PUBLISHED-TTL:" + every,
    ]
    return b"".join(map(_fold, lines))


#: zone definitions go back at most this far (the tz database's history is patchy before it)
EARLIEST_YEAR = 1900
#: ... and forward at most this far: the tz database plans changes to 2087 (Casablanca) and writes
#: a yearly rule after its table, which the open-ended last observances already are
LATEST_YEAR = 2100
_DEFAULT_SPAN = (FIRST_YEAR, LAST_YEAR, False)


def _spans(events: Sequence[FeedEvent]) -> dict[str, tuple[int, int, bool]]:
    """Per zone, the span its definition covers: (first year, last year, lead) for `vtimezone`.

    The definitions cover FIRST_YEAR..LAST_YEAR; a feed holding older instants (Berlin in 1999)
    gets one beginning the year before them, one holding later instants (Casablanca in 2067) one
    reaching their year, and one holding an instant before the zone's first change in the span
    (Caracas in 2005, Kathmandu in 1985) one that begins with the offset then in force, so every
    reader finds the same offset for every instant.
    """
    earliest: dict[str, datetime] = {}
    latest: dict[str, int] = {}
    for item in events:
        for value in (item.start, item.end):
            zone = getattr(value, "tzinfo", None)
            if isinstance(zone, ZoneInfo) and isinstance(value, datetime):
                moment = value.astimezone(UTC)
                if zone.key not in earliest or moment < earliest[zone.key]:
                    earliest[zone.key] = moment
                year = min(LATEST_YEAR, value.year + 1)
                latest[zone.key] = max(latest.get(zone.key, LAST_YEAR), year)
    spans: dict[str, tuple[int, int, bool]] = {}
    for zone, first in earliest.items():
        first_year = min(FIRST_YEAR, max(EARLIEST_YEAR, first.year - 1))
        last_year = latest[zone]
        found = changes(zone, first_year, last_year)
        spans[zone] = (first_year, last_year, bool(found) and first < found[0].instant)
    return spans


def _instant(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
