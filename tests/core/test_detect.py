"""Which events are interviews (rules D1-D4) and what they tell us (E1-E3, Z1)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from calfeed.core.detection.detect import (
    company_and_position,
    company_from_domain,
    detect,
    is_interview_title,
    name_from_email,
)
from calfeed.core.model import DEFAULT_KEYWORDS, Marks, RuleSettings
from tests.support.factories import ME, SELF, interviewer, source_event

K = DEFAULT_KEYWORDS


# rule D1: keywords as whole words, case-insensitive, English and Indonesian
@pytest.mark.parametrize(
    "title",
    [
        "Interview with Jane",
        "INTERVIEW",
        "Phone screen: Globex",
        "phone   screen with Rina",
        "Screening call - Acme",
        "Onsite at Initech",
        "On-site, day 2",
        "Technical round (Backend)",
        "Final round",
        "Hiring manager chat",
        "Recruiter call",
        "Wawancara PT Maju Jaya",
        "Interview kerja di Gojek",
        "Tes wawancara Bank Mandiri",
        "2nd interview 🎉",
    ],
)
def test_d1_interview_titles(title: str) -> None:
    assert is_interview_title(title, K)


@pytest.mark.parametrize(
    "title",
    [
        "Interviewer training",
        "Reinterviewing process review",
        "Dentist",
        "",
        "Screenshots",
        "onsites",
    ],
)
def test_d1_not_whole_words(title: str) -> None:
    assert not is_interview_title(title, K)


def test_d1_user_keywords_add_and_remove() -> None:
    # rule D1: the user can add and remove keywords
    assert is_interview_title("Coffee chat with Acme", K + ("coffee chat",))
    assert not is_interview_title("Interview with Acme", ("wawancara",))


@pytest.mark.parametrize(
    ("change", "marks"),
    [
        ({"status": "cancelled"}, Marks()),
        ({"event_type": "outOfOffice"}, Marks()),
        ({"event_type": "focusTime"}, Marks()),
        ({"event_type": "workingLocation"}, Marks()),
        ({"event_type": "birthday"}, Marks()),
        ({"attendees": [{**SELF, "responseStatus": "declined"}]}, Marks()),
        ({}, Marks(not_interview=True)),
    ],
)
def test_d2_never_an_interview(change: dict, marks: Marks, settings: RuleSettings) -> None:
    event = source_event(**change)
    assert detect([event], settings, {event.key: marks}) == []


def test_d2_declined_by_someone_else_still_counts(settings: RuleSettings) -> None:
    event = source_event(
        attendees=[
            SELF,
            interviewer("a@acme.com", "A"),
            interviewer("b@acme.com", responseStatus="declined"),
        ]
    )
    [found] = detect([event], settings)
    assert [p.email for p in found.interviewers] == ["a@acme.com"]  # rule E1: decliners left out


def test_d3_each_occurrence_counts(settings: RuleSettings) -> None:
    # rule D3: recurring interviews arrive as expanded instances and count once each
    base = datetime.fromisoformat("2026-11-23T10:00:00+07:00")
    events = [
        source_event(
            start=base + timedelta(weeks=n),
            event_id=f"rec1_2026112{3 + n}T030000Z",
            recurringEventId="rec1",
        )
        for n in range(3)
    ]
    assert len(detect(events, settings)) == 3


def test_d4_all_day_ends_at_five_pm(settings: RuleSettings) -> None:
    event = source_event(start=date(2026, 12, 2), summary="Onsite interview - Soylent")
    [found] = detect([event], settings)
    assert found.all_day
    assert found.end.time() == time(17, 0) and found.end.date() == date(2026, 12, 2)
    assert found.zone == "Asia/Jakarta"


def test_d4_multi_day_all_day_ends_on_its_last_day(settings: RuleSettings) -> None:
    event = source_event(start=date(2026, 12, 2), end=date(2026, 12, 4), summary="Onsite interview")
    [found] = detect([event], settings)
    assert found.end.date() == date(2026, 12, 3)


# rule E1: interviewers
def test_e1_interviewers(settings: RuleSettings) -> None:
    event = source_event(
        attendees=[
            SELF,
            interviewer("jane.doe@acme.co.id", "Jane Doe", organizer=True),
            interviewer("andi.pratama@acme.co.id"),
            interviewer("room-3@resource.calendar.google.com", "Room 3", resource=True),
            interviewer("noreply@acme.co.id", "Acme"),
        ],
        organizer={"email": "jane.doe@acme.co.id", "displayName": "Jane Doe"},
    )
    [found] = detect([event], settings)
    assert [(p.name, p.first_name) for p in found.interviewers] == [
        ("Jane Doe", "Jane"),
        ("Andi Pratama", "Andi"),
    ]


def test_e1_organizer_counts_when_not_the_user(settings: RuleSettings) -> None:
    event = source_event(attendees=[], organizer={"email": "rina.wijaya@globex.com"})
    [found] = detect([event], settings)
    assert [p.name for p in found.interviewers] == ["Rina Wijaya"]


def test_e1_the_user_is_never_an_interviewer(settings: RuleSettings) -> None:
    # the primary calendar's id is the user's address even where `self` is missing
    event = source_event(attendees=[{"email": ME, "responseStatus": "accepted"}])
    [found] = detect([event], settings)
    assert found.interviewers == ()


@pytest.mark.parametrize(
    ("email", "name"),
    [("jane.doe@acme.com", "Jane Doe"), ("andi_pratama2@x.id", "Andi Pratama"), ("m@x.de", "M")],
)
def test_e1_name_from_email(email: str, name: str) -> None:
    assert name_from_email(email) == name


# rule E2: company and position from common title shapes
@pytest.mark.parametrize(
    ("title", "company", "position"),
    [
        ("Interview with Jane (Acme) - Store Manager", "Acme", "Store Manager"),
        ("Acme: Store Manager interview", "Acme", "Store Manager"),
        ("Wawancara PT Maju Jaya - Manajer Toko", "PT Maju Jaya", "Manajer Toko"),
        ("Phone screen: Globex", "Globex", None),
        ("Designer interview at Initech", "Initech", "Designer"),
        ("Technical round - Initech (Senior Data Analyst)", "Initech", "Senior Data Analyst"),
        ("Interview kerja di Gojek", "Gojek", None),
        ("Interview loop - Nordlicht (Backend Engineer)", "Nordlicht", "Backend Engineer"),
        ("interview prep", None, None),
        ("Interview", None, None),
        ("Interview with Jane", None, None),
    ],
)
def test_e2_title_shapes(title: str, company: str | None, position: str | None) -> None:
    assert company_and_position(title, K) == (company, position)


@pytest.mark.parametrize(
    ("email", "company"),
    [
        ("jane@acme.co.id", "Acme"),
        ("jane@careers.globex.com", "Globex"),
        ("jane@maju-jaya.id", "Maju Jaya"),
        ("jane@gmail.com", None),
        ("jane@yahoo.co.id", None),
    ],
)
def test_e2_company_from_domain(email: str, company: str | None) -> None:
    assert company_from_domain(email) == company


def test_e2_domain_fallback_and_graceful_unknowns(settings: RuleSettings) -> None:
    event = source_event(summary="Interview", attendees=[SELF, interviewer("rina@globex.com")])
    [found] = detect([event], settings)
    assert (found.company, found.position) == ("Globex", None)
    event = source_event(summary="Interview", attendees=[SELF, interviewer("rina@gmail.com")])
    [found] = detect([event], settings)
    assert (found.company, found.position) == (None, None)


# rule E3: stated timeline from the notes; an override always wins
def test_e3_timeline_from_description(settings: RuleSettings) -> None:
    event = source_event(description="Jane: we will get back to you <b>within a week</b>.")
    [found] = detect([event], settings)
    assert found.timeline is not None and (found.timeline.unit, found.timeline.amount) == (
        "days",
        7,
    )
    assert not found.timeline_overridden


def test_e3_override_wins(settings: RuleSettings) -> None:
    event = source_event(description="hear back within a week")
    [found] = detect([event], settings, {event.key: Marks(timeline="2 weeks")})
    assert found.timeline is not None and found.timeline.amount == 14 and found.timeline_overridden


# rule Z1: the event's zone, else the calendar's, else the user's
def test_z1_zone_resolution() -> None:
    settings = RuleSettings(time_zone="Europe/Berlin")
    own = source_event(tz="America/New_York")
    calendar = source_event(tz=None, event_id="b")
    user = source_event(tz=None, calendar_time_zone=None, event_id="c")
    zones = {i.key: i.zone for i in detect([own, calendar, user], settings)}
    assert zones == {
        own.key: "America/New_York",
        calendar.key: "Asia/Jakarta",
        user.key: "Europe/Berlin",
    }
    for interview in detect([own], settings):
        assert interview.start.utcoffset() == timedelta(hours=-5)  # same instant, local wall time


def test_detect_order_is_deterministic(settings: RuleSettings) -> None:
    a = source_event(event_id="b")
    b = source_event(event_id="a")
    assert [i.key for i in detect([a, b], settings)] == [i.key for i in detect([b, a], settings)]


def test_regression_duplicate_event_ids_yield_one_interview(settings: RuleSettings) -> None:
    # found by tests/core/test_properties.py: the same id twice gave two follow-ups with one UID
    old = source_event(summary="Interview (Acme)", updated="2026-11-20T08:00:00Z")
    new = source_event(summary="Interview (Globex)", updated="2026-11-21T08:00:00Z")
    for events in ([old, new], [new, old]):
        [found] = detect(events, settings)
        assert found.company == "Globex"


def test_d3_expanded_instances_and_an_incremental_answer(load_json, settings: RuleSettings) -> None:
    """A recurring interview loop as `events.list(singleEvents=True)` returns it, then the
    incremental answer after one instance moved and one was cancelled (rules D2, D3, C4)."""
    from calfeed.core.inputs.google_json import events_from_payload
    from calfeed.core.rules import follow_ups

    full, _ = events_from_payload(load_json("google_recurring_full.json"))
    interviews = detect(full, settings)
    assert len(interviews) == 3  # rule D3: once per occurrence
    assert {i.company for i in interviews} == {"Nordlicht"}
    found = follow_ups(interviews, settings)
    assert [f.kind for f in found].count("thank-you") == 3
    [check_in] = [f for f in found if f.kind == "check-in"]  # rule C4: the last round's
    assert check_in.interview.start.date() == date(2026, 12, 3)
    assert check_in.rule == "C1" and check_in.start.date() == date(2026, 12, 21)  # 3 Dec + 14 + 2

    changes, skipped = events_from_payload(load_json("google_recurring_incremental.json"))
    assert skipped == []
    merged = detect(
        [*full, *changes], settings
    )  # later answers win (calfeed.core.detection.detect.latest_by_key)
    assert [(i.start.day, i.start.hour) for i in merged] == [
        (1, 9),
        (2, 13),
    ]  # moved; 3rd cancelled


def test_an_undecodable_letter_does_not_cut_the_company():
    """Regression: U+FFFD (a letter the reader could not decode) was taken for an emoji, splitting
    "Glob\ufffdex" into the wrong company "Glob" (rule E2: a wrong company is worse than none)."""
    company, _position = company_and_position("Interview - Glob\ufffdex", DEFAULT_KEYWORDS)
    assert company in (None, "Glob\ufffdex")
