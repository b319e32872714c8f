"""Whose interview it is: the user as the candidate, or on the hiring side (rule D6).

An employed job seeker's calendar holds two kinds of interview: her own, sent by other companies,
and the hiring loops her own company's applicant-tracking system puts her on as an interviewer
("Interview: <candidate> - Backend Engineer", with an interview kit and "submit your scorecard").
The second kind must never get a thank-you. The evidence: the user's own addresses and work
domain against the organizer's, the marks only the interviewer's copy carries (see `body`), a
"Candidate:" line naming someone else, and a candidate who is another attendee.

Pure; the user's addresses are gathered once per event from what the event says about `self`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from calfeed.core.detection.body import BodyReading
from calfeed.core.detection.companies import FREE_MAIL, company_label, registrable_domain
from calfeed.core.model import Attendee, SourceEvent


@dataclass(frozen=True, slots=True)
class Owner:
    """The user as one event shows them: addresses, names, and their work domain if any."""

    addresses: frozenset[str]
    names: tuple[str, ...]
    work_domain: str | None

    def owns(self, person: Attendee) -> bool:
        """Rule D6: one of the user's own addresses, forwarding ones included (same name)."""
        email = person.email.casefold()
        if person.is_self or email in self.addresses:
            return True
        name = " ".join((person.display_name or "").casefold().split())
        if name and name in self.names:
            return True
        return _address_name(email) in self.names


_LOCAL_WORDS = re.compile(r"[._\-\d]+")


@lru_cache(maxsize=4096)
def _address_name(email: str) -> str:
    local = email.partition("@")[0].split("+", 1)[0]
    return " ".join(w for w in _LOCAL_WORDS.split(local) if w)


def owner_of(event: SourceEvent, user_name: str) -> Owner:
    """Rule D6: the user's addresses on this event (self, the calendar's id) and names."""
    people = (*event.attendees, *((event.organizer,) if event.organizer else ()))
    selves = tuple((p.email, p.display_name or "") for p in people if p.is_self)
    return _owner(event.calendar_id, selves, user_name)


@lru_cache(maxsize=256)
def _owner(calendar_id: str, selves: tuple[tuple[str, str], ...], user_name: str) -> Owner:
    """Cached: every event of one calendar shows the same user."""
    addresses = {calendar_id.casefold()} if "@" in calendar_id else set()
    names = {" ".join(user_name.casefold().split())} if user_name.strip() else set()
    for email, display_name in selves:
        addresses.add(email.casefold())
        if display_name:
            names.add(" ".join(display_name.casefold().split()))
    names |= {_address_name(a) for a in addresses if len(_address_name(a).split()) >= 2}
    work = None
    for address in sorted(addresses):
        domain = address.rpartition("@")[2]
        if domain and domain not in FREE_MAIL and company_label(address) is not None:
            work = registrable_domain(domain)
            break
    return Owner(frozenset(addresses), tuple(sorted(n for n in names if n)), work)


def _domain(email: str) -> str | None:
    domain = email.rpartition("@")[2].casefold()
    return registrable_domain(domain) if domain else None


def _only_colleagues(event: SourceEvent, owner: Owner) -> bool:
    """Every person on the event other than the user is at the user's company (the organizer a
    scheduling tool): an interview loop the user's employer runs, not one the user attends as a
    candidate, where the interviewers come from the other company."""
    others = [
        p
        for p in event.attendees
        if not owner.owns(p) and not p.resource and company_label(p.email) is not None
    ]
    return bool(others) and all(_domain(p.email) == owner.work_domain for p in others)


#: rule D6: the user applying inside their own employer: "Interview: Teaching Fellow (internal)",
#: "internal application - Ops Lead", "wawancara mutasi internal"
_INTERNAL = re.compile(
    r"[(\[]\s*internal\s*[)\]]|\binternal\s+(?:application|applicant|candidate|transfer|move"
    r"|role|vacancy|posting|mobility)|\b(?:mutasi|rotasi|promosi)\s+internal\b",
    re.IGNORECASE,
)


def applies_internally(title: str) -> bool:
    """Rule D6: the title says the user is an internal candidate, so an interview organized
    inside the user's company is still theirs (unless the body holds an interviewer's marks)."""
    return _INTERNAL.search(title) is not None


def hiring_side(event: SourceEvent, body: BodyReading, owner: Owner) -> str | None:
    """Rule D6: why the user is on the hiring side of this interview, or None.

    - the body carries the interviewer's marks (an interview kit, a scorecard, "Interviewers
      only", a feedback form);
    - a "Candidate:" line names someone other than the user;
    - the user works at a company (a work address) and the event is organized inside it, or
      everyone else on it works there (a scheduling tool as organizer): a hiring loop of the
      user's own employer;
    - a candidate who is another attendee: a private address, not the user's, whose owner the
      title names (whoever organized it: a client's "User Interview - <role> - <candidate>"
      with the agency's recruiter invited as an observer).
    """
    if body.candidate and owner.names:
        candidate = set(body.candidate.casefold().split())
        need = min(2, len(candidate))  # "Nadia" or "Nadia Putri", not another "Budi"
        if any(len(candidate & set(name.split())) >= need for name in owner.names):
            return None  # the user's own invitation names them as the candidate
        return "the candidate is someone else"
    if body.hiring_side:
        return f"the invitation holds an interviewer's {body.hiring_side}"
    if applies_internally(event.summary):
        return None
    if candidate_named(event, owner) is not None:
        return "the candidate is another attendee"
    if owner.work_domain is None:
        return None
    organizer = event.organizer
    inside = organizer is None or owner.owns(organizer)
    if not inside and organizer is not None:
        inside = _domain(organizer.email) == owner.work_domain
    if not inside:
        if _only_colleagues(event, owner):
            return "everyone else on it works at the user's company"
        return None
    if organizer is not None and not owner.owns(organizer):
        return "organized inside the user's own company"
    return None


def writes_name(low: str, names: Sequence[str]) -> bool:
    """`low` (casefolded) writes one of the user's names whole, or its first and last words
    ("Maria Wijaya" for Maria Fransiska Wijaya): a title about the user herself."""
    for name in names:
        words = name.split()
        if len(words) >= 2 and (
            name in low or (len(words) > 2 and f"{words[0]} " in low and f" {words[-1]}" in low)
        ):
            return True
    return False


def candidate_named(event: SourceEvent, owner: Owner) -> str | None:
    """Rule D6: the name of another attendee with a private address whom the title names
    ("User Interview - Area Sales Manager - Bagus Wicaksono", bagus.wicaksono@gmail.com): the
    candidate, when the title does not name the user too and does not meet them "with" the
    person ("Interview with Jane Doe": the interviewer); else None."""
    title = event.summary.casefold()
    if writes_name(title, owner.names):
        return None
    for person in event.attendees:
        if owner.owns(person) or person.resource or person.organizer:
            continue
        if person.email.rpartition("@")[2].casefold() not in FREE_MAIL:
            continue
        name = " ".join((person.display_name or _address_name(person.email)).casefold().split())
        parts = name.split()
        if len(parts) >= 2 and all(part in title for part in parts):
            if _MET.search(title, 0, title.find(parts[0])):
                continue  # "Interview with Jane Doe": whom the user meets, not a candidate
            return name
    return None


#: the word before a person the user meets: "with", "w/", "dengan", "sama", "meet"
_MET = re.compile(r"(?:\bwith|\bw/|\bdengan|\bsama|\bmeet|\bketemu|\bbersama)\s*$")
