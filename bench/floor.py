"""The floor the benchmarks compare calfeed against: icalendar alone serializing plain events.

Apart from bench/engine.py on purpose: bench/feed_process.py times the floor as a whole process,
and a floor that imported the engine's module would also import calfeed's core (about 0.2 s of
imports that icalendar alone does not pay), hiding start-up costs in both numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event


def plain_events(count: int) -> list[tuple[str, datetime, datetime, datetime, str]]:
    """The floor's input: UID, DTSTAMP, DTSTART, DTEND, SUMMARY for `count` events."""
    base = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    return [
        (
            f"plain-{i:05d}@bench",
            base,
            base + timedelta(hours=5 * i),
            base + timedelta(hours=5 * i, minutes=15),
            f"Send thank-you: Company {i % 97} - Role {i % 13}",
        )
        for i in range(count)
    ]


def serialize_plain(rows: list[tuple[str, datetime, datetime, datetime, str]]) -> bytes:
    """icalendar alone: a calendar of plain events, the least any icalendar-based feed costs."""
    cal = Calendar()
    cal.add("prodid", "-//bench//floor//EN")
    cal.add("version", "2.0")
    for uid, stamp, start, end, summary in rows:
        ev = Event()
        ev.add("uid", uid)
        ev.add("dtstamp", stamp)
        ev.add("dtstart", start)
        ev.add("dtend", end)
        ev.add("summary", summary)
        cal.add_component(ev)
    return cal.to_ical()
