"""Later rounds, the names an employer's people write for it, and the titles recruiters give a
candidate's own round: how one application reads across a calendar.

Every name here is made up.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calfeed.core.detection.body import read_body
from calfeed.core.detection.companies import spelled_in
from calfeed.core.detection.whom import titled_in
from calfeed.core.model import RuleSettings, SourceEvent
from tests.core.test_reading import event, reading
from tests.core.test_reading_steps import _found

ON = datetime(2026, 11, 2, 10, tzinfo=ZoneInfo("Asia/Jakarta"))


def _round(title: str, key: str, day: int, **kwargs: Any) -> SourceEvent:
    return event(title, event_id=key, start=ON + timedelta(days=day), **kwargs)


def _invited(key: str = "r1", **kwargs: Any) -> SourceEvent:
    """A sure first round from Kenari Freight's recruiter."""
    return _round(
        "Interview - Customs Analyst - Kenari Freight",
        key,
        0,
        organizer=("tia@kenarifreight.com", "Tia Wong"),
        **kwargs,
    )


# --- rule D7: later rounds named by their number, their shorthand, whom ---------------------


@pytest.mark.parametrize(
    "title",
    [
        "Round 2 - Kenari Freight (Head of Brokerage)",
        "Kenari 2nd intv - Pn Zaleha (Head of Brokerage)",
        "Kenari Freight final - Director of Trade",
    ],
)
def test_d7_a_later_round_joins_its_application(title: str) -> None:
    """Regression: "Round 2", "2nd intv" and "final - Director of ..." were no step at all, so
    the rounds after a sure first one were missed; and the senior title in brackets after a
    person's name is whom the user meets, not the job (rule E6)."""
    later = _round(
        title, "r2", 9, organizer=("tia@kenarifreight.com", "Tia Wong"), description="Teams link."
    )
    found = _found(_invited(), later)
    assert found["r2"] == ("Kenari Freight", "Customs Analyst")


def test_d7_a_numbered_round_alone_is_asked_not_sure() -> None:
    got = reading(
        _round("Round 2 - Kenari Freight", "r2", 9, organizer=("tia@kenarifreight.com", "Tia"))
    )
    assert not got.interviews
    assert [q.event.event_id for q in got.questions] == ["r2"]


def test_d7_a_round_of_golf_is_no_round() -> None:
    assert reading(event("Round 2 of golf with Hendra")) == reading()


def test_d7_the_users_full_name_in_a_recruiters_title_is_her_round() -> None:
    """An agency names the candidate, the client and the role: "<candidate> / <client> – <role>"
    ("Nadia Putri" is the user), with nothing that says interview."""
    found = _found(
        event(
            "Nadia Putri / Kedai Rempah Roasters – Assistant Management Accountant",
            organizer=("liv@ratarecruit.co.nz", "Liv Thompson"),
            description="Ask for Ben at the roastery door.",
        )
    )
    assert found == {"evt0001": ("Kedai Rempah Roasters", "Assistant Management Accountant")}


def test_d7_the_users_first_and_last_names_are_her_name() -> None:
    """A user signed "Nadia Sari Putri" is "Nadia Putri" in a recruiter's title; the round
    and whom she meets are read without her name ("Final: w/ Kenari MD")."""
    settings = RuleSettings(time_zone="Asia/Jakarta", user_name="Nadia Sari Putri")
    from calfeed.core.detection import read_calendar

    later = _round(
        "Final: Nadia Putri w/ Kenari MD (Kelvin Ho)",
        "r2",
        9,
        organizer=("joanne@kestrel-talent.sg", "Joanne Lim"),
        people=[{"email": "kelvin@kenarifreight.com", "displayName": "Kelvin Ho"}],
    )
    got = read_calendar([_invited(), later], settings, {})
    assert {i.event.event_id for i in got.interviews} == {"r1", "r2"}


def test_d7_a_later_round_its_interviewer_sends_herself() -> None:
    """A "Zoom Meeting" whose notes say "our second conversation": an invitation (asked alone,
    sure beside the application's first round)."""
    body = read_body("Hi Nadia, here is the link for our second conversation. Aoife")
    assert body.invitation


def test_d7_a_call_noted_with_the_role_typed_in_brackets_is_asked() -> None:
    got = reading(event("telp bu Made kepsek Tunas Harapan (guru pendamping)"))
    assert not got.interviews
    assert len(got.questions) == 1


# --- rule D8: someone else's interview --------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Help Chef Budi interview commis (Warung Lada)",
        "bantuin Sinta interview kandidat kasir",
        "Interview w/ Dapur Mag - chef to auditor",
    ],
)
def test_d8_helping_at_someone_elses_interview_or_a_magazines_is_not_the_users(title: str) -> None:
    assert not reading(event(title)).interviews


def test_d8_a_help_desk_interview_is_still_one() -> None:
    assert _found(event("Help Desk Analyst interview - Kenari Freight"))


# --- rule E2: the employer's name as its people write it -------------------------------------


def test_e2_a_public_bodys_kind_written_before_its_domains_name() -> None:
    found = _found(
        event(
            "Phone screen – Financial Accountant",
            organizer=("hine@civicworks.govt.nz", "Hine Ruawai"),
            description="Kia ora,\n\nHine Ruawai | Recruitment Advisor | Ministry of Civic Works",
        )
    )
    assert found == {"evt0001": ("Ministry of Civic Works", "Financial Accountant")}


def test_e2_a_domain_that_leaves_out_a_middle_word() -> None:
    assert spelled_in("Talent Acquisition\nArmada Samudra Lines", "armadalines") == (
        "Armada Samudra Lines"
    )
    assert spelled_in("Armada Samudra Lines", "armadaships") is None


def test_e2_accents_are_read_as_their_letters_and_given_back() -> None:
    """Regression: orongobay.govt.nz never found "Ōrongo Bay District Council"."""
    text = "Ōrongo Bay District Council, Civic Centre, 12 Marine Parade"
    assert spelled_in(text, "orongobay") == "Ōrongo Bay"


def test_e2_a_requisition_code_is_never_the_company() -> None:
    """Regression: "Interview: Director of Operations (final) – JR104522" named JR104522."""
    found = _found(
        event(
            "Interview: Director of Operations (final) – JR104522",
            organizer=("dimas@lintaskargo.co.id", "Dimas Pratama"),
        )
    )
    assert found["evt0001"][0] != "JR104522"


def test_e2_a_consultancys_noun_after_the_domains_name() -> None:
    found = _found(
        event(
            "Call",
            organizer=("raj@kemangihygiene.com.my", "Rajesh Pillai"),
            description=(
                "Hi, Ming passed me your number. Quick call about the junior consultant opening?"
                "\n--\nRajesh Pillai | Principal Consultant"
                "\nKemangi Hygiene Consultants | +60 3-2201"
            ),
        )
    )
    assert found == {"evt0001": ("Kemangi Hygiene Consultants", "junior consultant")}


# --- rule E4: the role as the invitation writes it -------------------------------------------


@pytest.mark.parametrize(
    ("notes", "role"),
    [
        ("Applying for Trainee Auditor (Halal & Food Safety). Ex sous chef.", "Trainee Auditor"),
        (
            "Job Requisition: JR104522 Equipment Control Executive (Open)",
            "Equipment Control Executive",
        ),
        (
            "Role: Data Analyst, Customer Insights (permanent, hybrid 2 days Leeds or London)",
            "Data Analyst, Customer Insights",
        ),
        ("Quick call about the junior consultant opening?", "junior consultant"),
    ],
)
def test_e4_roles_the_body_writes(notes: str, role: str) -> None:
    assert (read_body(notes).position or "").startswith(role)


def test_e4_ashbys_second_line_names_company_and_role() -> None:
    found = _found(
        event(
            "Kowhai Data - Values & Collaboration interview",
            organizer=("tom@kowhaidata.com", "Tom Iwu"),
            description=(
                "Values & Collaboration\nKowhai Data - Analytics Engineer"
                "\nInterviewers:\nTom Iwu (Talent)"
                "\nScheduled with Ashby"
            ),
        )
    )
    assert found == {"evt0001": ("Kowhai Data", "Analytics Engineer")}


def test_e4_the_employers_place_after_the_role_is_where() -> None:
    found = _found(
        event(
            "Interview - Junior Sous Chef - Nadia Putri",
            organizer=("maya@kenarihotels.com", "Maya"),
            description="Job Requisition: R-20417 Junior Sous Chef - Kenari Resort Ubud (Open)",
        )
    )
    assert found["evt0001"][1] == "Junior Sous Chef"


def test_e4_a_recruitment_drive_is_named_by_the_role_it_hires() -> None:
    found = _found(
        event(
            "Zoom Meeting",
            organizer=("ta@falakair.com", "Falak Air Talent Acquisition"),
            description="Topic: Virtual Interview - Indonesia Cabin Crew Campaign",
        )
    )
    assert found["evt0001"][1] == "Cabin Crew"


# --- rule E5: one application's rounds --------------------------------------------------------


def test_e5_initials_joined_by_an_ampersand() -> None:
    first = _round(
        "Video call with Hollin & Marsh",
        "h1",
        0,
        organizer=("beth@hollinmarsh.co.uk", "Beth Cole"),
        description="Video call for the Insight Analyst position at Hollin & Marsh\nWith: Beth",
    )
    later = _round("H&M 2nd - Croydon HQ", "h2", 8)
    assert _found(first, later) == {
        "h1": ("Hollin & Marsh", "Insight Analyst"),
        "h2": ("Hollin & Marsh", "Insight Analyst"),
    }


def test_e5_a_short_name_typed_takes_the_invitations_spelling() -> None:
    first = _round(
        "Falak Airways Recruitment - Jakarta (via Angkasa)",
        "f1",
        0,
        organizer=("rina@angkasakarir.co.id", "Rina"),
        location="PT Angkasa Karir, Menara Kuningan Lt. 11, Jakarta Selatan",
        description="Jadwal: interview dengan recruiter Falak Airways untuk posisi Cabin Crew.",
    )
    later = _round("Falak final interview", "f2", 8)
    assert _found(first, later)["f2"][0] == "Falak Airways"


def test_e6_the_users_word_for_whom_then_the_employers_initials() -> None:
    first = _round(
        "Interview – Nadia (Teaching Assistant, Nursery)",
        "l1",
        0,
        organizer=("principal@littlekenari.sch.id", "Rebecca"),
        location="Little Kenari International Preschool\nJl. Danau Poso 51, Sanur",
    )
    later = _round(
        "final interview – owner LKIP (Bu Gek)",
        "l2",
        9,
        location="Little Kenari International Preschool\nJl. Danau Poso 51, Sanur",
    )
    trial = _round(
        "trial class + interview @ LKIP Sanur",
        "l3",
        5,
        location="Little Kenari International Preschool\nJl. Danau Poso 51, Sanur",
    )
    found = _found(first, later, trial)
    assert (
        found["l1"]
        == found["l2"]
        == found["l3"]
        == (
            "Little Kenari",
            "Teaching Assistant, Nursery",
        )
    )


# --- rule E6: whom the user meets is not the job ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Interviewers: Wibisono Adi (Director of Operations); Rudy Hartanto (GM Operations)",
        "Marcus Teo, Director of Operations. Expect questions on AEO.",
        "kami undang untuk interview dengan Director of Operations Terminal 3",
    ],
)
def test_e6_a_senior_title_the_invitation_gives_a_person(text: str) -> None:
    assert titled_in(text, "Director of Operations")


def test_e6_a_job_the_invitation_names_is_no_persons_title() -> None:
    assert not titled_in("for the Director of Operations role at Kenari", "Director of Operations")
    assert not titled_in("Interviewers: Wibisono Adi (CFO)", "Customs Analyst")


def test_e6_a_bracketed_senior_title_yields_to_the_labelled_position() -> None:
    found = _found(
        event(
            "Phone interview – Ashford Kerr (Audit Manager)",
            organizer=("careers@ashfordkerr.co.nz", "Ashford Kerr Careers"),
            description="Position: Associate, Audit & Assurance (Wellington)\nInterviewer: Dan",
        )
    )
    assert found["evt0001"][1] == "Associate, Audit & Assurance"


def test_e6_the_second_of_two_people_met_is_no_job() -> None:
    first = _invited()
    later = _round("Kenari 2nd int – CFO + Mgr Fin Reporting", "r2", 7)
    assert _found(first, later)["r2"] == ("Kenari Freight", "Customs Analyst")


# --- the words of other languages, and who is named -------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["Phỏng vấn vòng HR (culture fit) – Lotus Pay", "最終面接 - Kumo Data", "สัมภาษณ์งาน Siam Pay"],
)
def test_d1_interview_in_vietnamese_japanese_thai(title: str) -> None:
    found = _found(event(title, organizer=("hr@lotuspay.vn", "Lotus Pay HR")))
    assert list(found) == ["evt0001"]
    assert found["evt0001"][0] not in ("Phỏng", "最終面接")


def test_d5_a_role_then_candidate_names_the_invitee_not_the_interviewer() -> None:
    """Regression: Zoom's "Topic: Technical Interview HSE - Safety Supervisor candidate" was
    read as the user interviewing a candidate (rule D5)."""
    found = _found(
        event(
            "Zoom Meeting",
            organizer=("frans@nikelprima.co.id", "Frans"),
            description=(
                "Frans is inviting you to a scheduled Zoom meeting.\n\n"
                "Topic: Technical Interview HSE - Safety Supervisor candidate\nTime: Nov 20"
            ),
        )
    )
    assert found["evt0001"][1] == "Safety Supervisor"
    assert not reading(event("Interview candidates - barista shift")).interviews


@pytest.mark.parametrize(
    "title",
    [
        "Wawancara mendalam - Kades Sukamaju",
        "wwcr informan - Bu Tini (KWT Makmur)",
        "Uji kompetensi BNSP Ahli K3 (wawancara asesor)",
        "Kenari – results due / panel placement",
        "hatid si Bea sa interview nya (call center)",
        "Sit in on SVN placement interview w/ Orla",
        "Seller interview - Mrs. Reyes (listing)",
        "Bank interview ni client (Santos) - housing loan",
        "Verifikasi & interview safety man subkon MEP",
        "Pak Rahim ditelpon HR Kenari (referensi)",
    ],
)
def test_d8_research_certification_results_and_others_interviews(title: str) -> None:
    assert not reading(event(title)).interviews


def test_d8_an_agencys_client_named_after_client_interview_is_the_users() -> None:
    found = _found(
        event(
            "Client interview - Meridian (BGC)",
            organizer=("mark@talentbridge-staffing.ph", "Mark | TalentBridge"),
            description="Client: Meridian Facilities Group\nPosition: Leasing & Property Associate",
        )
    )
    assert found["evt0001"][1] == "Leasing & Property Associate"
    assert (found["evt0001"][0] or "").startswith("Meridian")
    assert not reading(event("Client interview - estate planning")).interviews


@pytest.mark.parametrize(
    "later",
    [
        "Kenari – in person w/ Clodagh (PM)",
        "Chat w/ Bronwyn (2nd)",
        "call w/ Kenari HR (chị Ngân)",
        "lunch w/ Kenari CTO",
    ],
)
def test_d7_rounds_the_user_notes_join_the_application(later: str) -> None:
    found = _found(_invited(), _round(later, "r2", 7, description="Kenari Freight"))
    assert found["r2"] == ("Kenari Freight", "Customs Analyst")


def test_d7_a_candidate_seminar_invites() -> None:
    assert read_body("Candidate seminar for the postdoc: 30 min talk on your research.").invitation


def test_d7_a_call_the_user_notes_about_a_post() -> None:
    found = _found(event("Call", description="Sinéad from Ashgrove ringing re the ECC nurse post"))
    assert found["evt0001"][1] == "ECC nurse"


# --- rule E2 and E6: people are no employer ----------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Wawancara Rektor UCM",
        "Panel interview - Board of Directors",
        "Final interview - VP Ops",
        "Interview user (Dekan FISIP & Kaprodi)",
        "Video Interview - 3/O - Lintang Ship Management",
    ],
)
def test_e2_titles_of_people_and_cut_words_name_no_employer(title: str) -> None:
    company = _found(event(title, organizer=("hr@ucm.ac.id", "SDM")))["evt0001"][0]
    assert company not in {"Rektor UCM", "Board of Directors", "Ops", "Dekan FISIP & Kaprodi", "/O"}


def test_e2_a_person_after_with_is_no_employer() -> None:
    body = read_body(
        "You are invited to a technical interview for the position of HSE Officer (EPC Projects)"
        " with Mr. Hendro Wibisono, Lead HSE Engineer."
    )
    assert body.company is None
    assert body.position == "HSE Officer"


def test_e6_a_filipino_sir_is_a_person() -> None:
    first = _invited()
    later = _round(
        "Final interview w/ hiring manager", "r2", 9, description="Sir Paolo - Leasing Manager"
    )
    assert _found(first, later)["r2"][1] != "Sir Paolo - Leasing Manager"


def test_e5_a_round_without_a_company_joins_the_application_its_initials_name() -> None:
    first = _round(
        "Interview - Lecturer in Sociology - Universitas Kenari Bhakti",
        "u1",
        0,
        organizer=("sdm@ukb.ac.id", "Biro SDM"),
    )
    later = _round("Interview user (Dekan & Kaprodi)", "u2", 6, location="Kampus 2 UKB, Sleman")
    assert _found(first, later)["u2"][0] == "Universitas Kenari Bhakti"


# --- rule D6: a recruiter's calendar holds her candidates' interviews -------------------------


def test_d6_a_candidate_the_title_names_is_another_attendee_whoever_organized_it() -> None:
    """A client's invitation to the agency's recruiter as an observer names the candidate, whose
    private address is on it; the recruiter's own note of the same candidate's final is hers to
    attend, not her interview."""
    client = _round(
        "User Interview - Area Sales Manager - Bagus Wirawan",
        "c1",
        0,
        organizer=("hendra@citrakenari.co.id", "Hendra"),
        people=[{"email": "bagus.wirawan@gmail.com", "displayName": "Bagus Wirawan"}],
        description="Kandidat dari Talentaraya. Mbak Nadia mohon join sebagai observer.",
    )
    note = _round(
        "Interview: Bagus Wirawan - Area Sales Manager (final w/ Pak Hendra)",
        "c2",
        8,
        description="Dampingi kandidat. Briefing kandidat di lobby.",
    )
    assert reading(client, note) == reading()


# --- rule D8: tests, scams, audits and a reporter's own interviews ------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Kenari coding assessment (Codility) – 90 mins",
        "undangan interview PT cahaya samudra?? (minta transfer biaya hotel = penipuan)",
        "wawancara audit internal (SOP night audit)",
        "Wawancara narsum - Dirjen Pajak (Zoom)",
        "Interview CEO Kopi Daun (exclusive) – lapsus UMKM",
        "dimas interview jam 10 - pinjemin motor",
    ],
)
def test_d8_tests_scams_audits_and_a_reporters_interviews(title: str) -> None:
    assert not reading(event(title)).interviews


def test_d8_a_product_walkthrough_with_an_interview_is_a_round() -> None:
    found = _found(
        event(
            "Admitly — product walkthrough + interview (CS Lead)",
            organizer=("jonah@admitly.io", "Jonah Reyes"),
        )
    )
    assert list(found) == ["evt0001"]


def test_d8_a_reporters_cv_in_her_own_note_is_no_press_interview() -> None:
    """Regression: "siapin 3 contoh rilis + clipping liputan BUMN" beside "posisi ..." made the
    user's "intv Narasika (online)" a press interview (rule D8)."""
    found = _found(
        event(
            "intv Kenari (online)",
            description="dr WA mbak Ayu (HR Kenari): posisi Senior Account Executive. siapin"
            " 3 contoh rilis + clipping liputan BUMN",
        )
    )
    assert found == {"evt0001": ("Kenari", "Senior Account Executive")}


# --- rule D7 and E4: more rounds, and the roles their notes give ------------------------------


@pytest.mark.parametrize(
    "later",
    [
        "Pair programming session – Kenari Freight",
        "final Kenari w/ bu Sekar (founder) + presentasi case",
        "Kenari – tech deep dive w/ Priya",
    ],
)
def test_d7_an_applications_pairing_final_and_deep_dive_rounds(later: str) -> None:
    sent = {"organizer": ("tia@kenarifreight.com", "Tia Wong")} if "Pair" in later else {}
    found = _found(_invited(), _round(later, "r2", 7, **sent))
    assert found["r2"] == ("Kenari Freight", "Customs Analyst")


def test_d7_a_meal_named_for_a_role_after_a_dash() -> None:
    found = _found(event("Lunch w/ Adrian Chua (Studio Kenari) – Project Lead role"))
    assert found["evt0001"][1] == "Project Lead"


@pytest.mark.parametrize(
    ("notes", "role"),
    [
        (
            "Thanks for applying for the Senior Backend Engineer (Remote, EMEA) role. A call.",
            "Senior Backend Engineer",
        ),
        (
            "Letter: interview day for Schools Liaison & Recruitment Manager (ref CV-26-041).",
            "Schools Liaison & Recruitment Manager",
        ),
    ],
)
def test_e4_the_role_applied_for_and_the_interview_days(notes: str, role: str) -> None:
    assert read_body(notes).position == role


def test_e4_a_topic_named_for_whom_holds_the_step_names_no_role() -> None:
    body = read_body(
        "Sanne is inviting you to a scheduled Zoom meeting.\n\nTopic: Recruiter Screen - Nadia"
    )
    assert body.position is None


def test_e2_a_company_written_in_japanese_is_kept_and_the_stage_is_not_one() -> None:
    """Regression: "最終面接" (final interview) was read as the company; a name in kana stays."""
    kumo = ("hr@kumodata.jp", "Kumo HR")
    assert _found(event("最終面接 / Final interview - Kumo Data", organizer=kumo))["evt0001"][
        0
    ] == ("Kumo Data")
    assert _found(event("最終面接 - クモデータ株式会社", organizer=kumo))["evt0001"][0] == (
        "クモデータ株式会社"
    )


# --- a round against the eighteenth set's shapes -----------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Audit RSPO - wawancara pekerja & asisten",
        "Interview pasangan – Dinda & Arya (love story video)",
        "Sekar interview di Bank Kenari — doain + jemput jam 12",
        "User interview – merchant onboarding (P4)",
        "STAR examples for uni interview!!",
    ],
)
def test_d8_workers_couples_a_friend_picked_up_and_product_research(title: str) -> None:
    assert not reading(event(title)).interviews


def test_d8_a_user_interview_of_a_role_is_still_one() -> None:
    assert _found(event("User Interview - Perawat ICU | RS Kenari Medika"))


def test_d7_a_call_about_a_job_with_a_practice_manager() -> None:
    """Regression: "practice mgr" was a drill (rule D5) and "call ... re reception job" a to-do."""
    found = _found(event("call from Fiona (practice mgr) re reception job"))
    assert list(found) == ["evt0001"]


@pytest.mark.parametrize(
    ("later", "company"),
    [
        ("final Kenari 🙏", "Kenari Freight"),
        ("Kenari – final (CD + MD)", "Kenari Freight"),
        ("Final: meet the CPO – Kenari Freight", "Kenari Freight"),
    ],
)
def test_d7_last_rounds_the_user_notes(later: str, company: str) -> None:
    sent = {"organizer": ("tia@kenarifreight.com", "Tia Wong")} if "meet" in later else {}
    assert _found(_invited(), _round(later, "r2", 7, **sent))["r2"][0] == company


def test_e2_a_schools_steps_and_whom_name_no_employer() -> None:
    for title in ("Safeguarding interview", "Sample lesson – Al Kenari (Y10 Chemistry)"):
        company = _found(event(title, organizer=("hr@alkenari.ae", "HR")))["evt0001"][0]
        assert company not in ("Safeguarding", "Sample")
    company = _found(event("CNO interview - MHMC"))["evt0001"][0]
    assert company != "CNO"


def test_e4_an_nhs_pay_band_stays_in_the_role() -> None:
    found = _found(
        event(
            "East Kenari Hospitals NHSFT – Panel Interview – Band 5 Staff Nurse (Nadia Putri)",
            organizer=("recruit@ekh.nhs.uk", "EKH Recruitment"),
        )
    )
    assert found["evt0001"][1] == "Band 5 Staff Nurse"
