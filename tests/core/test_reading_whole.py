"""Reading whole calendars: what the invitation's body, the user's own notes and the other rounds
of an application tell (rules D6-D9, E2, E4, E5). Events are Google `events.list` items built by
tests/core/test_reading.py's helpers."""

from __future__ import annotations

import pytest

from calfeed.core.detection import CalendarReading
from tests.core.test_reading import event, reading

# --- rule D7: the body and the notes say it is a hiring step ----------------------------------


@pytest.mark.parametrize(
    ("title", "body", "position"),
    [
        (
            "Video Call: Head of Growth - Lumina",
            "Thank you for applying for the Head of Growth position at Lumina. This video call "
            "is the first interview with me (Talent Lead).",
            "Head of Growth",
        ),
        (
            "Acme | CFO | Founder conversation",
            "This is a conversation with our co-founders about the Chief Financial Officer role "
            "at Acme.",
            "Chief Financial Officer",
        ),
        (
            "Panel - Acme Nominating Committee",
            "Nominating Committee session for the appointment of Chief Financial Officer.",
            "Chief Financial Officer",
        ),
    ],
)
def test_d7_a_sentence_naming_the_role_from_outside_is_sure(
    title: str, body: str, position: str
) -> None:
    e = event(title, organizer=("leah@acme.sg", "Leah Tan"), description=body)
    [found] = reading(e).interviews
    assert found.position == position


def test_d7_a_technical_interview_the_body_names_under_a_zoom_title() -> None:
    e = event(
        "Zoom Meeting",
        organizer=("jonah.lee@quantapay.com", "Jonah Lee"),
        description="Hi - looking forward to the technical interview for the Senior Software "
        "Engineer, Ledger role.\n\nJonah Lee is inviting you to a scheduled Zoom meeting.",
    )
    [found] = reading(e).interviews
    assert found.position == "Senior Software Engineer, Ledger"


@pytest.mark.parametrize("title", ["Nadia Putri and Priya Shah", "Nadia / Farah"])
def test_d7_two_names_one_the_users_say_only_a_meeting(title: str) -> None:
    e = event(
        title,
        organizer=("farah@kirana.id", "Farah Lubis"),
        description="First interview for the Growth Lead role at Kirana.",
    )
    [found] = reading(e).interviews
    assert found.position == "Growth Lead"


def test_d7_two_names_without_an_invitation_stay_nothing() -> None:
    e = event("Nadia / Farah", organizer=("farah@kirana.id", "Farah Lubis"), description="Lunch")
    assert reading(e) == CalendarReading((), ())


@pytest.mark.parametrize(
    ("title", "notes", "position"),
    [
        ("Telpon HRD Matahari", "HRD mau telpon, lowongan Fashion Advisor. jangan di tempat rame",
         "Fashion Advisor"),
        ("Telpon HRD Tokobaru jam 2", "Mbak Sari HRD, dari lamaran JobStreet. Posisi Customer "
         "Experience Specialist. angkat", "Customer Experience Specialist"),
        ("WA call sama Pak Budi", "soal lowongan waiter, dia yg nelpon lewat WA", "waiter"),
        ("Ketemu Bu Rina (HRD) Excelso", "bawa CV, lamaran barista", "barista"),
    ],
)  # fmt: skip
def test_d7_the_users_own_note_naming_the_vacancy_is_sure(
    title: str, notes: str, position: str
) -> None:
    [found] = reading(event(title, description=notes)).interviews
    assert found.position == position


def test_d7_a_weak_step_the_user_typed_without_a_vacancy_is_still_asked() -> None:
    result = reading(event("Telpon HRD Indomarco", description="angkat nomer 021"))
    assert result.interviews == () and len(result.questions) == 1


@pytest.mark.parametrize("title", ["Xendra | Case study review", "Vireo - 2nd w/ Global CFO"])
def test_d7_more_stage_names(title: str) -> None:
    assert len(reading(event(title)).interviews) == 1


@pytest.mark.parametrize(
    "title",
    ["Acme - case presentation (Head of Growth)", "Graha Pangan - final w/ Presiden Direktur"],
)
def test_d7_weaker_stage_names_need_an_invitation_or_another_round(title: str) -> None:
    alone = reading(event(title, event_id="b"))
    assert alone.interviews == () and len(alone.questions) == 1
    sent = reading(event(title, organizer=("sinta@acme.id", "Sinta"), event_id="b"))
    assert len(sent.interviews + sent.questions) == 1  # from outside: sure with a role
    first = event("Interview Graha Pangan - GM Marketing / Acme", event_id="a")
    assert {i.event.event_id for i in reading(first, event(title, event_id="b")).interviews} == {
        "a",
        "b",
    }


@pytest.mark.parametrize("title", ["Case review - Smith v Jones", "Design final with the client"])
def test_d7_work_that_shares_the_weaker_stage_names_is_never_an_interview(title: str) -> None:
    assert reading(event(title)).interviews == ()


def test_d9_notes_about_a_vacancy_on_a_work_calendar_are_asked_about() -> None:
    e = event(
        "Meeting HRD - lowongan Staff Admin",
        description="bahas lowongan Staff Admin untuk cabang baru",
        calendar="nadia.putri@lumina.io",
    )
    result = reading(e)
    assert result.interviews == () and len(result.questions) == 1


def test_d7_a_numbered_stage_from_outside_naming_a_role_is_sure() -> None:
    e = event(
        "Yorkshire Learning Trust | Digital Learning Designer | Stage 1",
        organizer=("recruitment@yltrust.org.uk", "YLT Recruitment"),
    )
    [found] = reading(e).interviews
    assert found.position == "Digital Learning Designer"


# --- rule D8: a journalist, and helping someone else interview ---------------------------------


def test_d8_a_journalists_line_in_the_body_is_a_press_interview() -> None:
    e = event(
        "Business Times interview - Meridian Q3 results",
        organizer=("joanne@meridianfoods.com.sg", "Joanne Seah"),
        description="Journalist: Cheryl Tay. Corporate comms attending.",
    )
    assert reading(e) == CalendarReading((), ())


@pytest.mark.parametrize(
    "title", ["Bantu interview crew baru (disuruh Mas Dimas)", "Help interview new baristas"]
)
def test_d8_helping_someone_interview_is_the_hiring_side(title: str) -> None:
    assert reading(event(title)) == CalendarReading((), ())


# --- rule E4: more of the body's shapes --------------------------------------------------------


def test_e4_a_portal_robot_names_the_employer_first() -> None:
    e = event(
        "Interview Schedule - Associate Product Analyst",
        organizer=("no-reply@kalibrr.com", "Kalibrr"),
        description="Hi Rizky,\n\nPT Bukit Kapital Indonesia has scheduled an interview with you "
        "for the Associate Product Analyst position.",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == (
        "PT Bukit Kapital Indonesia",
        "Associate Product Analyst",
    )


def test_e4_a_remark_in_brackets_after_the_company_is_not_its_name() -> None:
    e = event(
        "Undangan Interview",
        organizer=("hrd@mitraboga.co.id", "HRD Mitra Boga"),
        description="Posisi: Crew Outlet\nPerusahaan: PT Mitra Boga Nusantara (pemegang "
        "waralaba Chatime Jawa Timur)",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("PT Mitra Boga Nusantara", "Crew Outlet")


def test_e4_an_inline_role_label_and_an_interview_line() -> None:
    inline = event(
        "Recruiter call",
        organizer=("andini@xendra.io", "Andini Putri"),
        description="Hi, excited to chat! Role: Data Analyst, Risk. 30 mins.",
    )
    line = event(
        "Microsoft Teams Meeting",
        organizer=("ta@vireopharma.com", "Talent Acquisition"),
        description="Interview: Regional Finance Director, APAC\nHiring manager: Sven Olsen",
        event_id="b",
    )
    assert reading(inline).interviews[0].position == "Data Analyst, Risk"
    assert reading(line).interviews[0].position == "Regional Finance Director, APAC"


# --- rule E5: the rounds of one application ---------------------------------------------------


def _read(*events):  # type: ignore[no-untyped-def]
    return {i.event.event_id: (i.company, i.position) for i in reading(*events).interviews}


def test_e5_a_round_the_user_typed_takes_the_role_the_invitation_named() -> None:
    invite = event(
        "Interview - Staff Admin Gudang",
        organizer=("hrd@sinarjaya.co.id", "HRD Sinar Jaya"),
        description="Posisi: Staff Admin Gudang\nPerusahaan: PT Sinar Jaya Logistik",
        event_id="a",
    )
    typed = event("Interview akhir Sinar Jaya", description="sama direktur", event_id="b")
    found = _read(invite, typed)
    # and the employer's own spelling, of which "Sinar Jaya" is the short form
    assert found["b"] == ("PT Sinar Jaya Logistik", "Staff Admin Gudang")


def test_e5_the_shortest_name_the_user_typed_is_the_company_not_the_branch() -> None:
    first = event("Telpon HRD Matahari", description="lowongan Fashion Advisor", event_id="a")
    later = event("Interview Matahari TP", description="ketemu store manager", event_id="b")
    assert _read(first, later)["b"] == ("Matahari", "Fashion Advisor")


def test_e5_whom_the_user_meets_is_not_the_role() -> None:
    invite = event(
        "Meeting with Bu Ratna - PT Nusa Retail Tbk",
        organizer=("ratna.wibowo@nusaretail.co.id", "Ratna Wibowo"),
        description="Ibu Ratna would like to meet you for the Head of Marketing, Digital position.",
        event_id="a",
    )
    typed = event("Int - Nusa Retail HR Director", event_id="b")
    assert _read(invite, typed)["b"] == ("PT Nusa Retail Tbk", "Head of Marketing, Digital")


def test_e5_notes_mentioning_a_known_employer_join_its_application() -> None:
    invite = event(
        "Recruiter Screen",
        organizer=("amara@brightlinehealth.com", "Amara Okoye"),
        description="Brightline Health - Software Engineer II\n\nThanks for applying!",
        event_id="a",
    )
    typed = event("HM call", description="Dana (EM) calls my cell. Brightline.", event_id="b")
    found = _read(invite, typed)
    assert found["a"] == ("Brightline Health", "Software Engineer II")
    assert found["b"] == ("Brightline Health", "Software Engineer II")


def test_e5_the_employers_own_spelling_wins_over_a_variant() -> None:
    invite = event(
        "Halcyon Group - meeting with the Group CEO",
        organizer=("adrian@halcyongroup.com.sg", "Adrian Lim"),
        description="Marcus would like to meet you regarding the Chief Financial Officer role.",
        event_id="a",
    )
    panel = event(
        "Panel - Halcyon Nominating Committee",
        organizer=("cosec@halcyongroup.com.sg", "Company Secretary"),
        description="Nominating Committee session for the appointment of Chief Financial Officer.",
        event_id="b",
    )
    assert _read(invite, panel)["b"] == ("Halcyon Group", "Chief Financial Officer")


def test_e5_two_employers_with_different_names_stay_apart() -> None:
    a = event("Interview Bank Sentosa", description="posisi Teller", event_id="a")
    b = event("Interview Bank Arta", event_id="b")
    assert _read(a, b)["b"] == ("Bank Arta", None)


def test_e5_d9_an_unsure_round_of_an_application_with_a_sure_one_is_not_asked() -> None:
    sure = event("Interview Excelso", description="posisi barista", event_id="a")
    unsure = event("Telpon HRD Excelso", event_id="b")
    result = reading(sure, unsure)
    assert {i.event.event_id for i in result.interviews} == {"a", "b"}
    assert result.questions == ()


# --- rule E2: a domain's name as the event writes it --------------------------------------------


def test_e2_a_domain_spelled_as_the_place_writes_it() -> None:
    e = event(
        "Zoom Meeting",
        organizer=("jonah.lee@quantapay.com", "Jonah Lee"),
        description="Looking forward to the technical interview for the Backend Engineer role.",
        location="Quanta Pay, 600 Battery St",
    )
    assert _read(e)["evt0001"][0] == "Quanta Pay"


def test_e2_a_legal_name_written_out_wins_over_the_bare_label() -> None:
    e = event(
        "Undangan",
        organizer=("rekrutmen@arunika.id", "Rekrutmen Arunika"),
        description="Kami mengundang Saudara untuk mengikuti Interview HR.\nPosisi: Data Analyst"
        "\n\nSalam,\nTim Rekrutmen PT Arunika Digital",
    )
    assert _read(e)["evt0001"] == ("PT Arunika Digital", "Data Analyst")


# --- rule E2: what the user types around a name ------------------------------------------------


@pytest.mark.parametrize(
    ("title", "company", "position"),
    [
        ("WA call sama Pak Budi (manager resto Bebek Tepi Sawah)", "Bebek Tepi Sawah", "waiter"),
        ("Ketemu Bu Rina (HRD) Excelso", "Excelso", "waiter"),
        ("Group interview Uniqlo TP6 jam 9", "Uniqlo", "waiter"),
        ("Interview Starbucks Tunjungan Plaza", "Starbucks", "waiter"),
        ("Meet Chairman (Halcyon) - final", "Halcyon", "waiter"),
        ("Graha Pangan - final w/ Presiden Direktur", "Graha Pangan", "waiter"),
        ("Assessment Day - Management Trainee PT Cahaya Nusantara Tbk",
         "PT Cahaya Nusantara Tbk", "Management Trainee"),
    ],
)  # fmt: skip
def test_e2_people_places_and_formats_are_not_the_company(
    title: str, company: str, position: str | None
) -> None:
    result = reading(event(title, description="soal lowongan waiter"))
    [found] = (*result.interviews, *result.questions)  # read the same, sure or asked
    assert (found.company, found.position) == (company, position)


def test_e4_the_tail_of_the_bodys_role_names_the_employer_in_full() -> None:
    e = event(
        "Video interview - Front Office Agent",
        organizer=("recruitment@hotelcendana.co.id", "Recruitment Hotel Cendana"),
        description="Interview for the position of Front Office Agent, Hotel Cendana Surabaya.",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("Hotel Cendana Surabaya", "Front Office Agent")


def test_e5_a_typed_round_naming_a_known_application_in_its_title_joins_it() -> None:
    invite = event(
        "Vireo Pharma - final conversation with the Regional President",
        organizer=("ta@vireopharma.com", "Talent Acquisition"),
        description="Final interview for the Regional Finance Director, APAC position.",
        event_id="a",
    )
    typed = event("Vireo - 2nd w/ Global CFO (London)", event_id="b")
    assert _read(invite, typed)["b"] == ("Vireo Pharma", "Regional Finance Director, APAC")


# --- rule E2/E4: roles in a few more shapes ----------------------------------------------------


def test_e2_a_role_that_starts_with_the_company_is_the_company_then_the_role() -> None:
    e = event("Int - Indomaret SPV", organizer=("hrd@indomaret.co.id", "HRD Indomaret"))
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("Indomaret", "SPV")


@pytest.mark.parametrize(
    ("title", "position"),
    [
        ("Interview kerja Shopee - Customer Service", "Customer Service"),
        ("Interview Alfamart - Store Crew", "Store Crew"),
    ],
)
def test_e2_more_jobs_people_apply_for(title: str, position: str) -> None:
    [found] = reading(event(title)).interviews
    assert found.position == position


def test_e4_a_body_opening_with_the_role_and_the_step() -> None:
    e = event(
        "Nimbus Health: Onsite (Round 3 of 3)",
        organizer=("sam@nimbushealth.io", "Sam Rivera"),
        description="Product Designer onsite: portfolio deep dive and whiteboard.",
    )
    [found] = reading(e).interviews
    assert found.position == "Product Designer"


def test_e2_a_title_that_says_nothing_of_hiring_names_no_company() -> None:
    e = event(
        "Ngopi santai",
        organizer=("raka@kopinusantara.co.id", "Raka Aditya"),
        description="Halo, sesi ngopi santai ini adalah tahap awal proses rekrutmen kami untuk "
        "posisi Head of Brand.",
        location="Kopi Nusantara Flagship, Senopati",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("Kopi Nusantara", "Head of Brand")


def test_e5_a_company_the_user_taught_stays_within_its_application() -> None:
    from calfeed.core.detection import read_calendar
    from calfeed.core.detection.lessons import Answer, learn
    from tests.core.test_reading import SETTINGS

    invite = event(
        "Halcyon Group - meeting with the Group CEO",
        organizer=("adrian@halcyongroup.com.sg", "Adrian Lim"),
        description="Marcus would like to meet you regarding the Chief Financial Officer role.",
        event_id="a",
    )
    panel = event(
        "Panel interview",
        organizer=("cosec@halcyongroup.com.sg", "Company Secretary"),
        event_id="b",
    )
    lessons = learn([Answer("b", True, "Halcyon Holdings", "cosec@halcyongroup.com.sg")])
    found = {
        i.event.event_id: i.company
        for i in read_calendar([invite, panel], SETTINGS, {}, lessons).interviews
    }
    assert found["b"] == "Halcyon Holdings"
