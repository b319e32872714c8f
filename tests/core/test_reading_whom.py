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
from calfeed.core.detection.whom import may_meet_whom, meets_whom
from calfeed.core.model import SourceEvent
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
    ("title", "employer"),
    [
        ("Ardent - second interview with the Head of School", "Ardent"),
        ("Interview: Compliance Counsel", None),
    ],
)
def test_e6_a_persons_title_or_a_role_is_never_the_company(
    title: str, employer: str | None
) -> None:
    """The Head of School is whom the user meets; the school's name beside it is the employer
    (it was left out while "Head of School" outscored it)."""
    company, _ = _one(title)
    assert company == employer


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


# --- rule D1: forwarded titles and people's own spellings ---------------------------------------


def test_d1_a_forwarded_invitation_is_read_without_its_prefix_and_given_back_whole() -> None:
    e = event(
        "FW: Interview Invitation: Regional Sales Manager - Orbitra",
        organizer=("ta@orbitra.com", "Orbitra Talent"),
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("Orbitra", "Regional Sales Manager")
    assert found.event.summary.startswith("FW: ")  # the feed shows the title as written


@pytest.mark.parametrize("title", ["intrvw kurir Lintas Kilat", "wwcr ke-2 Lintas Kilat"])
def test_d1_the_users_own_spellings_of_interview(title: str) -> None:
    company, _ = _one(title)
    assert company == "Lintas Kilat"


# --- rule D8: more of what is not the user's job interview ----------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Walkthrough P2P - wawancara Pak Joni (Procurement)",
        "Wawancara auditor - siklus kas",
        "Pencacahan survei - wawancara ruta blok 7",
        "antar Dina interview di Bank Pelangi",
        "Wawancara KUR - Bank Pelangi",
        "Visa interview at the consulate",
        "Graduate networking evening - Orbitra",
        "Interview sign-ups - teachers' fair",
        "interview sopir utk Pak De",
        "Stakeholder interview - Head of Lending",
        "Telp HRD Orbitra soal gaji + join date",
        "Undangan Psikotes - Operator Produksi",
    ],
)
def test_d8_not_the_users_job_interview(title: str) -> None:
    assert reading(event(title)).interviews == ()


def test_d8_a_job_interview_that_talks_of_the_visa_stays_one() -> None:
    e = event(
        "Orbitra - HR interview (package, visa, housing)",
        organizer=("ta@orbitra.com", "Orbitra Talent"),
    )
    assert len(reading(e).interviews) == 1


def test_d8_an_agencys_client_is_an_employer_not_someone_interviewed() -> None:
    assert len(reading(event("Interview klien PT Sarana Tambang via WA")).interviews) == 1


# --- rule D7: more stages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "coffee w/ Lena Ortiz (Fennel) re head chef",
        "Lunch with Arif re the Finance Lead role",
        "Int direksi Bank Pelangi",
        "Orbitra 2nd - w/ Head of CX",
        "Orbitra | Take-home readout",
    ],
)
def test_d7_more_sure_stages(title: str) -> None:
    assert len(reading(event(title, organizer=("ta@orbitra.com", "Orbitra"))).interviews) == 1


def test_d7_a_critique_or_a_values_round_needs_an_invitation() -> None:
    assert reading(event("Design critique - onboarding flows")).interviews == ()
    sent = event(
        "Orbitra: Research critique",
        organizer=("ta@orbitra.com", "Orbitra Talent"),
        description="Thank you for your interest in the Senior Researcher role at Orbitra. "
        "Your interview is confirmed.",
    )
    assert len(reading(sent).interviews) == 1


# --- rules E2, E6: names as a careful reader takes them -----------------------------------------


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Interview partner - KAP Wiranata", "partner"),
        ("Int direktur - Bank Pelangi", "direktur"),
    ],
)
def test_e6_a_lone_senior_title_is_whom_the_user_meets(title: str, role: str) -> None:
    assert meets_whom(title, role)


def test_e6_a_bracketed_title_after_a_name_or_in_a_user_round_is_doubtful() -> None:
    assert may_meet_whom("Hiring manager - Rowan Bell (Head of Research)", "Head of Research")
    assert may_meet_whom("interview user Tirta Foods (spv produksi)", "spv produksi")


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("Final interview - Pak Anton (Direktur Keuangan)", None),
        ("Interview User (VP Perencanaan & Anggaran)", None),
        ("Coffee w/ Rina Sato (VP Design, Ordina) re Research Lead", "Ordina"),
        ("Colloquio Zoom con Chef Bruno (Trattoria Lume, Dubai)", "Trattoria Lume"),
    ],
)
def test_e6_a_department_or_a_city_is_no_employer(title: str, company: str | None) -> None:
    assert _one(title)[0] == company


@pytest.mark.parametrize(
    ("title", "position"),
    [
        ("Interview - Internal Auditor (Kantor Pusat Medan) - Bank Pelangi", "Internal Auditor"),
        ("Interview - Rekrutmen Teller Batch IV - Bank Pelangi", "Teller"),
        ("Interview - Management Trainee (Batch 2027) - Orbitra", "Management Trainee"),
        ("Interview - Lecturer in Ecology (tenure-track) - Carrow College", "Lecturer in Ecology"),
        ("coffee w/ Lena Ortiz (Fennel) re head chef", "head chef"),
    ],
)
def test_e2_where_and_how_the_job_is_held_is_not_its_name(title: str, position: str) -> None:
    assert _one(title)[1] == position


@pytest.mark.parametrize(
    ("description", "position"),
    [
        ("Thanks for your interest in the Data Analyst, Growth position at Orbitra!", None),
        ("We invite you to an interview for the post of Chemistry Teacher (cover).", None),
        ("Position: Biology Teacher (IB DP), starting August 2027", "Biology Teacher"),
        (
            "Your interview for job requisition R-2026-1 Senior Associate, Tax - Orbitra has "
            "been scheduled.",
            "Senior Associate, Tax",
        ),
    ],
)
def test_e4_the_invitations_own_sentences_name_the_role(
    description: str, position: str | None
) -> None:
    e = event("Orbitra interview", organizer=("ta@orbitra.com", "Orbitra"), description=description)
    [found] = reading(e).interviews
    expected = (
        position
        or description.split(" the ", 1)[1]
        .split(" position")[0]
        .split("post of ")[-1]
        .split(" (")[0]
    )
    assert found.position == expected


def test_e4_a_titles_role_yields_to_the_invitations_fuller_one() -> None:
    e = event(
        "Interview Invitation: R-20417 Vice President, Sales - APAC",
        organizer=("ta@orbitra.com", "Orbitra Talent"),
        description="Job Requisition: R-20417 Vice President, Sales - APAC\nInterview Type: Panel",
    )
    [found] = reading(e).interviews
    assert found.position == "Vice President, Sales - APAC"


def test_e2_a_role_then_the_name_the_place_writes() -> None:
    e = event("interview kurir lintas kilat", location="Hub Lintas Kilat Tamalanrea")
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("Lintas Kilat", "kurir")


def test_e2_a_role_written_whole_elsewhere_is_one_role() -> None:
    e = event(
        "Interview - Staff Admin Gudang (JobStreet)",
        description="Posisi: Staff Admin Gudang\nPerusahaan: PT Sinar Rejeki",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("PT Sinar Rejeki", "Staff Admin Gudang")


def test_e4_the_employer_named_on_behalf_of_is_no_agency() -> None:
    e = event(
        "Ostara Labs | Pair programming",
        organizer=("recruiting@ostaralabs.com", "Ostara Labs Recruiting"),
        description="Ostara Labs has invited you to an interview on HackerRank, on behalf of "
        "Ostara Labs.\nRole: Data Scientist II",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("Ostara Labs", "Data Scientist II")


def test_e2_a_name_the_body_writes_is_never_cut_at_a_window_edge() -> None:
    """Regression: "PT Kasira T" was read when the name crossed the scanning window's end."""
    padding = "Terima kasih atas lamaran Saudara untuk posisi Finance Lead di "
    e = event(
        "Interview - Finance Lead | Kasara",
        organizer=("people@kasara.id", "Kasara People"),
        description=padding + "PT Kasara Teknologi Indonesia (Kasara) melalui Glints.",
    )
    [found] = reading(e).interviews
    assert found.company in ("Kasara", "PT Kasara Teknologi Indonesia")


def test_e2_initials_typed_are_spelled_out_as_the_notes_write_them() -> None:
    e = event(
        "Interview klien PT STB via video call WA",
        description="interview dengan klien PT Sarana Tambang Borneo, posisi Operator Dump Truck",
    )
    [found] = reading(e).interviews
    assert found.company == "PT Sarana Tambang Borneo"


def test_e5_a_departments_word_mentions_no_other_application() -> None:
    """Regression: "Head of Legal Ops" at one firm joined the "Legal Service" application."""
    rounds = [
        event(
            "Interview - Legal Officer (Legal Service Board)",
            event_id="a1",
            start=_on(2),
            organizer=("hr@lsb.gov.sg", "LSB HR"),
        ),
        event("Clausewise interview - Head of Legal Ops", event_id="a2", start=_on(4)),
    ]
    found = {i.event.event_id: i.company for i in reading(*rounds).interviews}
    assert found["a2"] == "Clausewise"


def test_e5_the_full_name_a_round_writes_beats_the_domains_spelling() -> None:
    rounds = [
        event(
            "Interview HR - Bank Nagari Sentosa",
            event_id="b1",
            start=_on(2),
            organizer=("recruitment@banknagari.co.id", "Recruitment"),
            description="Salam, Recruitment Team Bank Nagari",
        ),
        event(
            "Final Interview - ODP",
            event_id="b2",
            start=_on(9),
            organizer=("recruitment@banknagari.co.id", "Recruitment"),
            description="Salam, Recruitment Team Bank Nagari",
        ),
    ]
    found = {i.event.event_id: i.company for i in reading(*rounds).interviews}
    assert found == {"b1": "Bank Nagari Sentosa", "b2": "Bank Nagari Sentosa"}


def test_d6_a_candidate_line_that_runs_on_still_names_someone_else() -> None:
    e = event(
        "Interview commis - Aisyah Rahim",
        organizer=("people@velagroup.sg", "People & Culture"),
        description="Candidate: Aisyah Rahim, Commis Chef (ITE Culinary, 1 yr at a hotel "
        "banquet kitchen, 2 yrs in a cafe before that, speaks Malay and English). Interviewers: "
        "Budi Santoso (Sous Chef). CV attached. Please send your notes by Thursday.",
    )
    assert reading(e).interviews == ()


# --- the sixth round: letters' words, programmes, abbreviations -----------------------------------


def test_e4_the_letters_you_is_never_the_role() -> None:
    e = event(
        "Undangan wawancara",
        organizer=("sdm@rsucitra.co.id", "SDM RSU Citra"),
        description="Menindaklanjuti lamaran kerja Saudari, kami mengundang Saudari untuk "
        "wawancara posisi Apoteker Rawat Inap, Saudari diharap hadir.",
    )
    [found] = reading(e).interviews
    assert found.position != "Saudari"


def test_e6_the_user_rounds_bracket_names_the_line_manager() -> None:
    assert meets_whom("Citra Farma - int user (mgr accounting)", "mgr accounting")


def test_e2_a_role_typed_in_lower_case_yields_to_the_notes_spelling() -> None:
    e = event("tlp HR Cakra Air (kabin crew) jam 2", description="posisi Cabin Crew, by phone")
    [found] = reading(e).interviews
    assert found.position == "Cabin Crew"


def test_e4_a_labelled_application_names_the_role() -> None:
    e = event(
        "Video interview - Kemuning Hotel",
        description="[Hosco] New message from Kemuning Hotel\nApplication: Housekeeping Manager",
    )
    [found] = reading(e).interviews
    assert found.position == "Housekeeping Manager"


@pytest.mark.parametrize(
    "title",
    ["interview TTK lagi (2 org) - sm Pak Yohan", "Interviews - 3 candidates for the front desk"],
)
def test_d6_interviewing_several_people_is_the_hiring_side(title: str) -> None:
    assert reading(event(title)).interviews == ()


def test_e2_a_head_office_after_the_name_is_where() -> None:
    e = event("panggilan interview apotek sehat prima", location="Apotek Sehat Prima Pusat, Jl. A")
    [found] = reading(e).interviews
    assert found.company == "Apotek Sehat Prima"


def test_e2_a_department_in_the_title_yields_to_the_labelled_company() -> None:
    e = event(
        "Interview: HR Business Partner - Supply Chain (R-0048812)",
        organizer=("kemuning@myworkday.com", "Workday"),
        description="Company: Kemuning Foods Indonesia\nJob Requisition: R-0048812 HR Business "
        "Partner - Supply Chain",
    )
    [found] = reading(e).interviews
    assert found.company == "Kemuning Foods Indonesia"


# --- the seventh round: studies, interns, admissions, people's titles -----------------------------


@pytest.mark.parametrize(
    "title",
    [
        "CARE study - interview P11",
        "Wawancara anak PKL (Rudi) - ikut Pak Bonar",
        "Interview calon guru pendamping - Sinta",
        "Interview orang tua calon murid - keluarga Tan",
        "Return to work interview - Dan K.",
        "Residency interview skills workshop",
        "Reference call for Mira (Lumen role)",
    ],
)
def test_d8_more_that_is_not_the_users_job_interview(title: str) -> None:
    assert reading(event(title)).interviews == ()


@pytest.mark.parametrize(
    "title",
    [
        "Yum cha w/ Dr Lau (Kowloon Care) - CHRO role",
        "mtg w/ COO (CHRO role) - Harbour Ports",
        "call w/ Lowden HR re AM role",
        "Code test review - Nordlys",
    ],
)
def test_d7_a_meeting_about_a_role_or_a_test_review_is_sure(title: str) -> None:
    assert len(reading(event(title, organizer=("hr@nordlys.fi", "Nordlys"))).interviews) == 1


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("Final stage - Sarah Okoro (Regional Director)", None),
        ("Interview w/ Programme Director (Prof Lim) - Tanjong IM", "Tanjong IM"),
        ("interview final GM site KB (video call)", "KB"),
        ("Interview user - Kepala Cabang Rumah Riang", "Rumah Riang"),
    ],
)
def test_e6_people_places_and_times_are_no_employer(title: str, company: str | None) -> None:
    assert _one(title)[0] == company


def test_e6_a_time_conversion_is_no_employer() -> None:
    e = event(
        "call w/ Nordlys (10:00 Helsinki = 14:00 WIB)",
        description="first chat about the Tools Programmer role, remote ok?",
    )
    [found] = reading(e).interviews
    assert found.company in (None, "Nordlys")  # "with Nordlys" may be a person: left out, not wrong
    assert found.position == "Tools Programmer"


def test_e4_an_interview_for_a_dashed_role_at_an_employer() -> None:
    e = event(
        "Interview: Area Manager - North West (R-0048817)",
        organizer=("greenvale@myworkday.com", "Workday"),
        description="Your interview for Area Manager - North West (R-0048817) at Greenvale "
        "Supermarkets has been scheduled.",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == (
        "Greenvale Supermarkets",
        "Area Manager - North West",
    )


def test_e4_a_long_role_of_the_appointment_is_read_whole() -> None:
    e = event(
        "Meeting - Lumen Bay Group",
        organizer=("jl@searchpartners.com", "Search Partners"),
        description="Lumen Bay Group would like to invite you to meet the Group CEO as part of "
        "the process for the role of Regional Chief Human Resources Officer, Asia Pacific.",
    )
    [found] = reading(e).interviews
    assert found.position == "Regional Chief Human Resources Officer, Asia Pacific"


# --- the eighth round -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Sesi Wawancara Pengguna Kasira",
        "Wawancara surveior akreditasi - unit ICU",
        "Temani Nisa interview kerja (bank syariah)",
        "Interview vlog w/ Jess (travel channel)",
    ],
)
def test_d8_research_accreditation_company_and_vlogs_are_not_the_users(title: str) -> None:
    assert reading(event(title)).interviews == ()


@pytest.mark.parametrize(
    "title",
    [
        "Orbis HM int (VP Customer Eng)",
        "Pranawa 2nd - FO Manager",
        "Arcwise | Technical Presentation",
    ],
)
def test_d7_a_hiring_managers_int_a_second_round_and_a_technical_presentation(title: str) -> None:
    e = event(
        title,
        organizer=("ta@arcwise.io", "Arcwise Talent"),
        description="A presentation for the Pre-Sales Lead role. Your interview is confirmed.",
    )
    assert len(reading(e).interviews) == 1


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("call w/ Sarah H (Hartwell TA) - supt role", "Hartwell"),
        ("interview BME kantor Tj Uncang", "BME"),
    ],
)
def test_e6_a_team_a_language_and_an_office_are_no_part_of_the_name(
    title: str, company: str
) -> None:
    assert _one(title)[0] == company


def test_e6_the_language_of_a_round_is_no_employer() -> None:
    assert _one("2nd interview NOF w/ Yard Manager (English)")[0] != "English"


def test_e4_an_interview_with_an_organisation_names_the_employer_not_the_agency() -> None:
    e = event(
        "Video Interview - Staff Nurse ICU",
        organizer=("wulan@cahayamedika-global.co.id", "Cahaya Medika Global"),
        description="You are shortlisted for a video interview with Najd Royal Care Hospital, "
        "Riyadh.\nPosition: Staff Nurse - ICU",
    )
    [found] = reading(e).interviews
    assert found.company == "Najd Royal Care Hospital"


def test_e5_an_invitations_full_name_is_not_shortened_to_the_users_short_form() -> None:
    rounds = [
        event(
            "Interview: Budi Santoso <> Westmoor Iron",
            event_id="w1",
            start=_on(2),
            organizer=("ta@westmooriron.com.au", "Westmoor Iron TA"),
        ),
        event("2nd round w/ GM Operations - Westmoor", event_id="w2", start=_on(9)),
    ]
    found = {i.event.event_id: i.company for i in reading(*rounds).interviews}
    assert found["w1"] == "Westmoor Iron"


# --- the ninth round -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Interview nasabah baru (KYC) - Bpk. Hendra",
        "wawancara KYC calon nasabah prioritas",
        "Medical interview underwriting - Pak Yusuf",
        "Vendor interview: Kestrel - data platform tender",
        "siapin jawaban interview Danakarta",
    ],
)
def test_d8_customers_tenders_and_preparation_are_not_interviews(title: str) -> None:
    assert reading(event(title)).interviews == ()


@pytest.mark.parametrize(
    "title",
    [
        "Live coding - Fernwood (CoderPad)",
        "System Design - Pebbleton",
        "ph screen Brightwell Beauty 12:15 (Brand Mgr)",
        "Temuduga - Eksekutif Kanan Perancangan",
    ],
)
def test_d1_d7_more_rounds_by_name(title: str) -> None:
    assert len(reading(event(title, organizer=("ta@fernwood.com", "Fernwood"))).interviews) == 1


def test_e4_a_companys_legal_form_ends_no_sentence_and_an_emptied_bracket_goes() -> None:
    e = event(
        "Interview Invitation - Demand Planning Lead",
        organizer=("farah@halcyonpharma.com", "Farah"),
        description="Position: Demand Planning Lead - APAC (Req ID 5309)\n"
        "Company: Halcyon Pharma Asia Pte. Ltd.",
    )
    [found] = reading(e).interviews
    assert (found.company or "").rstrip(".") == "Halcyon Pharma Asia Pte. Ltd"
    assert found.position == "Demand Planning Lead - APAC"


@pytest.mark.parametrize(
    ("title", "company"),
    [("BDN interview Pinwil", "BDN")],
)
def test_e6_initials_then_whom(title: str, company: str | None) -> None:
    assert _one(title)[0] == company


def test_e6_a_user_label_in_the_title_names_whom_the_user_meets() -> None:
    assert meets_whom("TJL interview ke-2 (user: Regional Sales Head)", "Regional Sales Head")


def test_e6_meeting_a_manager_is_whom_not_the_role() -> None:
    assert _one("ketemu Manajer CU Bina Sejahtera (interview lanjutan)")[1] is None


# --- reading stays cheap --------------------------------------------------------------------------


def test_reading_compiles_no_pattern_per_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: a check built a pattern from each company's name, and a calendar of a
    thousand interviews compiled a thousand patterns (0.3 s of a 1.2 s feed)."""
    import re._compiler as compiler

    tails = "Works Labs Foods Logistics Media Retail Health Energy Capital Systems".split()

    def calendar(heads: str) -> list[SourceEvent]:
        # names shaped like people's ("Amber Works"), the shape that had a pattern each
        pairs = [(h, t) for h in heads.split() for t in tails]
        return [
            event(
                f"Interview - Analyst - {head} {tail} (Regional Director)",
                event_id=f"{head}{tail}",
                description=f"Posisi: Analyst\nPT {head} {tail} Sejahtera, kantor pusat",
                location=f"{head} {tail}, Level 3",
            )
            for head, tail in pairs
        ]

    reading(*calendar("Amber Birch Cedar Delta Ember Fable Garnet Harbor Indigo Juniper"))
    compiled: list[object] = []
    original = compiler.compile
    monkeypatch.setattr(
        compiler, "compile", lambda *a, **k: compiled.append(a) or original(*a, **k)
    )
    reading(*calendar("Kestrel Linden Maple Nimbus Onyx Pebble Quill Raven Sable Tulip"))
    assert len(compiled) < 20, compiled[:5]


def test_e6_senior_titles_are_matched_literally() -> None:
    """Regression: "dir." entered the senior titles' alternations unescaped, so its dot matched
    any letter and a café called "Dirt of Kemang" was read as a person's title ("Dir of ...")."""
    from calfeed.core.detection.whom import without_whom

    assert without_whom("Dirt of Kemang") == "Dirt of Kemang"
    assert without_whom("Dir. of Nursing") is None
