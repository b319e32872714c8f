"""VTIMEZONE definitions that every calendar app reads to the same instants (rule Z1).

Why not icalendar's `Timezone.from_tzid`: it lists transitions as one observance with DTSTART plus
RDATEs, and ical.js (Thunderbird) ignores an observance's DTSTART when RDATEs are present, so the
first transition of each kind is lost and events shift by an hour (tests/core/test_readers.py shows
it). It also sizes the definition to the events' span, so two feeds would define one TZID
differently, and readers that cache a TZID process-wide (vobject) would read the second feed with
the first's.

So this module writes the shape that Google, Apple and tzurl.org publish and that ical.js, libical,
Outlook, icalendar and vobject all read: yearly RRULE observances (BYMONTH + BYDAY), one per stretch
of years a rule held, the last one open-ended, a plain DTSTART observance for one-off changes. The
definition depends only on the zone and the tz database for every feed whose instants lie in
FIRST_YEAR..LAST_YEAR (so readers that cache a TZID see one definition).

Feeds holding other instants get a definition that covers them:
- instants before the zone's first change in the span: readers have no rule for them (ical.js
  reads them as UTC, vobject takes the first observance's offset), so the definition then begins
  with an observance of the offset in force at its start (`lead`);
- instants after LAST_YEAR: the span reaches their year, so planned changes (Casablanca's to
  2087) are written instead of the last rule simply going on.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

#: the years the generated rules are exact for; the last rule in force continues past the end
FIRST_YEAR = 2000
LAST_YEAR = 2040
#: how often the offset is sampled: since FIRST_YEAR no zone changed twice within a week (the
#: closest, Asia/Gaza and Asia/Hebron, 7 days apart), so two days miss nothing and cost an eighth
#: of six hours' samples, which were a fifth of a `calfeed feed` run (tests/core/test_vtimezone.py)
_STEP = timedelta(days=2)
#: no zone's offset from UTC reaches a day (the widest: +14:00, and Manila's old mean time, -15:56)
_WIDEST_OFFSET = timedelta(days=1)
_SECOND = timedelta(seconds=1)
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True)
class Transition:
    """One change of offset: at `instant` (UTC) the zone goes from `before` to `after`."""

    instant: datetime
    before: timedelta
    after: timedelta
    name: str
    daylight: bool

    @property
    def local(self) -> datetime:
        """The wall time the change happens at, read on the clock before it (RFC 5545 3.6.5)."""
        return (self.instant + self.before).replace(tzinfo=None)

    def byday(self) -> str:
        """The change's day as an RRULE BYDAY: "-1SU" (last Sunday), "2SU" (second Sunday)."""
        local = self.local
        days = monthrange(local.year, local.month)[1]
        nth = -1 if local.day + 7 > days else (local.day - 1) // 7 + 1
        return f"{nth}{_DAYS[local.weekday()]}"

    def rule(self) -> tuple[object, ...]:
        """What repeats yearly when the change follows a rule like "last Sunday of March, 02:00"."""
        local = self.local
        return (
            self.before,
            self.after,
            self.name,
            self.daylight,
            local.month,
            self.byday(),
            local.time(),
        )


def transitions(
    zone: str, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR
) -> list[Transition]:
    """Every offset change of `zone` in the years given, found by sampling and bisection.

    zoneinfo keeps its transition table private, so we ask it for offsets: every two days (see
    `_STEP`), then find the second wherever the offset changed (`_change`). Asked of an instant
    (`astimezone`) every two days and bisected, that cost about 9 ms a zone, 45 ms of a `calfeed
    feed` run; so the samples ask for the offset of a wall time instead (`utcoffset`, twenty times
    cheaper), and only the instants around a wall time whose offset changed are asked: a change
    shows on the wall clock less than `_WIDEST_OFFSET` from its instant, so the instants' samples
    around it lie within `reach` steps of the wall samples it falls between. Both ways find the
    same changes while no two come within a step and two days of each other (since 2000 the
    closest are a week apart; tests/core/test_vtimezone.py compares them).
    """
    tz = ZoneInfo(zone)
    step = _STEP
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    count = -(-(end - start) // step)  # the steps (start + k * step, start + (k + 1) * step]
    reach = -(-_WIDEST_OFFSET // step)
    # the wall samples start + i * step for i in -reach..count + reach, as local times in `tz`
    walls = list(map(tz.utcoffset, _samples(start.replace(tzinfo=None), step, count, reach)))
    steps: set[int] = set()
    for i in [i for i in range(len(walls) - 1) if walls[i] != walls[i + 1]]:
        steps.update(range(max(0, i - 2 * reach), min(count, i + 1)))
    offsets: dict[int, timedelta] = {}

    def offset_at(k: int) -> timedelta:  # a zone's offset is never None (UTC's is zero)
        known = offsets.get(k)
        if known is None:
            known = offsets[k] = (start + k * step).astimezone(tz).utcoffset() or timedelta(0)
        return known

    found: list[Transition] = []
    for k in sorted(steps):
        offset, after = offset_at(k), offset_at(k + 1)
        if after != offset:
            instant = _change(tz, start + k * step, start + (k + 1) * step, offset, after)
            local = instant.astimezone(tz)
            found.append(
                Transition(instant, offset, after, local.tzname() or "", bool(local.dst()))
            )
    return found


def _change(
    tz: ZoneInfo, lo: datetime, hi: datetime, before: timedelta, after: timedelta
) -> datetime:
    """The instant in (lo, hi] at which `tz` goes from `before` to `after`, to the second.

    Sought on the wall clock first, where asking is cheap: the offset of a wall time (fold 0)
    changes at the instant of the change plus the larger of the two offsets (where a skipped hour
    ends, or a repeated hour's first pass). The second found is checked on instants, and the
    instants are bisected when it does not hold (it always held for the tz database).
    """
    lead = max(before, after)
    wall = (lo + lead).replace(tzinfo=None)
    seconds = int((hi - lo).total_seconds())
    moved = bisect_left(
        range(seconds + 1), True, key=lambda s: tz.utcoffset(wall + timedelta(seconds=s)) != before
    )
    instant = lo + timedelta(seconds=moved)
    if (
        lo < instant <= hi
        and (instant - _SECOND).astimezone(tz).utcoffset() == before
        and instant.astimezone(tz).utcoffset() == after
    ):
        return instant
    while hi - lo > _SECOND:
        mid = lo + (hi - lo) / 2
        if mid.astimezone(tz).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return hi.replace(microsecond=0)


@lru_cache(maxsize=16)
def _samples(start: datetime, step: timedelta, count: int, reach: int) -> tuple[datetime, ...]:
    """start + i * step for i in -reach..count + reach: the wall samples, alike for every zone."""
    return tuple([start + i * step for i in range(-reach, count + reach + 1)])


def _offset(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def _observance(first: Transition, rrule: str | None) -> list[str]:
    kind = "DAYLIGHT" if first.daylight else "STANDARD"
    lines = [f"BEGIN:{kind}", f"DTSTART:{first.local:%Y%m%dT%H%M%S}"]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    if first.name:
        lines.append(f"TZNAME:{first.name}")
    lines += [
        f"TZOFFSETFROM:{_offset(first.before)}",
        f"TZOFFSETTO:{_offset(first.after)}",
        f"END:{kind}",
    ]
    return lines


@lru_cache(maxsize=256)
def changes(
    zone: str, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR
) -> tuple[Transition, ...]:
    """`transitions`, cached: feeds ask for the same zones and spans again and again."""
    return tuple(transitions(zone, first_year, last_year))


def _steady(zone: str, year: int, at: datetime) -> Transition:
    """An observance that changes nothing: the offset in force at `year`'s start, from `at`."""
    moment = datetime(year, 1, 1, tzinfo=UTC).astimezone(ZoneInfo(zone))
    offset = moment.utcoffset() or timedelta(0)
    return Transition(at, offset, offset, moment.tzname() or "", bool(moment.dst()))


def _midnight(zone: str, year: int) -> Transition:
    """An observance of the offset in force from `year`'s first local midnight on."""
    steady = _steady(zone, year, datetime(year, 1, 1, tzinfo=UTC))
    return dataclasses.replace(steady, instant=steady.instant - steady.before)


@lru_cache(maxsize=128)
def vtimezone(
    zone: str, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR, lead: bool = False
) -> bytes:
    """The VTIMEZONE component for `zone`, as CRLF-terminated bytes (cached per zone and span).

    `first_year` moves the start back for feeds holding instants before FIRST_YEAR,
    `last_year` the end on for feeds holding instants after LAST_YEAR, and `lead` begins the
    definition with the offset in force on `first_year`'s first day, for feeds holding instants
    before the zone's first change in the span. Feeds that need none of them keep the one
    definition every reader has cached.
    """
    found = changes(zone, first_year, last_year)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone}"]
    if not found:
        if first_year >= 1970:  # DTSTART 1970, as every feed has had it
            lines += _observance(_steady(zone, first_year, datetime(1970, 1, 1, tzinfo=UTC)), None)
        else:  # a feed holding older instants: from its first year's first local midnight
            lines += _observance(_midnight(zone, first_year), None)
    else:
        if lead:  # the feed holds instants before the first change: the offset then in force
            lines += _observance(_midnight(zone, first_year), None)
        # runs of consecutive years in which a change followed the same yearly rule
        runs: list[list[Transition]] = []
        open_runs: dict[tuple[object, ...], list[Transition]] = {}
        for change in found:
            key = change.rule()
            run = open_runs.get(key)
            if run is not None and run[-1].local.year == change.local.year - 1:
                run.append(change)
            else:
                run = [change]
                runs.append(run)
                open_runs[key] = run
        for run in sorted(runs, key=lambda r: (r[0].instant, r[0].daylight)):
            first = run[0]
            # a yearly rule still followed at the span's end goes on; one-off changes stay one-off
            in_force = len(run) > 1 and run[-1].local.year >= last_year - 1
            if len(run) == 1:
                lines += _observance(first, None)
                continue
            rrule = f"FREQ=YEARLY;BYMONTH={first.local.month};BYDAY={first.byday()}"
            if not in_force:  # the rule ended: stop it at its last change
                rrule += f";UNTIL={run[-1].instant:%Y%m%dT%H%M%SZ}"
            lines += _observance(first, rrule)
    lines.append("END:VTIMEZONE")
    return ("\r\n".join(lines) + "\r\n").encode()
