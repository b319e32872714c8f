"""The core, composed: source events -> interviews -> follow-ups -> drafts -> feed bytes.

The shells (CLI, web, sync) gather inputs and call `build_feed` once; nothing here does I/O apart
from reading the draft templates on first use.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from calfeed.core.detection.lessons import NO_LESSONS, Lessons
from calfeed.core.detection.reading import CalendarReading, Question, read_calendar
from calfeed.core.drafts import RULES_DOC, description_for, load_templates, title_for
from calfeed.core.feed import FeedEvent, render_feed
from calfeed.core.model import (
    FOLLOW_UP_KINDS,
    Draft,
    FollowUp,
    Interview,
    Lang,
    Marks,
    Notice,
    Revision,
    RuleSettings,
    Skipped,
    SourceEvent,
)
from calfeed.core.revisions import revise
from calfeed.core.rules import follow_ups
from calfeed.core.sanitize import clean_event

FEED_NAMES = {"en": "Interview follow-ups", "id": "Tindak lanjut wawancara"}
#: a feed of one kind (`?kinds=`, `--kinds`) is named apart: two subscriptions must not look alike
KIND_FEED_NAMES = {
    "en": {"thank-you": "Thank-you notes", "check-in": "Check-ins"},
    "id": {"thank-you": "Ucapan terima kasih", "check-in": "Menanyakan kabar"},
}
FEED_DESCRIPTIONS = {
    "en": "When to thank your interviewers and when to check in, with a draft for each (calfeed).",
    "id": "Kapan berterima kasih kepada pewawancara dan kapan menindaklanjuti, lengkap dengan "
    "draf e-mail (calfeed).",
}
CATEGORIES = {
    "en": {"thank-you": ("Job search", "Thank-you"), "check-in": ("Job search", "Check-in")},
    "id": {
        "thank-you": ("Cari kerja", "Terima kasih"),
        "check-in": ("Cari kerja", "Tindak lanjut"),
    },
}
ALARMS = {
    "en": {"thank-you": "Time to send your thank-you note", "check-in": "Time to check in"},
    "id": {"thank-you": "Saatnya kirim ucapan terima kasih", "check-in": "Saatnya menindaklanjuti"},
}
#: a stamp for stateless runs (the CLI) when the source says nothing of its last change
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedResult:
    """Everything one run of the core produced; the shells pick what they need."""

    ics: bytes
    interviews: list[Interview]
    follow_ups: list[FollowUp]
    drafts: dict[str, list[Draft]]
    notes: dict[str, str]
    descriptions: dict[str, str]
    skipped: list[Skipped] = field(default_factory=list)
    revisions: dict[str, Revision] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)  # rule D9: no follow-ups until answered
    #: the follow-ups' events as the feed writes them (notices left out): other delivery targets
    #: (`calfeed.core.google_events`) build from these, so they cannot disagree with the feed
    events: list[FeedEvent] = field(default_factory=list)


def derive(
    events: Sequence[SourceEvent], settings: RuleSettings, marks: Mapping[str, Marks] | None = None
) -> tuple[list[Interview], list[FollowUp]]:
    """Interviews and their follow-ups, without drafts or rendering (for dashboards)."""
    reading, found = derive_reading(events, settings, marks)
    return list(reading.interviews), found


def derive_reading(
    events: Sequence[SourceEvent],
    settings: RuleSettings,
    marks: Mapping[str, Marks] | None = None,
    lessons: Lessons = NO_LESSONS,
) -> tuple[CalendarReading, list[FollowUp]]:
    """The whole reading (sure interviews and questions, rule D9) and the sure ones' follow-ups."""
    events = [clean_event(e) for e in events]  # no bidi tricks or odd separators downstream
    reading = read_calendar(events, settings, marks, lessons)
    return reading, follow_ups(list(reading.interviews), settings, marks)


def _source_stamp(follow_up: FollowUp) -> datetime:
    """Stateless stamp: when the source event last changed (deterministic, never `now`)."""
    return follow_up.interview.event.updated or EPOCH


def feed_name(lang: Lang, kinds: Collection[str]) -> str:
    """The calendar's name: per kind when the feed holds only one, else the common name."""
    chosen = [k for k in FOLLOW_UP_KINDS if k in kinds]
    if len(chosen) == 1:
        return KIND_FEED_NAMES[lang][chosen[0]]
    return FEED_NAMES[lang]


def nearest(follow_ups: Sequence[FollowUp], limit: int, now: datetime | None) -> list[FollowUp]:
    """The `limit` follow-ups nearest to `now` (the latest ones without it), in their order."""
    anchor = now or max(f.start for f in follow_ups)
    keep = set(
        id(f) for f in sorted(follow_ups, key=lambda f: (abs(f.start - anchor), f.uid))[:limit]
    )
    return [f for f in follow_ups if id(f) in keep]


def build_feed(
    events: Sequence[SourceEvent],
    settings: RuleSettings,
    *,
    now: datetime | None = None,
    marks: Mapping[str, Marks] | None = None,
    revisions: Mapping[str, Revision] | None = None,
    kinds: Collection[str] = FOLLOW_UP_KINDS,
    notices: Sequence[Notice] = (),
    name: str | None = None,
    skipped: Sequence[Skipped] = (),
    refresh: timedelta = timedelta(hours=1),
    limit: int | None = None,
    rules_at: str = RULES_DOC,
    lessons: Lessons = NO_LESSONS,
) -> FeedResult:
    """Run the whole core once.

    Args:
        revisions: the bookkeeping of earlier publications (stateful use, with `now`); None for a
            stateless run, where every follow-up is stamped with its source event's `updated`.
        kinds: which follow-up kinds to publish (users may want separate calendars).
        notices: extra all-day events, e.g. "reconnect Google".
        skipped: events the reader already skipped, passed through for reporting.
        limit: the most follow-ups to publish (those nearest to `now`, or the latest without it).
        rules_at: where each event's "why this time" points for its rule's paragraph.
        lessons: what the user's answers taught the reading (rule E5).
    """
    if revisions is not None and now is None:
        raise ValueError("stateful runs (revisions given) need `now`")
    templates = load_templates()
    lang = settings.lang
    reading, found = derive_reading(events, settings, marks, lessons)
    interviews = list(reading.interviews)
    chosen = [f for f in found if f.kind in kinds]
    if limit is not None and len(chosen) > limit:  # keep those nearest to now
        chosen = nearest(chosen, limit, now)
    drafts: dict[str, list[Draft]] = {}
    notes: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    items: list[FeedEvent] = []
    for f in chosen:
        text, drafted, notes[f.uid] = description_for(f, settings, templates, rules_at=rules_at)
        drafts[f.uid] = drafted
        descriptions[f.uid] = text
        items.append(
            FeedEvent(
                uid=f.uid,
                summary=title_for(f, lang),
                description=text,
                start=f.start,
                end=f.end,
                stamp=_source_stamp(f),
                url=drafted[0].mailto,
                categories=CATEGORIES[lang][f.kind],
                related_to=f.interview.event.ical_uid or None,
                alarm=ALARMS[lang][f.kind],
            )
        )
    new_revisions: dict[str, Revision] = {}
    if revisions is not None:
        assert now is not None
        new_revisions = revise(revisions, items, now)
        items = [
            replace(
                i, stamp=new_revisions[i.uid].changed_at, sequence=new_revisions[i.uid].sequence
            )
            for i in items
        ]
    follow_up_events = list(items)
    for notice in notices:
        items.append(
            FeedEvent(
                uid=notice.uid,
                summary=notice.summary,
                description=notice.description,
                start=notice.day,
                end=notice.day + timedelta(days=1),
                stamp=notice.since,
                alarm=notice.summary,
            )
        )
    ics = render_feed(
        items,
        name=name or feed_name(lang, kinds),
        description=FEED_DESCRIPTIONS[lang],
        refresh=refresh,
    )
    return FeedResult(
        ics=ics,
        interviews=interviews,
        follow_ups=chosen,
        drafts=drafts,
        notes=notes,
        descriptions=descriptions,
        skipped=list(skipped),
        revisions=new_revisions,
        questions=list(reading.questions),
        events=follow_up_events,
    )
