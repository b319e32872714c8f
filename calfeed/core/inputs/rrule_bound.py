"""How much work expanding a recurrence rule can take, known before expanding it (issue 7, point 7).

Expanding `FREQ=HOURLY;BYMINUTE=0,...,59` or `FREQ=DAILY;BYHOUR=...;BYMINUTE=...` over a year ran
past 300 s and 1.4 GB: the library walks every occurrence from DTSTART on, even to reach a window
far later. `steps` gives an upper bound of the occurrences a rule produces from its start to the
window's end (the base frequency, times every BYxxx part that multiplies it, times the days,
capped by COUNT), so `ics.read_ics` can refuse a series, or the rest of a file, with a clear
reason before spending anything on it. Deterministic: no clocks, the same input always gives the
same answer. Pure functions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime

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
