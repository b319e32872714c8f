"""The values that flow through the pipeline: source events -> interviews -> follow-ups -> drafts.

All frozen: the core passes them around and never mutates them, so a value computed once can be
cached, compared and hashed. Datetimes are always timezone-aware; dates stand for all-day values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calfeed.errors import SettingsError

Lang = Literal["en", "id"]
LANGS: tuple[Lang, ...] = ("en", "id")
FollowUpKind = Literal["thank-you", "check-in"]
FOLLOW_UP_KINDS: tuple[FollowUpKind, ...] = ("thank-you", "check-in")
ThankYouTiming = Literal["soon", "evening"]
TimelineUnit = Literal["days", "business_days", "date"]

#: rule D1: default interview keywords, English and Indonesian, matched as whole words
DEFAULT_KEYWORDS: tuple[str, ...] = (
    "interview",
    "phone screen",
    "screening call",
    "onsite",
    "on-site",
    "technical round",
    "final round",
    "hiring manager",
    "recruiter call",
    "wawancara",
    "interview kerja",
    "tes wawancara",
)


@dataclass(frozen=True, slots=True)
class Attendee:
    """One entry of an event's attendee list, shaped after Google's `attendees[]` resource."""

    email: str
    display_name: str | None = None
    is_self: bool = False
    organizer: bool = False
    resource: bool = False
    response_status: str = "needsAction"


@dataclass(frozen=True, slots=True)
class SourceEvent:
    """A calendar event as read from Google's JSON or from an .ics file, before any judgement.

    `start`/`end` are aware datetimes for timed events and dates (end exclusive) for all-day ones.
    `time_zone` is the event's own zone name when the source says one (Google's `start.timeZone`,
    an .ics TZID); `calendar_time_zone` is the calendar's (rule Z1 falls back through both).
    """

    calendar_id: str
    event_id: str
    start: datetime | date
    end: datetime | date
    ical_uid: str = ""
    status: str = "confirmed"
    event_type: str = "default"
    summary: str = ""
    description: str = ""
    location: str = ""
    time_zone: str | None = None
    calendar_time_zone: str | None = None
    attendees: tuple[Attendee, ...] = ()
    organizer: Attendee | None = None
    updated: datetime | None = None
    html_link: str | None = None
    recurring_event_id: str | None = None

    @property
    def key(self) -> str:
        """Identity of the event within the user's account: calendar + event id."""
        return f"{self.calendar_id}/{self.event_id}"

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


@dataclass(frozen=True, slots=True)
class Person:
    """Someone a follow-up is addressed to (rule E1)."""

    email: str
    name: str
    team: bool = False  # a shared mailbox (talent@, "Acme HR"): greeted by its whole name

    @property
    def first_name(self) -> str:
        """The name to greet them by (`Dr. "Ann" O'Neil` -> Ann); "" when none can be told."""
        from calfeed.core.people import first_name

        return first_name(self.name)

    @property
    def greeting(self) -> str:
        """How a draft addresses them: a person by first name (T5, C5), a team by its name.

        A team known only by its mailbox ("careers@") gets the drafts' generic greeting.
        """
        if not self.team:
            return self.first_name
        mailbox = self.email.split("@", 1)[0].replace(".", " ").casefold()
        return "" if self.name.strip().casefold() == mailbox else self.name.strip()


@dataclass(frozen=True, slots=True)
class Timeline:
    """What the interviewer said about hearing back (rule E3).

    `unit` "days"/"business_days" count `amount` from the interview day; "date" means `until`.
    `text` is the phrase it was read from, shown to the user so they can check it.
    """

    unit: TimelineUnit
    amount: int = 0
    until: date | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class Marks:
    """What the user told us about one interview; never derived, never lost on a re-read."""

    thank_you_sent: bool = False
    heard_back: bool = False
    not_interview: bool = False
    closed: bool = False
    timeline: str | None = None  # an override in any E3 form, e.g. "2 weeks" or "#followup 10d"
    company: str | None = None  # rule E2: the user's correction; None = as read
    position: str | None = None  # rule E2: the user's correction; None = as read
    confirmed: bool = False  # rule D9: the user answered "yes, one of my interviews"


NO_MARKS = Marks()


@dataclass(frozen=True, slots=True)
class Interview:
    """An event judged to be an interview (rules D1-D4), with what we learned from it (E1-E3).

    `start`/`end` are aware datetimes in `zone` even for all-day events (rule D4: taken to run
    09:00-17:00 local on the last day); `all_day` records that the times were assumed.
    """

    event: SourceEvent
    zone: str
    start: datetime
    end: datetime
    all_day: bool
    interviewers: tuple[Person, ...]
    company: str | None
    position: str | None
    timeline: Timeline | None
    timeline_overridden: bool = False

    @property
    def key(self) -> str:
        return self.event.key

    @property
    def title(self) -> str:
        return self.event.summary

    @property
    def application(self) -> str:
        """The application this round belongs to: the company when known, else the event itself."""
        return f"company:{self.company.casefold()}" if self.company else f"event:{self.key}"


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A derived event: when to send a thank-you or check in, and which rule said so."""

    kind: FollowUpKind
    interview: Interview
    start: datetime
    end: datetime
    rule: str  # the rule id that fixed its time, e.g. "T2", "C1"
    uid: str


@dataclass(frozen=True, slots=True)
class Draft:
    """A ready-to-send e-mail for one recipient (or none known), with its one-click link."""

    to: Person | None
    subject: str
    body: str
    mailto: str


@dataclass(frozen=True, slots=True)
class Revision:
    """What a subscriber's calendar already saw of a follow-up: its SEQUENCE and change stamp."""

    sequence: int
    changed_at: datetime
    start: datetime
    fingerprint: str


#: the ranges the rules allow a user's settings to take (one source for the model and the forms)
THANK_YOU_DELAY_MINUTES = (0, 180)  # rule T2: 0 to 3 hours
EVENING_AT = (time(17, 0), time(20, 0))  # rule T3
GRACE_DAYS = (1, 5)  # rule C1
NO_TIMELINE_DAYS = (7, 14)  # rule C2
CHECK_IN_AT = (time(6, 0), time(18, 0))  # rule C3
MAX_USER_NAME = 100


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """A user's settings for the rules; every value is checked against the range its rule allows.

    Raises SettingsError listing every problem at once.
    """

    lang: Lang = "en"
    time_zone: str = "UTC"
    thank_you: ThankYouTiming = "soon"
    thank_you_delay: timedelta = timedelta(hours=1)  # rule T2: 0 to 3 hours
    evening_at: time = time(18, 0)  # rule T3: 17:00 to 20:00
    grace_days: int = 2  # rule C1: 1 to 5
    no_timeline_days: int = 7  # rule C2: 7 to 14
    check_in_at: time = time(10, 0)  # rule C3
    holiday_country: str | None = None  # rule C3: skip this country's public holidays
    keywords: tuple[str, ...] = DEFAULT_KEYWORDS  # rule D1
    user_name: str = ""  # how the user signs the drafts; "" = from their address
    extra: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.lang not in LANGS:
            problems.append(f"lang must be one of {', '.join(LANGS)}, not {self.lang!r}")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            problems.append(f"unknown time zone {self.time_zone!r}")
        if self.thank_you not in ("soon", "evening"):
            problems.append(f"thank_you must be 'soon' or 'evening', not {self.thank_you!r}")
        low, high = (timedelta(minutes=m) for m in THANK_YOU_DELAY_MINUTES)
        if not low <= self.thank_you_delay <= high:
            problems.append("thank_you_delay must be between 0 and 3 hours (rule T2)")
        if not EVENING_AT[0] <= self.evening_at <= EVENING_AT[1]:
            problems.append("evening_at must be between 17:00 and 20:00 (rule T3)")
        if not GRACE_DAYS[0] <= self.grace_days <= GRACE_DAYS[1]:
            problems.append("grace_days must be between 1 and 5 (rule C1)")
        if not NO_TIMELINE_DAYS[0] <= self.no_timeline_days <= NO_TIMELINE_DAYS[1]:
            problems.append("no_timeline_days must be between 7 and 14 (rule C2)")
        if not CHECK_IN_AT[0] <= self.check_in_at <= CHECK_IN_AT[1]:
            problems.append("check_in_at must be between 06:00 and 18:00 (rule C3)")
        if self.holiday_country is not None:
            from calfeed.core.calendar_days import supported_countries

            if self.holiday_country not in supported_countries():
                problems.append(f"unknown holiday country {self.holiday_country!r}")
        if len(self.user_name) > MAX_USER_NAME or "\n" in self.user_name:
            problems.append(f"user_name must be one line of at most {MAX_USER_NAME} characters")
        if not any(k.strip() for k in self.keywords):
            problems.append("at least one interview keyword is needed (rule D1)")
        if problems:
            raise SettingsError(problems)


@dataclass(frozen=True, slots=True)
class Notice:
    """A one-off all-day feed event that is not a follow-up, e.g. "reconnect Google"."""

    uid: str
    summary: str
    description: str
    day: date
    since: datetime  # when the condition arose: the event's DTSTAMP, so the bytes stay stable


@dataclass(frozen=True, slots=True)
class Skipped:
    """An event left out of the feed and why: reported, never fatal to the rest."""

    event_id: str
    reason: str
