"""Reading a whole calendar as its owner would (rules D6-D9, E4, E5): whose interview it is, the
invitation's body as evidence, other kinds of interview, questions when unsure, and lessons from
the user's answers. Events are Google `events.list` items (tests/support/factories.py)."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from calfeed.core.detection import CalendarReading, read_calendar
from calfeed.core.detection.detect import detect
from calfeed.core.detection.lessons import Answer, learn, shape_of
from calfeed.core.inputs.google_json import parse_google_event
from calfeed.core.model import Marks, RuleSettings, SourceEvent
from tests.support.factories import SELF, google_event, interviewer
from tests.support.paths import ROOT

WORK = "nadia.putri@lumina.io"
WORK_SELF = {
    "email": WORK,
    "displayName": "Nadia Putri",
    "self": True,
    "responseStatus": "accepted",
}
SETTINGS = RuleSettings(time_zone="Asia/Jakarta", user_name="Nadia Putri")


def event(
    summary: str,
    *,
    organizer: tuple[str, str] | None = None,
    people: list[dict[str, Any]] | None = None,
    calendar: str = "budi.santoso@gmail.com",
    **kwargs: Any,
) -> SourceEvent:
    """A Google event on `calendar`, organized by `organizer` (address, name) or by the user."""
    me = WORK_SELF if calendar == WORK else SELF
    extra: dict[str, Any] = {}
    attendees = list(people or [])
    if organizer is not None:
        extra["organizer"] = {"email": organizer[0], "displayName": organizer[1]}
        attendees.insert(0, interviewer(organizer[0], organizer[1], organizer=True))
        attendees.append(me)
    else:
        extra["organizer"] = {"email": me["email"], "self": True}
        if attendees:
            attendees.append(me)
    resource = google_event(summary, attendees=attendees, **extra, **kwargs)
    return parse_google_event(resource, calendar_id=calendar, calendar_time_zone="Asia/Jakarta")


def reading(*events: SourceEvent, marks: dict[str, Marks] | None = None) -> CalendarReading:
    return read_calendar(list(events), SETTINGS, marks or {})


KIT = (
    "Interview Kit: https://app.greenhouse.io/guides/111/people/222?application_id=333\n"
    "Please submit your scorecard within 24 hours."
)


# --- rule D6: whose interview it is -----------------------------------------------------------


def test_d6_an_interview_kit_puts_the_user_on_the_hiring_side() -> None:
    e = event(
        "Interview: Budi Hartono - Backend Engineer (Technical)",
        organizer=("dimas.pratama@lumina.io", "Dimas Recruiting"),
        calendar=WORK,
        description=KIT,
    )
    assert reading(e) == CalendarReading((), ())


def test_d6_a_loop_organized_inside_the_users_company_is_not_hers() -> None:
    e = event(
        "Phone Screen: Lestari Ananda - SRE",
        organizer=("dimas.pratama@lumina.io", "Dimas Recruiting"),
        calendar=WORK,
    )
    assert reading(e) == CalendarReading((), ())


def test_d6_a_candidate_line_naming_someone_else() -> None:
    e = event(
        "Interview - Backend Engineer",
        organizer=("rachel@tokoku.co.id", "Rachel Lim"),
        description="Candidate: Budi Hartono\nRole: Backend Engineer",
    )
    assert reading(e).interviews == ()


def test_d6_a_candidate_line_naming_the_user_keeps_it_hers() -> None:
    e = event(
        "Interview - Backend Engineer",
        organizer=("rachel@tokoku.co.id", "Rachel Lim"),
        calendar=WORK,
        description="Candidate: Nadia Putri\nRole: Backend Engineer",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("Tokoku", "Backend Engineer")


def test_d6_her_own_interview_on_her_work_calendar_with_her_personal_address() -> None:
    """Rule D6: the user's forwarding address (same name) is the user, never an interviewer."""
    e = event(
        "Recruiter Screen",
        organizer=("rachel.lim@tokoku.co.id", "Rachel Lim"),
        people=[interviewer("nadia.p88@gmail.com", "Nadia Putri")],
        calendar=WORK,
        description="Thanks for applying to the Senior Backend Engineer role at Tokoku!",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("Tokoku", "Senior Backend Engineer")
    assert [p.email for p in found.interviewers] == ["rachel.lim@tokoku.co.id"]


# --- rule D7: stage vocabulary and the body ----------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Tokoku | Round 3 of 4 | System Design",
        "Loop - Bar Raiser",
        "HM call",
        "Carewell <> Maya Chen | Culture Fit Session",
        "2nd rd @ Shopee",
        "Int - Xendra PM",
        "Intvw - Shopee",
        "Interviewing at Grab",
        "Interviu PT Astra",
    ],
)
def test_d7_stage_names_without_the_word_interview(title: str) -> None:
    e = event(title, organizer=("rachel@tokoku.co.id", "Rachel Lim"))
    assert [i.key for i in reading(e).interviews] == [e.key]


@pytest.mark.parametrize(
    ("title", "body", "company", "position"),
    [
        (
            "Microsoft Teams Meeting",
            "Dear Nadia,\n\nThank you for your interest in Bank Arta. We would like to invite you "
            "to an interview for the position of Lead Software Engineer.\n\n____\nMicrosoft "
            "Teams meeting\nJoin on your computer, mobile app or room device",
            "Bank Arta",
            "Lead Software Engineer",
        ),
        (
            "Undangan",
            "Dengan hormat,<br><br>Saudara/i kami undang untuk mengikuti tahap wawancara.<br><br>"
            "Posisi: Customer Service Officer<br>Hari/Tanggal: Selasa, 20 Oktober 2026",
            "Bank Jabar",
            "Customer Service Officer",
        ),
        (
            "Coffee chat",
            "Hi Maya, this informal coffee chat is the first step of our hiring process for the "
            "UX Designer role.",
            "Bank Jabar",
            "UX Designer",
        ),
    ],
)
def test_d7_a_vague_title_whose_body_is_an_invitation(
    title: str, body: str, company: str, position: str
) -> None:
    e = event(
        title, organizer=("rekrutmen@bankjabar.co.id", "Rekrutmen Bank Jabar"), description=body
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == (company, position)


def test_d7_a_zoom_topic_is_read_as_the_title() -> None:
    e = event(
        "Zoom Meeting",
        organizer=("rina@kreasidigital.co.id", "Rina HRD"),
        description="Rina is inviting you to a scheduled Zoom meeting.\n\nTopic: Interview User - "
        "Junior Web Developer\nTime: Oct 16, 2026 01:00 PM Jakarta",
    )
    [found] = reading(e).interviews
    assert found.position == "Junior Web Developer"


# --- rule D8: other kinds of interview, events about one ---------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Exit interview - Sinta",
        "User interview - Maze study",
        "TV interview - Channel 5 teachers segment",
        "Wawancara responden skripsi - UMKM Cibaduyut",
        "Informational interview with Carlos (Shopee design)",
        "Canceled: Interview with Bank Arta",
        "DIBATALKAN - Wawancara PT Sumber Rejeki",
        "Call Marta back re interview time",
        "Kirim portofolio sebelum interview",
        "Pengumuman hasil interview Lawson",
        "[Interviewer] Fajar Ramadhan - Final Round",
        "Hiring committee: Data Engineer",
    ],
)
def test_d8_other_kinds_and_to_dos_are_neither_interviews_nor_questions(title: str) -> None:
    e = event(title, organizer=("rachel@tokoku.co.id", "Rachel Lim"))
    assert reading(e) == CalendarReading((), ())


def test_d8_an_informational_chat_the_user_arranged() -> None:
    e = event(
        "Coffee chat - Priya (Senior Designer at Grab)",
        description="I reached out on LinkedIn to ask how she moved into design. "
        "Informational only.",
    )
    assert reading(e) == CalendarReading((), ())


# --- rule E4: company and role from the body; agencies; robots ---------------------------------


def test_e4_structured_lines_and_requisition_ids() -> None:
    e = event(
        "Interview Scheduled - Job Requisition R-20411 UX Researcher",
        organizer=("no-reply@myworkday.com", ""),
        description="Company: Stellar Bank\nJob: R-20411 UX Researcher\nInterview Type: Video",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("Stellar Bank", "UX Researcher")
    assert found.interviewers == ()  # a scheduling robot is nobody to thank


def test_e4_the_interviewers_role_is_not_the_job() -> None:
    e = event(
        "Wawancara",
        organizer=("rekrutmen@transmart.co.id", "Rekrutmen Transmart"),
        description="Posisi: Supervisor Fresh\nPewawancara: Pak Budi Santoso (Store Manager)",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("Transmart", "Supervisor Fresh")


def test_e4_a_job_portal_robot_and_the_employer_in_the_body() -> None:
    e = event(
        "Undangan Interview - Glints",
        organizer=("noreply@glints.com", "Glints"),
        description="Posisi: Staff Admin Gudang\nPerusahaan: PT Sinar Abadi Logistik\n",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("PT Sinar Abadi Logistik", "Staff Admin Gudang")


@pytest.mark.parametrize(
    ("title", "organizer", "body", "company"),
    [
        (
            "Interview with Talentbridge for UX Designer",
            ("grace.koh@talentbridge.sg", "Grace Koh"),
            "I'm a consultant at Talentbridge Recruitment, hiring for my client.",
            None,
        ),
        (
            "Phone interview: Junior UX Designer @ Lumio (via Robert Walters)",
            ("ken.ho@robertwalters.com", "Ken Ho"),
            "",
            "Lumio",
        ),
    ],
)
def test_e4_a_recruiting_agency_is_not_the_employer(
    title: str, organizer: tuple[str, str], body: str, company: str | None
) -> None:
    e = event(title, organizer=organizer, description=body)
    [found] = reading(e).interviews
    assert found.company == company


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("Walk In Interview PT Maju Bersama", "PT Maju Bersama"),
        ("Interview HRD Alfamart Cabang Dago", "Alfamart"),
        ("Walk In Interview Matahari Dept Store", "Matahari Dept Store"),
    ],
)
def test_e4_stage_and_noise_words_out_of_the_company(title: str, company: str) -> None:
    [found] = reading(event(title)).interviews
    assert found.company == company


# --- rule D9: confidence and questions ---------------------------------------------------------


def test_d9_an_unsure_event_is_a_question_not_an_interview() -> None:
    e = event("Telpon HRD Indomarco")
    result = reading(e)
    assert result.interviews == ()
    [question] = result.questions
    assert (question.event.key, question.company) == (e.key, "Indomarco")
    assert question.why


def test_d9_a_yes_makes_it_an_interview_with_the_users_names() -> None:
    e = event("Telpon HRD Indomarco")
    marks = {e.key: Marks(confirmed=True, company="PT Indomarco Prismatama", position="Kasir")}
    [found] = reading(e, marks=marks).interviews
    assert (found.company, found.position) == ("PT Indomarco Prismatama", "Kasir")
    assert reading(e, marks=marks).questions == ()


def test_d9_a_no_removes_the_question() -> None:
    e = event("Telpon HRD Indomarco")
    assert reading(e, marks={e.key: Marks(not_interview=True)}) == CalendarReading((), ())


def test_d9_a_round_from_an_employer_with_a_sure_interview_is_not_asked() -> None:
    intro = event("Intro Call - Xendra between Maria Gomez and Nadia Putri",
                  organizer=("maria@xendra.com", "Maria Gomez"), event_id="intro")  # fmt: skip
    hm = event("Hiring manager interview", organizer=("maria@xendra.com", "Maria Gomez"),
               event_id="hm")  # fmt: skip
    assert reading(intro).questions  # alone, an intro call is unsure
    both = reading(intro, hm)
    assert {i.event.event_id for i in both.interviews} == {"intro", "hm"}
    assert both.questions == ()


def test_d9_detect_returns_the_sure_interviews() -> None:
    sure, unsure = event("Interview at Stripe", event_id="a"), event("Telpon HRD X", event_id="b")
    assert [i.event.event_id for i in detect([sure, unsure], SETTINGS)] == ["a"]


# --- rule E5: the calendar as a whole, and lessons from answers --------------------------------


def test_e5_rounds_of_one_application_share_the_role() -> None:
    first = event(
        "Recruiter Screen",
        organizer=("rachel@tokoku.co.id", "Rachel Lim"),
        description="For the Senior Backend Engineer role at Tokoku.",
        event_id="a",
    )
    later = event("Final round", organizer=("rachel@tokoku.co.id", "Rachel Lim"), event_id="b")
    found = {i.event.event_id: i for i in reading(first, later).interviews}
    assert found["b"].position == "Senior Backend Engineer"


def test_e5_a_correction_teaches_the_company_for_the_recruiter() -> None:
    old = event("Interview", organizer=("sarah@byteforge.id", "Sarah HR"), event_id="a")
    lessons = learn([Answer(old.key, True, "ByteForge Indonesia", "sarah@byteforge.id",
                            shape_of(old))])  # fmt: skip
    new = event("Interview round 2", organizer=("sarah@byteforge.id", "Sarah HR"), event_id="b")
    [found] = read_calendar([new], SETTINGS, {}, lessons).interviews
    assert found.company == "ByteForge Indonesia"


def test_e5_not_my_interview_stops_the_shape() -> None:
    e = event("Telpon HRD Indomarco", organizer=("hrd@indomarco.co.id", "HRD"))
    lessons = learn([Answer("x/1", False, None, "hrd@indomarco.co.id", shape_of(e))])
    assert read_calendar([e], SETTINGS, {}, lessons) == CalendarReading((), ())


# --- the development calendars (tests/fixtures/reader_dev) -------------------------------------


def test_development_calendars_hold_the_targets() -> None:
    """No follow-up for an event that is not the user's own interview, few questions, and at
    least the figure the reader reached when written (bench/reader_accuracy.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from reader_accuracy import measure  # type: ignore[import-not-found]

    figures = measure()
    overall = figures["overall"]
    assert overall["false_per_100"] == 0
    assert all(f["questions_per_month"] <= 3 for f in figures.values())
    assert overall["recall"] >= 0.95 and overall["right"] >= 0.85


def test_development_labels_cover_every_event() -> None:
    for page in (ROOT / "tests/fixtures/reader_dev").glob("*.labels.json"):
        labels = json.loads(page.read_text())["labels"]
        items = json.loads(page.with_name(page.name.replace(".labels", "")).read_text())["items"]
        assert {i["id"] for i in items} == set(labels)


def test_d6_a_loop_a_scheduling_tool_sent_with_only_colleagues_on_it() -> None:
    e = event(
        "Interview: Jane Smith for Backend Engineer",
        organizer=("interviews@goodtime.io", "GoodTime"),
        people=[interviewer("kevin.tan@lumina.io", "Kevin Tan")],
        calendar=WORK,
    )
    assert reading(e) == CalendarReading((), ())


def test_d6_a_candidate_line_when_the_user_has_no_name_known_decides_nothing() -> None:
    resource = google_event(
        "Interview - Backend Engineer",
        attendees=[
            interviewer("rachel@tokoku.co.id", "Rachel", organizer=True),
            {"email": "np88@gmail.com", "self": True},
        ],  # fmt: skip
        organizer={"email": "rachel@tokoku.co.id"},
        description="Candidate: Nadia Putri",
    )
    e = parse_google_event(resource, calendar_id="np88@gmail.com")
    assert [i.key for i in read_calendar([e], RuleSettings(), {}).interviews] == [e.key]


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("Rescheduled: Interview - Acme", "Acme"),
        ("Call with recruiter - Globex", "Globex"),
    ],
)
def test_d7_e2_noise_and_stage_phrases(title: str, company: str) -> None:
    [found] = reading(event(title)).interviews
    assert found.company == company


def test_d8_a_stay_interview_is_not_a_job_interview() -> None:
    assert reading(event("Stay interview with my manager")) == CalendarReading((), ())


def test_e4_the_location_names_the_company_by_its_legal_form() -> None:
    e = event("Interview", location="PT Astra International Tbk, Jl. Gaya Motor Raya 8, Jakarta")
    [found] = reading(e).interviews
    assert found.company == "PT Astra International Tbk"
    e = event("Interview", location="Jl. Sudirman 1, Jakarta", event_id="b")
    [found] = reading(e).interviews
    assert found.company is None


def test_d7_a_title_pairing_the_user_with_a_company_is_asked_about() -> None:
    e = event(
        "Nadia Putri <> Canva (Content Marketing Lead)", organizer=("maria@canva.com", "Maria")
    )
    result = reading(e)
    assert result.interviews == ()
    [q] = result.questions
    assert (q.company, q.position) == ("Canva", "Content Marketing Lead")


def test_d8_a_sales_call_pairing_the_user_is_not_asked_about() -> None:
    e = event(
        "Acme <> Nadia Putri",
        organizer=("sales@acmevendor.com", "Acme Sales"),
        description="Demo of our analytics platform for your team.",
    )
    assert reading(e) == CalendarReading((), ())


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("[Accepted] Interview with Grab", None),
        ("Interview ke-2 Tiket.com", "Tiket.com"),
        ("Interview jam 10 di kantor Blibli", "Blibli"),
    ],
)
def test_e2_reply_marks_ordinals_and_offices_are_not_the_company(
    title: str, company: str | None
) -> None:
    [found] = reading(event(title)).interviews
    assert found.company == company


def test_d8_a_customer_interview_is_research() -> None:
    assert reading(event("Customer interview - Bank Jago")) == CalendarReading((), ())


def test_e4_a_tool_senders_name_confirms_the_company_after_with() -> None:
    e = event(
        "Interview with Acme - Nadia Putri", organizer=("no-reply@ashbyhq.com", "Acme via Ashby")
    )
    [found] = reading(e).interviews
    assert found.company == "Acme"
    person = event("Interview with Sarah", organizer=("no-reply@ashbyhq.com", "Acme via Ashby"))
    [found] = reading(person).interviews
    assert found.company is None  # "Sarah" is not in the sender's name: maybe a person


def test_e2_a_domain_is_spelled_as_the_senders_name_spells_it_whole() -> None:
    e = event("Interview", organizer=("careers@sinarmas.com", "Sinar Mas Careers"))
    [found] = reading(e).interviews
    assert found.company == "Sinar Mas"


@pytest.mark.parametrize(
    "title",
    [
        "Interview visa kedutaan Jepang",
        "Parent-teacher interview",
        "Interview for school admission (Raka)",
        "Interview Rina (calon ART)",
        "Wawancara calon karyawan toko",
        "Interview - Grab (cancelled)",
        "Interview Grab [DIBATALKAN]",
        "Final interview - result call",
    ],
)
def test_d6_d8_not_the_users_job_interview(title: str) -> None:
    assert reading(event(title)) == CalendarReading((), ())


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("Undangan Wawancara Calon Karyawan PT Garuda Food", "PT Garuda Food"),
        ("Panggilan kerja PT Indofood", "PT Indofood"),
        ("Tes tertulis + interview PT Mayora", "PT Mayora"),
        ("Interview via telepon dengan HRD Erajaya", "Erajaya"),
    ],
)
def test_e2_indonesian_stage_words_and_teams_around_the_company(title: str, company: str) -> None:
    [found] = reading(event(title)).interviews
    assert found.company == company


@pytest.mark.parametrize(
    "title",
    [
        "Client onsite - Bank BCA",
        "Onsite visit to Cikarang warehouse",
        "Technical round table: AI",
        "Movie screening: Dune",
        "Health screening",
        "Recruiter call (hiring for my team)",
        "Burnley (2) v Spurs (1) [WC 3rd Round]",  # from the shared .ics corpus
        "Magellan leaves Spain on the first Round the World passage, 1519",
        "Piala Presiden: final round",
    ],
)
def test_d8_work_and_life_that_share_the_words(title: str) -> None:
    assert reading(event(title, calendar=WORK)) == CalendarReading((), ())


def test_d9_the_users_own_events_never_vouch_for_a_question() -> None:
    """A sure interview the user wrote on a work calendar is not "the same employer" as an
    unsure event the user also wrote (both carry the user's own domain)."""
    sure = event("Interview at Stripe", calendar=WORK, event_id="a")
    unsure = event("Telpon HRD Indomarco", calendar=WORK, event_id="b")
    result = reading(sure, unsure)
    assert [q.event.event_id for q in result.questions] == ["b"]


@pytest.mark.parametrize(
    "body",
    [
        "Interviewer guide: https://app.ashbyhq.com/interviews/123/guide",
        "Evaluation form and rubric attached. Hiring team only.",
        "Terlampir CV kandidat dan form penilaian.",
    ],
)
def test_d6_more_interviewer_side_marks(body: str) -> None:
    e = event("Interview - Backend Engineer", organizer=("rachel@tokoku.co.id", "Rachel"),
              description=body)  # fmt: skip
    assert reading(e) == CalendarReading((), ())


def test_d6_a_candidates_invitation_mentioning_feedback_stays_theirs() -> None:
    e = event(
        "Interview - Backend Engineer",
        organizer=("rachel@tokoku.co.id", "Rachel"),
        description="We will share interview feedback within a week.",
    )
    assert len(reading(e).interviews) == 1
