"""How the role is read: the occupations' own endings, "the post of", a tool's name for the step.

Every name here is made up.
"""

from __future__ import annotations

import pytest

from calfeed.core.detection.titles import is_role_noun
from tests.core.test_reading import event, reading


def _one(title: str, **kwargs: object) -> tuple[str | None, str | None]:
    [found] = reading(event(title, **kwargs)).interviews  # type: ignore[arg-type]
    return found.company, found.position


@pytest.mark.parametrize(
    "word",
    ["technologist", "sonographer", "electrician", "phlebotomist", "auctioneer", "producer"],
)
def test_e2_an_occupations_ending_makes_a_role_noun(word: str) -> None:
    assert is_role_noun(word)


@pytest.mark.parametrize("word", ["adplist", "checklist", "assist", "career", "tourist", "wrist"])
def test_e2_the_same_endings_on_things_and_verbs_do_not(word: str) -> None:
    assert not is_role_noun(word)


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Interview for the post of Learning Technologist", "Learning Technologist"),
        ("Interview for the position of Data Analyst", "Data Analyst"),
        ("Interview for the role of Clinical Sonographer", "Clinical Sonographer"),
    ],
)
def test_e2_the_post_of_is_no_part_of_the_role(title: str, role: str) -> None:
    """Regression: "of Data Analyst" was read as the role, "post of ..." too."""
    assert _one(title)[1] == role


def test_e2_the_candidates_copy_names_the_user_then_the_role() -> None:
    """Greenhouse's "<step> - <candidate> - <job>", the candidate being the user: the user's own
    name is no company, and the job is the role (regression: the role was read as the company)."""
    company, position = _one(
        "Panel Interview - Nadia Putri - Senior Event Producer",
        organizer=("kiri@tuihouse.co.nz", "Kiri Walker"),
        description="Thanks for making time to speak with us about the Senior Event Producer "
        "role at Tui House.\nInterview: Panel Interview\nPowered by Greenhouse",
    )
    assert (company, position) == ("Tui House", "Senior Event Producer")


CALENDLY = (
    "Event Name: Screening call - Data Analyst (Korimako Labs)\n\n"
    "Location: This is a Google Meet web conference.\n\n"
    "Need to make changes to this event?\n"
    "Cancel: https://calendly.com/cancellations/0000\n"
    "Reschedule: https://calendly.com/reschedulings/0000\n\n"
    "Powered by Calendly.com"
)


def test_d7_a_pair_of_names_is_read_as_the_tools_name_for_the_step() -> None:
    """Calendly's "<invitee> and <host>" title with an "Event Name:" that names a screening call
    (regression: never read, its notes holding no invitation's words)."""
    company, position = _one(
        "Nadia Putri and Rangi Tane",
        organizer=("rangi@korimako.io", "Rangi Tane"),
        description=CALENDLY,
    )
    assert (company, position) == ("Korimako Labs", "Data Analyst")


def test_d7_a_pair_of_names_for_a_coffee_chat_stays_unread() -> None:
    """The same shape for a "Coffee chat" the user booked: no interview and no question."""
    found = reading(
        event(
            "Nadia Putri and Rangi Tane",
            organizer=("rangi@korimako.io", "Rangi Tane"),
            description=CALENDLY.replace(
                "Screening call - Data Analyst (Korimako Labs)", "Coffee chat (20 min)"
            ),
        )
    )
    assert not found.interviews and not found.questions


# --- rule E4: what the invitation's lines and sentences say ----------------------------------


def test_e4_an_organisation_line_the_domain_vouches_for_is_the_employer() -> None:
    """NHS Jobs and Trac write "Organisation:"; the title's "Urgent and Emergency Care" is the
    service, not who employs (regression: read "Urgent")."""
    company, _ = _one(
        "Interview - Specialist Paramedic - Urgent and Emergency Care",
        organizer=("recruitment@kowhaicoast-ambulance.nhs.uk", "Recruitment"),
        description="Interview booking confirmation\n"
        "Organisation: Kowhai Coast Ambulance Service NHS Trust\n"
        "Vacancy: Specialist Paramedic - Urgent and Emergency Care (Band 7)",
    )
    assert company == "Kowhai Coast Ambulance Service NHS Trust"


def test_e4_workdays_requisition_id_is_no_part_of_the_role() -> None:
    """Regression: "R-26-0412 Social Media Lead", and "Social Media" read as the company."""
    company, position = _one(
        "Interview: Social Media Lead (R-26-0412)",
        organizer=("talent@kumarafoods.com", "Talent"),
        description="Candidate: Nadia Putri\nJob Requisition: R-26-0412 Social Media Lead\n"
        "Interview Type: Recruiter Screen",
    )
    assert (company, position) == ("Kumarafoods", "Social Media Lead")


@pytest.mark.parametrize(
    ("notes", "role"),
    [
        (
            "Thanks for applying for the Paramedic Practitioner - Urgent Care (Bristol) vacancy.",
            "Paramedic Practitioner - Urgent Care",
        ),
        (
            "Thanks for applying for Senior Associate - Risk Advisory on our careers site.",
            "Senior Associate - Risk Advisory",
        ),
        (
            "Thanks again for your interest in the Brand Manager - Ready to Drink role at Kea.",
            "Brand Manager - Ready to Drink",
        ),
    ],
)
def test_e4_a_sentences_role_may_hold_a_dash(notes: str, role: str) -> None:
    _, position = _one(
        "Phone screen - Kea", organizer=("amira@kea.co.nz", "Amira"), description=notes
    )
    assert position == role


def test_e4_the_roles_practice_after_the_domains_name_is_no_part_of_the_employer() -> None:
    company, position = _one(
        "Phone screen - Ostrander Lowe Risk Advisory",
        organizer=("maria@ostranderlowe.co.id", "Maria"),
        description="Thanks for applying for Senior Associate - Risk Advisory on our careers site.",
    )
    assert (company, position) == ("Ostrander Lowe", "Senior Associate - Risk Advisory")


def test_e2_workdays_tenant_address_names_the_employer() -> None:
    """Workday writes from <tenant>@myworkday.com; its "noreply@" says nothing."""
    assert _one(
        "Interview for Lift Technician - R-20418",
        organizer=("verticore@myworkday.com", "Workday"),
    ) == ("Verticore", "Lift Technician")
    assert _one(
        "Interview for Lift Technician - R-20418",
        organizer=("noreply@myworkday.com", "Workday"),
    ) == (None, "Lift Technician")


# --- rule E2: names with "and", pay bands, portals and fields ---------------------------------


def test_e2_and_inside_an_organisations_name_joins_nothing() -> None:
    assert _one(
        "NHS Jobs interview: Paramedic (Band 6) - Cotswold and Marches Ambulance Service NHS Trust"
    ) == ("Cotswold and Marches Ambulance Service NHS Trust", "Paramedic")


def test_e2_a_field_before_a_role_is_no_employer() -> None:
    """Regression: "Social Media Lead" was split into the company "Social Media" and "Lead"."""
    assert _one("Interview: Social Media Lead") == (None, "Social Media Lead")
    assert _one("Interview: Pelican Analytics DS intern") == ("Pelican Analytics", "DS intern")


def test_e2_what_a_chat_is_re_names_the_role() -> None:
    assert _one(
        "Hartwell Electrical - chat with Liam re Commercial Electrician role",
        organizer=("mick@hartwellelectrical.com.au", "Mick Rowe"),
    ) == ("Hartwell Electrical", "Commercial Electrician")


def test_e2_between_bars_a_role_keeps_its_field() -> None:
    """ "<step> | <role> - <field> | <employer>" (regression: the field was read as the company)."""
    assert _one(
        "Technical Interview | Senior Associate - Risk Advisory (Internal Audit) | Ostrander Lowe",
        organizer=("maria@ostranderlowe.co.id", "Maria"),
    ) == ("Ostrander Lowe", "Senior Associate - Risk Advisory")
    assert _one("Interview | Backend Engineer - Acme") == ("Acme", "Backend Engineer")


def test_e2_a_lower_case_word_the_place_spells_is_the_employer() -> None:
    company, _ = _one("intrvw palcomnet jam 10", location="PalComNet, Jl. Demang Lebar Daun 17")
    assert company == "PalComNet"


def test_e4_a_sentences_role_may_hold_lower_case_words_but_ends_at_role() -> None:
    _, position = _one(
        "Aldmere | Interview with Team Head",
        organizer=("joanne@kestrelsearch.com.sg", "Joanne"),
        description="My client Aldmere would like to meet you for the Client Advisor, Malaysia "
        "desk role at Aldmere Private Wealth.",
    )
    assert position == "Client Advisor, Malaysia desk"


def test_e6_a_team_head_after_with_is_a_person_not_the_employer() -> None:
    """Regression: "with Team Head" scored as "with the recruiting team", over the title's
    employer."""
    company, _ = _one("Aldmere Private Wealth | Nadia Putri - Interview with Team Head")
    assert company == "Aldmere Private Wealth"


def test_e6_an_it_division_is_a_department() -> None:
    company, _ = _one(
        "Wawancara akhir - Kadiv TI",
        organizer=("rekrutmen@bankmusi.co.id", "Rekrutmen"),
        description="Saudara lolos ke tahap wawancara akhir dengan Kepala Divisi Teknologi "
        "Informasi.",
    )
    assert company != "Teknologi Informasi"


def test_e2_the_users_first_name_and_initial_is_no_company() -> None:
    """Schedulers write "Nadia P." (regression: "P" was read as the company)."""
    assert _one("Interview Nadia P. - Sales Manager")[0] is None


def test_e2_a_lower_case_word_after_with_names_no_employer() -> None:
    company, position = _one(
        "Interview with client - Senior Equipment Engineer",
        organizer=("jasmine@meridiantalent.com.sg", "Jasmine"),
        description="Client: Veltrix Automation Pte Ltd (Tuas)\nRole: Senior Equipment Engineer",
    )
    assert (company, position) == ("Veltrix Automation Pte Ltd", "Senior Equipment Engineer")


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("interview + tes praktik RS Mitra Sehat Lawang", "RS Mitra Sehat Lawang"),
        ("wawancara akhir dir. RSU Bhakti", "RSU Bhakti"),
        ("Interview dengan Kepala Klinik - Sehati Medika cab. Sawojajar", "Sehati Medika"),
    ],
)
def test_e2_a_hospitals_noun_starts_its_name_and_whom_is_cut(title: str, company: str) -> None:
    assert _one(title)[0] == company


def test_e2_the_regional_office_is_where_not_who() -> None:
    company, _ = _one("interview user bank tirta", location="Bank Tirta Utama Kanwil Medan, Jl. X")
    assert company == "Bank Tirta Utama"


def test_e4_the_legal_form_after_the_name_is_kept_as_written() -> None:
    company, _ = _one(
        "Undangan",
        organizer=("rekrutmen@banktirtautama.co.id", "Rekrutmen"),
        description="Terima kasih atas lamaran Anda di PT Bank Tirta Utama Tbk. Kami mengundang "
        "Anda untuk mengikuti interview HR.\nPosisi : Agent Contact Center",
    )
    assert company == "PT Bank Tirta Utama Tbk"


def test_e4_a_portals_robot_writes_the_employer_before_mengundang() -> None:
    company, position = _one(
        "Interview Invitation",
        organizer=("no-reply@kalibrr.com", "Kalibrr"),
        description="Halo Ratih,\n\nPT Sehati Medika Nusantara (Klinik Sehati Medika) mengundang "
        "kamu untuk Video Interview HR untuk posisi Bidan Klinik.",
    )
    assert company == "PT Sehati Medika Nusantara"


def test_e4_a_labelled_roles_own_qualifier_stays() -> None:
    _, position = _one(
        "Interview: Legal Counsel (Commercial) - R-20817",
        organizer=("northbridge@myworkday.com", "Workday"),
        description="Job Requisition: R-20817 Legal Counsel (Commercial)\nInterview Type: Video",
    )
    assert position == "Legal Counsel (Commercial)"


def test_d5_the_candidates_exercise_debrief_is_a_round() -> None:
    """Regression: the pattern held a backspace where its word boundary was meant to be, so the
    candidate's "Design Exercise Debrief" was always read as a debrief about an interview."""
    assert _one(
        "Design Exercise Debrief - Kowhai Labs",
        organizer=("hr@kowhai.io", "HR"),
        description="Thanks for applying for the Product Designer role. As the next step, "
        "walk us through your design exercise.",
    ) == ("Kowhai Labs", "Product Designer")


def test_the_readers_patterns_hold_no_control_characters() -> None:
    """A "\\b" typed into a plain string is a backspace, and a pattern holding one never matches."""
    from pathlib import Path

    import calfeed.core.detection as detection

    for path in Path(detection.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        bad = [c for c in text if ord(c) < 32 and c not in "\n\t"]
        assert not bad, f"{path.name}: {bad!r}"


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("coffee w/ Aroha (Head of CX, Totara)", "Totara"),
        ("Coffee w/ Irfan (Tiram founder) re the Head of Advisory role", "Tiram"),
    ],
)
def test_e6_a_first_name_with_a_titled_bracket_is_a_person_at_the_employer(
    title: str, company: str
) -> None:
    """Regression: "Aroha" was read as the company and "Head of CX" as the role."""
    assert _one(title, description="re the Content Lead role they're opening")[0] == company


def test_e4_civil_service_jobs_vacancy_lines() -> None:
    """ "Vacancy: 398214 - <role>" and "Department: Department for ..." (regression: the number
    stayed in the role and "Civil Service" was read as the employer)."""
    company, position = _one(
        "Civil Service interview: Policy Adviser (HEO) - 401775",
        organizer=("dfp.recruitment@familypolicy.gov.uk", "DFP Recruitment"),
        description="Thank you for booking your interview slot through Civil Service Jobs.\n\n"
        "Vacancy: 401775 - Policy Adviser - Children's Social Care\n"
        "Department: Department for Family Policy\n",
    )
    assert position == "Policy Adviser - Children's Social Care"
    assert company != "Civil Service"


def test_e4_teamtailors_interview_with_the_employer_for_the_position() -> None:
    company, position = _one(
        "Interview for Research Fellow, Housing and Local Government",
        organizer=("priya@calder-institute.org", "Priya"),
        description="You have been invited to an interview with The Calder Institute for the "
        "position Research Fellow, Housing and Local Government.",
    )
    assert company == "The Calder Institute"
    assert position is not None and position.startswith("Research Fellow")


def test_e4_a_sentence_about_the_user_is_no_role() -> None:
    """Regression: "Saya masukin Junior Engineer." was read as the role."""
    _, position = _one("Walk-in interview CTM", description="Saya masukin Junior Engineer.")
    assert position is None


def test_e6_the_board_then_initials_is_the_employer() -> None:
    company, _ = _one("final interview BOD BLN")
    assert company == "BLN"


def test_e2_a_bracket_after_a_doctor_names_where_they_work() -> None:
    assert _one("Yum cha w/ Dr Chan (Tai Ping) - CHRO role")[0] == "Tai Ping"
    assert _one("Final interview dr. Anton (Manajer Area) - Sehati")[0] == "Sehati"
