"""One event read as the user's interview: who is on it, when it runs, what it names (rules D2,
D4, E1-E5, Z1).

Pure. `to_interview` turns an event already judged to be an interview (see `reading`) into an
`Interview`; the helpers here (the keyword pattern, exclusions, one event per key, people and
names) are shared by the whole reading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from calfeed.core.detection.body import BodyReading
from calfeed.core.detection.companies import (
    FREE_MAIL,
    Party,
    company_label,
    label_display,
    read_company_position,
)
from calfeed.core.detection.naming import read_names
from calfeed.core.detection.side import Owner
from calfeed.core.detection.timeline import parse_timeline
from calfeed.core.model import (
    NO_MARKS,
    Attendee,
    Interview,
    Marks,
    Person,
    RuleSettings,
    SourceEvent,
)

#: rule D4: an all-day interview is taken to run 09:00-17:00 local on its (last) day
ALL_DAY_START = time(9, 0)
ALL_DAY_END = time(17, 0)

#: rule E1: shared mailboxes and team names are greeted by their name, not a "first name"
_TEAM_MAILBOX = frozenset(
    [
        "talent",
        "hr",
        "hrd",
        "careers",
        "career",
        "jobs",
        "job",
        "recruiting",
        "recruitment",
        "recruiter",
        "recruiters",
        "hiring",
        "people",
        "team",
        "info",
        "admin",
        "rekrutmen",
        "karir",
        "lowongan",
        "sdm",
    ]
)
_TEAM_NAME = re.compile(
    r"\b(?:team|tim|hr|hrd|recruiting|recruitment|talent|careers|hiring|rekrutmen|people|sdm)\b",
    re.IGNORECASE,
)
_NOT_A_PERSON = re.compile(r"^(no-?reply|do-?not-?reply|calendar|notifications?|mailer-daemon)\b")
_LOCAL_SEP = re.compile(r"[._\-]+")
_DIGITS = re.compile(r"\d+")
_SERVICE_DOMAINS = (
    "calendar.google.com",
    "resource.calendar.google.com",
    "group.v.calendar.google.com",
)


@lru_cache(maxsize=64)
def keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for all keywords, whole words, case-insensitive, any run of spaces (rule D1).

    Longer keywords come first so "interview kerja" wins over "interview" in the match text.
    """
    words = sorted({k.strip().casefold() for k in keywords if k.strip()}, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def exclusion(event: SourceEvent, marks: Marks) -> str | None:
    """Rule D2: why this event can never be an interview, or None."""
    if event.status == "cancelled":
        return "cancelled"
    if event.event_type != "default":
        return f"event type {event.event_type}"
    if marks.not_interview:
        return "marked not an interview"
    if any(a.is_self and a.response_status == "declined" for a in event.attendees):
        return "declined"
    return None


def zone_for(event: SourceEvent, settings: RuleSettings) -> str:
    """Rule Z1: the event's zone, else its calendar's, else the user's."""
    return event.time_zone or event.calendar_time_zone or settings.time_zone


@lru_cache(maxsize=4096)
def name_from_email(email: str) -> str:
    """Rule E1: `jane.doe@acme.com` -> "Jane Doe" when no display name is given."""
    local = email.split("@", 1)[0].split("+", 1)[0]
    parts = [p for p in _LOCAL_SEP.split(_DIGITS.sub(" ", local)) if p.strip()]
    return " ".join(p.strip().capitalize() for p in parts)


def _is_user(person: Attendee, event: SourceEvent) -> bool:
    return person.is_self or person.email.casefold() == event.calendar_id.casefold()


def _is_mailbox(email: str) -> bool:
    """A person or team to write to: not a robot, a calendar service or a scheduling tool (E2)."""
    local, _, domain = email.casefold().partition("@")
    if not domain or _NOT_A_PERSON.match(local) or domain.endswith(_SERVICE_DOMAINS):
        return False
    return domain in FREE_MAIL or company_label(email) is not None


def interviewers(event: SourceEvent, owner: Owner | None = None) -> tuple[Person, ...]:
    """Rule E1: attendees other than the user, rooms/resources and decliners; the organizer too.

    With `owner`, the user's other addresses (a personal one forwarding to a work calendar,
    rule D6) are the user too, never an interviewer.
    """
    people: dict[str, Person] = {}
    candidates = list(event.attendees)
    if event.organizer is not None:
        candidates.append(event.organizer)
    for a in candidates:
        if _is_user(a, event) or a.resource or a.response_status == "declined":
            continue
        if owner is not None and owner.owns(a):
            continue
        if not _is_mailbox(a.email):
            continue
        key = a.email.casefold()
        if key not in people:
            name = (a.display_name or "").strip()
            if not name or "@" in name:
                name = name_from_email(a.email)
            local = a.email.split("@", 1)[0].casefold()
            team = local in _TEAM_MAILBOX or bool(_TEAM_NAME.search(name))
            people[key] = Person(email=a.email, name=name, team=team)
    return tuple(people.values())


def company_from_domain(email: str) -> str | None:
    """Rule E2: `jane@careers.acme.co.id` -> "Acme"; free mail and tools' domains say nothing."""
    label = company_label(email)
    return label_display(label) if label else None


def company_and_position(
    title: str,
    keywords: tuple[str, ...],
    people: tuple[Person, ...] = (),
    user: tuple[str, ...] = (),
) -> tuple[str | None, str | None]:
    """Rule E2: the company and position an event names (see `companies.read_company_position`).

    "Interview with Jane (Acme) - Store Manager", "Acme: Store Manager interview",
    "Wawancara PT Maju Jaya - Manajer Toko", "Phone screen: Globex",
    "Designer interview at Initech".
    """
    parties = tuple(Party(p.name, p.email) for p in people)
    return read_company_position(title, keyword_pattern(keywords), parties, user)


def user_names(event: SourceEvent, settings: RuleSettings) -> tuple[str, ...]:
    """Rule E2: the user's own names and addresses, which are never a company or a position."""
    names: list[str] = [settings.user_name]
    for a in (*event.attendees, *((event.organizer,) if event.organizer else ())):
        if _is_user(a, event):
            names += [a.email, a.display_name or "", name_from_email(a.email)]
    if "@" in event.calendar_id:
        names += [event.calendar_id, name_from_email(event.calendar_id)]
    return tuple(n for n in dict.fromkeys(names) if n)


def _local_span(event: SourceEvent, zone: ZoneInfo) -> tuple[datetime, datetime]:
    if isinstance(event.start, datetime) and isinstance(event.end, datetime):
        return event.start.astimezone(zone), event.end.astimezone(zone)
    first: date = event.start if not isinstance(event.start, datetime) else event.start.date()
    last_excl: date = event.end if not isinstance(event.end, datetime) else event.end.date()
    last = max(first, last_excl - timedelta(days=1))
    start = datetime.combine(first, ALL_DAY_START, tzinfo=zone)
    end = datetime.combine(last, ALL_DAY_END, tzinfo=zone)  # rule D4
    # normalise through UTC so a wall time in a DST gap lands on a real instant
    return start.astimezone(UTC).astimezone(zone), end.astimezone(UTC).astimezone(zone)


def _robot_sender(event: SourceEvent) -> str:
    """The display name of an organizer that is a tool or robot ("Acme via Ashby"), else ""."""
    organizer = event.organizer
    if organizer is None or _is_user(organizer, event) or _is_mailbox(organizer.email):
        return ""
    return organizer.display_name or ""


def to_interview(
    event: SourceEvent,
    settings: RuleSettings,
    marks: Marks = NO_MARKS,
    *,
    owner: Owner | None = None,
    body: BodyReading | None = None,
    title: str | None = None,
) -> Interview:
    """Everything rules E1-E5 and Z1 read from one event already judged to be an interview.

    `body` (rule E4) adds the invitation's labelled lines and sentences to the title's reading;
    `title` is the title to read when the event's own says nothing (Zoom's "Topic:").
    """
    zone_name = zone_for(event, settings)
    start, end = _local_span(event, ZoneInfo(zone_name))
    people = interviewers(event, owner)
    user = user_names(event, settings)
    if owner is not None:
        user = tuple(dict.fromkeys((*user, *owner.names, *owner.addresses)))
    if body is None:
        company, position = company_and_position(event.summary, settings.keywords, people, user)
    else:
        company, position = read_names(
            title or event.summary,
            keyword_pattern(settings.keywords),
            people,
            user,
            body,
            event.location,
            _robot_sender(event),
        )
    if marks.company is not None:  # rule E2: the user's correction wins, "" clears
        company = marks.company or None
    if marks.position is not None:
        position = marks.position or None
    timeline = None
    overridden = False
    if marks.timeline:  # rule E3: an override always wins
        timeline = parse_timeline(marks.timeline, start.date())
        overridden = timeline is not None
    if timeline is None and event.description:
        timeline = parse_timeline(event.description, start.date())
    return Interview(
        event=event,
        zone=zone_name,
        start=start,
        end=end,
        all_day=event.all_day,
        interviewers=people,
        company=company,
        position=position,
        timeline=timeline,
        timeline_overridden=overridden,
    )


def latest_by_key(events: Iterable[SourceEvent]) -> list[SourceEvent]:
    """One event per key: the later in the input, unless it says it is older.

    The same id can arrive twice (overlapping pages, a full read followed by an incremental one, a
    merged export); two follow-ups with one UID would break the feed in every calendar app. An
    entry without `updated` (Google's deleted items carry little more than id and status) counts
    as the newer one.
    """
    latest: dict[str, SourceEvent] = {}
    for event in events:
        seen = latest.get(event.key)
        older = (
            seen is not None
            and seen.updated is not None
            and event.updated is not None
            and event.updated < seen.updated
        )
        if not older:
            latest[event.key] = event
    return list(latest.values())
