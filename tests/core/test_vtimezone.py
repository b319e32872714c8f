"""Generated VTIMEZONEs give every instant the tz database's offset (rule Z1)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Timezone

from calfeed.core.vtimezone import transitions, vtimezone

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
