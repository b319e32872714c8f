"""Google event resources -> SourceEvent (the shape `events.list` returns)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from calfeed.core.inputs.google_json import events_from_payload, parse_google_event
from calfeed.errors import InvalidEvent, SourceError
from tests.support.factories import ME, google_event


def parse(resource):
    return parse_google_event(resource, calendar_id=ME, calendar_time_zone="Asia/Jakarta")


def test_sample_fixture_parses(load_json) -> None:
    events, skipped = events_from_payload(load_json("google_events_sample.json"))
    assert skipped == [] and len(events) == 11
    assert {e.calendar_id for e in events} == {ME}  # the primary calendar's id is the user
    assert all(e.calendar_time_zone == "Asia/Jakarta" for e in events)


def test_timed_event_keeps_offset_and_zone() -> None:
    event = parse(
        google_event(start=datetime.fromisoformat("2026-11-27T14:00:00+01:00"), tz="Europe/Berlin")
    )
    assert event.start.utcoffset() == timedelta(hours=1) and event.time_zone == "Europe/Berlin"
    assert event.updated == datetime(2026, 11, 20, 8, 12, 45, 301000, tzinfo=UTC)


def test_utc_z_suffix_and_naive_time_with_zone() -> None:
    resource = google_event()
    resource["start"] = {"dateTime": "2026-11-23T03:00:00Z"}
    resource["end"] = {"dateTime": "2026-11-23T10:00:00", "timeZone": "Asia/Jakarta"}
    event = parse(resource)
    assert event.start == event.end - timedelta(hours=0)  # both 03:00 UTC
    assert event.time_zone is None  # rule Z1 then falls back to the calendar's zone


def test_all_day_and_unknown_zone() -> None:
    event = parse(google_event(start=date(2026, 12, 2), tz=None))
    assert event.all_day and event.end == date(2026, 12, 3)
    odd = parse(google_event(tz="Mars/Olympus"))
    assert odd.time_zone is None


def test_cancelled_instance_in_incremental_answer() -> None:
    # incremental answers carry only id and status for deleted events
    event = parse(
        {
            "kind": "calendar#event",
            "etag": '"1"',
            "id": "abc_20261123T030000Z",
            "status": "cancelled",
        }
    )
    assert event.status == "cancelled"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": ""}, "no id"),
        ({"start": None}, "no start"),
        ({"start": {"dateTime": "yesterday"}}, "start is not a date"),
        ({"start": {"timeZone": "UTC"}}, "neither dateTime nor date"),
        ({"end": {"dateTime": "2026-11-22T10:00:00+07:00"}}, "ends before it starts"),
        ({"end": {"date": "2026-11-24"}}, "mix a date and a date-time"),
        ({"start": {"dateTime": "2026-11-23T10:00:00"}}, "no offset and no known time zone"),
    ],
)
def test_invalid_events(change: dict, reason: str) -> None:
    with pytest.raises(InvalidEvent, match=reason):
        parse({**google_event(), **change})


def test_payload_shapes() -> None:
    events, skipped = events_from_payload([google_event(), 42, {"id": "x"}])
    assert len(events) == 1 and [s.event_id for s in skipped] == ["#1", "x"]
    with pytest.raises(SourceError):
        events_from_payload({"kind": "calendar#events"})


def test_regression_a_zone_name_too_long_for_a_file_name_is_no_zone() -> None:
    """Found by the property test: zoneinfo raised OSError (ENAMETOOLONG), not 'not found'."""
    from calfeed.core.inputs.google_json import valid_zone

    assert valid_zone("x" * 5000) is None
    assert valid_zone("Asia/Jakarta") == "Asia/Jakarta"
