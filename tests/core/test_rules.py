"""When the thank-you and the check-in fall due (rules T1-T4, C1-C6, Z1)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from calfeed.core.detection.detect import detect
from calfeed.core.model import Marks, RuleSettings
from calfeed.core.rules import follow_up_uid, follow_ups
from tests.support.factories import ME, source_event

JKT = ZoneInfo("Asia/Jakarta")


def jkt(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JKT)


def derive(events, settings, marks=None):
    return follow_ups(detect(events, settings, marks), settings, marks)


def one(kind, events, settings, marks=None):
    found = [f for f in derive(events, settings, marks) if f.kind == kind]
    assert len(found) == 1, found
    return found[0]


MONDAY_10 = jkt("2026-11-23T10:00")


# rule T1: exactly one thank-you per interview, unless marked sent or the application closed
def test_t1_one_thank_you_each(settings: RuleSettings) -> None:
    events = [
        source_event(event_id="a"),
        source_event(event_id="b", summary="Phone screen: Globex"),
    ]
    kinds = [f.kind for f in derive(events, settings)]
    assert kinds.count("thank-you") == 2


@pytest.mark.parametrize("marks", [Marks(thank_you_sent=True), Marks(closed=True)])
def test_t1_marked_sent_or_closed(marks: Marks, settings: RuleSettings) -> None:
    event = source_event()
    assert [f for f in derive([event], settings, {event.key: marks}) if f.kind == "thank-you"] == []


# rule T2: soon = end + 1 hour (setting 0-3 h)
@pytest.mark.parametrize("delay", [0, 60, 180])
def test_t2_soon(delay: int, settings: RuleSettings) -> None:
    settings = replace(settings, thank_you_delay=timedelta(minutes=delay))
    f = one("thank-you", [source_event(start=MONDAY_10)], settings)
    assert f.start == jkt("2026-11-23T11:00") + timedelta(minutes=delay)
    assert f.rule == "T2"


# rule T3: evening = 18:00 local (17-20), end + 30 min when the interview runs late
@pytest.mark.parametrize(
    ("start", "due"),
    [
        ("2026-11-23T10:00", "2026-11-23T18:00"),
        ("2026-11-23T16:30", "2026-11-23T18:00"),  # ends 17:30, exactly 30 min before
        ("2026-11-23T16:45", "2026-11-23T18:15"),  # ends 17:45: end + 30 min
        ("2026-11-23T21:00", "2026-11-23T22:30"),
    ],
)
def test_t3_evening(start: str, due: str, settings: RuleSettings) -> None:
    settings = replace(settings, thank_you="evening")
    f = one("thank-you", [source_event(start=jkt(start))], settings)
    assert f.start == jkt(due) and f.rule == "T3"


@pytest.mark.parametrize("mode", ["soon", "evening"])
def test_t3_never_the_next_day(mode: str, settings: RuleSettings) -> None:
    settings = replace(settings, thank_you=mode, thank_you_delay=timedelta(hours=3))
    late = source_event(start=jkt("2026-11-23T22:00"), end=jkt("2026-11-23T23:30"))
    f = one("thank-you", [late], settings)
    assert f.start.date() == date(2026, 11, 23)
    assert f.start >= jkt("2026-11-23T23:30")


# rule T4: a 15-minute event
def test_t4_short_event(settings: RuleSettings) -> None:
    f = one("thank-you", [source_event()], settings)
    assert f.end - f.start == timedelta(minutes=15)


# rule C1: stated timeline + 2 days' grace (setting 1-5)
@pytest.mark.parametrize(
    ("description", "grace", "due"),
    [
        ("We'll get back to you in about a week.", 2, date(2026, 12, 2)),  # the article: day 9
        ("We'll get back to you in about a week.", 5, date(2026, 12, 7)),  # Sat 5 -> Mon 7
        # 3 business days after Mon 23 = Thu 26, + 2 business days of grace = Mon 30
        ("Kabar dalam 3 hari kerja", 2, date(2026, 11, 30)),
        ("Decision by Friday", 2, date(2026, 11, 30)),  # Fri 27 + 2 = Sun 29 -> Mon 30
        ("#followup 2026-12-08", 2, date(2026, 12, 10)),
    ],
)
def test_c1_stated_timeline(
    description: str, grace: int, due: date, settings: RuleSettings
) -> None:
    settings = replace(settings, grace_days=grace)
    f = one("check-in", [source_event(start=MONDAY_10, description=description)], settings)
    assert f.start.date() == due and f.rule == "C1"


# rule C2: no timeline -> 7 days (setting 7-14)
@pytest.mark.parametrize(("days", "due"), [(7, date(2026, 11, 30)), (14, date(2026, 12, 7))])
def test_c2_no_timeline(days: int, due: date, settings: RuleSettings) -> None:
    settings = replace(settings, no_timeline_days=days)
    f = one("check-in", [source_event(start=MONDAY_10)], settings)
    assert f.start.date() == due and f.rule == "C2"


# rule C3: 10:00 local on a working day; weekends move to Monday; holidays optional
def test_c3_weekend_moves_to_monday(settings: RuleSettings) -> None:
    saturday_interview = source_event(start=jkt("2026-11-21T10:00"))  # + 7 = Sat 28
    f = one("check-in", [saturday_interview], settings)
    assert f.start == jkt("2026-11-30T10:00")


def test_c3_holidays_skipped() -> None:
    # 25 December 2026 is a Friday and a public holiday in Indonesia
    settings = RuleSettings(time_zone="Asia/Jakarta", holiday_country="ID")
    f = one("check-in", [source_event(start=jkt("2026-12-18T10:00"))], settings)
    assert f.start.date() == date(2026, 12, 28)
    plain = one(
        "check-in",
        [source_event(start=jkt("2026-12-18T10:00"))],
        replace(settings, holiday_country=None),
    )
    assert plain.start.date() == date(2026, 12, 25)


def test_c3_check_in_time_setting(settings: RuleSettings) -> None:
    settings = replace(settings, check_in_at=time(9, 30))
    f = one("check-in", [source_event(start=MONDAY_10)], settings)
    assert f.start.time() == time(9, 30)


# rule C4: one check-in per interview; a later round before it is due replaces it
def test_c4_later_round_replaces_check_in(settings: RuleSettings) -> None:
    first = source_event(event_id="r1", summary="Phone screen: Globex", start=MONDAY_10)
    second = source_event(
        event_id="r2", summary="Final round - Globex", start=jkt("2026-11-26T10:00")
    )
    check_ins = [f for f in derive([first, second], settings) if f.kind == "check-in"]
    assert [f.interview.key for f in check_ins] == [second.key]


def test_c4_other_companies_and_later_rounds_after_due_keep_theirs(settings: RuleSettings) -> None:
    first = source_event(event_id="r1", summary="Phone screen: Globex", start=MONDAY_10)
    other = source_event(event_id="o1", summary="Phone screen: Acme", start=jkt("2026-11-24T10:00"))
    much_later = source_event(
        event_id="r2", summary="Final round - Globex", start=jkt("2026-12-10T10:00")
    )
    keys = {
        f.interview.key
        for f in derive([first, other, much_later], settings)
        if f.kind == "check-in"
    }
    assert keys == {first.key, other.key, much_later.key}


# rule C6: heard back / closed removes pending check-ins of the application
@pytest.mark.parametrize("marks", [Marks(heard_back=True), Marks(closed=True)])
def test_c6_heard_back_removes_check_ins(marks: Marks, settings: RuleSettings) -> None:
    first = source_event(event_id="r1", summary="Phone screen: Globex", start=MONDAY_10)
    later = source_event(
        event_id="r2", summary="Final round - Globex", start=jkt("2026-12-10T10:00")
    )
    found = derive([first, later], settings, {first.key: marks})
    assert [f for f in found if f.kind == "check-in"] == []


# rule Z1: times in the interview's own zone, right across daylight saving
def test_z1_thank_you_is_elapsed_time_across_dst() -> None:
    # Europe/Berlin leaves summer time at 03:00 on 25 October 2026 (clocks go back to 02:00)
    settings = RuleSettings(time_zone="Europe/Berlin")
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 10, 25, 1, 0, tzinfo=berlin)
    end = datetime(2026, 10, 25, 2, 30, tzinfo=berlin)  # 02:30 CEST, the first of two
    f = one("thank-you", [source_event(start=start, end=end, tz="Europe/Berlin")], settings)
    # same-zone subtraction in Python ignores the fold, so compare instants
    assert f.start.timestamp() - end.timestamp() == 3600
    assert f.start.fold == 1 and f.start.utcoffset() == timedelta(hours=1)  # 02:30 CET, the second


def test_z1_check_in_at_local_ten_after_dst_change() -> None:
    settings = RuleSettings(time_zone="America/New_York")
    ny = ZoneInfo("America/New_York")
    event = source_event(start=datetime(2026, 10, 30, 10, 0, tzinfo=ny), tz="America/New_York")
    f = one("check-in", [event], settings)
    assert f.start.replace(tzinfo=None) == datetime(2026, 11, 6, 10, 0)
    assert f.start.utcoffset() == timedelta(hours=-5)  # EST after 1 November


def test_uids_are_stable_and_distinct(settings: RuleSettings) -> None:
    event = source_event()
    found = derive([event], settings)
    assert {f.uid for f in found} == {
        follow_up_uid(ME, event.event_id, "thank-you"),
        follow_up_uid(ME, event.event_id, "check-in"),
    }
    moved = source_event(start=MONDAY_10 + timedelta(days=1), summary="Interview (Acme) renamed")
    assert {f.uid for f in derive([moved], replace(settings, lang="id"))} == {f.uid for f in found}
    assert all(f.uid.isascii() and ME not in f.uid for f in found)
