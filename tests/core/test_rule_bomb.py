"""Recurrence expansion is bounded by the work it does, not by the occurrences it finds.

A 254-byte rule that never matches (`FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30`) took 19.5 s and twenty of
them in one file ran past 120 s: dateutil walks every period towards year 9999 looking for a match,
which no estimate of occurrences counts. `rrule_bound.Work` counts the periods examined (and the
time on the caller's clock); a series past its budget is refused with one line, the rest of the file
still read. Also: reads share no process-wide lock, so a tiny calendar read beside an expensive one
is not held up by it.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calfeed.core.inputs import rrule_bound
from calfeed.core.inputs.ics import read_ics
from tests.support.examples import examples

WINDOW = {
    "window_start": datetime(2026, 9, 27, tzinfo=UTC),
    "window_end": datetime(2027, 11, 26, tzinfo=UTC),
}
NEVER = ("FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")


def vevent(rule: str, uid: str, dtstart: str = "20260101T090000Z") -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART:{dtstart}\r\nDURATION:PT1H\r\n"
        f"SUMMARY:Interview {uid}\r\nRRULE:{rule}\r\nEND:VEVENT\r\n"
    )


def ics(*events: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()


@pytest.mark.parametrize("rule", NEVER)
def test_a_rule_that_never_matches_is_refused_with_one_line(rule: str) -> None:
    """Before the bound the read walked to year 9999 and came back with nothing said."""
    read = read_ics(ics(vevent(rule, "bomb")), calendar_id="c", **WINDOW)
    assert read.events == ()
    ((uid, reason),) = [(s.event_id, s.reason) for s in read.skipped]
    assert uid == "bomb"
    assert reason.startswith("not expanded: its repeats were not found within 100,000 candidate")
    assert "\n" not in reason


def test_a_file_of_twenty_bombs_keeps_its_ordinary_events() -> None:
    """Twenty never-matching rules (3.9 KB) passed 120 s; now the file's budget ends them, a series
    before them is read, and so is a single event after them (it walks no rule)."""
    weekly = vevent("FREQ=WEEKLY;COUNT=3", "weekly", dtstart="20261001T090000Z")
    bombs = [vevent(NEVER[n % 2], f"bomb{n}") for n in range(20)]
    single = vevent("FREQ=DAILY;COUNT=1", "single", dtstart="20261101T090000Z")
    single = single.replace("RRULE:FREQ=DAILY;COUNT=1\r\n", "")
    read = read_ics(ics(weekly, *bombs, single), calendar_id="c", **WINDOW)
    assert [e.ical_uid for e in read.events] == ["weekly"] * 3 + ["single"]
    reasons = {s.event_id: s.reason for s in read.skipped}
    assert set(reasons) == {f"bomb{n}" for n in range(20)}
    assert "the file's recurring events together passed 400,000 candidate dates" in str(reasons)


def test_the_callers_clock_bounds_the_time() -> None:
    """With a clock (the shell passes time.monotonic), a series stops at its seconds."""
    ticks = iter(range(10**9))
    read = read_ics(
        ics(vevent(NEVER[0], "slow")),
        calendar_id="c",
        clock=lambda: next(ticks) * 0.5,  # each look at the clock: half a second later
        **WINDOW,
    )
    assert [s.reason for s in read.skipped] == [
        "not expanded: its repeats were not found within 2 s (a rule that rarely or never matches)"
    ]


def test_ordinary_series_are_read_as_before() -> None:
    rules = ["FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=YEARLY;BYMONTH=2"]
    events = [vevent(r, f"r{n}", dtstart="19900101T090000Z") for n, r in enumerate(rules)]
    read = read_ics(ics(*events), calendar_id="c", **WINDOW)
    assert read.skipped == ()
    counts = {uid: sum(e.ical_uid == uid for e in read.events) for uid in ("r0", "r1", "r2")}
    assert counts == {"r0": 122, "r1": 8, "r2": 1}


# --- any rule: the work is bounded --------------------------------------------------------------

FREQS = ["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def rules(draw: st.DrawFn) -> str:
    parts = [f"FREQ={draw(st.sampled_from(FREQS))}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 400))}")
    by = {
        "BYMONTH": st.integers(1, 12),
        "BYMONTHDAY": st.integers(-31, 31).filter(bool),
        "BYYEARDAY": st.integers(-366, 366).filter(bool),
        "BYWEEKNO": st.integers(-53, 53).filter(bool),
        "BYHOUR": st.integers(0, 23),
        "BYSETPOS": st.integers(-366, 366).filter(bool),
    }
    for name, values in by.items():
        if draw(st.integers(0, 3)) == 0:
            chosen = draw(st.lists(values, min_size=1, max_size=4, unique=True))
            parts.append(f"{name}={','.join(map(str, chosen))}")
    if draw(st.booleans()):
        days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))
        nth = draw(st.sampled_from(["", "1", "-1", "5", "53"]))
        parts.append("BYDAY=" + ",".join(nth + d for d in days))
    end = draw(st.sampled_from(["", ";COUNT=3", ";UNTIL=20270101T000000Z", ";UNTIL=20200101"]))
    return ";".join(parts) + end


SMALL_BUDGET = 2_000


class _Counting(rrule_bound.Work):
    """A file budget whose series budgets are small and record what they spend."""

    units: list[int]

    def series(self) -> rrule_bound.Work:
        outer = self

        class Series(rrule_bound.Work):
            def spend(self, units: int = 1) -> None:
                outer.units.append(units)
                super().spend(units)

        return Series(SMALL_BUDGET, parent=self, scope="series")


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule=rules(), year=st.integers(1900, 2026))
def test_any_rule_examines_a_bounded_number_of_candidates(rule: str, year: int) -> None:
    """Whatever the rule, the walk stops within the series' budget (kept small here for speed)."""
    work = _Counting()
    work.units = []
    data = ics(vevent(rule, "g", dtstart=f"{year}0101T090000Z"))
    read = read_ics(data, calendar_id="c", work=work, **WINDOW)
    assert sum(work.units) <= SMALL_BUDGET + 1  # the unit that found the budget gone is the last
    assert all("\n" not in s.reason for s in read.skipped)


def test_every_rrule_of_a_series_walks_on_the_budget() -> None:
    """The bound reaches recurring_ical_events' rules (a library change must not drop it)."""
    two = vevent(NEVER[0], "two").replace("RRULE:", "RRULE:FREQ=YEARLY;COUNT=2\r\nRRULE:")
    read = read_ics(ics(two), calendar_id="c", **WINDOW)
    assert [s.event_id for s in read.skipped] == ["two"]


# --- no process-wide lock ----------------------------------------------------------------------


def test_a_tiny_read_beside_an_expensive_one_finishes_first() -> None:
    """The reader held one lock for the whole read: a sign-up's 0.3 s read took 104 s beside
    another user's expensive calendar. Now the tiny read ends while the expensive one still runs."""
    expensive = ics(*(vevent(NEVER[n % 2], f"bomb{n}") for n in range(20)))
    tiny = ics(vevent("FREQ=WEEKLY;COUNT=2", "tiny", dtstart="20261001T090000Z"))
    done: dict[str, float] = {}

    def run(name: str, data: bytes) -> None:
        read_ics(data, calendar_id=name, **WINDOW)
        done[name] = time.monotonic()

    big = threading.Thread(target=run, args=("expensive", expensive))
    big.start()
    time.sleep(0.3)  # well inside the expensive read (it takes seconds)
    assert big.is_alive()
    small = threading.Thread(target=run, args=("tiny", tiny))
    small.start()
    small.join(timeout=60)
    assert "tiny" in done
    assert big.is_alive() or done["tiny"] < done["expensive"]
    big.join(timeout=120)


def test_a_rule_the_bound_cannot_reach_is_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail closed: should a recurring_ical_events version hide its rules from the bound, a series
    with an RRULE is skipped rather than walked unbounded."""
    from calfeed.core.inputs import ics as ics_module

    monkeypatch.setattr(ics_module, "_rules_of", lambda query: iter(()))
    read = read_ics(ics(vevent(NEVER[0], "hidden")), calendar_id="c", **WINDOW)
    assert [(s.event_id, s.reason) for s in read.skipped] == [
        ("hidden", "its repeats cannot be read")
    ]
