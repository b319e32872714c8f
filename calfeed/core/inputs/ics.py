"""Any .ics file (Google's secret iCal address, Outlook, iCloud) -> SourceEvent, like events.py.

Exports differ in ways that change instants, so every date-time is bound to a zone before expansion:
- Google writes UTC times and means the calendar's X-WR-TIMEZONE; we move them (and floating times)
  into that zone, so weekly rounds keep their local hour across daylight saving. This is the
  `x_wr_timezone` fix done in our own pass: that package takes any time whose tzname() is None for
  floating, and Outlook's VTIMEZONEs have no TZNAME, so it moved their times to another zone.
- Outlook writes Windows zone names with its own VTIMEZONE. icalendar caches such components
  process-wide under their TZID, first file wins, so a later file's "Customized Time Zone" could be
  read with an earlier file's rules. We bind every TZID ourselves: an IANA name (directly or via the
  CLDR Windows table) first, for rules valid in any year, else this file's own VTIMEZONE, uncached.
Recurring series are expanded with `recurring_ical_events` inside the caller's window. A bad VEVENT
or series becomes a Skipped entry; only a file that is not iCalendar at all raises SourceError.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from icalendar.prop import vBroken, vRecur
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from calfeed.core.inputs import rrule_bound
from calfeed.core.inputs.google_json import valid_zone
from calfeed.core.inputs.ics_input import (
    Notes,
    decode,
    display_offset,
    equivalent_zone,
    offset_zone,
    parse_piecewise,
    plain_tzids,
    vendor_zone,
    zone_from_display_name,
)
from calfeed.core.inputs.owner import guess_owner
from calfeed.core.model import Attendee, Skipped, SourceEvent
from calfeed.errors import InvalidEvent, SourceError

#: properties holding the dates a series is computed from; one unreadable -> the event is skipped
_TIME_PROPS = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
_SERIES_PROPS = (*_TIME_PROPS, "DURATION", "RRULE")
#: what these must hold; icalendar parses any date-ish text into any of them
_KINDS: dict[str, type] = {
    "DTSTART": date,
    "DTEND": date,
    "RECURRENCE-ID": date,
    "DURATION": timedelta,
}
#: rules this dense cannot be interviews and would make one event cost millions of occurrences
_TOO_DENSE = frozenset({"SECONDLY", "MINUTELY"})
_STATUS = {"CANCELLED": "cancelled", "TENTATIVE": "tentative", "CONFIRMED": "confirmed"}
_PARTSTAT = {"ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentative"}
#: what icalendar raises on malformed input: ValueError mostly, the rest on broken nesting (an
#: END:VTIMEZONE closing the VCALENDAR, a VTIMEZONE with two TZIDs), found by the fuzz tests
_PARSE_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError)
_EMAIL = re.compile(r"[^@\s:]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True, slots=True)
class IcsRead:
    """What one .ics file held inside the window, and what was left out and why."""

    events: tuple[SourceEvent, ...]
    skipped: tuple[Skipped, ...]
    calendar_time_zone: str | None
    name: str | None
    warnings: tuple[str, ...] = ()  # what was left out or guessed, said plainly


def read_ics(
    data: bytes,
    *,
    calendar_id: str,
    window_start: datetime,
    window_end: datetime,
    self_emails: Collection[str] = (),
    clock: Callable[[], float] | None = None,
    work: rrule_bound.Work | None = None,
) -> IcsRead:
    """Read an .ics file into one SourceEvent per occurrence inside the window.

    Args:
        data: the file's bytes, as downloaded (CRLF or LF, folded or not, UTF-8).
        calendar_id: the id events are keyed under (`SourceEvent.key`).
        window_start, window_end: aware datetimes; recurring series are expanded only in between
            and events wholly outside are dropped, so the work is bounded by the window.
        self_emails: the user's addresses; .ics has no `self` flag, so attendees with these
            (case-insensitive) are marked `is_self`, as is an X-WR-CALNAME that is an address
            (Google names a primary calendar after its owner).
        clock: the caller's monotonic clock in seconds (`time.monotonic`), to bound the time
            recurring series take (`rrule_bound.MAX_SERIES_SECONDS` each, `MAX_FILE_SECONDS` in
            all); without one, the work is bounded by counting candidates alone.
        work: the budget to spend from instead (e.g. one shared by several files of one user);
            by default a file's own, `rrule_bound.Work(clock=clock)`.

    Returns:
        IcsRead with events in file order, a series' occurrences together.

    Raises:
        SourceError: the bytes are not an iCalendar file at all.
        ValueError: the window is not timezone-aware (a caller bug, not bad input).
    """
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("read_ics needs a timezone-aware window")
    notes = Notes()
    work = work if work is not None else rrule_bound.Work(clock=clock)
    read = _read(data, calendar_id, window_start, window_end, self_emails, notes, work)
    return dataclasses.replace(read, warnings=tuple(notes.warnings))


def _read(
    data: bytes,
    calendar_id: str,
    window_start: datetime,
    window_end: datetime,
    self_emails: Collection[str],
    notes: Notes,
    work: rrule_bound.Work,
) -> IcsRead:
    calendars = _parse(data, notes)
    head = calendars[0]
    zone = valid_zone(_text(head.get("X-WR-TIMEZONE")).strip())
    name = _text(head.get("X-WR-CALNAME"), 200).strip() or None
    selves = {e.strip().casefold() for e in self_emails}
    if name and _EMAIL.fullmatch(name):
        selves.add(name.casefold())
    if owner := _person(head.get("X-OWNER"), selves, organizer=False):  # Outlook names the owner
        selves.add(owner.email.casefold())
    local = ZoneInfo(zone or "UTC")
    own_zones = _own_zones(calendars)
    groups: dict[str, list[icalendar.Event]] = {}
    skipped: list[Skipped] = list(notes.skipped)
    vevents = (e for c in calendars for e in c.subcomponents if isinstance(e, icalendar.Event))
    for index, component in enumerate(vevents):
        uid = _text(component.get("UID"), 1024).strip() or f"#{index}"
        try:
            for warning in _prepare(component, uid, own_zones, local):
                notes.warn(f"event {uid}: {warning}")
        except InvalidEvent as exc:
            skipped.append(Skipped(uid, exc.reason))
            continue
        groups.setdefault(uid, []).append(component)
    events: list[SourceEvent] = []
    budget = float(rrule_bound.MAX_FILE_STEPS)  # expansion work is bounded for every shape
    spent_file: str | None = None  # set once the file's budget of work is spent
    for uid, components in groups.items():
        cost = _expansion_cost(components, window_end)
        if cost > rrule_bound.MAX_SERIES_STEPS:
            skipped.append(Skipped(uid, _TOO_OFTEN.format(cost, rrule_bound.MAX_SERIES_STEPS)))
            continue
        if cost > budget:
            skipped.append(Skipped(uid, _FILE_FULL.format(rrule_bound.MAX_FILE_STEPS)))
            continue
        budget -= cost
        if spent_file is not None and any("RRULE" in c for c in components):
            skipped.append(Skipped(uid, spent_file))  # events without a rule walk nothing: read
            continue
        try:
            work.check_clock()
            occurrences = list(_expand(components, window_start, window_end, work.series()))
            if len(occurrences) > rrule_bound.MAX_SERIES_OCCURRENCES:
                occurrences = occurrences[: rrule_bound.MAX_SERIES_OCCURRENCES]
                skipped.append(Skipped(uid, _CUT.format(rrule_bound.MAX_SERIES_OCCURRENCES)))
            events.extend(
                _source_event(occurrence, uid, recurring, calendar_id, zone, selves)
                for occurrence, recurring in occurrences
            )
        except rrule_bound.WorkExceeded as exc:  # a rule that walks on without matching
            if exc.scope == "file":
                spent_file = _FILE_SLOW.format(exc.what)
                skipped.append(Skipped(uid, spent_file))
            else:
                skipped.append(Skipped(uid, _SERIES_SLOW.format(exc.what)))
        except (InvalidEvent, OverflowError, *_PARSE_ERRORS) as exc:  # the library's, on odd input
            # the library's own words are no message for a person
            reason = exc.reason if isinstance(exc, InvalidEvent) else "its repeats cannot be read"
            skipped.append(Skipped(uid, _one_line(reason)))
    if not selves and (guessed := guess_owner(events)):  # nobody is marked `self`
        events = [_mark_self(e, guessed) for e in events]
    return IcsRead(tuple(events), tuple(skipped), zone, name)


def _mark_self(event: SourceEvent, owner: str) -> SourceEvent:
    """The event with the owner's own entries flagged `is_self`, as Google would have sent it."""

    def mark(person: Attendee) -> Attendee:
        mine = person.email.casefold() == owner
        return dataclasses.replace(person, is_self=True) if mine else person

    organizer = mark(event.organizer) if event.organizer else None
    return dataclasses.replace(
        event, attendees=tuple(map(mark, event.attendees)), organizer=organizer
    )


def _parse(data: bytes, notes: Notes) -> list[icalendar.Calendar]:
    """Every VCALENDAR in the bytes (some tools concatenate exports), or SourceError saying why.

    One unreadable component does not reject the file: it is read again piece by piece.
    """
    text = decode(data, notes)
    if "BEGIN:VCALENDAR" not in text.upper():
        raise SourceError("not an iCalendar file: no BEGIN:VCALENDAR")
    text = plain_tzids(text, notes)
    try:
        parsed = icalendar.Calendar.from_ical(text, multiple=True)
    except _PARSE_ERRORS:
        parsed = parse_piecewise(text, notes)
        if not any(c.subcomponents for c in parsed):  # nothing left worth reading
            # the library's own words are no message for a person
            raise SourceError(
                "not a readable iCalendar file: nothing in it can be read as an event"
            ) from None
    calendars = [c for c in parsed if isinstance(c, icalendar.Calendar)]
    if not calendars:
        raise SourceError("not a complete iCalendar file: no VCALENDAR ends (truncated?)")
    for calendar in calendars:
        scale = _text(calendar.get("CALSCALE")).upper() or "GREGORIAN"
        if scale != "GREGORIAN":
            raise SourceError(f"unsupported calendar scale {scale[:40]!r}")
    return calendars


def _own_zones(calendars: Iterable[icalendar.Calendar]) -> dict[str, tzinfo]:
    """The file's VTIMEZONEs by TZID, built fresh (not from icalendar's process-wide cache)."""
    zones: dict[str, tzinfo] = {}
    for calendar in calendars:
        for component in calendar.walk("VTIMEZONE"):
            if not isinstance(component, icalendar.Timezone):
                continue
            tzid = _text(component.get("TZID")).strip()
            if tzid and tzid not in zones:
                try:
                    own = component.to_tz(lookup_tzid=False)
                except _PARSE_ERRORS:
                    continue  # unusable rules: events naming it are skipped as "unknown zone"
                # rule Z1: an IANA zone keeping the same time lets the rules use the event's zone
                iana = equivalent_zone(tzid, own)
                zones[tzid] = ZoneInfo(iana) if iana else own
    return zones


def iana_zone(tzid: str) -> str | None:
    """The IANA name a TZID stands for: itself, a Windows name's CLDR zone, or a `/vendor/` path."""
    cleaned = tzid.strip().strip('"').strip("/")
    if known := valid_zone(cleaned) or valid_zone(WINDOWS_TO_OLSON.get(cleaned)):
        return known
    if known := zone_from_display_name(cleaned):  # "(UTC+01:00) Amsterdam, Berlin, ..."
        return known
    # RFC 5545 3.2.19 "globally unique" ids, e.g. /mozilla.org/20070129_1/Europe/Berlin
    return vendor_zone(cleaned)


def _prepare(
    component: icalendar.Event, uid: str, own_zones: dict[str, tzinfo], local: tzinfo
) -> list[str]:
    """Bind TZIDs, then check the event can be expanded; raises InvalidEvent saying why not.

    Returns warnings: what was read otherwise than written.
    """
    warnings: list[str] = []
    component["UID"] = uid  # recurring_ical_events groups a series by UID
    if "DTSTART" not in component:
        raise InvalidEvent("no DTSTART", uid)
    if any(sub.name == "VEVENT" for sub in component.walk()[1:]):
        raise InvalidEvent("a VEVENT inside a VEVENT", uid)
    if "DTEND" in component and "DURATION" in component:
        # RFC 5545 3.6.1 allows one of them; readers commonly keep DTEND, so do we
        del component["DURATION"]
        warnings.append("has both DTEND and DURATION (RFC 5545 allows one): read with DTEND")
    for prop_name in _SERIES_PROPS:
        for value in _values(component.get(prop_name)):
            if isinstance(value, vBroken):
                raise InvalidEvent(f"{prop_name} is unreadable: {_text(value, 80)!r}", uid)
            kind = _KINDS.get(prop_name)
            if kind and isinstance(component.get(prop_name), list):
                raise InvalidEvent(f"more than one {prop_name}", uid)
            if kind and not isinstance(getattr(value, "dt", None), kind):
                raise InvalidEvent(f"{prop_name} is not a {kind.__name__}: {value.dt!r}"[:120], uid)
    for rule in _values(component.get("RRULE")):
        if not isinstance(rule, vRecur):
            raise InvalidEvent(f"RRULE is not a rule: {_text(rule, 80)!r}", uid)
        if _TOO_DENSE.intersection(rule.get("FREQ", ())) or rule.get("BYSECOND"):
            raise InvalidEvent("repeats more often than hourly: not expanded", uid)
        if "COUNT" in rule and "UNTIL" in rule:
            # RFC 5545 3.3.10 forbids both, yet real exports hold them; dateutil deprecates the
            # pair, so read the rule with UNTIL (the firmer end) and say so
            del rule["COUNT"]
            warnings.append("RRULE has both COUNT and UNTIL (RFC 5545 forbids it): read with UNTIL")
    try:
        for prop_name in _TIME_PROPS:
            for value in _values(component.get(prop_name)):
                tzid = value.params.get("TZID")
                for ddd in getattr(value, "dts", [value]):
                    ddd.dt = _bind(ddd.dt, tzid, own_zones, local, uid, warnings)
        if warning := _end_like_start(component):
            warnings.append(warning)
        start, end = component.start, component.end
    except (ValueError, TypeError, OverflowError):  # e.g. year 9999 moved past the end
        # the library's own words are no message for a person
        raise InvalidEvent("its start or end cannot be read as a time", uid) from None
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise InvalidEvent("start and end mix a date and a date-time", uid)
    if end < start:
        raise InvalidEvent("ends before it starts", uid)
    return warnings


def _end_like_start(component: icalendar.Event) -> str | None:
    """A DTEND of the other type than DTSTART, read with the start's type (as a person would).

    A date-time end of an all-day start counts as its date; a date end of a timed start as that
    day's midnight in the start's zone. Returns the warning, None when nothing was changed.
    """
    start = getattr(component.get("DTSTART"), "dt", None)
    end_prop: Any = component.get("DTEND")
    if end_prop is None or isinstance(start, datetime) == isinstance(end_prop.dt, datetime):
        return None
    end = end_prop.dt
    if isinstance(start, datetime):
        end_prop.dt = datetime(end.year, end.month, end.day, tzinfo=start.tzinfo)
        end_prop.params.pop("VALUE", None)
        return "DTEND is a date but DTSTART a date-time: read the end as that day's midnight"
    end_prop.dt = end.date()
    end_prop.params["VALUE"] = "DATE"
    return "DTEND is a date-time but DTSTART a date: read the end as its date"


def _bind(
    value: object,
    tzid: object,
    own_zones: dict[str, tzinfo],
    local: tzinfo,
    uid: str,
    warnings: list[str],
) -> object:
    """The time as written, in the zone its TZID names; UTC and floating ones in `local`.

    A TZID that is no IANA name, no Windows name and not defined in the file is read at the
    offset its display name starts with, if any, with a warning in `warnings`.
    """
    if not isinstance(value, datetime):
        return value
    utc = value.tzinfo is not None and value.tzname() == "UTC"  # "...Z" wins over a stray TZID
    if isinstance(tzid, str) and not utc:
        iana = iana_zone(tzid)
        zone = ZoneInfo(iana) if iana else own_zones.get(tzid.strip())
        if zone is None and (zone := _offset_of(tzid)) is not None:
            said = (
                f"time zone {tzid[:80]!r} is not known: read at the offset in its name "
                f"({timezone(value.replace(tzinfo=zone).utcoffset() or timedelta())}), "
                "without daylight saving"
            )
            if said not in warnings:
                warnings.append(said)
        if zone is None:
            raise InvalidEvent(f"unknown time zone {tzid[:80]!r}", uid)
        value = value.replace(tzinfo=zone)
    elif value.tzinfo is None:
        return value.replace(tzinfo=local)
    return value.astimezone(local) if value.tzname() == "UTC" else value


def _offset_of(tzid: str) -> tzinfo | None:
    """Last resort for a display name with no zone behind it: the offset it starts with
    ("(UTC-03:00) Brasilia" -> UTC-03:00, no daylight saving)."""
    offset = display_offset(tzid)
    if offset is None:
        return None
    fixed = offset_zone(offset)
    return ZoneInfo(fixed) if fixed else timezone(offset)


_TOO_OFTEN = "repeats too often to expand: about {:,.0f} times up to the window's end (max {:,})"
_FILE_FULL = "not expanded: the file's recurring events together pass {:,} occurrences"
_SERIES_SLOW = (
    "not expanded: its repeats were not found within {} (a rule that rarely or never matches)"
)
_FILE_SLOW = "not expanded: the file's recurring events together passed {} of work"
_CUT = "only its first {:,} occurrences in the window are used"


def _expansion_cost(components: list[icalendar.Event], end: datetime) -> float:
    """Upper bound of the occurrences expanding this series walks through (`rrule_bound`)."""
    cost = float(len(components))
    for component in components:
        for rule in _values(component.get("RRULE")):
            cost += rrule_bound.steps(rule, component.start, end)
        cost += sum(len(getattr(v, "dts", [v])) for v in _values(component.get("RDATE")))
    return cost


def _expand(
    components: list[icalendar.Event], start: datetime, end: datetime, work: rrule_bound.Work
) -> Iterator[tuple[icalendar.Event, bool]]:
    """Occurrences of one series (master + modified instances) in the window, and if it recurs.

    Every RRULE walks on `work`'s budget (rrule_bound.Work): WorkExceeded ends the expansion.
    """
    series = icalendar.Calendar()
    for component in components:
        series.add_component(component)
    recurring = any(name in c for c in components for name in ("RRULE", "RDATE", "RECURRENCE-ID"))
    query = recurring_ical_events.of(series)
    bounded = 0
    for rules in _rules_of(query):
        bounded += rrule_bound.bound(rules, work)
    if not bounded and _walks_a_rule(components):
        # fail closed: a rule the bound cannot reach (another library version) is not walked
        raise InvalidEvent("its repeats cannot be read", str(components[0].get("UID", "")))
    for occurrence in query.between(start, end):
        yield occurrence, recurring


def _walks_a_rule(components: list[icalendar.Event]) -> bool:
    """Whether the library will walk an RRULE for this series: the master it keeps (the highest
    SEQUENCE among the components without RECURRENCE-ID, as recurring_ical_events does) has a
    rule that is not empty."""
    masters = [c for c in components if "RECURRENCE-ID" not in c]
    if not masters:
        return False
    top = max(_sequence(c) for c in masters)
    return all(any(_values(c.get("RRULE"))) for c in masters if _sequence(c) == top)  # "RRULE:"


def _sequence(component: icalendar.Event) -> int:
    try:
        return int(str(component.get("SEQUENCE", 0)))
    except ValueError:
        return 0


def _rules_of(query: object) -> Iterator[object]:
    """The dateutil rules a recurring_ical_events query will walk (tests/test_rule_bomb.py proves
    every RRULE is found, so a new library version cannot silently drop the bound)."""
    for series in getattr(query, "series", ()):
        yield from getattr(getattr(series, "recurrence", None), "rrules", ())


def _source_event(
    occurrence: icalendar.Event,
    uid: str,
    recurring: bool,
    calendar_id: str,
    calendar_zone: str | None,
    selves: set[str],
) -> SourceEvent:
    """One occurrence as the Google reader would have produced it."""
    start, end = occurrence.start, occurrence.end
    if not isinstance(start, datetime) and end <= start:
        end = start + timedelta(days=1)
    event_id = uid
    if recurring:
        original = occurrence.get("RECURRENCE-ID")
        event_id = f"{uid}_{_stamp(original.dt if original is not None else start)}"
    organizer = _person(occurrence.get("ORGANIZER"), selves, organizer=True)
    attendees = []
    for value in _values(occurrence.get("ATTENDEE")):
        person = _person(value, selves, organizer=False)
        if person is None:
            continue
        if organizer is not None and person.email.casefold() == organizer.email.casefold():
            person = dataclasses.replace(person, organizer=True)
        attendees.append(person)
    zone = getattr(start, "tzinfo", None)
    return SourceEvent(
        calendar_id=calendar_id,
        event_id=event_id,
        start=start,
        end=end,
        ical_uid=uid,
        status=_STATUS.get(_text(occurrence.get("STATUS")).strip().upper(), "confirmed"),
        summary=_text(occurrence.get("SUMMARY"), 2000),
        description=_text(occurrence.get("DESCRIPTION")),
        location=_text(occurrence.get("LOCATION"), 2000),
        time_zone=zone.key if isinstance(zone, ZoneInfo) and zone.key != "UTC" else None,
        calendar_time_zone=calendar_zone,
        attendees=tuple(attendees),
        organizer=organizer,
        updated=_instant(occurrence.get("LAST-MODIFIED")) or _instant(occurrence.get("DTSTAMP")),
        recurring_event_id=uid if recurring else None,
    )


def _person(value: object, selves: set[str], *, organizer: bool) -> Attendee | None:
    """ORGANIZER/ATTENDEE -> Attendee; None when there is no e-mail address (Outlook's rooms)."""
    if value is None or isinstance(value, vBroken):
        return None
    address = _text(value, 400).strip()
    email = address[7:].strip() if address.lower().startswith("mailto:") else address
    if not _EMAIL.fullmatch(email):
        return None
    params = getattr(value, "params", {})
    status = _PARTSTAT.get(_text(params.get("PARTSTAT")).upper(), "needsAction")
    return Attendee(
        email=email[:320],
        display_name=_text(params.get("CN"), 200).strip() or None,
        is_self=email.casefold() in selves,
        organizer=organizer,
        resource=_text(params.get("CUTYPE")).upper() in ("RESOURCE", "ROOM"),
        response_status="accepted" if organizer else status,
    )


def _stamp(value: date) -> str:
    """Google's instance-id suffix: the original start in UTC, or the date for all-day."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def _instant(value: object) -> datetime | None:
    """LAST-MODIFIED/DTSTAMP as an aware instant (RFC 5545 says UTC), None when unusable."""
    moment = getattr(value, "dt", None) if not isinstance(value, vBroken) else None
    if not isinstance(moment, datetime):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _values(value: object) -> list:
    """A property that may appear once or many times, always as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: object, limit: int = 100_000) -> str:
    """A text property as str, the first if repeated, cut to a sane size."""
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value)[:limit]


def _one_line(message: str) -> str:
    return " ".join(message.split())[:300]
