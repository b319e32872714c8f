"""Whole calendars of job seekers (tests/fixtures/calendars*/<persona>/) and how well they are read.

Three corpora of the same shape: tests/fixtures/calendars/ (the first held-out set, now tuned
against), tests/fixtures/calendars_heldout/ (written blind later, now tuned against too) and
tests/fixtures/calendars_blind/ (the third, written blind, never tuned to); any folder of persona
folders can be measured (`load_personas(root)`, `measure(root=...)`).

Each persona folder holds one or more calendars exactly as the sources give them (Google's
`events.list` JSON, an Outlook .ics export) and `labels.json`: the user and, per event id (or a
series id, for every instance of a recurring event), what a careful human reading the calendar
would conclude: "interview" with the company and position for the thank-you (a name, null where
the calendar does not say, or a list of names equally right), "not" (with a reason for the hard
cases), or "either" (a human could not tell; asking or not is both fine). Unlabelled events are
"not". Shared by tests/core/test_calendars_accuracy.py and bench/interviews_accuracy.py.

Figures, per persona and overall: recall of the user's interviews; false
interviews (a non-interview that would get follow-ups) per 100 events; company and position right
over the true interviews found; questions asked per persona-month; and follow-ups right =
interviews found with the right company and position / (true interviews + false interviews).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from calfeed.core.inputs.google_json import events_from_payload
from calfeed.core.inputs.ics import read_ics
from calfeed.core.model import RuleSettings, SourceEvent
from tests.support.corpus import same
from tests.support.paths import FIXTURES

CALENDARS = FIXTURES / "calendars"
#: the sets written blind after the first, in the order they were written: the bench's `--set`
#: key -> (folder, ordinal). Each was measured as written, then tuned against while the next was
#: being written; only those in NEVER_TUNED are still honest.
WRITTEN_BLIND: dict[str, tuple[Path, str]] = {
    "heldout": (FIXTURES / "calendars_heldout", "second"),
    "blind": (FIXTURES / "calendars_blind", "third"),
    **{
        ordinal: (FIXTURES / f"calendars_{ordinal}", ordinal)
        for ordinal in (
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        )
    },
}
#: the sets nobody has tuned the reader to: measured, never looked into
NEVER_TUNED = frozenset({"fifteenth", "nineteenth", "twentieth"})
#: where each set's floors live (`bench/interviews_accuracy.py --write-floors --set <key>`)
FLOORS_DIR = FIXTURES.parent / "core"


def floors_file(key: str) -> Path:
    """The floors one set written blind is held to (tests/core/calendars_<key>_floors.json)."""
    return FLOORS_DIR / f"calendars_{key}_floors.json"


VERDICTS = ("interview", "not", "either")


@dataclass(frozen=True)
class Truth:
    """What a careful human reads in one event. Names: None = nothing to say, else the choices."""

    verdict: str
    company: tuple[str | None, ...] | None = None
    position: tuple[str | None, ...] | None = None
    why: str = ""


NOT = Truth("not")


def _names(value: object) -> tuple[str | None, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(v is None or isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"a company or position must be a name, null or a list of names: {value!r}")


def matches(found: str | None, expected: tuple[str | None, ...] | None) -> bool:
    """`tests.support.corpus.same` against each name a human could write (None: nothing is read)."""
    return any(same(found, e) for e in (expected or (None,)))


#: what the lenient comparison leaves out of a name: a bracket's words, legal forms, punctuation
_BRACKETED = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
_LEGAL_WORDS = frozenset(
    "pt cv tbk persero ltd limited pte inc llc llp plc sdn bhd corp co corporation".split()
)
_NAME_WORD = re.compile(r"[^\W_]+")


def _lenient_words(name: str) -> list[str]:
    words = _NAME_WORD.findall(_BRACKETED.sub(" ", name).casefold())
    return [w for w in words if w not in _LEGAL_WORDS]


def close(found: str | None, expected: tuple[str | None, ...] | None) -> bool:
    """A lenient `matches`, reported beside the strict one and never instead of it: a name the
    labels would accept but for how it is spelled. Brackets' words, legal forms, case and
    punctuation are left out, and one name may be the other's first words when the shorter holds
    two words or six letters ("Security Lead" / "Security Lead (Yard)", "Ashgrove" / "Ashgrove
    Referrals", "Teaching Assistant, Nursery" / "Teaching Assistant (Nursery)")."""
    if matches(found, expected):
        return True
    if found is None:
        return False
    got = _lenient_words(found)
    for name in expected or ():
        if name is None:
            continue
        want = _lenient_words(name)
        short, long_ = sorted((got, want), key=len)
        if short and long_[: len(short)] == short and (len(short) >= 2 or len(short[0]) >= 6):
            return True
    return False


@dataclass(frozen=True)
class Persona:
    name: str
    user: Mapping[str, Any]
    events: tuple[SourceEvent, ...]
    labels: Mapping[str, Truth]
    skipped: tuple[str, ...] = ()

    @property
    def months(self) -> int:
        return len(self.user["months"])

    def truth(self, event: SourceEvent) -> Truth:
        found = self.labels.get(event.event_id)
        if found is None and event.recurring_event_id:
            found = self.labels.get(event.recurring_event_id)
        return found or NOT

    def settings(self) -> RuleSettings:
        return RuleSettings(
            lang=self.user.get("lang", "en"),
            time_zone=self.user["time_zone"],
            user_name=self.user["name"],
        )


def _window(user: Mapping[str, Any]) -> tuple[datetime, datetime]:
    """The months covered, as aware datetimes in the user's zone (end exclusive)."""
    zone = ZoneInfo(user["time_zone"])
    first_year, first_month = map(int, user["months"][0].split("-"))
    year, month = map(int, user["months"][-1].split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime(first_year, first_month, 1, tzinfo=zone), datetime(year, month, 1, tzinfo=zone)


def load_persona(folder: Path) -> Persona:
    """Read one persona folder. Raises ValueError when a label names no event of the calendars."""
    raw = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    user = raw["user"]
    events: list[SourceEvent] = []
    skipped: list[str] = []
    for path in sorted(folder.glob("*.json")):
        if path.name == "labels.json":
            continue
        read, bad = events_from_payload(json.loads(path.read_text(encoding="utf-8")))
        events += read
        skipped += [f"{path.name}: {s.event_id}: {s.reason}" for s in bad]
    for path in sorted(folder.glob("*.ics")):
        start, end = _window(user)
        ics = read_ics(
            path.read_bytes(),
            calendar_id=user["emails"][0],
            window_start=start,
            window_end=end,
            self_emails=user["emails"],
        )
        events += ics.events
        skipped += [f"{path.name}: {s.event_id}: {s.reason}" for s in ics.skipped]
    labels: dict[str, Truth] = {}
    for key, row in raw["events"].items():
        if row["verdict"] not in VERDICTS:
            raise ValueError(f"{folder.name}: {key}: unknown verdict {row['verdict']!r}")
        labels[key] = Truth(
            row["verdict"],
            _names(row.get("company")),
            _names(row.get("position")),
            row.get("why", ""),
        )
    known = {e.event_id for e in events} | {e.recurring_event_id for e in events}
    unknown = sorted(set(labels) - known)
    if unknown:
        raise ValueError(f"{folder.name}: labels for events that are not there: {unknown}")
    return Persona(folder.name, user, tuple(events), labels, tuple(skipped))


def load_personas(root: Path = CALENDARS) -> list[Persona]:
    return [load_persona(p) for p in sorted(root.iterdir()) if (p / "labels.json").is_file()]


@dataclass(frozen=True)
class Reading:
    """What the reader made of a calendar: follow-up interviews and questions, by event key."""

    interviews: Mapping[str, tuple[str | None, str | None]]
    questions: Mapping[str, tuple[str | None, str | None]]


def read(persona: Persona) -> Reading:
    """Run the current reader: `read_calendar` when it exists, else `detect` (no questions)."""
    events = list(persona.events)
    settings = persona.settings()
    try:
        from calfeed.core.detection import read_calendar as reader
    except ImportError:
        reader = None
    if reader is not None:
        result = reader(events, settings, {})
        return Reading(
            {i.event.key: (i.company, i.position) for i in result.interviews},
            {q.event.key: (q.company, q.position) for q in result.questions},
        )
    from calfeed.core.detection.detect import detect

    return Reading({i.event.key: (i.company, i.position) for i in detect(events, settings, {})}, {})


@dataclass
class Miss:
    persona: str
    event: SourceEvent
    truth: Truth
    kind: str  # "missed", "false", "wrong company", "wrong position", "wrong both"
    got: tuple[str | None, str | None] | None
    asked: bool = False


@dataclass
class Figures:
    events: int = 0
    months: int = 0
    true_interviews: int = 0
    found: int = 0
    false: int = 0
    company_right: int = 0
    position_right: int = 0
    both_right: int = 0
    #: found with a company and role the labels would accept but for their spelling (`close`)
    both_close: int = 0
    #: true interviews found whose draft would name a wrong company or role (not a missing one)
    wrong_names: int = 0
    questions: int = 0
    misses: list[Miss] = field(default_factory=list)

    def add(self, other: Figures) -> None:
        for name in (
            "events",
            "months",
            "true_interviews",
            "found",
            "false",
            "company_right",
            "position_right",
            "both_right",
            "both_close",
            "wrong_names",
            "questions",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses

    @property
    def recall(self) -> float:
        return self.found / self.true_interviews if self.true_interviews else 1.0

    @property
    def false_per_100(self) -> float:
        return 100 * self.false / self.events if self.events else 0.0

    @property
    def company(self) -> float:
        return self.company_right / self.found if self.found else 0.0

    @property
    def position(self) -> float:
        return self.position_right / self.found if self.found else 0.0

    @property
    def questions_per_month(self) -> float:
        return self.questions / self.months if self.months else 0.0

    @property
    def follow_ups_right(self) -> float:
        denominator = self.true_interviews + self.false
        return self.both_right / denominator if denominator else 1.0

    @property
    def follow_ups_close(self) -> float:
        """Follow-ups right by the lenient comparison (`close`): how much of the gap is spelling."""
        denominator = self.true_interviews + self.false
        return self.both_close / denominator if denominator else 1.0

    @property
    def usable(self) -> float:
        """Follow-ups on the user's own interviews whose drafts name nothing wrong (a name left
        out reads "the interview", which is graceful), over true plus false interviews: what the
        user can send as it is, by the project's rule that a wrong name is worse than none."""
        denominator = self.true_interviews + self.false
        return (self.found - self.wrong_names) / denominator if denominator else 1.0

    def summary(self) -> dict[str, float]:
        return {
            "recall": self.recall,
            "false_per_100": self.false_per_100,
            "company": self.company,
            "position": self.position,
            "questions_per_month": self.questions_per_month,
            "follow_ups_right": self.follow_ups_right,
        }


def score(persona: Persona, reading: Reading) -> Figures:
    figures = Figures(events=len(persona.events), months=persona.months)
    figures.questions = len(reading.questions)
    seen: set[str] = set()
    for event in persona.events:
        if event.key in seen:
            continue
        seen.add(event.key)
        truth = persona.truth(event)
        got = reading.interviews.get(event.key)
        asked = event.key in reading.questions
        if truth.verdict == "interview":
            figures.true_interviews += 1
            if got is None:
                figures.misses.append(Miss(persona.name, event, truth, "missed", None, asked))
                continue
            figures.found += 1
            company_ok = matches(got[0], truth.company)
            position_ok = matches(got[1], truth.position)
            figures.company_right += company_ok
            figures.position_right += position_ok
            figures.both_right += company_ok and position_ok
            figures.both_close += close(got[0], truth.company) and close(got[1], truth.position)
            figures.wrong_names += (got[0] is not None and not company_ok) or (
                got[1] is not None and not position_ok
            )
            if not (company_ok and position_ok):
                kind = (
                    "wrong both"
                    if not (company_ok or position_ok)
                    else "wrong company"
                    if not company_ok
                    else "wrong position"
                )
                figures.misses.append(Miss(persona.name, event, truth, kind, got))
        elif truth.verdict == "not" and got is not None:
            figures.false += 1
            figures.misses.append(Miss(persona.name, event, truth, "false", got))
    return figures


def check_floor(where: str, got: Figures, floor: Mapping[str, float], questions: float) -> None:
    """Hold one persona's (or a set's) figures to its floors: recall, company and position (over
    all true interviews, so finding more never fails), follow-ups right; and to its ceilings:
    false interviews per 100 events, drafts naming a wrong company or role, questions a month."""
    tiny = 1e-9
    assert got.recall + tiny >= floor["recall"], f"{where}: recall {got.recall:.3f}"
    assert got.company_right / got.true_interviews + tiny >= floor["company_right_of_true"], where
    assert got.position_right / got.true_interviews + tiny >= floor["position_right_of_true"], where
    assert got.follow_ups_right + tiny >= floor["follow_ups_right"], (
        f"{where}: follow-ups right {got.follow_ups_right:.3f}"
    )
    assert got.false_per_100 <= floor["false_per_100_at_most"] + tiny, (
        f"{where}: {got.false_per_100:.2f} false interviews per 100 events"
    )
    assert got.wrong_names <= floor["wrong_names_at_most"], (
        f"{where}: {got.wrong_names} drafts name a wrong company or role"
        f" (at most {floor['wrong_names_at_most']:g})"
    )
    assert got.questions_per_month <= questions + tiny, where


def measure(
    personas: Iterable[Persona] | None = None, root: Path = CALENDARS
) -> tuple[dict[str, Figures], Figures]:
    """Figures per persona and pooled over all of them (`personas`, else those under `root`)."""
    per: dict[str, Figures] = {}
    overall = Figures()
    for persona in personas if personas is not None else load_personas(root):
        per[persona.name] = score(persona, read(persona))
        overall.add(per[persona.name])
    return per, overall
