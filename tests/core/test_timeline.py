"""parse_timeline: the stated "when will I hear back" in English and Indonesian (rule E3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calfeed.core.detection.timeline import MAX_AHEAD, MAX_DAYS, SCAN_LIMIT, parse_timeline
from calfeed.core.model import Timeline
from tests.support.examples import examples

TUESDAY = date(2026, 11, 24)  # the interview day of most cases below


def days(amount: int, text: str) -> Timeline:
    return Timeline(unit="days", amount=amount, text=text)


def business(amount: int, text: str) -> Timeline:
    return Timeline(unit="business_days", amount=amount, text=text)


def until(day: date, text: str) -> Timeline:
    return Timeline(unit="date", until=day, text=text)


# rule E3: English prose
ENGLISH = [
    ("We'll get back to you within a week.", days(7, "within a week")),
    ("Should hear back in about a week", days(7, "in about a week")),
    ("Decision in 5 business days", business(5, "in 5 business days")),
    ("5 working days", business(5, "5 working days")),
    ("3 workdays", business(3, "3 workdays")),
    ("they reply in 3 work-days", business(3, "in 3 work-days")),
    ("1-2 weeks", days(14, "1-2 weeks")),  # the upper bound
    ("1 to 2 weeks", days(14, "1 to 2 weeks")),
    ("2\u20133 weeks", days(21, "2\u20133 weeks")),
    ("one or two weeks", days(14, "one or two weeks")),
    ("a week or two", days(14, "a week or two")),
    ("within 10 days", days(10, "within 10 days")),
    ("within the next two weeks", days(14, "within the next two weeks")),
    ("in a couple of days", days(2, "in a couple of days")),
    ("a few days", days(3, "a few days")),
    ("fourteen days", days(14, "fourteen days")),
    ("in a month", days(30, "in a month")),
    ("up to 3 weeks", days(21, "up to 3 weeks")),
    ("2 wks", days(14, "2 wks")),
]

# rule E3: Indonesian prose
INDONESIAN = [
    ("Kabar dalam seminggu", days(7, "dalam seminggu")),
    ("dalam sepekan", days(7, "dalam sepekan")),
    ("dalam 3 hari kerja", business(3, "dalam 3 hari kerja")),
    ("3 hari kerja", business(3, "3 hari kerja")),
    ("sepuluh hari kerja", business(10, "sepuluh hari kerja")),
    ("2 minggu", days(14, "2 minggu")),
    ("dua minggu", days(14, "dua minggu")),
    ("1-2 minggu", days(14, "1-2 minggu")),
    ("dalam waktu 1 sampai 2 minggu", days(14, "dalam waktu 1 sampai 2 minggu")),
    ("empat belas hari", days(14, "empat belas hari")),
    ("dua belas hari", days(12, "dua belas hari")),
    ("dalam sebulan", days(30, "dalam sebulan")),
    ("beberapa hari", days(3, "beberapa hari")),
    ("maksimal 5 hari kerja", business(5, "maksimal 5 hari kerja")),
]

# rule E3 (deadlines), counted from Tuesday 24 November 2026
DEADLINES = [
    ("by Friday", until(date(2026, 11, 27), "by Friday")),
    ("by Tuesday", until(date(2026, 12, 1), "by Tuesday")),  # strictly after the interview day
    ("before Mon", until(date(2026, 11, 30), "before Mon")),
    ("sebelum Jumat", until(date(2026, 11, 27), "sebelum Jumat")),
    ("paling lambat hari Senin", until(date(2026, 11, 30), "paling lambat hari Senin")),
    ("sebelum hari Minggu", until(date(2026, 11, 29), "sebelum hari Minggu")),
    ("by 3 December", until(date(2026, 12, 3), "by 3 December")),
    ("by December 3", until(date(2026, 12, 3), "by December 3")),
    ("by 3 Dec", until(date(2026, 12, 3), "by 3 Dec")),
    ("by the 3rd of December", until(date(2026, 12, 3), "by the 3rd of December")),
    ("by Friday, 4 December", until(date(2026, 12, 4), "by Friday, 4 December")),
    ("by December 3, 2026", until(date(2026, 12, 3), "by December 3, 2026")),
    ("by 24 November", until(TUESDAY, "by 24 November")),  # on or after the interview day
    ("by 20 November", until(date(2027, 11, 20), "by 20 November")),  # passed: next year
    ("by 15 Jan", until(date(2027, 1, 15), "by 15 Jan")),
    ("by 2026-12-03", until(date(2026, 12, 3), "by 2026-12-03")),
    ("paling lambat 3 Desember", until(date(2026, 12, 3), "paling lambat 3 Desember")),
    ("paling lambat tanggal 3 Des", until(date(2026, 12, 3), "paling lambat tanggal 3 Des")),
    ("sebelum 10 Januari 2027", until(date(2027, 1, 10), "sebelum 10 Januari 2027")),
]

# rule E3: the machine form, which wins over prose in the same text
MACHINE = [
    ("#followup 10d", days(10, "#followup 10d")),
    ("#followup 3bd", business(3, "#followup 3bd")),
    ("#followup 2w", days(14, "#followup 2w")),
    ("#followup 2026-12-03", until(date(2026, 12, 3), "#followup 2026-12-03")),
    ("within a week #followup 10d", days(10, "#followup 10d")),
    ("by Friday\n#FOLLOWUP 3BD", business(3, "#FOLLOWUP 3BD")),
    ("#followup 0d, so within a week", days(7, "within a week")),  # a senseless tag is ignored
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH + INDONESIAN + DEADLINES + MACHINE)
def test_reads_each_form(text: str, expected: Timeline) -> None:
    assert parse_timeline(text, TUESDAY) == expected


def test_by_weekday_on_that_weekday_means_next_week() -> None:  # rule E3
    friday = date(2026, 11, 27)
    assert parse_timeline("by Friday", friday) == until(date(2026, 12, 4), "by Friday")


def test_the_earliest_prose_phrase_counts() -> None:  # rule E3
    text = "Next steps: decision within 2 weeks, offer by 15 Jan"
    assert parse_timeline(text, TUESDAY) == days(14, "within 2 weeks")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \r\n ",
        "The interview lasts 45 minutes",
        "1 hour with the team, then 30 min with HR",
        "Wawancara 1 jam",
        "twice a week",
        "5 days a week in the office",
        "Kerja sehari-hari di gudang",
        "I applied 2 weeks ago",
        "dua minggu lalu",
        "my current job needs 2 weeks' notice",
        "1.5 weeks",
        "sebelum minggu depan",  # "before next week", not "before Sunday"
        "Interview on Friday",  # a weekday without "by"/"sebelum" is not a deadline
        "Interview on 3 December",
        "a weekend",
        "in 0 days",
        "within 200 days",
        "#followup 121d",
        "by 31 February",
        "by 29 Feb",  # next 29 February is more than a year ahead
        "by 2025-12-03",  # before the interview
        "by 2028-12-03",  # more than a year ahead
        "by 20 November 2026",  # explicit year, already passed
    ],
)
def test_no_timeline(text: str) -> None:  # rule E3: nothing, or nothing sensible
    assert parse_timeline(text, TUESDAY) is None


def test_reads_google_html_descriptions() -> None:  # rule E3
    html = "<p>Thanks for coming!<br>We&#39;ll decide within&nbsp;2<br>weeks.</p>"
    assert parse_timeline(html, TUESDAY) == days(14, "within 2 weeks")


def test_tags_separate_words() -> None:  # rule E3: "<br>" is a break, not nothing
    assert parse_timeline("wait 2<br>weeks", TUESDAY) == days(14, "2 weeks")


def test_angle_brackets_in_prose_are_kept() -> None:
    assert parse_timeline("pay < 5k > rent; within 3 days", TUESDAY) == days(3, "within 3 days")


def test_reads_only_the_first_part_of_huge_text() -> None:
    assert parse_timeline("x " * SCAN_LIMIT + "within a week", TUESDAY) is None
    assert parse_timeline("within a week " + "🙂" * 100_000, TUESDAY) == days(7, "within a week")


def test_takes_a_datetime_as_its_day() -> None:
    noon = datetime(2026, 11, 24, 12, 0)
    assert parse_timeline("by Friday", noon) == until(date(2026, 11, 27), "by Friday")


@pytest.mark.parametrize("day", [date.min, date.max, date(9999, 12, 30)])
def test_extreme_days_do_not_overflow(day: date) -> None:
    for text in ("by Friday", "by 3 Dec", "by 9999-12-31", "within a week"):
        parse_timeline(text, day)


# Property tests: whatever the text, never raise and never return an absurd value.
_PHRASES = [text for text, _ in ENGLISH + INDONESIAN + DEADLINES + MACHINE]
_texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(_PHRASES) | st.text(max_size=20), max_size=8).map(" ".join),
    st.from_regex(r"(by|sebelum|within|dalam|#followup) ?[0-9a-zA-Z\- ]{0,20}", fullmatch=True),
)


def _in_range(found: Timeline | None, day: date) -> bool:
    if found is None:
        return True
    if found.unit == "date":
        return found.until is not None and day <= found.until <= day + MAX_AHEAD
    return 1 <= found.amount <= MAX_DAYS and found.until is None and found.text != ""


@settings(max_examples=examples(300), deadline=None)
@given(text=_texts, day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)))
def test_any_text_gives_a_sane_result_or_none(text: str, day: date) -> None:  # rule E3
    assert _in_range(parse_timeline(text, day), day)


@settings(max_examples=examples(100), deadline=None)
@given(text=st.text(max_size=100), day=st.dates())
def test_never_raises_even_at_the_ends_of_the_calendar(text: str, day: date) -> None:
    assert _in_range(parse_timeline(text + " by Friday by 3 Dec", day), day)


@given(phrase=st.sampled_from(DEADLINES), days_later=st.integers(min_value=0, max_value=400))
def test_a_date_is_never_before_the_interview_day(
    phrase: tuple[str, Timeline], days_later: int
) -> None:  # rule E3, C1: a deadline counts forward from the interview
    day = TUESDAY + timedelta(days=days_later)
    found = parse_timeline(phrase[0], day)
    assert found is None or (found.until is not None and found.until >= day)


_VOCAB = st.sampled_from(
    "by before no later than until sebelum paling lambat hingga within in about a 1-2 two 3 10 "
    "business working day days week weeks wk month hari kerja minggu seminggu pekan bulan Friday "
    "Jumat 3 December Desember 2026-12-03 #followup 10d . , <br> the next".split(" ")
)


@settings(max_examples=examples(500))
@given(st.lists(_VOCAB, max_size=14).map(" ".join), st.dates(date(2020, 1, 1), date(2030, 12, 31)))
def test_prefilter_never_changes_the_answer(text: str, day: date) -> None:
    # rule E3: the substring checks that skip the full patterns are only a shortcut
    import calfeed.core.detection.timeline as module

    fast = parse_timeline(text, day)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "_UNIT_STEMS", ("",))
        patch.setattr(module, "_DEADLINE_WORDS", ("",))
        assert parse_timeline(text, day) == fast
