"""One user, one file, can only cost so much."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from calfeed.core.inputs import rrule_bound
from calfeed.core.inputs.ics import read_ics

WINDOW = (datetime(2026, 9, 27, tzinfo=UTC), datetime(2027, 11, 26, tzinfo=UTC))
MINUTES = ",".join(str(m) for m in range(60))
HOURS = ",".join(str(h) for h in range(24))


def ics(rule: str, dtstart: str = "20260101T090000Z", uid: str = "spam") -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTART:{dtstart}\r\nDURATION:PT1M\r\nSUMMARY:x\r\n"
        f"RRULE:{rule}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


SHAPES = {
    "hourly-byminute": f"FREQ=HOURLY;BYMINUTE={MINUTES}",
    "daily-byhour-byminute": f"FREQ=DAILY;BYHOUR={HOURS};BYMINUTE={MINUTES}",
    "weekly-byday-byhour-byminute": f"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR={HOURS};"
    f"BYMINUTE={MINUTES}",
    "monthly-bymonthday-byhour": "FREQ=MONTHLY;BYMONTHDAY="
    + ",".join(str(d) for d in range(1, 32))
    + f";BYHOUR={HOURS};BYMINUTE={MINUTES}",
    "yearly-byyearday-byhour": "FREQ=YEARLY;BYYEARDAY="
    + ",".join(str(d) for d in range(1, 367))
    + f";BYHOUR={HOURS};BYMINUTE={MINUTES}",
    "hourly-since-1970": "FREQ=HOURLY",
}


@pytest.mark.parametrize("rule", SHAPES.values(), ids=list(SHAPES))
def test_dense_rules_are_refused_quickly_with_a_reason(rule: str) -> None:
    dtstart = "19700101T000000Z" if rule == "FREQ=HOURLY" else "20260101T090000Z"
    started = time.monotonic()
    read = read_ics(
        ics(rule, dtstart), calendar_id="c", window_start=WINDOW[0], window_end=WINDOW[1]
    )
    assert time.monotonic() - started < 5  # it ran past 300 s before
    assert read.events == ()
    assert [s.reason for s in read.skipped][0].startswith("repeats too often to expand")


def test_an_ordinary_weekly_interview_series_is_kept() -> None:
    read = read_ics(
        ics("FREQ=WEEKLY;BYDAY=MO;COUNT=10"),
        calendar_id="c",
        window_start=datetime(2026, 1, 1, tzinfo=UTC),
        window_end=WINDOW[1],
    )
    assert len(read.events) in (10, 11) and read.skipped == ()  # DTSTART is a Thursday


def test_a_series_is_cut_at_its_occurrence_cap_and_says_so() -> None:
    read = read_ics(
        ics("FREQ=HOURLY;INTERVAL=3"),  # about 3,400 in the window: under the step bound
        calendar_id="c",
        window_start=WINDOW[0],
        window_end=WINDOW[1],
    )
    assert len(read.events) == rrule_bound.MAX_SERIES_OCCURRENCES
    assert read.skipped[0].reason == "only its first 1,000 occurrences in the window are used"


def test_a_file_of_many_heavy_series_stops_at_its_budget(monkeypatch) -> None:
    """Once the file's series together pass its budget, the rest are skipped with one line.

    The budget is shrunk to three hourly series' worth (the default, 200,000 steps, took 22 such
    series and 9 s of expansion to reach): the same path, in a tenth of the time.
    """
    hourly_year = rrule_bound.steps({"FREQ": ["HOURLY"]}, *WINDOW)
    monkeypatch.setattr(rrule_bound, "MAX_FILE_STEPS", 3 * hourly_year)
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:s{n}\r\nDTSTART:20260101T090000Z\r\nDURATION:PT1M\r\n"
        f"RRULE:FREQ=HOURLY\r\nEND:VEVENT\r\n"
        for n in range(6)
    )
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n".encode()
    started = time.monotonic()
    read = read_ics(data, calendar_id="c", window_start=WINDOW[0], window_end=WINDOW[1])
    assert time.monotonic() - started < 60
    assert any("together pass" in s.reason for s in read.skipped)


def test_steps_are_an_upper_bound_capped_by_count_and_until() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = datetime(2026, 1, 11, tzinfo=UTC)
    assert rrule_bound.steps({"FREQ": ["DAILY"]}, start, end) == 11
    assert rrule_bound.steps({"FREQ": ["DAILY"], "COUNT": [3]}, start, end) == 3
    assert rrule_bound.steps({"FREQ": ["HOURLY"], "BYMINUTE": [0, 30]}, start, end) == 11 * 48
    until = datetime(2026, 1, 2, tzinfo=UTC)
    assert rrule_bound.steps({"FREQ": ["DAILY"], "UNTIL": [until]}, start, end) == 2


# --- caps per user: feed, dashboard --------------------------------------------------------------


def test_the_feed_keeps_the_follow_ups_nearest_to_now(client, alice, monkeypatch) -> None:
    from calfeed.web import rendering

    full = client.get(alice.feed_path).data.count(b"BEGIN:VEVENT")
    assert full > 2
    monkeypatch.setattr(rendering, "MAX_FOLLOW_UPS_PER_FEED", 2)
    from calfeed.web import service
    from calfeed.web.runtime import runtime

    rt = runtime(client.application)
    service.set_timeline(rt.sessions, alice.id, first_key(client, alice), None, rt.clock())
    assert client.get(alice.feed_path).data.count(b"BEGIN:VEVENT") == 2


def first_key(client, alice) -> str:
    from tests.support.web import signed_in

    page = signed_in(client, alice).get("/dashboard").get_data(as_text=True)
    return page.split('name="event" value="', 1)[1].split('"', 1)[0]


def test_the_dashboard_is_paged(client, alice, monkeypatch) -> None:
    from calfeed.web import present
    from tests.support.web import signed_in

    signed_in(client, alice)
    everything = client.get("/dashboard").get_data(as_text=True).count('class="card interview"')
    assert everything >= 2
    monkeypatch.setattr(present, "DASHBOARD_PAGE", 1)
    first = client.get("/dashboard").get_data(as_text=True)
    assert first.count('class="card interview"') == 1
    assert f"Page 1 of {everything}" in first and 'rel="next"' in first
    second = client.get("/dashboard?page=2").get_data(as_text=True)
    assert second.count('class="card interview"') == 1 and 'rel="prev"' in second
    assert client.get("/dashboard?page=999").status_code == 200  # clamped to the last page


def test_a_cut_is_said_on_the_dashboard(client, alice, monkeypatch) -> None:
    from calfeed.web import present
    from tests.support.web import signed_in

    signed_in(client, alice)
    assert "left out" not in client.get("/dashboard").get_data(as_text=True)
    monkeypatch.setattr(present, "MAX_EVENTS_PER_USER", 2)
    monkeypatch.setattr(present, "MAX_FOLLOW_UPS_PER_FEED", 1)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "more events than calfeed reads" in page and "follow-ups nearest to today" in page


def test_build_feed_limit_keeps_the_nearest() -> None:
    from calfeed.core.model import RuleSettings, SourceEvent
    from calfeed.core.pipeline import build_feed

    now = datetime(2026, 6, 1, 3, tzinfo=UTC)
    events = [
        SourceEvent(
            calendar_id="c",
            event_id=f"e{n}",
            start=now + timedelta(days=d),
            end=now + timedelta(days=d, hours=1),
            summary=f"Interview with Acme {n}",
            updated=now,
        )
        for n, d in enumerate([-40, -3, 30, 200])
    ]
    settings = RuleSettings(time_zone="UTC")
    full = build_feed(events, settings, now=now)
    cut = build_feed(events, settings, now=now, limit=2)
    assert len(cut.follow_ups) == 2 < len(full.follow_ups)
    kept = sorted(abs(f.start - now) for f in cut.follow_ups)
    assert kept == sorted(abs(f.start - now) for f in full.follow_ups)[:2]
