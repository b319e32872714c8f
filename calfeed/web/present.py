"""What the dashboard shows, as plain values the template only has to lay out.

The interviews and their follow-ups come from the same core run the feed uses (`build_feed`,
statelessly: the dashboard must not move SEQUENCE bookkeeping), so what the page says and what
the calendar shows cannot drift apart.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import segno
from babel.dates import format_skeleton
from markupsafe import Markup

from calfeed import store
from calfeed.core.detection.detect import name_from_email
from calfeed.core.detection.reading import Question
from calfeed.core.drafts import load_templates, notes_for
from calfeed.core.limits import DASHBOARD_PAGE, MAX_EVENTS_PER_USER, MAX_FOLLOW_UPS_PER_FEED
from calfeed.core.model import Draft, FollowUp, Interview, Marks
from calfeed.core.pipeline import build_feed
from calfeed.store import SessionFactory, session_scope
from calfeed.web.i18n import N_, gettext, ngettext

#: past interviews stay this long on the dashboard, or for as long as a follow-up is still ahead
RECENT = timedelta(days=30)


@dataclass(frozen=True)
class FeedLinks:
    url: str
    webcal: str
    google: str
    qr_svg: Markup
    #: False when the address is not public (localhost, a private network, the demo): Google
    #: Calendar fetches feeds from Google's servers and cannot reach it; apps on this machine can
    public: bool = True


@dataclass(frozen=True)
class DraftCard:
    anchor: str
    to: str
    subject: str
    text: str
    mailto: str


@dataclass(frozen=True)
class FollowUpCard:
    kind: str
    rule_id: str  # "T2": links to its paragraph on /rules (#t2)
    start: datetime
    due: str
    start_iso: str
    due_short: str  # "Wed 2 Dec, 10:00": the action line's
    rule: str
    drafts: list[DraftCard]
    notes: str


@dataclass(frozen=True)
class InterviewCard:
    key: str
    anchor: str
    title: str
    when: str
    start_iso: str
    people: str
    company: str
    position: str
    timeline: str
    timeline_override: str
    marks: Marks
    follow_ups: list[FollowUpCard] = field(default_factory=list)
    company_override: str | None = None  # The user's correction (None: as read)
    position_override: str | None = None


@dataclass(frozen=True)
class Excluded:
    key: str
    title: str


@dataclass(frozen=True)
class QuestionCard:
    """Rule D9: "Is this one of your job interviews?" about one event, with the names to use."""

    key: str
    anchor: str
    title: str
    when: str
    start_iso: str
    company: str
    position: str
    why: str


#: rule D9: what made calfeed unsure, by the reading's reason code
QUESTION_REASONS = {
    "weak-stage": N_("The title names a step that is often, but not always, an interview."),
    "vague-title": N_("The title only says it is a meeting; the invitation mentions a role."),
    "body-only": N_("Only the invitation's text suggests a job interview."),
}
#: rule D9: at most this many questions are shown at once (the nearest first)
MAX_QUESTIONS_SHOWN = 5


@dataclass(frozen=True)
class Action:
    """One follow-up to act on: a line on the dashboard, its drafts one click away."""

    anchor: str
    interview_key: str
    interview_title: str
    follow_up: FollowUpCard
    #: how late, e.g. "2 days late"; empty when not yet due (an overdue one still asks to send now)
    late_by: str
    #: the mark that closes it: thank-you sent, or heard back for a check-in
    mark: str


@dataclass(frozen=True)
class Dashboard:
    upcoming: list[InterviewCard]
    recent: list[InterviewCard]
    excluded: list[Excluded]
    needs_reconnect: bool
    feed: FeedLinks | None = None
    #: overdue and due today (in the user's zone), then the rest of the next seven days
    today: list[Action] = field(default_factory=list)
    week: list[Action] = field(default_factory=list)
    # Bounded work. This page of cards, how many pages, and whether a cap cut anything
    page: int = 1
    pages: int = 1
    events_cut: bool = False
    follow_ups_cut: bool = False
    name_unset: bool = False  # "Your name" is not set: the dashboard hints at it
    signature: str = ""  # how the drafts are signed meanwhile (from the Google address)
    questions: list[QuestionCard] = field(default_factory=list)  # rule D9: the nearest few
    questions_total: int = 0


def feed_links(url: str, *, demo: bool = False) -> FeedLinks:
    """Subscribe links for one feed address: webcal:// for Apple/Outlook, Google's add-by-URL."""
    webcal = "webcal://" + url.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=4, border=2, title=None, omitsize=False)
    public = not demo and is_public_host(urlsplit(url).hostname or "")
    return FeedLinks(url, webcal, google, Markup(svg), public)  # noqa: S704 - segno's own markup


#: names that never resolve on the public internet (RFC 6761, RFC 6762, RFC 8375, common use)
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".invalid", ".test")


def is_public_host(host: str) -> bool:
    """Whether Google's servers could fetch from `host`: not loopback, private or link-local."""
    host = host.strip("[]").rstrip(".").lower()
    if not host or host == "localhost" or host.endswith(_PRIVATE_SUFFIXES):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host  # a single-label name only resolves on a local network
    return address.is_global


def anchor_of(key: str) -> str:
    """A stable HTML id for an event key (keys hold '@' and '/', not valid in every selector)."""
    return "i-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def _clock(moment: datetime, lang: str) -> str:
    """The time of day in the language's own pattern (Babel/CLDR): 18:00, Indonesian 18.00."""
    return format_skeleton("Hm", moment, tzinfo=moment.tzinfo, locale=lang)


def _day(moment: datetime, lang: str) -> str:
    """The day with its weekday, in the language's own pattern (Babel/CLDR)."""
    return format_skeleton("yMMMEd", moment, tzinfo=moment.tzinfo, locale=lang)


def _when(start: datetime, end: datetime, zone: str, lang: str = "en") -> str:
    """ "Mon, Nov 23, 2026, 10:00–11:00 (Asia/Jakarta)", in the interview's own zone (rule Z1)."""
    tz = ZoneInfo(zone)
    s, e = start.astimezone(tz), end.astimezone(tz)
    until = _clock(e, lang) if e.date() == s.date() else f"{_day(e, lang)}, {_clock(e, lang)}"
    return f"{_day(s, lang)}, {_clock(s, lang)}–{until} ({zone})"


def _due(moment: datetime, zone: str, lang: str = "en") -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"{_day(local, lang)}, {_clock(local, lang)} ({zone})"


def _due_short(moment: datetime, zone: str, lang: str = "en") -> str:
    local = moment.astimezone(ZoneInfo(zone))
    day = format_skeleton("MMMEd", local, tzinfo=local.tzinfo, locale=lang)
    return f"{day}, {_clock(local, lang)}"


#: why a follow-up is when it is, by the rule that fixed its time (the page links the rule id)
RULE_REASONS = {
    "T2": N_("soon after the interview ends, while it is fresh"),
    "T3": N_("in the evening of the interview day, never the next day"),
    "C1": N_("the timeline they gave plus a few days of grace, on a working day"),
    "C2": N_("no timeline was given: one to two weeks is the usual wait"),
    "C3": N_("moved to a working day at your check-in time"),
    "C4": N_("the latest round of this application replaces earlier check-ins"),
}


def late_by(due: datetime, now: datetime, lang: str = "en") -> str:
    """How late a follow-up is ("3 hours late", "2 days late"); empty when it is not due yet."""
    if due >= now:
        return ""
    hours = int((now - due).total_seconds() // 3600)
    if hours < 1:
        return gettext("due now", lang)
    if hours < 24:
        return ngettext("%(num)d hour late", "%(num)d hours late", hours, lang)
    return ngettext("%(num)d day late", "%(num)d days late", hours // 24, lang)


def _follow_up_card(
    f: FollowUp, result_drafts: Mapping[str, list[Draft]], notes: Mapping[str, str], lang: str
) -> FollowUpCard:
    drafts = [
        DraftCard(
            anchor=f"d-{hashlib.sha256(f.uid.encode()).hexdigest()[:10]}-{n}",
            to=f"{d.to.name} <{d.to.email}>" if d.to else "",
            subject=d.subject,
            text=d.body,
            mailto=d.mailto,
        )
        for n, d in enumerate(result_drafts.get(f.uid, []))
    ]
    reason = RULE_REASONS.get(f.rule)
    return FollowUpCard(
        kind=f.kind,
        rule_id=f.rule,
        start=f.start,
        due=_due(f.start, f.interview.zone, lang),
        start_iso=f.start.isoformat(),
        due_short=_due_short(f.start, f.interview.zone, lang),
        rule=gettext(reason, lang) if reason else "",
        drafts=drafts,
        notes=notes.get(f.uid, ""),
    )


def _interview_card(
    i: Interview, marks: Marks, follow_ups: list[FollowUpCard], lang: str
) -> InterviewCard:
    timeline = i.timeline.text if i.timeline else ""
    return InterviewCard(
        key=i.key,
        anchor=anchor_of(i.key),
        title=i.title,
        when=_when(i.start, i.end, i.zone, lang),
        start_iso=i.start.isoformat(),
        people=", ".join(p.name or p.email for p in i.interviewers),
        company=i.company or "",
        position=i.position or "",
        timeline=timeline,
        timeline_override=marks.timeline or "",
        marks=marks,
        follow_ups=follow_ups,
        company_override=marks.company,
        position_override=marks.position,
    )


def dashboard(sessions: SessionFactory, user_id: int, now: datetime, page: int = 1) -> Dashboard:
    """Upcoming and recent interviews with their follow-ups, drafts and the user's marks.

    Paged (`DASHBOARD_PAGE` cards, upcoming first) and read under the same caps as the feed.
    """
    with session_scope(sessions) as s:
        user = store.get_user(s, user_id)
        assert user is not None, "callers pass a signed-in user"
        settings = store.rule_settings_of(user)
        events, _skipped = store.source_events_for_user(s, user_id, limit=MAX_EVENTS_PER_USER)
        events_cut = len(events) >= MAX_EVENTS_PER_USER and (
            store.count_events(s, user_id) > MAX_EVENTS_PER_USER
        )
        marks, lessons = store.answers.reading_inputs(s, user_id, events)
        reconnect = user.needs_reconnect
        name_unset = not settings.user_name
        signature = name_from_email(user.google_email) if user.google_email else ""
    result = build_feed(
        events, settings, marks=marks, now=now, limit=MAX_FOLLOW_UPS_PER_FEED, lessons=lessons
    )
    follow_ups_cut = len(result.follow_ups) >= MAX_FOLLOW_UPS_PER_FEED
    # notes as the dashboard reads them: no "set it on the dashboard", no asking for a timeline
    # that is already recorded (the feed's own notes keep saying where to do it)
    templates = load_templates()
    notes = {f.uid: notes_for(f, settings, templates, place="dashboard") for f in result.follow_ups}
    by_interview: dict[str, list[FollowUpCard]] = {}
    today: list[Action] = []
    week: list[Action] = []
    zone = ZoneInfo(settings.time_zone)
    end_of_today = datetime.combine(
        now.astimezone(zone).date() + timedelta(days=1), datetime.min.time(), tzinfo=zone
    )
    for f in sorted(result.follow_ups, key=lambda f: f.start):
        follow_up = _follow_up_card(f, result.drafts, notes, settings.lang)
        by_interview.setdefault(f.interview.key, []).append(follow_up)
        if f.start >= end_of_today + timedelta(days=6):
            continue
        if f.start < now and f.interview.end < now - RECENT:
            continue  # long past, like its interview: no longer asked for
        action = Action(
            anchor="a-" + hashlib.sha256(f.uid.encode()).hexdigest()[:10],
            interview_key=f.interview.key,
            interview_title=f.interview.title,
            follow_up=follow_up,
            late_by=late_by(f.start, now, settings.lang),
            mark="thank_you_sent" if f.kind == "thank-you" else "heard_back",
        )
        (today if f.start < end_of_today else week).append(action)
    upcoming_found: list[Interview] = []
    recent_found: list[Interview] = []
    for i in sorted(result.interviews, key=lambda i: i.start):
        if i.end >= now:
            upcoming_found.append(i)
        elif i.end >= now - RECENT or any(f.start >= now for f in by_interview.get(i.key, [])):
            recent_found.append(i)
    recent_found.reverse()
    shown = [*upcoming_found, *recent_found]
    pages = max(1, -(-len(shown) // DASHBOARD_PAGE))
    page = min(max(1, page), pages)
    window = {id(i) for i in shown[(page - 1) * DASHBOARD_PAGE : page * DASHBOARD_PAGE]}

    def card_of(i: Interview) -> InterviewCard:
        return _interview_card(
            i, marks.get(i.key, Marks()), by_interview.get(i.key, []), settings.lang
        )

    upcoming = [card_of(i) for i in upcoming_found if id(i) in window]
    recent = [card_of(i) for i in recent_found if id(i) in window]
    titles = {e.key: e.summary for e in events}
    excluded = [
        Excluded(key, titles[key])
        for key, m in sorted(marks.items())
        if m.not_interview and key in titles
    ]
    return Dashboard(
        upcoming,
        recent,
        excluded,
        reconnect,
        today=today,
        week=week,
        page=page,
        pages=pages,
        events_cut=events_cut,
        follow_ups_cut=follow_ups_cut,
        name_unset=name_unset,
        signature=signature,
        questions=_question_cards(result.questions, now, settings.time_zone, settings.lang),
        questions_total=len(result.questions),
    )


def question_anchor(key: str) -> str:
    """A stable HTML id for the question about one event (see `anchor_of`)."""
    return "q-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def _question_cards(
    questions: list[Question], now: datetime, zone: str, lang: str
) -> list[QuestionCard]:
    """Rule D9: the questions nearest to now first (an upcoming one before last month's)."""

    def start_of(q: Question) -> datetime:
        start = q.event.start
        if isinstance(start, datetime):
            return start
        return datetime.combine(start, datetime.min.time(), tzinfo=ZoneInfo(zone))

    nearest = sorted(questions, key=lambda q: (abs(start_of(q) - now), q.key))
    return [
        QuestionCard(
            key=q.key,
            anchor=question_anchor(q.key),
            title=q.event.summary,
            when=_due(start_of(q), zone, lang),
            start_iso=start_of(q).isoformat(),
            company=q.company or "",
            position=q.position or "",
            why=gettext(QUESTION_REASONS[q.reason], lang)
            if q.reason in QUESTION_REASONS
            else q.why,
        )
        for q in nearest[:MAX_QUESTIONS_SHOWN]
    ]
