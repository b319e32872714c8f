"""The user themself and the people they write to (rules E1, T5, C5)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from calfeed.core.drafts import NAME_PLACEHOLDER, sender_name
from calfeed.core.inputs.ics import read_ics
from calfeed.core.model import Person, RuleSettings
from calfeed.core.people import first_name
from calfeed.core.pipeline import build_feed
from tests.support.paths import FIXTURES

WINDOW = {
    "window_start": datetime(2026, 10, 1, tzinfo=UTC),
    "window_end": datetime(2027, 1, 1, tzinfo=UTC),
}


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ('Dr. "Ann" O\'Neil', "Ann"),  # regression: was "Hi Dr.,"
        ("Dr. Ann O'Neil", "Ann"),
        ("O'Neil, Ann", "Ann"),
        ("KIM PARK", "Kim"),
        ("kim park", "Kim"),
        ("Kim Park (Figma)", "Kim"),
        ("Prof. Budi Santoso", "Budi"),
        ("Ibu Rina", "Ibu Rina"),
        ("Pak Budi Santoso", "Pak Budi"),
        ("J. Doe", ""),
        ("kim@figma.com", ""),
        ("Mr.", ""),
        ("", ""),
        ("DeShawn McKay", "DeShawn"),
    ],
)
def test_greetings_survive_real_names(name: str, greeting: str) -> None:
    assert first_name(name) == greeting
    assert Person(email="x@acme.com", name=name).greeting == greeting


def _ics(*events: str, head: str = "") -> bytes:
    body = "".join(events)
    prodid = "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN"
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\n{prodid}\n{head}{body}END:VCALENDAR\n"
    return text.replace("\n", "\r\n").encode()


def _event(uid: str, day: int, summary: str, organizer: str, *attendees: str) -> str:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261101T000000Z",
        f"DTSTART:202611{day:02d}T030000Z",
        f"DTEND:202611{day:02d}T040000Z",
        f"SUMMARY:{summary}",
        f"ORGANIZER;CN={organizer}",
        *(f"ATTENDEE;PARTSTAT=ACCEPTED;CN={a}" for a in attendees),
        "END:VEVENT",
    ]
    return "\n".join(lines) + "\n"


ME = "Sari Wijaya:mailto:sari.wijaya@gmail.com"
PLAIN_EXPORT = _ics(
    _event("a1", 10, "Interview with Acme - Backend Engineer", "Kim Park:mailto:kim@acme.com", ME),
    _event("a2", 12, "Coffee with Dewi", ME, "Dewi:mailto:dewi@gmail.com"),
    _event("a3", 14, "Phone screen - Globex", "Tom:mailto:tom@globex.com", ME),
    _event("a4", 16, "Dentist", ME),
)


def test_owner_found_in_a_plain_export_without_self() -> None:
    # the address on most events is the user's; they are never an interviewer
    read = read_ics(PLAIN_EXPORT, calendar_id="export", **WINDOW)
    for event in read.events:
        for person in (*event.attendees, event.organizer):
            if person is not None:
                assert person.is_self == (person.email == "sari.wijaya@gmail.com")
    result = build_feed(list(read.events), RuleSettings())
    assert result.drafts
    for drafts in result.drafts.values():
        for draft in drafts:
            assert draft.to is not None and draft.to.email != "sari.wijaya@gmail.com"
            assert draft.body.rstrip().endswith("Sari Wijaya")  # signed, never blank


def test_self_email_wins_over_the_guess() -> None:
    read = read_ics(PLAIN_EXPORT, calendar_id="export", self_emails=["kim@acme.com"], **WINDOW)
    (first,) = [e for e in read.events if e.event_id == "a1"]
    assert first.organizer is not None and first.organizer.is_self
    assert not any(a.is_self for a in first.attendees)


def test_no_owner_when_nobody_stands_out() -> None:
    export = _ics(
        _event("b1", 10, "Interview", "A:mailto:a@acme.com", "B:mailto:b@gmail.com"),
        _event("b2", 12, "Interview", "C:mailto:c@globex.com", "D:mailto:d@gmail.com"),
    )
    read = read_ics(export, calendar_id="export", **WINDOW)
    assert not any(p.is_self for e in read.events for p in (*e.attendees, e.organizer) if p)


def test_never_sign_blank() -> None:
    # nothing tells the user's name -> a visible placeholder, never ""
    export = _ics(_event("c1", 10, "Interview - Acme", "Kim:mailto:kim@acme.com"))
    read = read_ics(export, calendar_id="export", **WINDOW)
    result = build_feed(list(read.events), RuleSettings())
    (interview,) = result.interviews
    assert sender_name(interview) == NAME_PLACEHOLDER["en"]
    assert sender_name(interview, lang="id") == NAME_PLACEHOLDER["id"]
    assert sender_name(interview, "  Sari   Wijaya ") == "Sari Wijaya"
    for drafts in result.drafts.values():
        assert drafts[0].body.rstrip().endswith("[Your name]")


def test_user_name_setting_signs_every_draft() -> None:
    read = read_ics(PLAIN_EXPORT, calendar_id="export", **WINDOW)
    result = build_feed(list(read.events), RuleSettings(user_name="Sari W."))
    bodies = [d.body for drafts in result.drafts.values() for d in drafts]
    assert bodies and all(b.rstrip().endswith("Sari W.") for b in bodies)


def test_user_name_setting_is_one_short_line() -> None:
    from calfeed.errors import SettingsError

    with pytest.raises(SettingsError):
        RuleSettings(user_name="x" * 101)
    with pytest.raises(SettingsError):
        RuleSettings(user_name="Sari\nWijaya")


def test_display_names_that_are_addresses_or_team_mailboxes() -> None:
    # a display name that is an address reads as the address's person
    from calfeed.core.detection.detect import interviewers
    from tests.support.factories import source_event

    event = source_event(
        attendees=[
            {"email": "kim.park@figma.com", "displayName": "kim.park@figma.com"},
            {"email": "careers@acme.com", "displayName": "careers@acme.com"},
            {"email": "talent@acme.com", "displayName": "Acme Talent Team"},
            {"email": "sari@gmail.com", "self": True},
        ]
    )
    people = {p.email: p for p in interviewers(event)}
    assert people["kim.park@figma.com"].greeting == "Kim"
    assert people["careers@acme.com"].greeting == ""  # the drafts' generic "Hello,"
    assert people["talent@acme.com"].greeting == "Acme Talent Team"
    assert "sari@gmail.com" not in people


def test_regression_owner_of_a_google_export_is_the_job_seeker() -> None:
    # a recruiter organised every event: the free-mail address on all of them is the owner

    data = (FIXTURES / "google_berlin_export.ics").read_bytes()
    read = read_ics(data, calendar_id="export", **WINDOW)
    assert read.events
    for event in read.events:
        assert [a.email for a in event.attendees if a.is_self] == ["lukas.becker@gmail.com"]
        assert event.organizer is not None and not event.organizer.is_self
