"""Shapes other projects' exports take (../shared/corpus/ics showed each), read as a person would.

Each test is the regression test of one way calfeed misread or refused a real file:
bare-CR line ends (Lotus Notes), UTF-16/32 (Windows Calendar), Outlook display-name zones without
a VTIMEZONE (Exchange 2010 OWA), DTEND of the other type than DTSTART, DTEND with DURATION, and
library wording that reached the user.
"""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from calfeed.core.inputs.ics import read_ics

WINDOW = {
    "window_start": datetime(2000, 1, 1, tzinfo=UTC),
    "window_end": datetime(2030, 1, 1, tzinfo=UTC),
}
NEW_YORK = ZoneInfo("America/New_York")


def calendar(*lines: str, end: str = "\r\n") -> str:
    return end.join(("BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR")) + end


def event(*lines: str, uid: str = "e1") -> tuple[str, ...]:
    return ("BEGIN:VEVENT", f"UID:{uid}", "SUMMARY:Interview with Acme", *lines, "END:VEVENT")


TIMED = event("DTSTART:20261201T100000Z", "DTEND:20261201T110000Z")


def read(data: bytes):  # noqa: ANN201
    return read_ics(data, calendar_id="c", **WINDOW)


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
def test_every_line_ending_is_read(ending: str) -> None:
    """Lotus Notes writes a bare CR after each line; it was refused as 'truncated?'."""
    result = read(calendar(*TIMED, end=ending).encode())
    assert [e.start for e in result.events] == [datetime(2026, 12, 1, 10, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),  # no BOM: told by its zero bytes
        ("utf-16-be", b""),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
        ("utf-32-be", b"\x00\x00\xfe\xff"),
    ],
)
def test_utf16_and_utf32_are_read(codec: str, bom: bytes) -> None:
    """Windows Calendar's UTF-16 export was refused as 'not an iCalendar file'."""
    text = calendar(*event("DTSTART:20261201T100000Z", "DTEND:20261201T110000Z", uid="ü-1"))
    result = read(bom + text.encode(codec))
    assert [e.ical_uid for e in result.events] == ["ü-1"]
    assert any("UTF-" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("tzid", "zone"),
    [
        ('"(UTC-05:00) Eastern Time (US & Canada)"', NEW_YORK),  # Exchange 2010 OWA
        ('"(UTC-05:00) Eastern Time (US and Canada)"', NEW_YORK),
        ('"(UTC-08:00) Pacific Time (US & Canada)"', ZoneInfo("America/Los_Angeles")),
        ('"(UTC+07:00) Bangkok, Hanoi, Jakarta"', ZoneInfo("Asia/Bangkok")),
        ("Eastern Standard Time", NEW_YORK),  # the Windows key name
        ('"(UTC-09:00) Alaska"', ZoneInfo("America/Anchorage")),  # key "Alaskan Standard Time"
        ('"(UTC+01:00) West Central Africa"', ZoneInfo("Africa/Lagos")),  # "W. Central Africa"
        ('"(UTC) Dublin, Edinburgh, Lisbon, London"', ZoneInfo("Europe/Dublin")),  # negative DST
        ('"(UTC+10:00) Canberra, Melbourne, Sydney"', ZoneInfo("Australia/Canberra")),
    ],
)
def test_outlook_display_names_without_vtimezone_are_mapped(tzid: str, zone: ZoneInfo) -> None:
    """They gave 'skipped event: unknown time zone'; the CLDR Windows names map them to IANA."""
    result = read(
        calendar(
            *event(f"DTSTART;TZID={tzid}:20260706T120000", f"DTEND;TZID={tzid}:20260706T130000")
        ).encode()
    )
    assert result.skipped == ()
    (read_event,) = result.events
    assert read_event.start == datetime(2026, 7, 6, 12, tzinfo=zone)


def test_a_display_name_naming_no_zone_is_read_at_its_offset() -> None:
    """Last resort: the offset in the name, said as a warning (no daylight saving is known)."""
    tzid = '"(UTC-03:00) Somewhere Nobody Knows"'
    result = read(calendar(*event(f"DTSTART;TZID={tzid}:20260706T120000")).encode())
    (read_event,) = result.events
    assert read_event.start == datetime(2026, 7, 6, 15, tzinfo=UTC)
    assert any("offset in its name (UTC-03:00)" in w for w in result.warnings)


def test_the_files_own_vtimezone_wins_over_the_offset_in_a_name() -> None:
    tzid = "(UTC-03:00) Somewhere Nobody Knows"
    zone = (
        "BEGIN:VTIMEZONE",
        f"TZID:{tzid}",
        "BEGIN:STANDARD",
        "DTSTART:16010101T000000",
        "TZOFFSETFROM:-0200",
        "TZOFFSETTO:-0200",
        "END:STANDARD",
        "END:VTIMEZONE",
    )
    result = read(calendar(*zone, *event(f'DTSTART;TZID="{tzid}":20260706T120000')).encode())
    assert [e.start.astimezone(UTC) for e in result.events] == [
        datetime(2026, 7, 6, 14, tzinfo=UTC)
    ]


@pytest.mark.parametrize(
    ("lines", "start", "end", "said"),
    [
        (
            ("DTSTART;VALUE=DATE:20261208", "DTEND:20261209T100000Z"),
            date(2026, 12, 8),
            date(2026, 12, 9),
            "DTEND is a date-time but DTSTART a date: read the end as its date",
        ),
        (
            ("DTSTART;VALUE=DATE:20261208", "DTEND:20261208T100000Z"),
            date(2026, 12, 8),
            date(2026, 12, 9),  # the same day: one all-day day, as Google shows it
            "DTEND is a date-time but DTSTART a date: read the end as its date",
        ),
        (
            ("DTSTART:20261208T100000Z", "DTEND;VALUE=DATE:20261209"),
            datetime(2026, 12, 8, 10, tzinfo=UTC),
            datetime(2026, 12, 9, tzinfo=UTC),
            "DTEND is a date but DTSTART a date-time: read the end as that day's midnight",
        ),
        (
            ("DTSTART:20261208T100000Z", "DTEND:20261208T110000Z", "DURATION:PT3H"),
            datetime(2026, 12, 8, 10, tzinfo=UTC),
            datetime(2026, 12, 8, 11, tzinfo=UTC),
            "has both DTEND and DURATION (RFC 5545 allows one): read with DTEND",
        ),
    ],
)
def test_events_a_person_could_read_are_read_with_a_plain_warning(
    lines: tuple[str, ...], start: object, end: object, said: str
) -> None:
    """icalendar's 'DTSTART and DTEND must be of the same type...' and 'Only one of DTEND and
    DURATION may be in a VEVENT, not both.' reached the user and the events were skipped."""
    result = read(calendar(*event(*lines)).encode())
    assert result.skipped == ()
    (read_event,) = result.events
    assert (read_event.start, read_event.end) == (start, end)
    assert result.warnings == (f"event e1: {said}",)


LIBRARY_WORDS = ("must be of the same type", "Only one of DTEND and DURATION", "Traceback")


def test_library_wording_never_reaches_the_user() -> None:
    bad = calendar(
        *event("DTSTART;VALUE=DATE:20261208", "DTEND:20261208T100000Z", uid="a"),
        *event("DTSTART:20261208T100000Z", "DTEND:20261208T110000Z", "DURATION:PT1H", uid="b"),
        *event("DTSTART:99991231T230000", "DTEND:99991231T233000", uid="c"),
    )
    result = read(bad.encode())
    said = [*result.warnings, *(s.reason for s in result.skipped)]
    assert not [w for w in said if any(words in w for words in LIBRARY_WORDS)]


def test_a_vendor_tzid_is_read_without_a_raw_library_warning() -> None:
    """icalendar warns (GloballyUniqueTZIDGuessed) when it strips a vendor prefix; the read says
    it in calfeed's words, every time, and raises no Python warning at all."""
    tzid = "/mozilla.org/20070129_1/America/New_York"
    data = calendar(*event(f"DTSTART;TZID={tzid}:20260706T120000", uid="v")).encode()
    folded = calendar(*event("DTSTART;VALUE=DATE-TIME;", f" TZID={tzid}:", " 20260706T120000"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for source in (data, data, folded.replace("UID:e1", "UID:v").encode()):
            result = read(source)
            assert [e.start for e in result.events] == [datetime(2026, 7, 6, 12, tzinfo=NEW_YORK)]
            assert result.warnings == ("a vendor time zone id was read as its IANA name",)
