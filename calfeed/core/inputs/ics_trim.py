"""Cutting an oversized .ics file down to a cap of events before it is parsed.

A calendar address can hold 100,000 events in 8.5 MB; parsing all of them into icalendar objects
and SourceEvents took minutes and hundreds of megabytes before anything could refuse them. So the
raw bytes are scanned first (one regular-expression pass, no objects per property): each VEVENT
block's DTSTART date and whether it repeats. Blocks are kept in this order until the cap is
reached: every recurring series (its expansion is bounded by `rrule_bound` later), then one-off
events inside the read window nearest to `now`; events wholly outside the window are dropped
(the reader would drop them anyway). Everything outside the VEVENT blocks (the VCALENDAR
wrapper, VTIMEZONE definitions) is kept byte for byte, and the kept blocks keep their file order,
so the reader sees a smaller file of the same shape.

A file at or under the cap is returned untouched (the same bytes object), so ordinary calendars
pay one scan and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

#: a VEVENT block, from its BEGIN line to the end of its END line (names are case-insensitive)
_BLOCK = re.compile(
    rb"^BEGIN:VEVENT[ \t]*\r?$.*?^END:VEVENT[ \t]*(?:\r?\n|\Z)", re.IGNORECASE | re.M | re.S
)
#: the date of a DTSTART line (the value after the last colon of the line: yyyymmdd)
_START = re.compile(rb"^DTSTART[;:][^\r\n]*?:?(\d{8})(?:T\d{6}Z?)?[ \t]*\r?$", re.I | re.M)
_REPEATS = re.compile(rb"^(?:RRULE|RDATE)[;:]", re.IGNORECASE | re.M)
#: a one-off event's date may be a local date up to a day either side of UTC
_SLACK = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class Trimmed:
    """The bytes to parse and what was cut: `total` VEVENT blocks found, `kept` of them left."""

    data: bytes
    total: int
    kept: int

    @property
    def cut(self) -> bool:
        return self.kept < self.total


def trim_events(
    data: bytes,
    *,
    max_events: int,
    now: datetime,
    window_start: datetime,
    window_end: datetime,
) -> Trimmed:
    """`data` with at most `max_events` VEVENT blocks (see the module docstring)."""
    spans = [(m.start(), m.end()) for m in _BLOCK.finditer(data)]
    if len(spans) <= max_events:
        return Trimmed(data, len(spans), len(spans))
    first, last = (window_start - _SLACK).date(), (window_end + _SLACK).date()
    today = now.date()
    ranked: list[tuple[int, int, int]] = []  # (rank, file position, index): lower rank first
    for index, (start, end) in enumerate(spans):
        block = data[start:end]
        if _REPEATS.search(block):
            ranked.append((-1, index, index))
            continue
        day = _start_date(block)
        if day is None:
            ranked.append((0, index, index))  # the reader says why it is unreadable
        elif first <= day <= last:
            ranked.append((abs((day - today).days), index, index))
        # else: wholly outside the window, never stored
    ranked.sort()
    keep = sorted(index for _rank, _pos, index in ranked[:max_events])
    pieces: list[bytes] = []
    cursor = 0
    kept = iter(keep)
    wanted = next(kept, None)
    for index, (start, end) in enumerate(spans):
        pieces.append(data[cursor:start])  # what lies between blocks: the wrapper, time zones
        if index == wanted:
            pieces.append(data[start:end])
            wanted = next(kept, None)
        cursor = end
    pieces.append(data[cursor:])
    return Trimmed(b"".join(pieces), len(spans), len(keep))


def _start_date(block: bytes) -> date | None:
    found = _START.search(block)
    if found is None:
        return None
    text = found.group(1)
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
