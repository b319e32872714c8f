"""Generated VTIMEZONEs give every instant the tz database's offset (rule Z1)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Timezone

from calfeed.core.vtimezone import Transition, transitions, vtimezone

ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "Europe/Dublin",  # negative DST in the tz database
    "America/New_York",
    "America/St_Johns",  # -03:30
    "America/Santiago",
    "America/Sao_Paulo",  # DST abolished in 2019
    "Australia/Sydney",  # southern hemisphere, rule changed in 2008
    "Australia/Lord_Howe",  # half-hour DST
    "Pacific/Chatham",  # +12:45
    "Asia/Jakarta",  # no DST at all
    "Asia/Kolkata",
    "Asia/Tehran",
    "Europe/Istanbul",
    "Africa/Casablanca",  # Ramadan changes every year
    "Asia/Jerusalem",
    "UTC",
]


@pytest.mark.parametrize("zone", ZONES)
def test_offsets_match_the_tz_database(zone: str) -> None:
    tz = Timezone.from_ical(vtimezone(zone)).to_tz()
    real = ZoneInfo(zone)
    rnd = random.Random(zone)
    start = datetime(2000, 1, 2, tzinfo=UTC)
    probes = [start + timedelta(seconds=rnd.randrange(45 * 365 * 86400)) for _ in range(1500)]
    # and both sides of every change in the years feeds use
    for change in transitions(zone, 2025, 2029):
        probes += [change.instant - timedelta(seconds=1), change.instant]
    for instant in probes:
        assert instant.astimezone(tz).utcoffset() == instant.astimezone(real).utcoffset(), instant


@pytest.mark.parametrize("zone", ZONES)
def test_shape_every_reader_understands(zone: str) -> None:
    text = vtimezone(zone).decode()
    assert text.startswith(f"BEGIN:VTIMEZONE\r\nTZID:{zone}\r\n") and text.endswith(
        "END:VTIMEZONE\r\n"
    )
    assert "RDATE" not in text  # ical.js ignores DTSTART where RDATEs are present
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75
        if line.startswith("RRULE:") and "UNTIL=" in line:
            assert line.endswith("Z")  # RFC 5545 3.6.5: UNTIL in UTC inside VTIMEZONE


def test_europe_berlin_is_the_classic_two_rules() -> None:
    assert vtimezone("Europe/Berlin") == (
        b"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"
        b"BEGIN:DAYLIGHT\r\nDTSTART:20000326T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
        b"TZNAME:CEST\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n"
        b"BEGIN:STANDARD\r\nDTSTART:20001029T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
        b"TZNAME:CET\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
        b"END:VTIMEZONE\r\n"
    )


def test_sampling_every_two_days_misses_no_change() -> None:
    """`_STEP` is two days: the zones whose changes come closest together read as with 6 hours."""
    from datetime import timedelta

    from calfeed.core import vtimezone

    zones = ("Asia/Gaza", "Asia/Hebron", "Africa/Casablanca", "Africa/Cairo", "Pacific/Fiji")
    coarse = {z: vtimezone.transitions(z) for z in zones}
    fine_step, vtimezone._STEP = vtimezone._STEP, timedelta(hours=6)
    try:
        fine = {z: vtimezone.transitions(z) for z in zones}
    finally:
        vtimezone._STEP = fine_step
    assert coarse == fine


EARLY_AND_LATE = [
    ("America/Caracas", 2000, 2040, datetime(2005, 6, 1, tzinfo=UTC)),  # first change: 2007
    ("Asia/Kolkata", 1949, 2040, datetime(1950, 6, 1, tzinfo=UTC)),  # none since 1945
    ("Asia/Kathmandu", 1984, 2040, datetime(1985, 6, 1, tzinfo=UTC)),  # +05:30 until 1986
    ("America/Los_Angeles", 1909, 2040, datetime(1910, 6, 1, tzinfo=UTC)),  # no DST until 1918
    ("Africa/Casablanca", 2000, 2069, datetime(2068, 3, 1, tzinfo=UTC)),  # planned to 2087
    ("Africa/Casablanca", 2000, 2046, datetime(2045, 8, 11, 10, tzinfo=UTC)),
]


@pytest.mark.parametrize(("zone", "first", "last", "instant"), EARLY_AND_LATE)
def test_a_span_with_a_lead_covers_early_and_late_instants(
    zone: str, first: int, last: int, instant: datetime
) -> None:
    """Regression: instants before a zone's first change had no rule (ical.js read them as UTC) and
    definitions stopped at 2040 (Casablanca's planned changes lost)."""
    text = vtimezone(zone, first, last, lead=True)
    tz = Timezone.from_ical(text).to_tz(lookup_tzid=False)
    real = ZoneInfo(zone)
    probes = [instant + timedelta(days=d) for d in range(0, 400, 3)]
    for probe in probes:
        assert probe.astimezone(tz).utcoffset() == probe.astimezone(real).utcoffset(), probe
    first_observance = text.decode().split("BEGIN:", 2)[2]
    assert f"DTSTART:{first}0101T000000" in first_observance  # begins at its start, offset then


def test_the_default_definitions_do_not_change() -> None:
    """Readers cache a TZID's first definition: feeds within 2000-2040 keep the one they had."""
    assert vtimezone("Europe/Berlin", 2000, 2040, False) == vtimezone("Europe/Berlin")
    assert b"DTSTART:19700101T053000" in vtimezone("Asia/Kolkata")


def _sampled_as_instants(zone: str, first_year: int, last_year: int) -> list[Transition]:
    """The changes found the plain way: the offset of an instant every two days, bisected."""
    tz = ZoneInfo(zone)
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    found = []
    offset = moment.astimezone(tz).utcoffset()
    while moment < end:
        step = moment + timedelta(days=2)
        after = step.astimezone(tz).utcoffset()
        if after != offset:
            lo, hi = moment, step
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if mid.astimezone(tz).utcoffset() == offset else (lo, mid)
            hi = hi.replace(microsecond=0)
            local = hi.astimezone(tz)
            found.append(Transition(hi, offset, after, local.tzname() or "", bool(local.dst())))  # type: ignore[arg-type]
            offset = after
        moment = step
    return found


#: besides ZONES: the closest changes (Gaza, Hebron, Casablanca's Ramadan), the widest offsets
#: (Kiritimati +14:00, Manila's old -15:56), offsets not in whole minutes (Monrovia until 1972)
SAMPLED_ZONES = [
    *ZONES,
    "Asia/Gaza",
    "Asia/Hebron",
    "Africa/Cairo",
    "Pacific/Fiji",
    "Pacific/Kiritimati",
    "Pacific/Apia",  # skipped 30 December 2011: a change of a whole day
    "Asia/Manila",
    "Africa/Monrovia",
    "America/Adak",
    "Antarctica/Troll",  # +02:00 DST of a UTC zone
]


@pytest.mark.parametrize("zone", SAMPLED_ZONES)
@pytest.mark.parametrize(("first", "last"), [(2000, 2040), (1900, 2100)])
def test_wall_samples_find_what_instant_samples_find(zone: str, first: int, last: int) -> None:
    """`transitions` samples wall times and asks instants only near a change; it finds the very
    changes that asking an instant every two days finds (checked for every zone of the tz
    database, both spans, when this was written)."""
    assert transitions(zone, first, last) == _sampled_as_instants(zone, first, last)
