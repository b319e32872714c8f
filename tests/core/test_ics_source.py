"""calfeed.core.inputs.ics: real-shaped exports from Google, Outlook, iCloud and Thunderbird."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calfeed.core.inputs.ics import IcsRead, iana_zone, read_ics
from calfeed.core.model import SourceEvent
from calfeed.errors import SourceError
from tests.support.examples import examples
from tests.support.paths import FIXTURES

WINDOW_START = datetime(2026, 10, 1, tzinfo=UTC)
WINDOW_END = datetime(2027, 1, 1, tzinfo=UTC)
JAKARTA = ZoneInfo("Asia/Jakarta")
BERLIN = ZoneInfo("Europe/Berlin")

pytestmark = pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed")


def read(source: str | bytes, **kwargs: object) -> IcsRead:
    """Read a fixture by name (or raw bytes) in the default window, late 2026."""
    data = (FIXTURES / f"{source}.ics").read_bytes() if isinstance(source, str) else source
    kwargs.setdefault("window_start", WINDOW_START)
    kwargs.setdefault("window_end", WINDOW_END)
    return read_ics(data, calendar_id="cal@example.com", **kwargs)  # type: ignore[arg-type]


def by_summary(result: IcsRead, summary: str) -> list[SourceEvent]:
    return [e for e in result.events if e.summary == summary]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def calendar(*lines: str) -> bytes:
    return (
        "\r\n".join(("BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR")) + "\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("name", "events", "skipped", "zone", "calendar_name"),
    [
        ("google_export", 8, 1, "Asia/Jakarta", "sari.wijaya@gmail.com"),
        ("google_berlin_export", 4, 0, "Europe/Berlin", "Bewerbungen"),
        ("outlook_export", 7, 0, None, "Calendar"),
        ("icloud_export", 4, 1, "Asia/Jakarta", "Cari Kerja"),
        ("edge_cases", 7, 7, None, None),
    ],
)
def test_fixture_parses(
    name: str, events: int, skipped: int, zone: str | None, calendar_name: str | None
) -> None:
    result = read(name)
    assert (len(result.events), len(result.skipped)) == (events, skipped)
    assert (result.calendar_time_zone, result.name) == (zone, calendar_name)
    for event in result.events:
        assert event.calendar_id == "cal@example.com"
        assert event.calendar_time_zone == zone
        assert type(event.start) is type(event.end)
        if isinstance(event.start, datetime):
            assert event.start.tzinfo is not None
        assert event.end >= event.start  # type: ignore[operator]
    assert len({e.event_id for e in result.events}) == len(result.events)


def test_reading_is_deterministic() -> None:
    assert read("google_export") == read("google_export")


@pytest.mark.parametrize(
    ("summary", "local", "instant"),
    [
        (
            "Wawancara PT Maju Jaya - Manajer Toko",
            datetime(2026, 11, 30, 9, 0),
            utc(2026, 11, 30, 2),
        ),
        (
            "Interview with Jane Doe (Acme) - Store Manager",
            datetime(2026, 12, 2, 14),
            utc(2026, 12, 2, 7),
        ),
        ("Arisan keluarga", datetime(2026, 11, 28, 18), utc(2026, 11, 28, 11)),
    ],
)
def test_google_utc_times_land_in_the_calendar_zone(
    summary: str, local: datetime, instant: datetime
) -> None:
    (event,) = by_summary(read("google_export"), summary)
    assert isinstance(event.start, datetime)
    assert event.start.replace(tzinfo=None) == local
    assert event.start == instant
    assert event.start.tzinfo == JAKARTA
    assert event.time_zone == "Asia/Jakarta"


def test_google_mapping_of_people_and_status() -> None:
    result = read("google_export")
    (maju,) = by_summary(result, "Wawancara PT Maju Jaya - Manajer Toko")
    assert maju.ical_uid == maju.event_id == "7f3c0a9e1b4d6c8a2e5f7a9c1d3e@google.com"
    assert maju.recurring_event_id is None
    assert maju.location.startswith("PT Maju Jaya, Jl. Jenderal Sudirman")
    assert "dalam 1 minggu" in maju.description
    assert maju.updated == utc(2026, 11, 24, 9, 30, 20)
    assert maju.organizer is not None and maju.organizer.email == "rina.hartono@majujaya.co.id"
    rina, sari, room = maju.attendees
    assert (rina.organizer, rina.is_self, rina.response_status) == (True, False, "accepted")
    assert sari.is_self  # X-WR-CALNAME is the owner's address
    assert (room.resource, room.display_name) == (True, "Ruang Rapat Lt. 3 (8)")

    (acme,) = by_summary(result, "Interview with Jane Doe (Acme) - Store Manager")
    statuses = {a.email: (a.response_status, a.is_self) for a in acme.attendees}
    assert statuses["Sari.Wijaya@gmail.com"] == ("needsAction", True)  # case-insensitive
    assert statuses["tom.hiring@acme.example"] == ("declined", False)

    (initech,) = by_summary(result, "Interview Initech - Kasir")
    assert initech.status == "cancelled"


def test_google_all_day_and_window() -> None:
    result = read("google_export")
    (fair,) = by_summary(result, "Bursa kerja Jakarta (job fair)")
    assert (fair.start, fair.end, fair.all_day, fair.time_zone) == (
        date(2026, 12, 5),
        date(2026, 12, 6),
        True,
        None,
    )
    assert not by_summary(result, "Interview Tokopedia - Customer Service (last year)")
    narrow = read("google_export", window_start=utc(2026, 11, 29), window_end=utc(2026, 12, 1))
    assert [e.summary for e in narrow.events] == ["Wawancara PT Maju Jaya - Manajer Toko"]


def test_google_weekly_round_with_exdate_and_moved_instance() -> None:
    uid = "2q8v1k7m3n5p9r4s6t0u8w2x4y@google.com"
    rounds = by_summary(read("google_export"), "Interview round - Globex engineering panel")
    assert [e.start for e in rounds] == [
        datetime(2026, 12, 1, 10, tzinfo=JAKARTA),
        datetime(2026, 12, 8, 13, tzinfo=JAKARTA),  # moved from 10:00 by a RECURRENCE-ID
        datetime(2026, 12, 22, 10, tzinfo=JAKARTA),  # 15 December is an EXDATE
    ]
    # ids follow Google's instance ids: the original start in UTC, stable across a reschedule
    assert [e.event_id for e in rounds] == [
        f"{uid}_20261201T030000Z",
        f"{uid}_20261208T030000Z",
        f"{uid}_20261222T030000Z",
    ]
    assert {(e.recurring_event_id, e.ical_uid) for e in rounds} == {(uid, uid)}
    moved = rounds[1]
    assert moved.description.startswith("Moved to the afternoon")
    assert [a.response_status for a in moved.attendees if a.is_self] == ["tentative"]


def test_google_utc_recurrence_keeps_its_local_hour_across_dst() -> None:
    rounds = read("google_berlin_export").events
    assert [e.start for e in rounds] == [
        utc(2026, 10, 20, 8),
        *(utc(2026, m, d, 9) for m, d in ((10, 27), (11, 3), (11, 10))),
    ]
    assert {e.start.hour for e in rounds if isinstance(e.start, datetime)} == {10}
    assert {e.time_zone for e in rounds} == {"Europe/Berlin"}
    assert rounds[1].event_id.endswith("_20261027T090000Z")


def test_outlook_windows_zones_map_to_iana() -> None:
    result = read("outlook_export")
    rounds = by_summary(result, "Interview with Jane Doe (Acme) - Store Manager")
    # weekly on Tuesday 10:00 Berlin; DST ends 25 October; 3 November is an EXDATE
    assert [e.start for e in rounds] == [
        utc(2026, 10, 20, 8),
        utc(2026, 10, 27, 9),
        utc(2026, 11, 10, 9),
    ]
    assert {e.time_zone for e in rounds} == {"Europe/Berlin"}
    assert all(e.start.tzinfo == BERLIN for e in rounds)  # type: ignore[union-attr]
    assert rounds[0].summary == "Interview with Jane Doe (Acme) - Store Manager"
    assert "Microsoft Teams-Besprechung" in rounds[0].description

    (sinar,) = by_summary(result, "Wawancara PT Sinar Abadi - Supervisor Gudang")
    assert sinar.start == utc(2026, 12, 3, 3)
    assert sinar.time_zone == "Asia/Bangkok"  # CLDR's zone for "SE Asia Standard Time": UTC+7 too


def test_outlook_people_owner_and_rooms() -> None:
    result = read("outlook_export")
    first = by_summary(result, "Interview with Jane Doe (Acme) - Store Manager")[0]
    anna, lukas, room = first.attendees
    assert (anna.organizer, anna.display_name) == (True, "Anna Schmidt")
    assert (lukas.is_self, lukas.response_status) == (True, "accepted")  # from X-OWNER
    assert (room.resource, room.response_status) == (True, "needsAction")
    (cancelled,) = by_summary(result, "Canceled: Phone screen: Globex")
    assert cancelled.status == "cancelled"
    (eve,) = by_summary(result, "Heiligabend")
    assert (eve.start, eve.end) == (date(2026, 12, 24), date(2026, 12, 25))


def test_outlook_custom_zone_uses_the_files_own_vtimezone() -> None:
    (sync,) = by_summary(read("outlook_export"), "Team sync with Pune office")
    assert sync.start == utc(2026, 12, 4, 4, 30)
    # an IANA zone keeping the same time (+05:30 all year: Asia/Colombo sorts first),
    # so rule Z1 works in the event's own zone
    assert sync.time_zone == "Asia/Colombo"


CUSTOM_ZONE_EVENT = (
    "BEGIN:VTIMEZONE", "TZID:Customized Time Zone", "BEGIN:STANDARD", "DTSTART:16010101T000000",
    "TZOFFSETFROM:{0}", "TZOFFSETTO:{0}", "END:STANDARD", "END:VTIMEZONE",
    "BEGIN:VEVENT", "UID:custom-zone", "SUMMARY:Interview", "DTSTAMP:20261120T100000Z",
    "DTSTART;TZID=Customized Time Zone:20261204T100000",
    "DTEND;TZID=Customized Time Zone:20261204T110000", "END:VEVENT",
)  # fmt: skip


def test_regression_custom_zone_is_not_taken_from_an_earlier_file() -> None:
    """icalendar caches VTIMEZONEs process-wide by TZID; each file must use its own."""
    first = read(calendar(*(line.format("+0530") for line in CUSTOM_ZONE_EVENT)))
    second = read(calendar(*(line.format("+0800") for line in CUSTOM_ZONE_EVENT)))
    assert first.events[0].start == utc(2026, 12, 4, 4, 30)
    assert second.events[0].start == utc(2026, 12, 4, 2)
    undefined = read(calendar(*CUSTOM_ZONE_EVENT[8:]))
    assert undefined.skipped[0].reason == "unknown time zone 'Customized Time Zone'"


def test_icloud_floating_tentative_and_broken() -> None:
    result = read("icloud_export")
    (lunch,) = by_summary(result, "Makan siang dengan Dewi")
    assert lunch.start == datetime(2026, 11, 28, 12, tzinfo=JAKARTA)  # floating: calendar zone
    (acme,) = by_summary(result, "Interview with Jane Doe (Acme) - Store Manager")
    assert (acme.status, acme.start) == ("tentative", utc(2026, 12, 9, 3))
    (screen,) = by_summary(result, "Phone screen: Globex")
    assert screen.description.startswith("Recruiter: Maya Putri")
    assert result.skipped[0].event_id == "D0E1F2A3-B4C5-4D6E-8F90-A1B2C3D4E5F6"
    assert result.skipped[0].reason == "ends before it starts"


def test_self_emails_mark_attendees() -> None:
    result = read("icloud_export", self_emails=["DEWI.Lestari@icloud.com"])
    (acme,) = by_summary(result, "Interview with Jane Doe (Acme) - Store Manager")
    assert [a.email for a in acme.attendees if a.is_self] == ["dewi.lestari@icloud.com"]


@pytest.mark.parametrize(
    ("event_id", "reason"),
    [
        ("broken-no-start", "no DTSTART"),
        ("broken-backwards", "ends before it starts"),
        ("broken-garbage-date", "DTSTART is unreadable: '20261232T100000Z'"),
        ("broken-unknown-zone", "unknown time zone 'Mars/Olympus_Mons'"),
        ("broken-rrule", "RRULE is unreadable"),
        ("broken-too-dense", "repeats more often than hourly"),
        ("broken-exdate", "EXDATE is unreadable"),
    ],
)
def test_broken_events_are_skipped_with_a_reason(event_id: str, reason: str) -> None:
    skipped = {s.event_id: s.reason for s in read("edge_cases").skipped}
    assert reason in skipped[event_id]


@pytest.mark.parametrize(
    ("summary", "start", "end"),
    [
        (
            "Phone screen: Initech",
            datetime(2026, 11, 30, 15, tzinfo=BERLIN),
            utc(2026, 11, 30, 14, 30),
        ),
        ("Reminder: call back Globex", utc(2026, 12, 1, 9), utc(2026, 12, 1, 9)),  # zero length
        ("Holiday", date(2026, 12, 25), date(2026, 12, 26)),  # one day
        ("Floating coffee chat", utc(2026, 12, 2, 10), utc(2026, 12, 2, 10, 30)),  # UTC: no zone
        (
            "Interview with Jane Doe (Acme) - Store Manager",
            utc(2026, 12, 3, 13),
            utc(2026, 12, 3, 14),
        ),
        ("Interview without a UID", utc(2026, 12, 4, 8), utc(2026, 12, 4, 9)),
    ],
)
def test_edge_case_spans(summary: str, start: datetime | date, end: datetime | date) -> None:
    (event,) = by_summary(read("edge_cases"), summary)
    assert (event.start, event.end) == (start, end)
    assert type(event.start) is type(start)


def test_globally_unique_tzid_and_missing_uid() -> None:
    result = read("edge_cases")
    (jane,) = by_summary(result, "Interview with Jane Doe (Acme) - Store Manager")
    assert jane.time_zone == "Europe/Berlin"
    (no_uid,) = by_summary(result, "Interview without a UID")
    assert no_uid.event_id == "#5"


@pytest.mark.parametrize(
    ("tzid", "iana"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("SE Asia Standard Time", "Asia/Bangkok"),
        ('"Romance Standard Time"', "Europe/Paris"),
        ("/mozilla.org/20070129_1/Asia/Jakarta", "Asia/Jakarta"),
        ("Customized Time Zone", None),
        ("", None),
    ],
)
def test_iana_zone(tzid: str, iana: str | None) -> None:
    assert iana_zone(tzid) == iana


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not an iCalendar file: no BEGIN:VCALENDAR"),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "no BEGIN:VCALENDAR"),
        (b'{"kind": "calendar#events", "items": []}', "no BEGIN:VCALENDAR"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n", "not a complete iCalendar file"),
        (b"BEGIN:VCALENDAR\r\nthis is no content line\r\nEND:VCALENDAR\r\n", "not a readable"),
        (calendar("CALSCALE:JAPANESE"), "unsupported calendar scale 'JAPANESE'"),
    ],
)
def test_not_icalendar_raises_source_error(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message) as info:
        read(data)
    assert "\n" not in str(info.value)


def test_lf_line_endings_and_concatenated_calendars_are_read() -> None:
    one = calendar("BEGIN:VEVENT", "UID:a", "DTSTART:20261201T100000Z", "END:VEVENT")
    two = calendar("BEGIN:VEVENT", "UID:b", "DTSTART:20261202T100000Z", "END:VEVENT")
    result = read((one + two).replace(b"\r\n", b"\n"))
    assert [e.event_id for e in result.events] == ["a", "b"]


def test_naive_window_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        read("google_export", window_start=datetime(2026, 10, 1))


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_read_or_raise_source_error(data: bytes) -> None:
    for candidate in (data, b"BEGIN:VCALENDAR\r\n" + data, calendar()[:-15] + data):
        with contextlib.suppress(SourceError):
            assert isinstance(read(candidate), IcsRead)


# fmt: off
PROPERTY_NAMES = (
    "DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE", "RDATE", "RECURRENCE-ID", "UID", "SUMMARY",
    "STATUS", "ATTENDEE", "ORGANIZER", "LAST-MODIFIED", "DTSTAMP",
)
PARAMETERS = (
    "", ";VALUE=DATE", ";VALUE=DATE-TIME", ";VALUE=PERIOD", ";TZID=Europe/Berlin",
    ";TZID=W. Europe Standard Time", ";TZID=Nowhere/Else", ';TZID=""',
    ';CN="A, B";PARTSTAT=DECLINED;CUTYPE=ROOM',
)
VALUES = (
    "20261201T100000Z", "20261201T100000", "20261201", "20261201T100000Z/PT1H", "PT1H", "-PT1H",
    "P1D", "FREQ=WEEKLY;COUNT=3", "FREQ=DAILY;UNTIL=20261205", "FREQ=HOURLY",
    "FREQ=YEARLY;BYMONTH=13", "FREQ=WEEKLY;UNTIL=20261205T000000Z;COUNT=2", "mailto:a@b.example",
    "mailto:", "CANCELLED", "99991231T235959Z", "00010101", "19700101T000000",
    "20261201T100000Z,20261208T100000Z", "x",
)
# fmt: on
LINE = st.tuples(
    st.sampled_from(PROPERTY_NAMES),
    st.sampled_from(PARAMETERS),
    st.one_of(
        st.sampled_from(VALUES),
        st.text(st.characters(exclude_characters="\r\n", exclude_categories=("Cs",)), max_size=30),
    ),
).map(lambda parts: f"{parts[0]}{parts[1]}:{parts[2]}")
START = st.sampled_from(("", ";TZID=Europe/Berlin", ";VALUE=DATE")).map(
    lambda param: f"DTSTART{param}:" + ("20261201" if "DATE" in param else "20261201T100000")
)
EVENT = st.tuples(START, st.lists(LINE, max_size=8)).map(
    lambda parts: ["BEGIN:VEVENT", parts[0], *parts[1], "END:VEVENT"]
)
HEADER = st.lists(
    st.sampled_from(
        (
            "X-WR-TIMEZONE:Asia/Jakarta",
            "X-WR-TIMEZONE:Bogus/Zone",
            "X-WR-CALNAME:me@example.com",
            "X-OWNER:mailto:me@example.com",
        )
    )
)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HEADER, st.lists(EVENT, max_size=4))
def test_odd_events_are_read_or_skipped_never_crash(
    header: list[str], events: list[list[str]]
) -> None:
    data = calendar(*header, *(line for event in events for line in event))
    try:
        result = read(data, window_end=WINDOW_START + timedelta(days=120))
    except SourceError:
        return
    for event in result.events:
        assert type(event.start) is type(event.end)
        assert event.end >= event.start  # type: ignore[operator]


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (("DTSTART:20261201T100000Z", "DURATION:20261201T100000Z"), "DURATION is not a timedelta"),
        (("DTSTART:99991231T235959Z",), "cannot be read as a time"),  # in Jakarta: past 9999
        (("DTSTART:20261201", "DTEND:PT1H"), "DTEND is not a date"),
        (
            (
                "DTSTART:20261201T100000Z",
                "RECURRENCE-ID:20261201T100000Z",
                "RECURRENCE-ID:20261208",
            ),
            "more than one RECURRENCE-ID",
        ),
        (("DTSTART:20261201T100000Z", "RRULE;VALUE=DATE:20261201"), "RRULE is not a rule"),
        (
            ("DTSTART:20261201T100000Z", "BEGIN:VEVENT", "END:VEVENT"),
            "a VEVENT inside a VEVENT",
        ),
    ],
)
def test_regression_fuzzed_events_are_skipped(lines: tuple[str, ...], reason: str) -> None:
    """Events the fuzz tests found crashing icalendar or recurring_ical_events."""
    header = "X-WR-TIMEZONE:Asia/Jakarta"
    result = read(calendar(header, "BEGIN:VEVENT", "UID:odd", *lines, "END:VEVENT"))
    assert result.events == ()
    assert result.skipped[0].event_id == "odd"
    assert reason in result.skipped[0].reason


@pytest.mark.parametrize(
    "lines",
    [
        ("TZID:Customized Time Zone", "END:VTIMEZONE"),  # closes the VCALENDAR: AttributeError
        ("BEGIN:VTIMEZONE", "TZID:A", "TZID:B", "END:VTIMEZONE"),  # two TZIDs: AttributeError
    ],
)
def test_regression_broken_nesting_is_a_source_error(lines: tuple[str, ...]) -> None:
    with pytest.raises(SourceError, match="not a readable iCalendar file"):
        read(calendar(*lines))


STRUCTURE = (
    "BEGIN:VEVENT", "END:VEVENT", "BEGIN:VTIMEZONE", "END:VTIMEZONE", "BEGIN:STANDARD",
    "END:STANDARD", "BEGIN:VALARM", "END:VALARM", "BEGIN:VCALENDAR", "END:VCALENDAR",
    "TZID:Customized Time Zone", "TZOFFSETFROM:+0530", "TZOFFSETTO:+0100",
    "DTSTART:16010101T000000",
    "DTSTART;TZID=Customized Time Zone:20261201T100000", "RRULE:FREQ=WEEKLY;COUNT=5", "UID:x",
    "RECURRENCE-ID;TZID=W. Europe Standard Time:20261208T100000", "TRIGGER:-PT15M",
    "X-WR-TIMEZONE:../../etc/passwd", "ATTENDEE;PARTSTAT=X:MAILTO:A@B.CC", "X-OWNER:garbage",
)  # fmt: skip


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(STRUCTURE), max_size=25))
def test_any_nesting_reads_or_raises_source_error(lines: list[str]) -> None:
    with contextlib.suppress(SourceError):
        assert isinstance(read(calendar(*lines)), IcsRead)


def test_rrule_with_count_and_until_is_read_with_until_and_a_warning() -> None:
    """Regression: RFC 5545 forbids COUNT with UNTIL; real exports hold both."""
    import warnings

    data = calendar(
        "BEGIN:VEVENT",
        "UID:both@example.com",
        "DTSTAMP:20261101T000000Z",
        "DTSTART:20261201T090000Z",
        "DTEND:20261201T100000Z",
        "RRULE:FREQ=DAILY;COUNT=10;UNTIL=20261203T090000Z",
        "SUMMARY:Interview round",
        "END:VEVENT",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no dateutil DeprecationWarning either
        result = read(data)
    assert [e.start.astimezone(UTC).day for e in result.events] == [1, 2, 3]  # UNTIL, not COUNT
    assert result.skipped == ()
    assert [w for w in result.warnings if "COUNT and UNTIL" in w] == [
        "event both@example.com: RRULE has both COUNT and UNTIL (RFC 5545 forbids it): read with "
        "UNTIL"
    ]
