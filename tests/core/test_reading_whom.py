"""Whom the user meets is neither the job nor the employer; other people's interviews; internal
candidates; the stages of an academic visit (rules D6-D8, E2, E5, E6).

Events are Google `events.list` items built by tests/core/test_reading.py's helpers; every name
here is made up and none is taken from the whole-calendar corpora.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calfeed.core.detection import CalendarReading
from calfeed.core.detection.naming import may_meet_whom, meets_whom
from tests.core.test_reading import WORK, event, reading

JAKARTA = ZoneInfo("Asia/Jakarta")


def _on(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=JAKARTA)


def _one(title: str, **kwargs: object) -> tuple[str | None, str | None]:
    [found] = reading(event(title, **kwargs)).interviews  # type: ignore[arg-type]
    return found.company, found.position


# --- rule E6: the interviewer's title is not the job --------------------------------------------


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Brightwater - 2nd round w/ Managing Director + Head of Sales", "Head of Sales"),
        ("Interview dengan Kepala Gudang", "Kepala Gudang"),
        ("interview user Tirta - supervisor gudang pak Joni", "supervisor gudang pak Joni"),
    ],
)
def test_e6_a_senior_title_after_with_or_a_person_is_whom_the_user_meets(
    title: str, role: str
) -> None:
    assert meets_whom(title, role)


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Second interview - Tirta - Store Manager", "Store Manager"),
        ("Interview with Orbitra (Product Manager, Growth)", "Product Manager, Growth"),
        ("Interview - Marketing Manager - Kenanga Foods", "Marketing Manager"),
    ],
)
def test_e6_a_senior_role_the_title_states_as_the_job_stays(title: str, role: str) -> None:
    assert not meets_whom(title, role)


def test_e6_a_bracketed_senior_title_in_a_later_round_is_only_doubtful() -> None:
    assert may_meet_whom(
        "Lindenhof second interview (Front Office Manager)", "Front Office Manager"
    )
    assert not may_meet_whom("Interview - Front Desk Agent", "Front Desk Agent")


def test_e6_a_doubtful_role_yields_to_the_role_another_round_states() -> None:
    """rule E6 with E5: the first round names the job; the second names whom the user meets."""
    first = event(
        "Interview - Front Desk Agent - Lindenhof Hotel",
        event_id="r1",
        start=_on(2),
        organizer=("talent@lindenhofhotel.com", "Lindenhof Talent"),
    )
    second = event(
        "Lindenhof Hotel second interview (Front Office Manager)",
        event_id="r2",
        start=_on(9),
        organizer=("talent@lindenhofhotel.com", "Lindenhof Talent"),
    )
    found = {i.event.event_id: i.position for i in reading(first, second).interviews}
    assert found == {"r1": "Front Desk Agent", "r2": "Front Desk Agent"}


def test_e6_a_doubtful_role_alone_stays() -> None:
    """rule E6: many people apply to be a manager; with no other role known the title's stays."""
    assert _one("Interview (Round 2) - Kenanga - Category Manager")[1] == "Category Manager"


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("Interview GM Teratai Resort", "Teratai Resort"),
        ("Wawancara Kabid Keuangan RS Citra Harapan", "RS Citra Harapan"),
        ("walk in interview Klinik Bunda Sehat, bawa CV + KTP", "Klinik Bunda Sehat"),
        ("interview cv sumber rejeki abadi jm 2 siang", "cv sumber rejeki abadi"),
    ],
)
def test_e6_a_company_without_whom_the_user_meets_or_a_to_do(title: str, company: str) -> None:
    assert _one(title)[0] == company


@pytest.mark.parametrize(
    "title",
    [
        "Ardent - second interview with the Head of School",
        "Interview: Compliance Counsel",
    ],
)
def test_e6_a_persons_title_or_a_role_is_never_the_company(title: str) -> None:
    company, _ = _one(title)
    assert company is None


def test_e6_the_person_met_in_a_later_round_is_neither_name() -> None:
    assert _one("Lagoon Lines 2nd interview w/ Cruise Director") == ("Lagoon Lines", None)


def test_e6_a_role_then_an_organisation_is_the_role_then_the_employer() -> None:
    company, position = _one("Interview HRD - Bidan Pelaksana RS Citra Harapan")
    assert (company, position) == ("RS Citra Harapan", "Bidan Pelaksana")


def test_e6_how_the_job_is_held_is_not_its_name() -> None:
    e = event(
        "Interview Rawat Rumah",
        organizer=("hr@rawatrumah.id", "HR Rawat Rumah"),
        description="Posisi: Caregiver Lansia (freelance/full time)",
    )
    [found] = reading(e).interviews
    assert found.position == "Caregiver Lansia"


@pytest.mark.parametrize(
    "title",
    [
        "Interview: Regulatory Counsel - Halden Partners",
        "Interview - Lecturer in Marine Biology",
        "Interview Steward - Lagoon Lines",
    ],
)
def test_e6_occupations_are_roles_never_companies(title: str) -> None:
    company, position = _one(title)
    assert position is not None and company != position


# --- rule E5: one application by its initials and its legal name ---------------------------------


def test_e5_initials_join_the_application_and_the_legal_name_is_its_spelling() -> None:
    rounds = [
        event("Interview HRD PT Sarana Kargo Utama - Admin Gudang", event_id="s1", start=_on(2)),
        event("interview user SKU", event_id="s2", start=_on(5)),
        event("Interview GM Sarana Kargo", event_id="s3", start=_on(9)),
    ]
    found = {i.event.event_id: (i.company, i.position) for i in reading(*rounds).interviews}
    assert found == {key: ("PT Sarana Kargo Utama", "Admin Gudang") for key in ("s1", "s2", "s3")}


# --- rule D8: someone else is interviewed ---------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Witness interview - Mr Tan (site foreman)",
        "Client intake interview - estate matter",
        "Guest interview for the hotel's anniversary video",
        "Wawancara saksi kasus 114",
        "interview helper gudang batch 3",
        "Interview investigasi kehilangan barang - Rudi",
        "Disciplinary interview - night shift",
    ],
)
def test_d8_an_interview_of_someone_else_the_user_holds_is_not_hers(title: str) -> None:
    assert reading(event(title)) == CalendarReading((), ())


def test_d8_user_interview_naming_a_job_is_the_round_with_the_hiring_manager() -> None:
    """rule D8: in Indonesian hiring the "user" is the hiring manager."""
    company, position = _one("User Interview - Apoteker | RS Citra Harapan")
    assert (company, position) == ("RS Citra Harapan", "Apoteker")
    assert reading(event("User interview #4 - checkout flow")) == CalendarReading((), ())


# --- rule D6: an internal candidate ---------------------------------------------------------------


def test_d6_an_internal_application_is_the_users_own_interview() -> None:
    e = event(
        "Interview: Operations Lead (internal)",
        organizer=("people-ops@lumina.io", "Lumina People Ops"),
        calendar=WORK,
    )
    [found] = reading(e).interviews
    assert found.position == "Operations Lead"


def test_d6_an_internal_loop_with_an_interviewers_kit_stays_the_hiring_side() -> None:
    e = event(
        "Interview: Operations Lead (internal) - Rina Wijaya",
        organizer=("people-ops@lumina.io", "Lumina People Ops"),
        calendar=WORK,
        description="Please submit your scorecard within 24 hours.",
    )
    assert reading(e).interviews == ()


# --- rule D7: an academic visit, a requisition, a panel -------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Job talk - School of Earth Sciences, Carrow College",
        "Chalk talk with the search committee",
        "Teaching demo - Year 10 chemistry",
        "Presentation - Lecturer in Marine Biology (R-0098812)",
    ],
)
def test_d7_an_academic_visits_rounds_and_a_requisition_are_sure(title: str) -> None:
    e = event(title, organizer=("recruit@carrow.ac.uk", "Carrow Recruitment"))
    assert len(reading(e).interviews) == 1


def test_d7_a_panel_is_sure_only_with_an_invitation() -> None:
    sent = event(
        "Halden Partners - panel with the General Counsel",
        organizer=("talent@haldenpartners.com", "Halden Talent"),
        description="Thank you for your interest in the Regulatory Counsel position at Halden "
        "Partners. Your interview is confirmed.",
    )
    assert len(reading(sent).interviews) == 1
    conference = event("Panel discussion: the future of fintech")
    assert reading(conference).interviews == ()


def test_d7_a_later_round_the_week_after_keeps_its_application() -> None:
    """rule E5: rounds a week apart from the same sender are one application."""
    rounds = [
        event(
            "Interview - Regulatory Counsel - Halden Partners",
            event_id="h1",
            start=_on(2),
            organizer=("talent@haldenpartners.com", "Halden Talent"),
        ),
        event(
            "Halden Partners - panel with the General Counsel",
            event_id="h2",
            start=_on(2) + timedelta(days=7),
            organizer=("talent@haldenpartners.com", "Halden Talent"),
            description="Your interview is confirmed.",
        ),
    ]
    found = {i.event.event_id: (i.company, i.position) for i in reading(*rounds).interviews}
    assert found == {key: ("Halden Partners", "Regulatory Counsel") for key in ("h1", "h2")}
