"""What the dashboard shows, as plain values the template only has to lay out.

The interviews and their follow-ups come from the same core run the feed uses (`build_feed`,
statelessly: the dashboard must not move SEQUENCE bookkeeping), so what the page says and what
the calendar shows cannot drift apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import segno
from markupsafe import Markup

from calfeed import store
from calfeed.detect import name_from_email
from calfeed.limits import DASHBOARD_PAGE, MAX_EVENTS_PER_USER, MAX_FOLLOW_UPS_PER_FEED
from calfeed.model import Draft, FollowUp, Interview, Marks
from calfeed.pipeline import build_feed
from calfeed.store import SessionFactory, session_scope
from calfeed.web.i18n import gettext

#: past interviews stay this long on the dashboard, or for as long as a follow-up is still ahead
RECENT = timedelta(days=30)


@dataclass(frozen=True)
class FeedLinks:
    url: str
    webcal: str
    google: str
    qr_svg: Markup


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
    start: datetime
    due: str
    start_iso: str
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
    company_override: str | None = None  # issue 8: the user's correction (None: as read)
    position_override: str | None = None


@dataclass(frozen=True)
class Excluded:
    key: str
    title: str


@dataclass(frozen=True)
class Dashboard:
    upcoming: list[InterviewCard]
    recent: list[InterviewCard]
    excluded: list[Excluded]
    needs_reconnect: bool
    feed: FeedLinks | None = None
    # issue 7: bounded work. This page of cards, how many pages, and whether a cap cut anything
    page: int = 1
    pages: int = 1
    events_cut: bool = False
    follow_ups_cut: bool = False
    name_unset: bool = False  # issue 8: "Your name" is not set: the dashboard hints at it
    signature: str = ""  # how the drafts are signed meanwhile (from the Google address)


def feed_links(url: str) -> FeedLinks:
    """Subscribe links for one feed address: webcal:// for Apple/Outlook, Google's add-by-URL."""
    webcal = "webcal://" + url.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=4, border=2, title=None, omitsize=False)
    return FeedLinks(url, webcal, google, Markup(svg))  # noqa: S704 - segno's own markup


def anchor_of(key: str) -> str:
    """A stable HTML id for an event key (keys hold '@' and '/', not valid in every selector)."""
    return "i-" + hashlib.sha256(key.encode()).hexdigest()[:12]


#: short day and month names; locale-independent on purpose (the server's locale is not the user's)
DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "id": ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"),
}
MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
}


def _clock(moment: datetime, lang: str) -> str:
    # Indonesian writes times with a dot (PUEBI): 18.00
    return f"{moment:%H.%M}" if lang == "id" else f"{moment:%H:%M}"


def _day(moment: datetime, lang: str) -> str:
    days, months = DAYS.get(lang, DAYS["en"]), MONTHS.get(lang, MONTHS["en"])
    return f"{days[moment.weekday()]} {moment.day} {months[moment.month - 1]} {moment.year}"


def _when(start: datetime, end: datetime, zone: str, lang: str = "en") -> str:
    """ "Mon 23 Nov 2026, 10:00–11:00 (Asia/Jakarta)", in the interview's own zone (rule Z1)."""
    tz = ZoneInfo(zone)
    s, e = start.astimezone(tz), end.astimezone(tz)
    until = _clock(e, lang) if e.date() == s.date() else f"{_day(e, lang)}, {_clock(e, lang)}"
    return f"{_day(s, lang)}, {_clock(s, lang)}–{until} ({zone})"


def _due(moment: datetime, zone: str, lang: str = "en") -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"{_day(local, lang)}, {_clock(local, lang)} ({zone})"


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
    rule = gettext(f"rule.{f.rule}", lang)
    return FollowUpCard(
        kind=f.kind,
        start=f.start,
        due=_due(f.start, f.interview.zone, lang),
        start_iso=f.start.isoformat(),
        rule=rule if rule != f"rule.{f.rule}" else f.rule,
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
        marks = store.marks_for_user(s, user_id)
        reconnect = user.needs_reconnect
        name_unset = not settings.user_name
        signature = name_from_email(user.google_email) if user.google_email else ""
    result = build_feed(events, settings, marks=marks, now=now, limit=MAX_FOLLOW_UPS_PER_FEED)
    follow_ups_cut = len(result.follow_ups) >= MAX_FOLLOW_UPS_PER_FEED
    by_interview: dict[str, list[FollowUpCard]] = {}
    for f in sorted(result.follow_ups, key=lambda f: f.start):
        follow_up = _follow_up_card(f, result.drafts, result.notes, settings.lang)
        by_interview.setdefault(f.interview.key, []).append(follow_up)
    upcoming_found: list[Interview] = []
    recent_found: list[Interview] = []
    for i in sorted(result.interviews, key=lambda i: i.start):
        if i.end >= now:
            upcoming_found.append(i)
        elif i.end >= now - RECENT or any(
            f.start >= now for f in by_interview.get(i.key, [])
        ):
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
        page=page,
        pages=pages,
        events_cut=events_cut,
        follow_ups_cut=follow_ups_cut,
        name_unset=name_unset,
        signature=signature,
    )
