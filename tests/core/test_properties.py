"""Invariants of the rules, checked on generated inputs (hypothesis).

- a thank-you is never before the interview ends and never the next day (T2, T3)
- a check-in is always on a working day after its thank-you (C1-C3)
- UIDs are unique and stable
- any event JSON, however odd, yields follow-ups or a skip: never a crash, never a broken feed
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from icalendar import Calendar

from calfeed.core.calendar_days import is_working_day
from calfeed.core.inputs.google_json import events_from_payload
from calfeed.core.model import RuleSettings
from calfeed.core.pipeline import build_feed, derive
from tests.support.examples import examples
from tests.support.factories import ME, SELF, google_event

ZONES = st.sampled_from(
    [
        "UTC",
        "Asia/Jakarta",
        "Europe/Berlin",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
        "America/St_Johns",
        "Pacific/Chatham",
        "Australia/Lord_Howe",
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
    ]
)

rule_settings = st.builds(
    RuleSettings,
    lang=st.sampled_from(["en", "id"]),
    time_zone=ZONES,
    thank_you=st.sampled_from(["soon", "evening"]),
    thank_you_delay=st.integers(0, 180).map(lambda m: timedelta(minutes=m)),
    evening_at=st.sampled_from([time(17), time(18), time(19, 30), time(20)]),
    grace_days=st.integers(1, 5),
    no_timeline_days=st.integers(7, 14),
    check_in_at=st.sampled_from([time(9), time(10), time(13, 15)]),
    holiday_country=st.sampled_from([None, "ID", "US", "DE"]),
)

instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
timelines = st.sampled_from(
    [
        "",
        "within a week",
        "in 5 business days",
        "dalam 3 hari kerja",
        "1-2 weeks",
        "by Friday",
        "#followup 10d",
        "#followup 2027-01-04",
        "2 minggu",
        "by 3 December",
    ]
)


@st.composite
def interview_events(draw: st.DrawFn) -> dict[str, Any]:
    zone = draw(ZONES)
    start = draw(instants)
    length = draw(st.integers(5, 8 * 60))
    all_day = draw(st.booleans().map(lambda b: b and draw(st.integers(0, 9)) == 0))
    from zoneinfo import ZoneInfo

    local = start.astimezone(ZoneInfo(zone))
    if all_day:
        return google_event(
            start=local.date(),
            event_id=f"e{draw(st.integers(0, 10**9))}",
            tz=None,
            description=draw(timelines),
        )
    return google_event(
        start=local,
        # in absolute time: wall-clock arithmetic across a fall-back night can end before it starts
        end=(start + timedelta(minutes=length)).astimezone(ZoneInfo(zone)),
        tz=zone,
        event_id=f"e{draw(st.integers(0, 10**9))}",
        description=draw(timelines),
    )


@hsettings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(interview_events(), min_size=1, max_size=6), rule_settings)
def test_thank_you_same_day_after_end_and_check_in_on_a_later_working_day(raw, settings) -> None:
    events, skipped = events_from_payload(raw, calendar_id=ME)
    assert skipped == []
    interviews, found = derive(events, settings)
    thank_yous = {f.interview.key: f for f in found if f.kind == "thank-you"}
    assert len(thank_yous) == len(interviews)  # rule T1
    for f in thank_yous.values():
        end = f.interview.end
        assert f.start >= end  # never before the interview ends
        assert f.start.astimezone(end.tzinfo).date() == end.date()  # never the next day
    for f in (f for f in found if f.kind == "check-in"):
        day = f.start.date()
        assert is_working_day(day, settings.holiday_country)  # rule C3
        assert day > thank_yous[f.interview.key].start.date()  # after its thank-you
        assert f.start.time() == settings.check_in_at or f.start.fold == 1


@hsettings(max_examples=examples(100), deadline=None)
@given(
    st.lists(interview_events(), min_size=1, max_size=8, unique_by=lambda e: e["id"]), rule_settings
)
def test_uids_unique_and_stable(raw, settings) -> None:
    events, _ = events_from_payload(raw, calendar_id=ME)
    first = [f.uid for f in derive(events, settings)[1]]
    assert len(first) == len(set(first))
    again = {f.uid for f in derive(list(reversed(events)), settings)[1]}
    assert again == set(first)
    assert all(u.isascii() and len(u) < 100 for u in first)


# any JSON at all, shaped loosely like an event
junk_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["Interview 🎉", "wawancara\r\n\r\nPT X", "Interview\x00\x07", "x" * 100_000]),
)
json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), junk_text
)
when = st.one_of(
    st.none(),
    json_scalar,
    st.fixed_dictionaries(
        {},
        optional={
            "dateTime": st.one_of(
                json_scalar, instants.map(lambda d: d.isoformat()), st.just("2026-11-23T10:00:00")
            ),
            "date": st.one_of(json_scalar, st.just("2026-11-23"), st.just("2026-02-30")),
            "timeZone": st.one_of(json_scalar, ZONES, st.just("Mars/Olympus")),
        },
    ),
)
attendee = st.fixed_dictionaries(
    {},
    optional={
        "email": st.one_of(json_scalar, st.just("jane.doe@acme.com"), st.just(ME)),
        "displayName": json_scalar,
        "self": st.one_of(st.booleans(), json_scalar),
        "resource": st.booleans(),
        "organizer": st.booleans(),
        "responseStatus": st.sampled_from(
            ["accepted", "declined", "tentative", "needsAction", "??"]
        ),
    },
)
odd_event = st.fixed_dictionaries(
    {"id": st.one_of(st.text(min_size=1, max_size=30), json_scalar)},
    optional={
        "summary": st.one_of(
            junk_text, st.just("Interview with Jane (Acme) - Store Manager"), json_scalar
        ),
        "description": st.one_of(junk_text, json_scalar, st.just("hear back within a week")),
        "status": st.sampled_from(["confirmed", "tentative", "cancelled", None, 7]),
        "eventType": st.sampled_from(["default", "outOfOffice", "focusTime", "birthday", None]),
        "start": when,
        "end": when,
        "attendees": st.one_of(st.lists(st.one_of(attendee, json_scalar), max_size=4), json_scalar),
        "organizer": st.one_of(attendee, json_scalar),
        "updated": st.one_of(json_scalar, st.just("2026-11-20T08:12:45.301Z")),
        "iCalUID": json_scalar,
    },
)


@hsettings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(odd_event, json_scalar), max_size=6), rule_settings)
def test_odd_events_never_break_the_feed(raw, settings) -> None:
    good = google_event(event_id="good", attendees=[SELF])
    events, skipped = events_from_payload([*raw, good], calendar_id=ME)
    assert len(events) + len(skipped) == len(raw) + 1
    assume(any(e.event_id == "good" for e in events))
    result = build_feed(events, settings)
    assert any(f.interview.key == f"{ME}/good" for f in result.follow_ups)  # the good one survives
    for line in result.ics[:-2].split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")
    cal = Calendar.from_ical(result.ics)
    assert len(cal.walk("VEVENT")) == len(result.follow_ups)
