"""Feeds built from other projects' calendars read to the same instants in every reader.

A sample of ../shared/corpus/ics (every SAMPLE_EVERY-th file that holds timed events) is read with
calfeed's reader over 1900-2100; each event is retitled as an interview, keeping its zone and wall
time, and copied into zones whose changes lie early or late (Caracas 2005, Kolkata 1950, Kathmandu
1985, Los Angeles 1910, Casablanca 2045 and 2068). The feed built from them with the real pipeline
is read by icalendar (by zone name and through the feed's own VTIMEZONEs), vobject, ical.js and
node-ical (under two process zones); every follow-up must come back at the engine's instant.

Before the fix, VTIMEZONEs began at the zone's first change after 2000 and ended at 2040: ical.js
read the early instants as UTC (Caracas -4 h, Kolkata +5:30), vobject was 30 and 15 minutes off,
and five readers were an hour off in Casablanca's 2045 and 2067-70.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject

from calfeed.core.inputs.google_json import events_from_payload
from calfeed.core.inputs.ics import read_ics
from calfeed.core.model import RuleSettings, SourceEvent
from calfeed.core.pipeline import FeedResult, build_feed
from calfeed.errors import SourceError
from tests.core.test_readers import (
    JS_DIR,
    icalendar_instants,
    interview,
    listing,
    misreads,
    vobject_instants,
)
from tests.support.ics_corpus import CORPUS, corpus_files, require_corpus

SAMPLE_EVERY = 9
PER_FILE = 2
#: zones whose changes lie before or after the default span, and a year in that stretch
EARLY_AND_LATE = [
    ("America/Caracas", 2005),  # first change after 2000 is in 2007
    ("Asia/Kolkata", 1950),  # no change since 1945
    ("Asia/Kathmandu", 1985),  # +05:30 until 1986
    ("America/Los_Angeles", 1910),  # LMT until 1883, no DST until 1918
    ("Africa/Casablanca", 2045),  # Ramadan changes planned to 2087
    ("Africa/Casablanca", 2068),
]
WIDE = {
    "window_start": datetime(1900, 1, 1, tzinfo=UTC),
    "window_end": datetime(2100, 1, 1, tzinfo=UTC),
}


def _timed_events(name: str) -> list[SourceEvent]:
    try:
        read = read_ics((CORPUS / name).read_bytes(), calendar_id="corpus", **WIDE)
    except SourceError:
        return []
    timed = [e for e in read.events if isinstance(e.start, datetime)]
    return [e for e in timed if 1900 < e.start.year < 2099][:PER_FILE]


@cache
def sample() -> tuple[SourceEvent, ...]:
    """The corpus events the feed is built from (deterministic: MANIFEST order)."""
    files = [f for f in corpus_files() if f.endswith(".ics")]
    events: list[SourceEvent] = []
    for name in files[::SAMPLE_EVERY]:
        events += _timed_events(name)
    return tuple(events)


def _wall(event: SourceEvent) -> tuple[str, datetime]:
    zone = event.time_zone or "UTC"
    assert isinstance(event.start, datetime)
    return zone, event.start.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


@cache
def corpus_feed() -> FeedResult:
    """The sample retitled as interviews, in its own zones and in the early/late ones."""
    items = []
    for n, event in enumerate(sample()):
        zone, wall = _wall(event)
        title = f"Interview with Acme{n} - Analyst"
        items.append(interview(zone, wall.isoformat(), title, f"hr{n}@acme{n}.example"))
        early, year = EARLY_AND_LATE[n % len(EARLY_AND_LATE)]
        moved = wall.replace(year=year, day=min(wall.day, 28))
        items.append(interview(early, moved.isoformat(), title, f"hr{n}@acme{n}.example"))
    events, skipped = events_from_payload(listing(items, "UTC"), calendar_id="me@example.com")
    assert not skipped, skipped
    return build_feed(events, RuleSettings(time_zone="UTC"))


def engine_instants() -> dict[str, Any]:
    from tests.core.test_readers import Expected

    return {
        f.uid: Expected(int(f.start.timestamp()), int(f.end.timestamp()), "", None, None)
        for f in corpus_feed().follow_ups
    }


@pytest.fixture(scope="module", autouse=True)
def _corpus() -> Iterator[None]:
    require_corpus()
    yield
    # vobject keeps every TZID it read process-wide: leave no definition for later tests
    vars(vobject.icalendar)["__tzidMap"].clear()


def test_the_sample_covers_early_and_late_zones() -> None:
    """Guard: the comparison below must hold many events, in every early and late zone."""
    result = corpus_feed()
    assert len(sample()) >= 40
    zones = {f.interview.zone for f in result.follow_ups}
    assert {z for z, _ in EARLY_AND_LATE} <= zones
    years = {f.start.year for f in result.follow_ups}
    assert min(years) <= 1911 and max(years) >= 2068
    assert len(result.follow_ups) >= len(sample())


def test_icalendar_reads_every_instant() -> None:
    got = icalendar_instants(corpus_feed().ics, own_vtimezones=False)
    assert misreads(engine_instants(), got) == []


def test_icalendar_reads_every_instant_through_the_feeds_vtimezones() -> None:
    got = icalendar_instants(corpus_feed().ics, own_vtimezones=True)
    assert misreads(engine_instants(), got) == []


def test_vobject_reads_every_instant() -> None:
    assert misreads(engine_instants(), vobject_instants(corpus_feed().ics)) == []


def _node(script: str, package: str) -> Callable[[bytes, str], dict[str, Any]]:
    problems = []
    node = shutil.which("node")
    if node is None:
        problems.append("node is not on PATH")
    if not (JS_DIR / "node_modules" / package / "package.json").is_file():
        problems.append(
            f"tests/js/node_modules/{package} is missing (run: npm ci --prefix tests/js)"
        )
    if problems:
        message = "; ".join(problems)
        if os.environ.get("CALFEED_REQUIRE_NODE") == "1":
            pytest.fail(f"the {package} reader is required (CALFEED_REQUIRE_NODE=1) but: {message}")
        pytest.skip(f"{package} reader unavailable: {message}")
    assert node is not None

    def read(ics: bytes, zone: str) -> dict[str, Any]:
        run = subprocess.run(
            [node, str(JS_DIR / script)],
            input=ics,
            capture_output=True,
            cwd=JS_DIR,
            timeout=120,
            env={**os.environ, "TZ": zone},
        )
        assert run.returncode == 0, run.stderr.decode(errors="replace")
        return json.loads(run.stdout)

    return read


def _value(detail: dict[str, Any]) -> int | date:
    if detail["is_date"]:
        return date.fromisoformat(detail["local"][:10])
    return int(detail["epoch"])


@pytest.mark.node
def test_icaljs_reads_every_instant() -> None:
    read = _node("read_feed.mjs", "ical.js")(corpus_feed().ics, "UTC")
    got = {e["uid"]: (_value(e["start_detail"]), _value(e["end_detail"])) for e in read["events"]}
    unresolved = [e["uid"] for e in read["events"] if e["start_detail"]["unresolved"]]
    assert unresolved == []
    assert misreads(engine_instants(), got) == []


def _without_vtimezones(ics: bytes) -> bytes:
    lines, inside = [], False
    for line in ics.split(b"\r\n"):
        inside = inside or line == b"BEGIN:VTIMEZONE"
        if not inside:
            lines.append(line)
        inside = inside and line != b"END:VTIMEZONE"
    return b"\r\n".join(lines)


@pytest.mark.node
@pytest.mark.parametrize("process_zone", ["UTC", "America/Los_Angeles"])
def test_node_ical_reads_every_instant(process_zone: str) -> None:
    """node-ical resolves an IANA TZID by its name (through temporal-polyfill), not through the
    feed's VTIMEZONE, and 0.26.1 reads Casablanca's +00 months after 2037 an hour late even in a
    feed with no VTIMEZONE at all. Such misreads are its own: each must be the same in that
    control feed, and only in Casablanca; every other instant must be the engine's."""
    read = _node("read_feed_node_ical.mjs", "node-ical")
    feed = corpus_feed()
    got = {
        e["uid"]: (_value(e["start"]), _value(e["end"]))
        for e in read(feed.ics, process_zone)["events"]
    }
    want = engine_instants()
    control = {
        e["uid"]: (_value(e["start"]), _value(e["end"]))
        for e in read(_without_vtimezones(feed.ics), process_zone)["events"]
    }
    zones = {f.uid: f.interview.zone for f in feed.follow_ups}
    own = {uid for uid in want if got[uid] != (want[uid].start, want[uid].end)}
    assert {zones[uid] for uid in own} <= {"Africa/Casablanca"}
    assert all(got[uid] == control[uid] for uid in own)  # the VTIMEZONE played no part
    assert (
        misreads(
            {u: w for u, w in want.items() if u not in own},
            {u: g for u, g in got.items() if u not in own},
        )
        == []
    )
