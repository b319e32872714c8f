"""When to send the thank-you and when to check in (rules T1-T4, C1-C6, Z1).

Pure: interviews, settings and marks in, follow-ups out. All arithmetic on instants is done in UTC
and converted back to the interview's zone, because adding a timedelta to a zoneinfo datetime moves
the wall clock, not the instant, and would be an hour off across a daylight-saving change.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from calfeed.core.calendar_days import add_working_days, next_working_day
from calfeed.core.model import NO_MARKS, FollowUp, FollowUpKind, Interview, Marks, RuleSettings

#: rule T4: a thank-you is a short event
THANK_YOU_LENGTH = timedelta(minutes=15)
CHECK_IN_LENGTH = timedelta(minutes=15)
#: rule T3: after this close to the evening time, the note goes out end + 30 minutes instead
EVENING_MARGIN = timedelta(minutes=30)
#: the latest a same-day thank-you may start (rule T3: never the next day)
LATEST_SAME_DAY = time(23, 45)


def follow_up_uid(calendar_id: str, event_id: str, kind: FollowUpKind) -> str:
    """A UID that is ASCII, unique and stable: a hash of calendar + event id + kind.

    Hashing keeps the user's address (Google calendar ids are e-mail addresses) out of the feed
    and keeps the UID the same whatever the wording, language or timing of the follow-up.
    """
    digest = hashlib.sha256(f"{calendar_id}\x1f{event_id}\x1f{kind}".encode()).hexdigest()
    return f"{kind}-{digest[:32]}@calfeed"


def _shift(moment: datetime, delta: timedelta, zone: ZoneInfo) -> datetime:
    """`moment` + `delta` as an elapsed duration, expressed in `zone`."""
    return (moment.astimezone(UTC) + delta).astimezone(zone)


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """`clock` on `day` in `zone`, normalised so a wall time inside a DST gap is a real instant."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC).astimezone(zone)


def thank_you_due(interview: Interview, settings: RuleSettings) -> tuple[datetime, str]:
    """Rules T2/T3: the thank-you's due time and the rule that fixed it; never the next day."""
    zone = ZoneInfo(interview.zone)
    end = interview.end
    if settings.thank_you == "evening":
        evening = _at(end.date(), settings.evening_at, zone)
        if end <= _shift(evening, -EVENING_MARGIN, zone):
            due, rule = evening, "T3"
        else:
            due, rule = _shift(end, EVENING_MARGIN, zone), "T3"
    else:
        due, rule = _shift(end, settings.thank_you_delay, zone), "T2"
    latest = _at(end.date(), LATEST_SAME_DAY, zone)
    if due.date() != end.date() or due > latest:
        due = max(end, latest)  # rule T3: never the next day; never before the interview ends
    return due, rule


def check_in_day(interview: Interview, settings: RuleSettings) -> tuple[date, str]:
    """Rules C1-C3: the check-in's (working) day and the rule that fixed it."""
    day = interview.end.date()
    country = settings.holiday_country
    timeline = interview.timeline
    if timeline is None:
        due, rule = day + timedelta(days=settings.no_timeline_days), "C2"
    elif timeline.unit == "business_days":
        due, rule = add_working_days(day, timeline.amount + settings.grace_days, country), "C1"
    elif timeline.unit == "date" and timeline.until is not None:
        due, rule = max(timeline.until, day) + timedelta(days=settings.grace_days), "C1"
    else:
        due, rule = day + timedelta(days=timeline.amount + settings.grace_days), "C1"
    due = max(due, day + timedelta(days=1))
    return next_working_day(due, country), rule  # rule C3


def check_in_due(interview: Interview, settings: RuleSettings) -> tuple[datetime, str]:
    """Rule C3: 10:00 local (setting) on the check-in's working day."""
    day, rule = check_in_day(interview, settings)
    return _at(day, settings.check_in_at, ZoneInfo(interview.zone)), rule


def _follow_up(kind: FollowUpKind, interview: Interview, due: datetime, rule: str) -> FollowUp:
    length = THANK_YOU_LENGTH if kind == "thank-you" else CHECK_IN_LENGTH  # rule T4
    event = interview.event
    return FollowUp(
        kind=kind,
        interview=interview,
        start=due,
        end=_shift(due, length, ZoneInfo(interview.zone)),
        rule=rule,
        uid=follow_up_uid(event.calendar_id, event.event_id, kind),
    )


def _application_flags(
    interviews: Sequence[Interview], marks: Mapping[str, Marks]
) -> tuple[set[str], set[str]]:
    """Applications the user heard back from (C6) and closed ones (T1, C6)."""
    heard, closed = set(), set()
    for i in interviews:
        m = marks.get(i.key, NO_MARKS)
        if m.heard_back:
            heard.add(i.application)
        if m.closed:
            closed.add(i.application)
    return heard, closed


def follow_ups(
    interviews: Iterable[Interview],
    settings: RuleSettings,
    marks: Mapping[str, Marks] | None = None,
) -> list[FollowUp]:
    """Every follow-up the rules call for, sorted by instant then UID (deterministic).

    Rules: T1 one thank-you per interview unless marked sent or closed; C4 one check-in per
    interview, replaced by a later round of the same application that starts before it is due;
    C6 none once the user heard back or closed the application.
    """
    marks = marks or {}
    ordered = sorted(interviews, key=lambda i: (i.start.astimezone(UTC), i.key))
    heard, closed = _application_flags(ordered, marks)
    rounds: dict[str, list[Interview]] = defaultdict(list)
    for i in ordered:
        rounds[i.application].append(i)

    result: list[FollowUp] = []
    for interview in ordered:
        mark = marks.get(interview.key, NO_MARKS)
        app = interview.application
        if not mark.thank_you_sent and app not in closed:  # rule T1
            result.append(_follow_up("thank-you", interview, *thank_you_due(interview, settings)))
        if app in heard or app in closed:  # rule C6
            continue
        due, rule = check_in_due(interview, settings)
        later = (r for r in rounds[app] if r.start > interview.start and r.key != interview.key)
        if any(r.start < due for r in later):  # rule C4: the later round's check-in replaces it
            continue
        result.append(_follow_up("check-in", interview, due, rule))
    result.sort(key=lambda f: (f.start.astimezone(UTC), f.uid))
    return result
