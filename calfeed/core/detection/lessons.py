"""What the user's answers and corrections teach the reading (rule E5).

When the user corrects a company, or answers "yes, with this company" to a question, the same
recruiter (organizer address) or the same employer's domain names the same company next time.
When they answer "not my interview" to a hiring-loop shape (an invitation organized inside their
own company, or one carrying an interviewer's marks), the same shape from the same domain is not
asked about again. The answers are kept per user by the store and passed in here as plain values:
this module only turns them into lessons and applies them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from calfeed.core.detection.companies import FREE_MAIL, company_label, registrable_domain
from calfeed.core.model import SourceEvent


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer or correction the user gave about one event, with what it was read from."""

    event_key: str
    is_interview: bool
    company: str | None = None  # the company the user confirmed or typed; None: none given
    organizer: str = ""  # the event's organizer address, as it was when answered
    shape: str = ""  # `shape_of(event)` when answered


@dataclass(frozen=True, slots=True)
class Lessons:
    """Rule E5: companies by recruiter and by employer domain; hiring-loop shapes refused."""

    company_by_sender: Mapping[str, str] = field(default_factory=dict)
    company_by_domain: Mapping[str, str] = field(default_factory=dict)
    refused_shapes: frozenset[str] = frozenset()

    def company_for(self, event: SourceEvent) -> str | None:
        """The company the user named for this event's recruiter, else for its domain."""
        sender = _sender(event)
        if not sender:
            return None
        found = self.company_by_sender.get(sender)
        if found is None and (domain := _employer_domain(sender)) is not None:
            found = self.company_by_domain.get(domain)
        return found


NO_LESSONS = Lessons()

_WORD = re.compile(r"[a-z]+")
#: the words a shape is made of: the stage vocabulary, never names
_SHAPE_WORDS = frozenset(
    """interview interviews phone screen screening onsite technical final round loop panel
    debrief candidate kit scorecard system design coding behavioral behavioural culture fit
    hiring manager recruiter intro call wawancara interviewer""".split()
)


def _sender(event: SourceEvent) -> str:
    return event.organizer.email.casefold() if event.organizer is not None else ""


def _employer_domain(address: str) -> str | None:
    """An employer's registrable domain: not free mail, not a tool, not a calendar service."""
    domain = address.rpartition("@")[2]
    if not domain or domain in FREE_MAIL or company_label(address) is None:
        return None
    return registrable_domain(domain)


def shape_of(event: SourceEvent) -> str:
    """Rule E5: an event's shape: its sender's domain and the stage words of its title."""
    domain = _employer_domain(_sender(event)) or "-"
    words = sorted({w for w in _WORD.findall(event.summary.casefold()) if w in _SHAPE_WORDS})
    return f"{domain}|{' '.join(words)}"


def learn(answers: Iterable[Answer]) -> Lessons:
    """Rule E5: the lessons in the user's answers; a later answer wins over an earlier one.

    Free mail and tools' addresses teach a company by sender only (one recruiter writing from
    gmail.com says nothing about everyone on gmail.com).
    """
    by_sender: dict[str, str] = {}
    by_domain: dict[str, str] = {}
    refused: set[str] = set()
    for answer in answers:
        sender = answer.organizer.casefold()
        if answer.is_interview:
            refused.discard(answer.shape)
            if answer.company and sender:
                by_sender[sender] = answer.company
                if (domain := _employer_domain(sender)) is not None:
                    by_domain[domain] = answer.company
        elif answer.shape and not answer.shape.startswith("-|"):
            refused.add(answer.shape)
    return Lessons(by_sender, by_domain, frozenset(refused))


def answers_from_corrections(
    events: Iterable[SourceEvent], corrected: Mapping[str, str]
) -> list[Answer]:
    """Rule E5: a company correction teaches like an answer (event key -> corrected company)."""
    return [
        Answer(e.key, True, corrected[e.key], _sender(e), shape_of(e))
        for e in events
        if corrected.get(e.key)
    ]


def refusals_from_marks(events: Iterable[SourceEvent], refused: Collection[str]) -> list[Answer]:
    """Rule E5: "not an interview" on an event from an employer's domain teaches like a "no"
    (a hiring loop the reading took for the user's own stops coming back next week)."""
    return [
        Answer(e.key, False, None, _sender(e), shape)
        for e in events
        if e.key in refused and not (shape := shape_of(e)).startswith("-|")
    ]
