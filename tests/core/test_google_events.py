"""Writing into Google Calendar, the pure part: follow-ups as Google events (the feed's own),
ids, the difference."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from calfeed.core.feed import FeedEvent
from calfeed.core.google_events import (
    Written,
    calendar_body,
    desired_events,
    event_body,
    event_id_for,
    fingerprint,
    marker_of,
    plan,
)
from calfeed.core.inputs.google_json import parse_google_event
from calfeed.core.model import RuleSettings
from calfeed.core.pipeline import build_feed
from tests.support.factories import google_event

GOOGLE_ID = re.compile(r"^[a-v0-9]{5,1024}$")  # base32hex, as events.insert requires
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@given(st.text(min_size=1, max_size=3000))
def test_event_ids_are_base32hex_of_a_legal_length_and_stable(uid):
    first = event_id_for(uid)
    assert GOOGLE_ID.match(first) and first == event_id_for(uid)


def test_different_uids_get_different_ids():
    ids = {event_id_for(f"thank-you-{n}@calfeed") for n in range(5000)}
    assert len(ids) == 5000


def _feed(settings: RuleSettings, n: int = 3):
    jakarta = ZoneInfo("Asia/Jakarta")
    events = [
        parse_google_event(
            google_event(
                f"Interview with Jane Doe (Acme {i}) - Analyst",
                datetime(2026, 11, 27 + i, 10, 0, tzinfo=jakarta),
                event_id=f"ev{i}",
                attendees=[
                    {"email": "me@example.com", "self": True, "responseStatus": "accepted"},
                    {"email": "jane@acme.example", "displayName": "Jane Doe", "organizer": True},
                ],
            ),
            calendar_id="me@example.com",
        )
        for i in range(n)
    ]
    return build_feed(events, settings, now=NOW)


def test_the_google_events_are_the_feeds_events(settings):
    """Same instants and zone, title, text (drafts and mailto links), one per follow-up."""
    result = _feed(settings)
    desired = desired_events(result.events)
    feed = [c for c in Calendar.from_ical(result.ics).walk("VEVENT")]
    assert len(feed) == len(desired) == len(result.follow_ups) > 0
    for vevent in feed:
        body = desired[event_id_for(str(vevent["UID"]))].body
        assert body["summary"] == str(vevent["SUMMARY"])
        assert body["description"] == str(vevent["DESCRIPTION"])
        assert "mailto:" in body["description"]
        start = datetime.fromisoformat(body["start"]["dateTime"])
        assert start == vevent.decoded("DTSTART")
        assert datetime.fromisoformat(body["end"]["dateTime"]) == vevent.decoded("DTEND")
        assert body["start"]["timeZone"] == str(vevent["DTSTART"].params["TZID"])
        assert body["transparency"] == "transparent"


def test_reminders_follow_the_setting(settings):
    item = _feed(settings, 1).events[0]
    assert event_body(item)["reminders"] == {
        "useDefault": False,
        "overrides": [{"method": "popup", "minutes": 0}],
    }
    assert event_body(item, "15-min")["reminders"]["overrides"] == [
        {"method": "popup", "minutes": 15}
    ]
    assert event_body(item, "none")["reminders"] == {"useDefault": False, "overrides": []}


def test_a_fall_back_night_is_written_unambiguously():
    """01:30 happens twice in New York on 2026-11-01: the offset says which."""
    zone = ZoneInfo("America/New_York")
    first = datetime(2026, 11, 1, 1, 30, tzinfo=zone)
    second = first.replace(fold=1)
    items = [
        FeedEvent("a@x", "A", "", first, first + timedelta(minutes=30), NOW),
        FeedEvent("b@x", "B", "", second, second + timedelta(minutes=30), NOW),
    ]
    bodies = [event_body(i) for i in items]
    starts = [datetime.fromisoformat(b["start"]["dateTime"]) for b in bodies]
    assert starts[1] - starts[0] == timedelta(hours=1)


def test_the_fingerprint_of_an_event_read_back_equals_the_body_sent(settings):
    body = event_body(_feed(settings, 1).events[0])
    # what Google answers: the same fields, instants in another notation, extra fields
    echoed = {
        **body,
        "etag": '"1"',
        "status": "confirmed",
        "start": {
            "dateTime": datetime.fromisoformat(body["start"]["dateTime"])
            .astimezone(UTC)
            .strftime("%Y-%m-%dT%H:%M:%SZ"),
            "timeZone": body["start"]["timeZone"],
        },
    }
    assert fingerprint(echoed) == fingerprint(body)
    assert fingerprint({**echoed, "summary": "my own title"}) != fingerprint(body)


def test_plan_sends_only_the_difference_and_leaves_touched_events_alone(settings):
    desired = desired_events(_feed(settings).events)
    ids = sorted(desired)
    assert plan(desired, {}).inserts == tuple(desired[i] for i in ids)
    same = {i: Written(i, d.hash, '"e"') for i, d in desired.items()}
    assert plan(desired, same).size == 0
    changed = dict(same)
    changed[ids[0]] = Written(ids[0], "old", '"e"')
    changed["gone" + "0" * 10] = Written("gone" + "0" * 10, "x", '"e"')
    changed[ids[1]] = Written(ids[1], "old", '"e"', touched=True)  # the user edited it
    todo = plan(desired, changed)
    assert [d.event_id for d, _ in todo.updates] == [ids[0]]
    assert [w.event_id for w in todo.deletes] == ["gone" + "0" * 10]
    assert not todo.inserts
    touched_gone = {ids[0]: Written(ids[0], "x", None, touched=True)}
    assert plan({}, touched_gone).size == 0  # deleted by the user: not deleted again either


def test_the_calendar_carries_a_marker_to_be_found_again():
    body = calendar_body("id", "Asia/Jakarta", "0123456789abcdef0123456789abcdef")
    assert body["summary"] == "Tindak lanjut wawancara"
    assert body["timeZone"] == "Asia/Jakarta"
    assert marker_of(body["description"]) == "0123456789abcdef0123456789abcdef"
    assert calendar_body("en", "UTC", "0" * 32)["summary"] == "Interview follow-ups"
    assert marker_of("a calendar of the user's own") is None
