"""A whole calendar read as its owner would: the user's own interviews, and questions where
unsure (rules D1-D9, E1-E6).

Every event gets a verdict with a confidence. Sure ones (an interview keyword, a hiring step the
title names, an invitation the body spells out from someone outside the user's company) are
interviews and get follow-ups; unsure ones get none and become one question on the dashboard
("Is this one of your job interviews?") until the user answers. Events where the user is on the
hiring side, other kinds of interview and events about one are never either.

Then the calendar is read as a whole, the way a person remembers their applications: rounds
from the same recruiter or employer domain share the company, and rounds of one company share
the role when only one role is known for it.

Pure: events, settings, the user's marks and lessons in; a `CalendarReading` out.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC
from functools import lru_cache

from calfeed.core.detection.applications import Round, place
from calfeed.core.detection.body import BodyReading, may_invite, read_body
from calfeed.core.detection.companies import agrees, company_label, label_display
from calfeed.core.detection.interview import (
    exclusion,
    keyword_pattern,
    latest_by_key,
    to_interview,
)
from calfeed.core.detection.lessons import NO_LESSONS, Lessons, shape_of
from calfeed.core.detection.side import (
    Owner,
    applies_internally,
    candidate_named,
    hiring_side,
    owner_of,
    writes_name,
)
from calfeed.core.detection.stages import (
    BARE_USER_ROUND,
    is_vague,
    names_test,
    other_kind,
    stage_strength,
)
from calfeed.core.detection.titles import (
    has_org_word,
    names_interview_implicitly,
    not_interview_reason,
    role_words,
)
from calfeed.core.detection.whom import may_meet_whom
from calfeed.core.model import NO_MARKS, Interview, Marks, RuleSettings, SourceEvent

_NOT_ALNUM = re.compile(r"[^0-9a-z]")
#: rule D1: a forwarded or replied invitation's title: "FW: Interview Invitation: ...", "Fwd: ..."
_FORWARD = re.compile(r"^\s*(?:(?:fw|fwd|re|tr|wg|aw)\s*:\s*)+", re.IGNORECASE)
_LEGAL_PREFIX = re.compile(r"^(?:pt|cv)\s+", re.IGNORECASE)

#: rule D9: at or above, an interview with follow-ups; below it down to ASK, a question
SURE = 0.8
ASK = 0.5


@dataclass(frozen=True, slots=True)
class Question:
    """Rule D9: an event that may be one of the user's interviews; no follow-ups until answered.

    `company` and `position` are what calfeed would use if the answer is yes (the user may edit
    them); `why` says in a sentence what made calfeed unsure; `reason` is its code for pages.
    """

    event: SourceEvent
    company: str | None
    position: str | None
    why: str
    reason: str
    confidence: float

    @property
    def key(self) -> str:
        return self.event.key


@dataclass(frozen=True, slots=True)
class CalendarReading:
    """Rule D9: the sure interviews (what `detect` returns) and the questions, both by start."""

    interviews: tuple[Interview, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    """How sure calfeed is that one event is the user's own job interview, and why."""

    confidence: float
    reason: str  # a code: "keyword", "stage", "invitation", "vague-title", ...
    why: str


#: rule D9: what each unsure reason says to the user (English; the dashboard translates codes)
WHY = {
    "weak-stage": "The title names a step that is often, not always, an interview.",
    "vague-title": "The title says only that it is a meeting; its invitation mentions a role.",
    "body-only": "Only the invitation's text suggests a job interview.",
}


def _organizer_outside(event: SourceEvent, owner: Owner) -> bool:
    """Someone other than the user, outside the user's company, organized it (a tool counts)."""
    organizer = event.organizer
    if organizer is None or owner.owns(organizer):
        return False
    domain = organizer.email.rpartition("@")[2].casefold()
    return owner.work_domain is None or not domain.endswith(owner.work_domain)


def judge(
    event: SourceEvent,
    keywords: re.Pattern[str],
    owner: Owner,
    body: BodyReading,
    mark: Marks = NO_MARKS,
    lessons: Lessons = NO_LESSONS,
) -> Verdict | None:
    """Rules D1, D5-D9: the verdict on one event not excluded by D2, or None (not an interview)."""
    if mark.confirmed:  # rule D9: the user said yes
        return Verdict(1.0, "answered", "You said this is one of your interviews.")
    title = event.summary
    vague = is_vague(title) or _names_a_pair(title, owner)
    read_as = _read_as(title, owner, body)
    excluded, named, sent_strength, own_strength = _title_facts(read_as, keywords)
    if excluded or (body.press and not body.vacancy):
        return None  # rules D5, D8 ("clipping liputan" beside "posisi ..." is a reporter's CV)
    invited = body.invitation or body.names_role
    if not (named or sent_strength or own_strength or vague or invited or body.vacancy
            or _PAIRED.search(read_as) or _names_user(read_as, owner)):  # fmt: skip
        return None  # nothing says hiring: most events end here
    if hiring_side(event, body, owner) is not None or (
        _names_own_employer(read_as, owner) and not applies_internally(read_as)
    ):
        return None  # rule D6
    if lessons.refused_shapes and shape_of(event) in lessons.refused_shapes:
        return None  # rule E5: the user said no to this shape
    outside = _organizer_outside(event, owner)
    if BARE_USER_ROUND.match(read_as) and not (outside and (body.invitation or body.position)):
        return None  # rule D8: a bare "User Interview" is research unless an employer invites
    if not outside and _INTERVIEWING.search(read_as) and not _INVITED.search(read_as):
        return None  # rule D6: the user's own "Wawancara calon karyawan toko": the user hires
    strength = 2 if named else (sent_strength if outside else own_strength)
    paired = strength == 0 and outside and _user_paired(read_as, owner)
    if paired:
        strength = 1  # rule D7: "Canva <> Dewi Lestari", as recruiting schedulers name a call
    elif strength == 0 and outside and _names_user(read_as, owner) and _names_role(read_as):
        strength = 1  # rule D7: an agency's "Ethan Walker / Tasman Coffee – Assistant Accountant"
    if body.informational and not body.invitation and not named:
        return None  # rule D8: a chat the user arranged, a study, a sales call
    if strength == 2:
        return Verdict(0.9 if named else 0.85, "keyword" if named else "stage", "")
    if strength == 1:
        if outside and (invited or body.position or (not paired and _names_role(read_as))):
            return Verdict(0.85, "stage", "")
        if not outside and body.vacancy and not _at_work(event, owner):
            return Verdict(0.85, "noted-vacancy", "")  # "Telpon HRD X", notes: "lowongan Y"
        if vague and not is_vague(title) and not body.invitation:
            return None  # rule D7: "<invitee> and <host>" for a "Coffee chat": nothing more
        return Verdict(0.6, "weak-stage", WHY["weak-stage"])
    if outside and (body.names_role or (body.invitation and (vague or body.position))):
        return Verdict(0.85, "invitation", "")  # "the first interview for the X role at Y"
    if outside and body.invitation:
        return Verdict(0.6, "body-only", WHY["body-only"])
    if vague and outside and body.position:
        return Verdict(0.6, "vague-title", WHY["vague-title"])
    if not outside and (body.vacancy or body.names_role) and _MEETING.search(read_as):
        if _at_work(event, owner):  # an HR user's own "Meeting HRD - lowongan Staff Admin"
            return Verdict(0.6, "weak-stage", WHY["weak-stage"])
        return Verdict(0.85, "noted-vacancy", "")  # "WA call sama Pak Budi": "soal lowongan X"
    return None


def _read_as(title: str, owner: Owner, body: BodyReading) -> str:
    """Rule D7: what the event is called. A title that says only "a meeting" ("Zoom Meeting",
    Calendly's "<invitee> and <host>") is read as the body's own name for it, when it has one."""
    if body.topic and (is_vague(title) or _names_a_pair(title, owner)):
        return body.topic
    if _names_user(title, owner) and _NAME_THEN_WITH.search(title):
        # "Final: Maria Wijaya w/ Tembusu MD": the round and whom, without the candidate
        return _NAME_THEN_WITH.sub(" ", title, count=1)
    return title


#: rule D7: the user's name before "w/" or "with" in a recruiter's title
_NAME_THEN_WITH = re.compile(r"\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}\s+(?=(?:w/|with)\s)")


def _names_own_employer(title: str, owner: Owner) -> bool:
    """Rule D6: a title that names the user's own employer ("Harbor Foods <> Lumina |
    Demo", "Lumina interview scheduling") is the user's work, not an interview elsewhere."""
    label = _employer_word(owner.work_domain) if owner.work_domain else None
    return label is not None and label.search(title) is not None


#: employers whose name is also a meeting tool's ("Google Meet", "Zoom Meeting", "Microsoft
#: Teams Meeting"): an invitation from elsewhere carries it too, so it says nothing of whose work
_MEETING_VENDORS = frozenset("google microsoft zoom webex cisco skype slack whereby".split())


@lru_cache(maxsize=64)
def _employer_word(work_domain: str) -> re.Pattern[str] | None:
    """The user's employer's name as its domain spells it, as a whole word ("acme-robotics"
    also as "Acme Robotics" or "AcmeRobotics"); None when too short to tell from a word."""
    label = company_label(f"user@{work_domain}")
    if label is None or len(label) < 4 or label in _MEETING_VENDORS:
        return None
    parts = [re.escape(p) for p in re.split(r"[-_]+", label) if p]
    return re.compile(r"(?<![\w])" + r"[\s-]?".join(parts) + r"(?![\w])", re.IGNORECASE)


def _at_work(event: SourceEvent, owner: Owner) -> bool:
    """The event is on the user's work calendar: notes about a vacancy there may be the user's
    own hiring, so they make a question, not an interview (rule D9)."""
    work = owner.work_domain
    return work is not None and event.calendar_id.casefold().rpartition("@")[2].endswith(work)


@lru_cache(maxsize=8192)
def _title_facts(title: str, keywords: re.Pattern[str]) -> tuple[bool, bool, int, int]:
    """What a title says on its own, cached (calendars repeat their titles: "Standup" x 200):
    excluded by D5/D8, named by D1, and the D7 stage strength when sent from outside or not."""
    if not_interview_reason(title) is not None or other_kind(title) is not None:
        return True, False, 0, 0
    named = keywords.search(title) is not None or names_interview_implicitly(title)
    if named:
        return False, True, 2, 2
    if names_test(title):  # rule D8: "Tes Online Tahap 1", a test with no interview named
        return True, False, 0, 0
    return False, False, stage_strength(title, sent=True), stage_strength(title, sent=False)


#: rule D6: words for the people the user interviews, in a title the user wrote
_INTERVIEWING = re.compile(
    r"\b(?:calon\s+(?:karyawan|pegawai|staf|staff)|pelamar|applicants?)\b", re.IGNORECASE
)
#: ...unless the title is the user's copy of an invitation: "Undangan Wawancara Calon Karyawan PT X"
_INVITED = re.compile(r"\b(?:undangan|invitation|panggilan|pt|cv|tbk)\b", re.IGNORECASE)
_PAIRED = re.compile(r"\s(?:<>|<->|x|&)\s", re.IGNORECASE)


#: rule D7: a title that names a call or a meeting with someone, as the user types one
_MEETING = re.compile(
    r"\b(?:call|telp(?:on)?|telepon|ketemu|meet(?:ing)?|ngobrol|wa|whatsapp|vc|hrd|coffee|ngopi"
    r"|lunch|chat)\b",
    re.IGNORECASE,
)
#: rule D7: two names and nothing else: "Hannah Brooks and Priya Shah", "Andre / Farah"
_NAME_PAIR = re.compile(
    r"^\s*([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s+(?:and|&|/|<>|x|\+)\s+"
    r"([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s*$"
)


def _names_a_pair(title: str, owner: Owner) -> bool:
    """Rule D7: a title that pairs the user's name with another person's (Calendly's "<invitee>
    and <host>", the user's "Andre / Farah") says only "a meeting": the body decides."""
    found = _NAME_PAIR.match(title)
    if found is None:
        return False
    words = {w for name in owner.names for w in name.split()}
    return any(side.casefold().split()[0] in words for side in found.groups())


def _names_role(title: str) -> bool:
    """The title names a job: a part holding a role noun ("... | Digital Learning Designer")."""
    return bool(role_words(title))


def _user_paired(title: str, owner: Owner) -> bool:
    """The title pairs the user's name with another party: "Canva <> Dewi Lestari"."""
    return _PAIRED.search(title) is not None and _names_user(title, owner)


def _names_user(title: str, owner: Owner) -> bool:
    """The title writes the user's full name: a recruiter's title for the user's own round."""
    return writes_name(title.casefold(), owner.names)


def _may_be_hiring(event: SourceEvent, keywords: re.Pattern[str]) -> bool:
    """The cheap test before the body is read: a title that names hiring, says only "a meeting",
    or notes that hold an invitation's words."""
    excluded, named, sent_strength, _ = _title_facts(event.summary, keywords)
    if named or sent_strength or is_vague(event.summary) or _PAIRED.search(event.summary):
        return True
    if _NAME_PAIR.match(event.summary):
        return True  # rule D7: Calendly's "<invitee> and <host>": the body's "Event Name" says
    return not excluded and may_invite(event.description, event.location)


def _may_say_hiring(title: str, body: BodyReading, keywords: re.Pattern[str]) -> bool:
    """The first test of `judge`, cheaply: a title or a body that could say hiring at all."""
    if body.invitation or body.names_role or body.vacancy or is_vague(title):
        return True
    _, named, sent_strength, own_strength = _title_facts(title, keywords)
    return bool(
        named or sent_strength or own_strength or _PAIRED.search(title) or _NAME_PAIR.match(title)
    )


@dataclass(frozen=True, slots=True)
class _Read:
    event: SourceEvent
    verdict: Verdict
    interview: Interview
    label: str | None  # the organizer's employer label; None when the user organized it


def read_calendar(
    events: Iterable[SourceEvent],
    settings: RuleSettings,
    marks: Mapping[str, Marks] | None = None,
    lessons: Lessons = NO_LESSONS,
) -> CalendarReading:
    """Rules D1-D9, E1-E6: the user's interviews among `events`, and the questions to ask.

    An event is in one list or neither. Both are in start order (ties by key, deterministic).
    """
    marks = marks or {}
    pattern = keyword_pattern(settings.keywords)
    # rule D7: a recruiter's title with the user's full name ("Ethan Walker / Tasman Coffee –
    # Assistant Accountant") is read whatever else it says
    user = (settings.user_name.casefold(),) if settings.user_name else ()
    read: list[_Read] = []
    forwarded: dict[str, SourceEvent] = {}  # rule D1: read without "FW:", given back as it was
    candidates: set[str] = set()  # rule D6: other people a title names as its candidate
    for event in latest_by_key(events):
        if _FORWARD.match(event.summary):
            forwarded[event.key] = event
            event = replace(event, summary=_FORWARD.sub("", event.summary))
        mark = marks.get(event.key, NO_MARKS)
        if exclusion(event, mark) is not None:
            continue
        named_user = bool(user) and writes_name(event.summary.casefold(), user)
        if not mark.confirmed and not named_user and not _may_be_hiring(event, pattern):
            continue  # nothing in the title or the notes says hiring: most events end here
        body = read_body(event.description, event.location)
        if (
            not mark.confirmed
            and not named_user
            and not _may_say_hiring(event.summary, body, pattern)
        ):
            continue  # what `judge` would find first, without the user's addresses read
        owner = owner_of(event, settings.user_name)
        if (candidate := candidate_named(event, owner)) is not None:
            candidates.add(candidate)
        verdict = judge(event, pattern, owner, body, mark, lessons)
        if verdict is None:
            continue
        title = event.summary
        if verdict.reason in ("keyword", "stage") or is_vague(title):
            title = _read_as(title, owner, body)  # the step named as the tool names it
        interview = to_interview(event, settings, mark, owner=owner, body=body, title=title)
        if verdict.reason == "invitation" and _unvouched(interview.company, event, body):
            # rule E2: the title said nothing of hiring ("Ngopi santai"): its words are no
            # company unless the domain or the body agrees; read the rest without it
            again = to_interview(event, settings, mark, owner=owner, body=body, title=" ")
            interview = replace(interview, company=again.company)
        taught = lessons.company_for(event)
        if taught is not None and (interview.company is None or _from_domain(interview, event)):
            interview = replace(interview, company=taught)
        label = _label(event) if _organizer_outside(event, owner) else None
        read.append(_Read(event, verdict, interview, label))
    if candidates:  # rule D6: "Interview: Bagus Wicaksono - ..." where he is a known candidate
        read = [
            item
            for item in read
            if marks.get(item.event.key, NO_MARKS).confirmed
            or not any(name in item.event.summary.casefold() for name in candidates)
        ]
    read = _promoted(_in_applications(_as_a_whole(read, lessons), lessons))
    interviews: list[Interview] = []
    questions: list[Question] = []
    for item in read:
        mark = marks.get(item.event.key, NO_MARKS)
        interview = _corrected(item.interview, mark)
        if item.event.key in forwarded:
            item = replace(item, event=forwarded[item.event.key])
            interview = replace(interview, event=item.event)
        if item.verdict.confidence >= SURE:
            interviews.append(interview)
        elif item.verdict.confidence >= ASK:
            questions.append(
                Question(
                    event=item.event,
                    company=interview.company,
                    position=interview.position,
                    why=item.verdict.why,
                    reason=item.verdict.reason,
                    confidence=item.verdict.confidence,
                )
            )
    interviews.sort(key=lambda i: (i.start.astimezone(UTC), i.key))
    questions.sort(key=lambda q: (_start_key(q.event), q.key))
    return CalendarReading(tuple(interviews), tuple(questions))


def _unvouched(company: str | None, event: SourceEvent, body: BodyReading) -> bool:
    """A company read from the title alone that nothing else on the event says: no domain on
    the event agrees with it, it has no legal form, and the body never writes it."""
    if company is None or has_org_word(company) or company in body.text:
        return False
    return not any(agrees(company, label) for label in _people_labels(event))


def _start_key(event: SourceEvent) -> str:
    start = event.start
    return start.astimezone(UTC).isoformat() if hasattr(start, "astimezone") else start.isoformat()


def _corrected(interview: Interview, mark: Marks) -> Interview:
    """Rule E2: the user's corrections win ("" clears)."""
    if mark.company is None and mark.position is None:
        return interview
    return replace(
        interview,
        company=interview.company if mark.company is None else (mark.company or None),
        position=interview.position if mark.position is None else (mark.position or None),
    )


def _from_domain(interview: Interview, event: SourceEvent) -> bool:
    """The company was read only from an address, not from anything written."""
    company = interview.company
    if company is None:
        return True
    written = f"{event.summary}\n{event.description}\n{event.location}".casefold()
    name = company.casefold()
    at = written.find(name)
    while at >= 0:
        before = written[at - 1] if at else " "
        after = written[at + len(name) : at + len(name) + 2]
        if before not in "/.@" and not (after[:1] == "." and after[1:].isalnum()):
            return False  # written as a name, not inside an address ("quantapay.zoom.us")
        at = written.find(name, at + 1)
    return True


def _squash(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


def _as_a_whole(read: list[_Read], lessons: Lessons = NO_LESSONS) -> list[_Read]:
    """Rule E5: what the calendar says as a whole, the way a person remembers their applications.

    - a company known only from a domain ("Kreasidigital") takes the spelling another round
      wrote that starts with that domain's name and is mostly it ("PT Kreasi Digital
      Nusantara"; not "PT Astra Honda Motor" for astra.co.id, a group of many companies);
    - rounds from the same organizer domain without a company take that domain's one company;
    - rounds of one company from the same employer domain without a role take its role when
      only one is known for it (the same application: one recruiter's thread).
    """
    by_domain: dict[str, set[str]] = {}
    written: dict[str, str] = {}
    for item in read:
        company = item.interview.company
        if company is None:
            continue
        if not _from_domain(item.interview, item.event):
            written.setdefault(_squash(_LEGAL_PREFIX.sub("", company)), company)
        label = item.label
        if label:
            by_domain.setdefault(label, set()).add(company)
    spellings = sorted(written.items())
    out: list[_Read] = []
    for item in read:
        interview = item.interview
        label = item.label
        taught = interview.company is not None and (
            lessons.company_for(item.event) == interview.company
        )  # what the user taught stays
        if (
            label
            and not taught
            and (interview.company is None or _from_domain(interview, item.event))
        ):
            spelled = _spelling(label, spellings)
            known = {c for c in by_domain.get(label, set()) if c != label_display(label)}
            if spelled is not None:
                interview = replace(interview, company=spelled)
            elif interview.company is None and len(known) == 1:
                interview = replace(interview, company=next(iter(known)))
        out.append(replace(item, interview=interview))
    roles: dict[tuple[str, str], set[str]] = {}
    for item in out:
        label = item.label
        if label and item.interview.company and item.interview.position:
            key = (label, item.interview.company.casefold())
            roles.setdefault(key, set()).add(item.interview.position)
    final: list[_Read] = []
    for item in out:
        interview = item.interview
        label = item.label
        if label and interview.company and interview.position is None:
            known = roles.get((label, interview.company.casefold()), set())
            if len(known) == 1:
                interview = replace(interview, position=next(iter(known)))
        final.append(replace(item, interview=interview))
    return final


def _spelling(label: str, spellings: list[tuple[str, str]]) -> str | None:
    """The written name that starts with the domain's label and is mostly it, if any."""
    if len(label) < 4:
        return None
    at = bisect_left(spellings, (label, ""))
    for key, name in spellings[at:]:
        if not key.startswith(label):
            break
        if 2 * len(label) >= len(key):
            return name
    return None


def _in_applications(read: list[_Read], lessons: Lessons = NO_LESSONS) -> list[_Read]:
    """Rule E5: the rounds of one application share its company and role (see `applications`);
    an unsure round of an application with a sure round is one of its rounds (rule D9). A
    company the user taught for a sender or a domain stays."""
    rounds = [
        Round(
            company=item.interview.company,
            position=item.interview.position,
            labels=_people_labels(item.event),
            outside=item.label is not None,
            sure=item.verdict.confidence >= SURE,
            text=f"{item.event.summary}\n{item.event.description[:2000]}\n{item.event.location}",
            written=not _from_domain(item.interview, item.event),
            taught=(taught := lessons.company_for(item.event)) is not None
            and taught == item.interview.company,
            doubtful=item.interview.position is not None
            and may_meet_whom(item.event.summary, item.interview.position),
        )
        for item in read
    ]
    out: list[_Read] = []
    for item, placed in zip(read, place(rounds), strict=True):
        interview = item.interview
        changed = (placed.company, placed.position) != (interview.company, interview.position)
        unsure = placed.vouched and ASK <= item.verdict.confidence < SURE
        if changed or unsure:
            if changed:
                interview = replace(interview, company=placed.company, position=placed.position)
            verdict = Verdict(SURE, "same-application", "") if unsure else item.verdict
            item = _Read(item.event, verdict, interview, item.label)
        out.append(item)
    return out


def _people_labels(event: SourceEvent) -> frozenset[str]:
    """The employer labels of everyone on the event (rule E2), separators dropped."""
    people = (*event.attendees, *((event.organizer,) if event.organizer else ()))
    return frozenset(
        label.replace("-", "").replace("_", "") for p in people if (label := company_label(p.email))
    )


def _promoted(read: list[_Read]) -> list[_Read]:
    """Rule D9: an unsure round from an employer that also sent a sure interview is one of the
    same application's rounds (a Calendly "Intro Call" before the "HM call"): not asked."""
    sure = {
        label
        for item in read
        if item.verdict.confidence >= SURE and (label := item.label) is not None
    }
    return [
        replace(item, verdict=Verdict(SURE, "same-employer", ""))
        if ASK <= item.verdict.confidence < SURE and item.label in sure
        else item
        for item in read
    ]


def _label(event: SourceEvent) -> str | None:
    """The employer label of the event's organizer, without separators ("kreasidigital")."""
    if event.organizer is None:
        return None
    label = company_label(event.organizer.email)
    return label.replace("-", "").replace("_", "") if label else None
