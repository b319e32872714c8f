"""Which events are the user's hiring steps: the candidate's copy of a scheduler's invitation, a
task presented, an executive's round, and the other people's interviews a working life holds.

Every name here is made up.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.core.test_reading import event, reading

ON = datetime(2026, 11, 2, 10, tzinfo=ZoneInfo("Asia/Jakarta"))


def _found(*events):  # type: ignore[no-untyped-def]
    return {i.event.event_id: (i.company, i.position) for i in reading(*events).interviews}


# --- rule D7: steps without the word ----------------------------------------------------------


@pytest.mark.parametrize(
    "notes",
    [
        "Who you'll meet: Aroha Ngata, Head of Production; Tama Reid, Managing Director",
        "As discussed, for the next stage you'll present your response to the brief we sent.",
    ],
)
def test_d7_a_task_presented_with_a_schedulers_invitation_is_sure(notes: str) -> None:
    """Regression: "<Company> - Task presentation" from the employer, whose notes say "Who
    you'll meet:" or "the next stage", was never read."""
    found = _found(
        event(
            "Kowhai & Co. - Task presentation",
            organizer=("mere@kowhaico.com.au", "Mere Talent"),
            description=f"Hi Nadia,\n\n{notes}\n\nPowered by Greenhouse",
        )
    )
    assert list(found) == ["evt0001"]


def test_d7_a_task_presentation_of_ones_own_is_work() -> None:
    assert not reading(event("Sprint 14 task presentation")).interviews


@pytest.mark.parametrize("title", ["Tuatara: meet Hemi (CFO)", "Tuatara - CFO chat (final)"])
def test_d7_an_executives_round_joins_its_application(title: str) -> None:
    """Weak alone, sure beside a sure round of the same employer (rule E5)."""
    first = event(
        "Interview - Finance Associate - Tuatara",
        event_id="t1",
        start=ON,
        organizer=("talent@tuatara.io", "Tuatara Talent"),
    )
    later = event(
        title,
        event_id="t2",
        start=ON + timedelta(days=7),
        organizer=("talent@tuatara.io", "Tuatara Talent"),
        people=[{"email": "hemi@tuatara.io", "displayName": "Hemi Walker"}],
    )
    assert _found(first, later) == {key: ("Tuatara", "Finance Associate") for key in ("t1", "t2")}


def test_d7_an_agencys_client_interview_is_the_users() -> None:
    """ "Client interview" is the agency's word for meeting its client, the employer; a
    lawyer's or a banker's client interview without "via" stays work (rule D8)."""
    assert _found(event("Kauri Insurance - client interview (via Pohutu Search)"))
    assert not reading(event("Client interview - estate planning")).interviews


def test_d7_a_surveyor_is_a_job_not_a_survey() -> None:
    """Regression: "Field Surveyor" was read as a household survey (rule D8) and dropped."""
    found = _found(event("Interview Area Manager - Field Surveyor (online)"))
    assert found == {"evt0001": (None, "Field Surveyor")}


# --- rule D8: other people's interviews --------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "notes"),
    [
        ("Safeguarding - pupil interview (DSL)", "Record verbatim on CPOMS straight after."),
        ("DSL follow-up interview with pupil + log on CPOMS", ""),
        ("Ofsted - English deep dive: interview with inspector (subject lead)", ""),
        ("wawancara Tirta Pagi TV di bengkel", "Kru liputan Tirta Pagi TV - tema: servis motor."),
    ],
)
def test_d8_a_pupils_an_inspectors_and_the_news_crews_interviews_are_not_hers(
    title: str, notes: str
) -> None:
    assert not reading(event(title, description=notes)).interviews


# --- rule E2 / E6: where the job is, and whom the user meets -------------------------------------


def test_e2_the_outlet_is_where_the_job_is_not_its_name() -> None:
    found = _found(
        event(
            "Ditelpon HRD Kopi Karang (interview)",
            description="Posisi: Shift Supervisor outlet Seminyak.",
        )
    )
    assert found["evt0001"][1] == "Shift Supervisor"


def test_e6_the_owner_then_the_employer_yields_to_the_role_another_round_states() -> None:
    """ "Interview owner Kopi Karang" as the user types it: the owner is whom she meets."""
    first = event(
        "Ditelpon HRD Kopi Karang (interview)",
        event_id="k1",
        start=ON,
        description="Posisi: Shift Supervisor outlet Seminyak.",
    )
    later = event(
        "Interview owner Kopi Karang (resched)",
        event_id="k2",
        start=ON + timedelta(days=5),
        location="Kopi Karang, Jl. Raya Seminyak",
    )
    found = _found(first, later)
    assert found["k2"][1] == "Shift Supervisor"


@pytest.mark.parametrize(
    "title",
    [
        "Casting Interview - Nayla Skin KOL (Batch 1)",
        "Rekap nilai interview magang",
        "Shoot: CEO interview video - Nayla Skin (LinkedIn series)",
        "Pre-meet with Gareth (UNISON rep) before PSII interview",
        "Apprenticeship completion interview w/ Kerry (AASN)",
        "ECA panel wash-up / scoring",
    ],
)
def test_d8_castings_scores_shoots_pre_meets_and_completion_interviews_are_not_hers(
    title: str,
) -> None:
    assert not reading(event(title, organizer=("rara@rimba.id", "Rara"))).interviews


def test_d6_a_scoring_sheet_in_the_notes_is_the_hiring_sides_copy() -> None:
    notes = (
        "Talent list: 6 micro-influencers, 15 menit per talent.\nScoring sheet: https://x.test/s"
    )
    assert not reading(event("Interview KOL - Nayla Skin", description=notes)).interviews


SMARTRECRUITERS = (
    "Your interview with Bank Arunika is confirmed.\n\nPosition: Social Media Manager\n"
    "Interview: User Interview - Head of Marketing Communications\nPowered by SmartRecruiters"
)


def test_d8_a_bare_user_interview_is_an_employers_round_only_when_it_invites() -> None:
    """A title that is only "User Interview": the line manager's round when an employer's
    invitation names the position, else a research session."""
    sent = event(
        "User Interview",
        organizer=("laras@bankarunika.co.id", "Laras"),
        description=SMARTRECRUITERS,
    )
    assert _found(sent) == {"evt0001": ("Bank Arunika", "Social Media Manager")}
    assert not reading(
        event("User Interview", organizer=("laras@bankarunika.co.id", "Laras"))
    ).interviews


# --- rule E5: the rounds of one application -----------------------------------------------------


def _application(first_title: str, later_title: str, **later: object) -> dict:  # type: ignore[type-arg]
    first = event(
        first_title,
        event_id="a1",
        start=ON,
        organizer=("recruitment@kowhaicoast-ambulance.nhs.uk", "Recruitment"),
    )
    return _found(first, event(later_title, event_id="a2", start=ON + timedelta(days=7), **later))  # type: ignore[arg-type]


def test_e5_initials_before_a_left_out_tail_join_the_application() -> None:
    """ "WCAS" for "Wessex Coast Ambulance Service NHS Trust": the trust's initials without
    "NHS Trust"."""
    found = _application(
        "Interview - Paramedic - Wessex Coast Ambulance Service NHS Trust", "Panel interview - WCAS"
    )
    assert found["a2"] == ("WCAS", "Paramedic")


def test_e5_an_organisations_noun_alone_is_the_application_ending_in_it() -> None:
    found = _application(
        "Interview - Electrician - Moreton Shores Regional Council", "Council 2nd interview w/ Dean"
    )
    assert found["a2"] == ("Moreton Shores Regional Council", "Electrician")


@pytest.mark.parametrize(
    "later",
    [
        "Teams call w/ Head of Clinical Practice (final) - Kowhai Coast",
        "Kowhai Coast - meet ops manager (Priya Nair)",
    ],
)
def test_d7_a_final_in_brackets_and_meeting_a_manager_are_rounds_of_the_application(
    later: str,
) -> None:
    """Weak steps from the employer, sure beside its sure round; "Clinical Practice" is a field,
    not practice for an interview (regression: rule D5 took it for a drill)."""
    found = _application(
        "Interview - Paramedic - Kowhai Coast",
        later,
        organizer=("fiona@kowhaicoast-ambulance.nhs.uk", "Fiona"),
    )
    assert set(found) == {"a1", "a2"}


# --- the twelfth set's shapes: errands, possessives, a lawyer's and a health office's work ------


@pytest.mark.parametrize(
    "title",
    [
        "Drop Priya - her interview at Hinjewadi",
        "Tama's interview - lend him the car",
        "Good luck Ellie - CPS interview!",
        "temenin Ayu interview di Grapari",
        "cari kemeja putih + rok hitam buat interview",
        "Proof of evidence - interview with Mrs Okafor",
        "Supervisi fasilitatif KIA Dinkes (wawancara petugas)",
        "COEP alumni newsletter - interview (call w/ Ananya, TY student)",
        "Interview Flores FM - promo paket Natal & Tahun Baru",
        "send thank-yous to Ledgerly panel",
    ],
)
def test_d8_someone_elses_interview_an_errand_or_work_is_not_hers(title: str) -> None:
    assert not reading(event(title)).interviews


@pytest.mark.parametrize(
    ("title", "notes"),
    [
        ("Veltrix 2nd rnd - Mr Lim + engg team", ""),
        ("Intv user Alas Harum (Bu Ratna DOSM)", ""),
        ("coffee w/ Aroha (Head of CX, Totara)", "re the Content Lead role they're opening"),
    ],
)
def test_d7_the_users_shorthand_for_a_round_is_one(title: str, notes: str) -> None:
    assert reading(event(title, description=notes)).interviews


def test_d7_a_conversation_named_first_or_final_from_the_employer_is_a_step() -> None:
    found = _found(
        event(
            "Zoom Meeting",
            organizer=("graham@corvane.com.au", "Graham Ostler"),
            description="Graham Ostler is inviting you to a scheduled Zoom meeting.\n\n"
            "Topic: Nadia Putri - final conversation (Reliability Engineer)\n",
        )
    )
    assert found == {"evt0001": ("Corvane", "Reliability Engineer")}


@pytest.mark.parametrize(
    ("first_title", "later_title", "company"),
    [
        ("Interview - CS Officer - Bank Amanah Nusantara Syariah", "wwcr user BANS", "BANS"),
        ("Interview - Bidan - RSU Bhakti Husada", "interview user RSU BH batu", "RSU BH"),
        ("Interview - Solicitor - Irwell Housing Group", "IHG panel + presentation", None),
        ("Interview - Sales Manager - Nusantara Grand Hotels", "NGH Jakarta 2nd interview", None),
    ],
)
def test_e5_initials_with_the_organisations_noun_or_a_place_join_the_application(
    first_title: str, later_title: str, company: str | None
) -> None:
    first = event(first_title, event_id="a1", start=ON, organizer=("hr@employer.test", "HR"))
    later = event(later_title, event_id="a2", start=ON + timedelta(days=7))
    found = _found(first, later)
    assert found["a2"][1] == found["a1"][1] is not None
    if company:
        assert found["a2"][0] == company


# --- the thirteenth set's shapes ----------------------------------------------------------------


def test_d7_last_step_in_an_employers_note_invites() -> None:
    """Alone it is asked about; beside a sure round of the same employer it is one (rule E5)."""
    found = reading(
        event(
            "Final: Nadia <> Elena (VP Customer)",
            organizer=("sophie@tallyfin.com", "Sophie"),
            description="Last step! 30 min with Elena. Zoom below.",
        )
    )
    assert [q.event.event_id for q in found.questions] == ["evt0001"]


@pytest.mark.parametrize(
    ("title", "notes"),
    [
        ("Wawancara buletin IKA Tambang (profil alumni muda)", "Via telpon, 30 menit."),
        (
            "Interview: Cllr Adeyemi (TA research)",
            "Research interview for the TA project. Bring consent forms x2.",
        ),
    ],
)
def test_d8_a_bulletins_and_a_research_projects_interviews_are_not_hers(
    title: str, notes: str
) -> None:
    sent = event(title, organizer=("desk@bulletin.test", "Desk"), description=notes)
    assert not reading(sent).interviews


def test_d7_conversation_with_our_head_of_school_from_the_school_is_a_step() -> None:
    first = event(
        "Interview - Mathematics Teacher - Kestrel International School",
        event_id="k1",
        start=ON,
        organizer=("recruitment@kestrel.edu.my", "Kestrel Recruitment"),
    )
    later = event(
        "Conversation with our Head of School",
        event_id="k2",
        start=ON + timedelta(days=7),
        organizer=("recruitment@kestrel.edu.my", "Kestrel Recruitment"),
    )
    assert set(_found(first, later)) == {"k1", "k2"}


@pytest.mark.parametrize(
    "title",
    [
        "Nordhavn - panel (HoS, MYP coord, DP coord)",
        "Stage 2 interview - Principal & Head of Secondary",
    ],
)
def test_e6_a_panels_members_are_whom_the_user_meets(title: str) -> None:
    first = event(
        "Interview - Mathematics Teacher - Nordhavn",
        event_id="n1",
        start=ON,
        organizer=("hr@nordhavn-is.dk", "HR"),
    )
    later = event(
        title, event_id="n2", start=ON + timedelta(days=7), organizer=("hr@nordhavn-is.dk", "HR")
    )
    assert _found(first, later)["n2"][1] == "Mathematics Teacher"
