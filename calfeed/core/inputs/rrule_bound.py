"""How much work expanding a recurrence rule can take, known before expanding it.

Expanding `FREQ=HOURLY;BYMINUTE=0,...,59` or `FREQ=DAILY;BYHOUR=...;BYMINUTE=...` over a year ran
past 300 s and 1.4 GB: the library walks every occurrence from DTSTART on, even to reach a window
far later. `steps` gives an upper bound of the occurrences a rule produces from its start to the
window's end (the base frequency, times every BYxxx part that multiplies it, times the days,
capped by COUNT), so `ics.read_ics` can refuse a series, or the rest of a file, with a clear
reason before spending anything on it. Deterministic: no clocks, the same input always gives the
same answer. Pure functions.

An estimate of occurrences cannot see a rule that never matches, so `Work` (below) bounds the walk
itself: the candidates dateutil examines, and the time on a clock the caller passes in.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

#: occurrences one series may take to expand (from its DTSTART to the window's end)
MAX_SERIES_STEPS = 50_000
#: occurrences all series of one file may take together
MAX_FILE_STEPS = 200_000
#: occurrences of one series kept inside the window
MAX_SERIES_OCCURRENCES = 1_000

_PER_DAY = {
    "SECONDLY": 86_400.0,
    "MINUTELY": 1_440.0,
    "HOURLY": 24.0,
    "DAILY": 1.0,
    "WEEKLY": 1 / 7,
    "MONTHLY": 1 / 28,
    "YEARLY": 1 / 365,
}
_ORDER = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]


def _coarser(freq: str, than: str) -> bool:
    return _ORDER.index(freq) > _ORDER.index(than)


def _size(rule: Mapping[str, Sequence[object]], part: str) -> int:
    return len(rule.get(part) or ())


def per_day(rule: Mapping[str, Sequence[object]]) -> float:
    """An upper bound of the occurrences per day `rule` (an icalendar vRecur) can produce."""
    freq = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
    if freq not in _PER_DAY:
        return math.inf
    interval = (rule.get("INTERVAL") or [1])[0]
    rate = _PER_DAY[freq] / max(1, int(interval) if isinstance(interval, int) else 1)
    for part, unit in (("BYSECOND", "SECONDLY"), ("BYMINUTE", "MINUTELY"), ("BYHOUR", "HOURLY")):
        if _size(rule, part) and _coarser(freq, unit):
            rate *= _size(rule, part)
    days = _size(rule, "BYDAY")
    if days and freq in ("WEEKLY", "MONTHLY", "YEARLY"):
        rate *= days * {"WEEKLY": 1, "MONTHLY": 5, "YEARLY": 53}[freq]
    if _size(rule, "BYMONTHDAY") and freq in ("MONTHLY", "YEARLY"):
        rate *= _size(rule, "BYMONTHDAY") * (12 if freq == "YEARLY" else 1)
    if freq == "YEARLY":
        for part, factor in (("BYYEARDAY", 1), ("BYWEEKNO", 7), ("BYMONTH", 1)):
            if _size(rule, part):
                rate *= _size(rule, part) * factor
    return rate


def steps(
    rule: Mapping[str, Sequence[object]], start: date | datetime, end: date | datetime
) -> float:
    """An upper bound of the occurrences `rule` produces from `start` (DTSTART) to `end`."""
    first = start.date() if isinstance(start, datetime) else start
    last = end.date() if isinstance(end, datetime) else end
    until = (rule.get("UNTIL") or [None])[0]
    if isinstance(until, date | datetime):
        last = min(last, until.date() if isinstance(until, datetime) else until)
    days = max(0, (last - first).days + 1)
    bound = per_day(rule) * days
    count = (rule.get("COUNT") or [None])[0]
    if isinstance(count, int):
        bound = min(bound, count)
    return bound


# --- the work expanding actually takes ---------------------------------------------------------
#
# `steps` counts occurrences, and a rule that never matches has none: `FREQ=HOURLY;BYMONTH=2;
# BYMONTHDAY=30` took 19.5 s because dateutil walks every period from DTSTART on, towards year 9999,
# looking for a match, and yields nothing that a caller could stop on. So the walk itself is
# counted: every period dateutil examines (one call of its day-set function: a day for DAILY and
# finer, a week, a month or a year) spends one unit of a `Work` budget, and a budget spent, or a
# deadline passed on the caller's clock, raises `WorkExceeded` inside the walk.

#: periods (candidate days, weeks, months or years) one series may examine
MAX_SERIES_CANDIDATES = 100_000
#: periods all series of one file may examine together
MAX_FILE_CANDIDATES = 400_000
#: seconds one series, and one file, may take to expand on the caller's clock (when it gives one)
MAX_SERIES_SECONDS = 2.0
MAX_FILE_SECONDS = 5.0
#: how many periods pass between two looks at the clock
_CLOCK_EVERY = 512


class WorkExceeded(Exception):
    """Expanding passed a budget: `scope` is "series" or "file", `what` the limit, plainly."""

    def __init__(self, scope: str, what: str) -> None:
        super().__init__(f"{scope}: {what}")
        self.scope = scope
        self.what = what


class Work:
    """A budget of periods to examine and an optional deadline, per series inside one per file.

    The core has no clock: `clock` is the caller's monotonic clock (seconds), or None to bound by
    count alone (deterministic). A budget is used by one read in one thread.
    """

    __slots__ = ("_left", "_clock", "_deadline", "_parent", "_ticks", "_limit", "_seconds", "scope")

    def __init__(
        self,
        candidates: int = MAX_FILE_CANDIDATES,
        *,
        clock: Callable[[], float] | None = None,
        seconds: float = MAX_FILE_SECONDS,
        parent: Work | None = None,
        scope: str = "file",
    ) -> None:
        self.scope = scope
        self._left = candidates
        self._limit = candidates
        self._clock = clock
        self._seconds = seconds
        self._deadline = clock() + seconds if clock is not None else math.inf
        self._parent = parent
        self._ticks = 0

    def series(self) -> Work:
        """The budget for one series: its own limits, and never more than this file has left."""
        return Work(
            MAX_SERIES_CANDIDATES,
            clock=self._clock,
            seconds=MAX_SERIES_SECONDS,
            parent=self,
            scope="series",
        )

    def spend(self, units: int = 1) -> None:
        """Count `units` periods examined; raise WorkExceeded when a budget is gone."""
        self._left -= units
        if self._left < 0:
            raise WorkExceeded(self.scope, f"{self._limit:,} candidate dates")
        if self._parent is not None:
            self._parent.spend(units)
        self._ticks += units
        if self._clock is not None and self._ticks >= _CLOCK_EVERY:
            self._ticks = 0
            self.check_clock()

    def check_clock(self) -> None:
        """Raise WorkExceeded when this budget's deadline (or its file's) has passed."""
        if self._clock is not None and self._clock() > self._deadline:
            raise WorkExceeded(self.scope, f"{self._seconds:g} s")
        if self._parent is not None:
            self._parent.check_clock()

    @property
    def spent(self) -> int:
        return self._limit - self._left


@lru_cache(maxsize=1)
def _counted_iter() -> Callable[..., Iterator[datetime]]:
    """dateutil's own `rrule._iter`, run with a day-set helper that spends from a Work budget.

    The walk's code is dateutil's, unchanged (its results are the library's); only the name
    `_iterinfo` it looks up is bound, for this copy alone, to a subclass that counts each period.
    Nothing of dateutil's module state is changed, so other users of dateutil are not affected.
    """
    from dateutil import rrule as module

    class _CountingInfo(module._iterinfo):
        def __init__(self, rule: Any) -> None:
            super().__init__(rule)
            self.work = rule._calfeed_work

        def ydayset(self, *args: Any) -> Any:
            self.work.spend()
            return super().ydayset(*args)

        def mdayset(self, *args: Any) -> Any:
            self.work.spend()
            return super().mdayset(*args)

        def wdayset(self, *args: Any) -> Any:
            self.work.spend()
            return super().wdayset(*args)

        def ddayset(self, *args: Any) -> Any:
            self.work.spend()
            return super().ddayset(*args)

    original: Any = module.rrule._iter  # type: ignore[attr-defined]
    scope = {**vars(module), "_iterinfo": _CountingInfo}
    return types.FunctionType(original.__code__, scope, "_iter", original.__defaults__)


def bound(rule: object, work: Work) -> bool:
    """Make a dateutil rrule spend from `work` as it is walked (before it is first iterated).

    Returns whether `rule` was one (an rruleset of RDATEs walks no rule and is left as it is).
    """
    from dateutil.rrule import rrule

    if not isinstance(rule, rrule):
        return False
    target: Any = rule
    target._calfeed_work = work
    target._iter = types.MethodType(_counted_iter(), rule)
    if getattr(rule, "_cache", None) is not None:  # a cached rule made its walk at creation
        target._cache_gen = target._iter()
    return True
