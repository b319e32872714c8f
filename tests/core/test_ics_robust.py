"""Reading .ics files written by others: bad components, own time zones, charsets, and no raw Python
warnings."""

from __future__ import annotations

import subprocess
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest

from calfeed.core.inputs.ics import iana_zone, read_ics
from calfeed.core.model import RuleSettings
from calfeed.core.pipeline import build_feed
from tests.support.paths import FIXTURES

WINDOW = {
    "window_start": datetime(2026, 10, 1, tzinfo=UTC),
    "window_end": datetime(2027, 1, 1, tzinfo=UTC),
}
EVENT = """BEGIN:VEVENT
UID:ok-1
DTSTAMP:20261101T000000Z
DTSTART:20261110T030000Z
DTEND:20261110T040000Z
SUMMARY:Interview with Acme - Backend Engineer
ORGANIZER;CN=Kim:mailto:kim@acme.com
END:VEVENT
"""


def ics(*parts: str, head: str = "") -> bytes:
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//test//EN\n" + head + "".join(parts)
    return (text + "END:VCALENDAR\n").replace("\n", "\r\n").encode()


def zone_block(tzid: str, *lines: str) -> str:
    return "\n".join(["BEGIN:VTIMEZONE", f"TZID:{tzid}", *lines, "END:VTIMEZONE"]) + "\n"


STANDARD = (
    "BEGIN:STANDARD\nDTSTART:19701025T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nEND:STANDARD"
)


@pytest.mark.parametrize(
    ("name", "data", "warning"),
    [
        (
            "alarm TRIGGER:-15M",
            ics(
                EVENT.replace(
                    "END:VEVENT",
                    "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\n"
                    "TRIGGER:-15M\nEND:VALARM\nEND:VEVENT",
                )
            ),  # fmt: skip
            "left out an unreadable alarm of event ok-1",
        ),
        (
            "VTODO DUE:20261201T1000",
            ics(
                "BEGIN:VTODO\nUID:t1\nDTSTAMP:20261101T000000Z\nDUE:20261201T1000\nEND:VTODO\n",
                EVENT,
            ),  # fmt: skip
            "left out an unreadable task 't1'",
        ),
        (
            "calendar LAST-MODIFIED",
            ics(EVENT, head="LAST-MODIFIED:garbage\n"),
            "left out the calendar's LAST-MODIFIED: its value cannot be read",
        ),
        (
            "TZID-ALIAS-OF",
            ics(zone_block("Foo", "TZID-ALIAS-OF:Europe/Berlin", STANDARD), EVENT),
            "left out an unreadable time zone 'Foo'",
        ),
        (
            "two TZIDs",
            ics(zone_block("A", "TZID:B", STANDARD), EVENT),
            "left out an unreadable time zone 'A'",
        ),
        (
            "TZNAME;LANGUAGE=de-DE (valid RFC 5545)",
            ics(
                zone_block(
                    "Europe/Berlin",
                    STANDARD.replace("END:STANDARD", "TZNAME;LANGUAGE=de-DE:MEZ\nEND:STANDARD"),
                ),
                EVENT,
            ),  # fmt: skip
            None,
        ),
    ],
)
def test_a_bad_component_is_left_out_not_the_file(name: str, data: bytes, warning: str | None):
    read = read_ics(data, calendar_id="x", **WINDOW)
    assert [e.event_id for e in read.events] == ["ok-1"], name
    assert list(read.warnings) == ([warning] if warning else [])


def test_an_unreadable_event_is_skipped_with_the_rest_read():
    bad = EVENT.replace("ok-1", "bad-1").replace("DTSTART:20261110T030000Z", "DTSTART:2026xx")
    read = read_ics(ics(bad.replace("END:VEVENT", "RRULE:FREQ=NOPE\nEND:VEVENT"), EVENT,
                        head="LAST-MODIFIED:garbage\n"), calendar_id="x", **WINDOW)  # fmt: skip
    assert [e.event_id for e in read.events] == ["ok-1"]
    assert [s.event_id for s in read.skipped] == ["bad-1"]


CUSTOM_PLUS_9 = zone_block(
    "Customized Time Zone",
    "BEGIN:STANDARD\nDTSTART:16010101T000000\nTZOFFSETFROM:+0900\nTZOFFSETTO:+0900\nEND:STANDARD",
)
LOCAL_1500 = """BEGIN:VEVENT
UID:tokyo-1
DTSTAMP:20261101T000000Z
DTSTART;TZID="{tzid}":20261110T150000
DTEND;TZID="{tzid}":20261110T160000
SUMMARY:Interview - Mercari - Backend Engineer
ORGANIZER;CN=Aki:mailto:aki@mercari.com
END:VEVENT
"""


@pytest.mark.parametrize(
    ("zone", "tzid"),
    [
        (CUSTOM_PLUS_9, "Customized Time Zone"),
        (
            zone_block(
                "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
                "BEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0200\n"
                "TZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD",
                "BEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\n"
                "TZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT",
            ),
            "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
        ),  # fmt: skip
    ],
)
def test_z1_uses_a_files_own_time_zone(zone: str, tzid: str):
    # regression: the evening thank-you of a 15:00 interview at +09:00 landed at 03:00 the next day
    read = read_ics(ics(zone, LOCAL_1500.format(tzid=tzid)), calendar_id="x", **WINDOW)
    (event,) = read.events
    assert event.time_zone is not None
    settings = RuleSettings(thank_you="evening", time_zone="UTC")
    result = build_feed(list(read.events), settings)
    (interview,) = result.interviews
    assert (interview.start.hour, interview.start.minute) == (15, 0)
    by_kind = {f.kind: f.start for f in result.follow_ups}
    assert (by_kind["thank-you"].date(), by_kind["thank-you"].hour) == (interview.start.date(), 18)
    assert by_kind["check-in"].hour == 10
    assert by_kind["check-in"].utcoffset() == interview.start.utcoffset()


def test_windows_and_display_names_without_a_definition():
    assert iana_zone("W. Europe Standard Time") == "Europe/Berlin"  # CLDR's table
    assert iana_zone("Tokyo Standard Time") == "Asia/Tokyo"
    assert iana_zone("(UTC+07:00) Bangkok, Hanoi, Jakarta") == "Asia/Bangkok"
    assert iana_zone("Customized Time Zone") is None


def test_a_windows_1252_file_is_decoded_with_a_warning():
    text = EVENT.replace("ORGANIZER;CN=Kim:mailto:kim@acme.com",
                         "ORGANIZER;CN=Jürgen Müller:mailto:juergen@acme.de")  # fmt: skip
    data = ics(text).decode().encode("cp1252")
    read = read_ics(data, calendar_id="x", **WINDOW)
    (event,) = read.events
    assert event.organizer is not None and event.organizer.display_name == "Jürgen Müller"
    assert read.warnings == ("the file is not UTF-8; read it as Windows-1252",)


def test_a_cyrillic_file_is_not_taken_for_western():
    text = EVENT.replace("Interview with Acme - Backend Engineer",
                         "Interview - Яндекс - Разработчик программного обеспечения")  # fmt: skip
    read = read_ics(ics(text).decode().encode("cp1251"), calendar_id="x", **WINDOW)
    (event,) = read.events
    assert "Яндекс" in event.summary
    assert read.warnings and "not UTF-8" in read.warnings[0]


def test_no_raw_python_warning_reaches_the_user(tmp_path: Path):
    vendor = EVENT.replace(
        "DTSTART:20261110T030000Z",
        "DTSTART;TZID=/mozilla.org/20070129_1/Europe/Berlin:20261110T100000",
    )
    vendor = vendor.replace(
        "DTEND:20261110T040000Z", "DTEND;TZID=/mozilla.org/20070129_1/Europe/Berlin:20261110T110000"
    )
    vendor = vendor.replace("END:VEVENT", "RRULE:FREQ=WEEKLY;COUNT=3;UNTIL=20261201T000000Z\n"
                            "END:VEVENT")  # fmt: skip
    path = tmp_path / "vendor.ics"
    path.write_bytes(ics(vendor))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any raw warning would fail the read here
        read = read_ics(path.read_bytes(), calendar_id="x", **WINDOW)
    assert read.events
    exe = Path(sys.executable).with_name("calfeed")
    done = subprocess.run(
        [str(exe), "interviews", "--ics", str(path), "--from", "2026-10-01", "--to", "2027-01-01"],
        capture_output=True, text=True, check=False, env={"PYTHONWARNINGS": "always"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr
    assert all(line.startswith("calfeed: ") for line in done.stderr.splitlines())


def test_vtimezones_cover_instants_before_2000():
    # regression: Berlin in 1999 read 1-2 h off in readers that use the feed's own VTIMEZONE
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    import vobject

    from calfeed.core.feed import FeedEvent, render_feed

    berlin = ZoneInfo("Europe/Berlin")
    events = [
        FeedEvent(uid=f"u{m}", summary="x", description="d",
                  start=datetime(1999, m, 1, 10, tzinfo=berlin),
                  end=datetime(1999, m, 1, 11, tzinfo=berlin),
                  stamp=datetime(2000, 1, 1, tzinfo=UTC))
        for m in (1, 7)
    ]  # fmt: skip
    data = render_feed(events, name="n", description="d", refresh=timedelta(hours=1))
    parsed = vobject.readOne(data.decode())
    starts = sorted(v.dtstart.value.astimezone(UTC) for v in parsed.vevent_list)
    assert starts == [datetime(1999, 1, 1, 9, tzinfo=UTC), datetime(1999, 7, 1, 8, tzinfo=UTC)]


def test_readings_in_threads_leave_the_warning_filters_as_they_were():
    """Regression: `warnings.catch_warnings` swaps process-wide state, and two readings at once
    (worker threads, a web request adding an address) restored each other's state; readings now
    take turns, so the filters and `showwarning` are as before once all are done."""
    import threading

    data = (FIXTURES / "outlook_export.ics").read_bytes()
    before = (list(warnings.filters), warnings.showwarning)
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(5):
                read_ics(data, calendar_id="c", **WINDOW)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert (list(warnings.filters), warnings.showwarning) == before
