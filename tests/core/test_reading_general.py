"""Reading calendars nobody tuned to: selection tests, the user's own employer, the vocabulary of
stages and programmes, and the names an application goes by (rules D6-D8, E2, E4, E5). Events are
Google `events.list` items built by tests/core/test_reading.py's helpers; every name is made up."""

from __future__ import annotations

import pytest

from calfeed.core.detection import CalendarReading
from tests.core.test_reading import WORK, event, reading

TEAMS = (
    "\n\nMicrosoft Teams meeting\nJoin on your computer, mobile app or room device\n"
    "Click here to join the meeting<https://teams.microsoft.com/l/meetup-join/19%3ameeting_x>"
)


# --- rule D8: a selection's tests are not interviews --------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Seleksi Bersama - Tes Online Tahap 1 (TKD)",
        "Online test - Harbor Foods graduate programme",
        "English test Tahap 2",
        "SKD CAT Kemenkeu",
    ],
)
def test_d8_a_selection_test_is_no_interview(title: str) -> None:
    assert reading(event(title)) == CalendarReading((), ())


def test_d8_a_test_beside_a_named_interview_stays_an_interview() -> None:
    [found] = reading(event("Psikotes + Interview PT Maju Jaya")).interviews
    assert found.company == "PT Maju Jaya"


def test_d7_a_numbered_tahap_is_weak_on_its_own() -> None:
    """rule D7: "Tahap 2" numbers a selection's steps; most numbered steps are tests."""
    assert reading(event("Seleksi Harbor Tahap 2")).interviews == ()


@pytest.mark.parametrize(
    "title",
    [
        "Interview with the campus newspaper about the robotics club",
        "Interview with Orbit (student paper) about the hackathon",
        "Wawancara majalah kampus",
    ],
)
def test_d8_a_publication_makes_a_press_interview(title: str) -> None:
    assert reading(event(title)) == CalendarReading((), ())


# --- rule D6: the user's own employer in the title is the user's work ---------------------------


@pytest.mark.parametrize(
    "title",
    ["Harbor Foods <> Lumina | Demo", "Demo: Lumina interview scheduling for Harbor Foods TA"],
)
def test_d6_a_title_naming_the_users_own_employer_is_work(title: str) -> None:
    e = event(
        title,
        calendar=WORK,
        people=[{"email": "ana@harborfoods.com", "displayName": "Ana Diaz"}],
    )
    assert reading(e) == CalendarReading((), ())


def test_d6_another_employer_on_the_work_calendar_is_still_read() -> None:
    e = event(
        "Interview - Harbor Foods",
        organizer=("ana@harborfoods.com", "Ana Diaz"),
        calendar=WORK,
        description="We invite you to an interview for the Account Executive role.",
    )
    assert len(reading(e).interviews) == 1


def test_d6_a_meeting_tools_name_is_no_own_employer() -> None:
    """An employee of a meeting tool's maker still gets "Microsoft Teams Meeting" invitations
    from other employers."""
    from calfeed.core.detection.reading import _names_own_employer
    from calfeed.core.detection.side import Owner

    owner = Owner(frozenset({"nadia@microsoft.com"}), ("nadia putri",), "microsoft.com")
    assert not _names_own_employer("Microsoft Teams Meeting", owner)
    lumina = Owner(frozenset({WORK}), ("nadia putri",), "lumina.io")
    assert _names_own_employer("Harbor Foods <> Lumina | Demo", lumina)


# --- rule D7: more stage vocabulary -------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Orca - take-home review",
        "Orca Systeme - Vorstellungsgespräch",
        "Citra Niaga - int user (mgr gudang)",
        "int hr orca jam 10",
    ],
)
def test_d7_stage_words_that_are_sure(title: str) -> None:
    e = event(title, organizer=("mia@orcadata.io", "Mia Lee"))
    assert len(reading(e).interviews) == 1


@pytest.mark.parametrize(
    "title", ["int user feedback sync", "Final: CFO sign-off on budget", "Meet the team dinner"]
)
def test_d7_the_new_stage_words_need_their_shape(title: str) -> None:
    """An "int user" before a product word, an executive or the team mid-sentence:
    work, not a round."""
    e = event(title, calendar=WORK)
    assert reading(e) == CalendarReading((), ())


def test_d7_lower_case_shorthand_needs_a_role() -> None:
    assert len(reading(event("int pelita kreatif - brand designer (gmeet)")).interviews) == 1
    assert reading(event("int review of the Q3 numbers")).interviews == ()


@pytest.mark.parametrize(
    "title",
    ["Orca: conversation with the CTO", "Orca - meet the team", "Orca - Kennenlerngespräch"],
)
def test_d7_meeting_an_employers_executive_is_weak_alone_sure_with_a_round(title: str) -> None:
    organizer = ("mia@orcadata.io", "Mia Lee")
    alone = reading(event(title, organizer=organizer))
    assert alone.interviews == () and len(alone.questions) == 1
    first = event("Interview Head of Data - Orca", organizer=organizer, event_id="evt0002")
    assert len(reading(event(title, organizer=organizer), first).interviews) == 2


@pytest.mark.parametrize("title", ["Call with the team", "Meeting with VP Sales"])
def test_d7_a_work_call_with_a_team_or_an_executive_is_nothing(title: str) -> None:
    assert reading(event(title)) == CalendarReading((), ())
    sent = event(title, organizer=("mia@orcadata.io", "Mia Lee"), description="Q4 pipeline")
    assert reading(sent) == CalendarReading((), ())


def test_e4_a_role_never_runs_on_into_the_next_line() -> None:
    e = event(
        "Orca Data Interview - Nadia Putri",
        organizer=("mia@orcadata.io", "Mia Lee"),
        description="Interview for Senior Data Engineer\nPlease join via Zoom",
    )
    [found] = reading(e).interviews
    assert found.position == "Senior Data Engineer"


def test_d7_an_indonesian_round_in_the_body_under_a_vague_title() -> None:
    e = event(
        "Microsoft Teams Meeting",
        organizer=("hr@sehatsentosa.co.id", "Rekrutmen Asuransi Sehat Sentosa"),
        description="Wawancara Final Management Trainee Finance dengan Direktur Keuangan." + TEAMS,
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == (
        "Asuransi Sehat Sentosa",
        "Management Trainee Finance",
    )


# --- rule E4: the role in more shapes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "position"),
    [
        ("Kami mengundang Saudara untuk mengikuti tahap wawancara untuk formasi Staf Gudang.",
         "Staf Gudang"),
        ("Interview User formasi Analis Kredit. Membawa berkas asli.", "Analis Kredit"),
        ("Following your application for Graduate Trainee Program - Sales Track, we invite you "
         "to an HR Interview.", "Graduate Trainee Program"),
        ("Thank you for your application to the 2027 Technology Analyst Programme. Your first "
         "round interview will be 30 minutes.", "Technology Analyst Programme"),
        ("Interviewer: Lee Park, VP Sales. Role: Account Executive (Commercial). Good luck.",
         "Account Executive (Commercial)"),
        ("Last step for Account Executive, Mid-Market: 30 minutes with our CRO.",
         "Account Executive, Mid-Market"),
        ("Kami undang untuk wawancara posisi Staf Gudang PT Harbor Niaga.",
         "Staf Gudang"),
    ],
)  # fmt: skip
def test_e4_the_body_names_the_role(body: str, position: str) -> None:
    e = event("Interview - Harbor", organizer=("hr@harbor.co.id", "Harbor HR"), description=body)
    [found] = reading(e).interviews
    assert found.position == position


def test_e4_zooms_topic_names_the_role_under_a_paired_title() -> None:
    e = event(
        "Nadia <> Orca Studio",
        organizer=("mia@orcastudio.io", "Mia Lee"),
        description="Mia Lee is inviting you to a scheduled Zoom meeting.\n\n"
        "Topic: Product Designer interview - Nadia Putri\nTime: Dec 1, 2026 10:00 AM",
    )
    [found] = reading(e).interviews
    assert found.position == "Product Designer"


@pytest.mark.parametrize(
    ("notes", "position"),
    [
        ("Barista position. Bawa apron.", "Barista"),
        ("Product Designer (remote).", "Product Designer"),
        ("sama HR manager. bawa CV", None),
        ("Talent Acquisition Partner.", None),
    ],
)
def test_e4_a_role_sentence_in_short_notes(notes: str, position: str | None) -> None:
    [found] = reading(event("Interview @ Warung Senja", description=notes)).interviews
    assert found.position == position


def test_e4_the_bodys_more_exact_role_wins_over_the_titles_bare_noun() -> None:
    e = event(
        "Intern Chat between Mia Lee and Nadia Putri",
        organizer=("mia@orcadata.io", "Mia Lee"),
        description="What:\nIntern Chat\nDescription\nOrca: chat about the Mobile Engineering "
        "Intern opening.",
    )
    [found] = reading(e).interviews
    assert found.position == "Mobile Engineering Intern"


def test_e4_a_role_ends_at_the_channel() -> None:
    e = event("HR Interview - Orca", description="lamaran Data Analyst melalui Glints")
    [found] = reading(e).interviews
    assert found.position == "Data Analyst"


# --- rule E2: names --------------------------------------------------------------------------


def test_e2_a_team_mailbox_is_no_person() -> None:
    e = event(
        "First Round Interview - Harbor Capital",
        organizer=("graduates@harborcap.com", "Harbor Capital Graduate Recruitment"),
    )
    [found] = reading(e).interviews
    assert found.company == "Harbor Capital"


def test_e2_a_selection_programme_is_no_company() -> None:
    e = event(
        "SKB Wawancara - Badan Arsip Daerah",
        description="SKB tahap wawancara untuk formasi Arsiparis Ahli Pertama.",
    )
    [found] = reading(e).interviews
    assert found.company == "Badan Arsip Daerah"


def test_e2_the_city_after_a_places_name_is_where() -> None:
    e = event("Interview @ Rumah Kopi Ubud", location="Rumah Kopi, Jl. Raya 12, Ubud")
    [found] = reading(e).interviews
    assert found.company == "Rumah Kopi"


def test_e2_a_bracket_after_the_role_is_its_qualifier_when_the_domain_is_elsewhere() -> None:
    e = event(
        "Phone Screen between Mia Lee and Nadia Putri",
        organizer=("mia@harborfreight.com", "Mia Lee"),
        description="What:\nPhone Screen - Account Executive (SMB)\nDescription\nHarbor Freight "
        "talent team: a screen for the Account Executive (SMB) opening.",
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("Harbor Freight", "Account Executive")


def test_e2_organisation_noun_then_role_splits() -> None:
    [found] = reading(event("Pelican Analytics ML intern interview")).interviews
    assert (found.company, found.position) == ("Pelican Analytics", "ML intern")


def test_e2_indonesian_role_nouns() -> None:
    e = event(
        "Wawancara HR - Analis Kredit",
        organizer=("seleksi@banksentosa.co.id", "Seleksi Pegawai Bank Sentosa"),
    )
    [found] = reading(e).interviews
    assert (found.company, found.position) == ("Bank Sentosa", "Analis Kredit")


# --- rule E5: an application's names ------------------------------------------------------------


def test_e5_the_full_name_over_a_typed_short_form() -> None:
    first = event("Orca Agency interview (Zoom)", event_id="evt0001")
    second = event("Orca 2nd interview - walk through task", event_id="evt0002")
    assert {i.company for i in reading(first, second).interviews} == {"Orca Agency"}


def test_e5_the_employers_own_spelling_over_the_users_short_form() -> None:
    sent = event(
        "Interview - PT Sarana Niaga Raya",
        organizer=("sdm@sarananiaga.co.id", "SDM PT Sarana Niaga Raya"),
        event_id="evt0001",
    )
    typed = event("Sarana Niaga - interview user", event_id="evt0002")
    assert {i.company for i in reading(sent, typed).interviews} == {"PT Sarana Niaga Raya"}


def test_e5_a_typed_rounds_own_name_mentions_no_other_application() -> None:
    other = event(
        "Interview - PT Nusantara Karya",
        organizer=("hr@nusantarakarya.co.id", "HR Nusantara Karya"),
        event_id="evt0001",
    )
    typed = event("Interview online dengan PT Bumi Tani Nusantara", event_id="evt0002")
    companies = {i.event.event_id: i.company for i in reading(other, typed).interviews}
    assert companies["evt0002"] == "PT Bumi Tani Nusantara"
