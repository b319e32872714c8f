"""Company and position from all the evidence an event holds (rule E2).

Pure. The title's parts (see `titles.segments`) are weighed against the people on the event: their
names (a person is not a company), the user's own name (never a company or role) and the
registrable names of their e-mail domains (not free mail, not the scheduling and applicant-tracking
tools' own domains). Where the evidence is thin or conflicts the slot stays empty: a missing
company degrades a draft gracefully, a wrong one embarrasses the user.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from publicsuffixlist import PublicSuffixList

from calfeed.core.detection.titles import (
    HONORIFIC_WORDS,
    NAME_ENDS,
    ORG_WORDS,
    PEOPLE_TITLES,
    Segment,
    has_org_word,
    role_words,
    segments,
    strip_stage_and_noise,
)
from calfeed.core.detection.whom import DEPARTMENTS, names_senior

#: rule E2: free-mail domains say nothing about the employer
FREE_MAIL = frozenset(
    """gmail.com googlemail.com yahoo.com yahoo.co.id yahoo.co.uk ymail.com hotmail.com outlook.com
    outlook.co.id live.com msn.com icloud.com me.com mac.com aol.com proton.me protonmail.com
    gmx.com gmx.de gmx.net web.de mail.com yandex.com yandex.ru zoho.com zohomail.com hey.com
    fastmail.com rocketmail.com qq.com 163.com 126.com naver.com hanmail.net rediffmail.com
    tutanota.com pm.me""".split()
)
#: rule E2: scheduling and applicant-tracking senders: the tool, never the employer
TOOL_DOMAINS = frozenset(
    """greenhouse.io greenhouse-mail.io lever.co ashbyhq.com ashby.com calendly.com goodtime.io
    gem.com myworkday.com workday.com myworkdayjobs.com smartrecruiters.com workable.com
    workablemail.com icims.com jobvite.com bamboohr.com recruitee.com teamtailor.com
    teamtailor-mail.com breezy.hr jazzhr.com applytojob.com zoom.us google.com cal.com
    savvycal.com youcanbook.me doodle.com hirevue.com codility.com hackerrank.com coderpad.io
    personio.de personio.com pinpointhq.com paradox.ai prelude.co yello.co cronofy.com
    kalibrr.com glints.com jobstreet.com jobstreet.co.id zohorecruit.com rippling.com
    modernhire.com brighthire.ai calendar.app.google""".split()
)
#: rule E2: a field of work, not an employer, however it is capitalised
FIELDS = DEPARTMENTS | frozenset(
    "social digital content creative brand growth performance media communications".split()
)
#: a senior title, organisation nouns and joiners: what is left of a name without them
_TITLE_AND_ORG = re.compile(
    r"(?i)\b(?:kepala|head|direktur|director|manager|manajer|gm|ceo|dir|of|the|"
    + "|".join(sorted((w.rstrip(".") for w in ORG_WORDS), key=len, reverse=True))
    + r")\b\.?"
)
_NAME_WORD_RE = re.compile(r"\w{2,}")
_TENANT = re.compile(r"[a-z][a-z0-9-]{2,}")
_ROBOTS = frozenset(
    """noreply no-reply donotreply do-not-reply workday notification notifications mail
    scheduling scheduler recruiting recruitment careers jobs talent hr alerts system""".split()
)
_SERVICE_HOSTS = ("calendar.google.com", "resource.calendar.google.com")
# compiled once: a feed reads thousands of names through these
_LABEL_SEP = re.compile(r"[-_]+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")
_WORD = re.compile(r"\w+")
_LOCAL_SEP = re.compile(r"[._\-+\d]+")
_NAME_WORD = re.compile(r"[\w&'-]+")


@dataclass(frozen=True, slots=True)
class Party:
    """Someone on the event other than the user: a display name as given, and an address."""

    name: str
    email: str


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    """The list the package ships (no network), read once per process.

    Without its punycoded copies (`accept_encoded_idn=False`): making them encodes every rule and
    was most of calfeed's start-up; `registrable_domain` decodes a punycoded domain instead.
    """
    return PublicSuffixList(accept_encoded_idn=False)


@lru_cache(maxsize=4096)
def registrable_domain(domain: str) -> str | None:
    """`careers.acme.co.id` -> `acme.co.id` (the public suffix list's registrable name)."""
    domain = domain.casefold().strip(". ")
    if not domain or "." not in domain:
        return None
    if "xn--" in domain:  # the list holds IDN rules in Unicode: compare in Unicode
        try:
            unicode = domain.encode("ascii").decode("idna")
        except (UnicodeError, ValueError):
            return None
        found = _psl().privatesuffix(unicode)
        return found.encode("idna").decode("ascii") if found else None
    return _psl().privatesuffix(domain)


@lru_cache(maxsize=4096)
def company_label(email: str) -> str | None:
    """Rule E2: the employer's name an address carries (`kim@careers.acme-robotics.co.id` ->
    "acme-robotics"), or None for free mail, tools and calendar services."""
    local, _, domain = email.casefold().rpartition("@")
    domain = domain.strip(". ")
    if not domain or domain.endswith(_SERVICE_HOSTS):
        return None
    if domain == "myworkday.com" and _TENANT.fullmatch(local) and local not in _ROBOTS:
        return local  # Workday writes from <tenant>@myworkday.com: the tenant is the employer
    labels = domain.split(".")
    parents = {".".join(labels[i:]) for i in range(len(labels) - 1)}
    base = registrable_domain(domain)
    if base is None or base in FREE_MAIL or parents & TOOL_DOMAINS:
        return None
    public = _psl().publicsuffix(base) or ""
    label = base[: len(base) - len(public)].strip(".")
    return label or None


def label_display(label: str) -> str:
    """How a bare domain label reads as a name: "acme-robotics" -> "Acme Robotics"."""
    return " ".join(w.capitalize() for w in _LABEL_SEP.split(label) if w)


def _squash(text: str) -> str:
    """Letters and digits only, accents dropped: "Ōrongo Bay" is orongobay.govt.nz's name."""
    low = text.casefold()
    if not low.isascii():
        low = unicodedata.normalize("NFKD", low).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("", low)


def _base_letter(char: str) -> str:
    """The letter without its accent ("ō" -> "o"), one character for one."""
    if char.isascii():
        return char
    base = unicodedata.normalize("NFKD", char)[:1]
    return base if base.isascii() else char


def _without_org_words(text: str) -> str:
    return " ".join(w for w in text.split() if not has_org_word(w))


@lru_cache(maxsize=8192)
def agrees(text: str, label: str) -> bool:
    """Rule E2: a name and a domain label say the same ("Datadog" ~ "datadoghq")."""
    for variant in {_squash(text), _squash(_without_org_words(text))}:
        if len(variant) < 3:
            continue
        if variant == label.replace("-", "").replace("_", ""):
            return True
        squashed = _squash(label)
        if len(variant) >= 4 and squashed.startswith(variant) and len(squashed) - len(variant) <= 3:
            return True
    return False


_LEGAL_TAILS = frozenset("tbk persero (persero) ltd inc".split())
_CAPITALISED_RUN = re.compile(r"[A-Z][\w&'’-]*(?:[ \t]+(?:&[ \t]+)?[A-Z][\w&'’-]*){0,9}")


def spelled_in(text: str, label: str) -> str | None:
    """Rule E2: how `text` writes the name a domain label squashes ("Brightline Health" for
    brightlinehealth, "Quanta Pay" for quantapay), or None when it never writes it out."""
    plain = label.replace("-", "").replace("_", "")
    if len(plain) < 4:
        return None
    low = text.lower()
    # "Ōrongo Bay" is found and read as "Orongo Bay" (one letter for one), given back as written
    based = text if text.isascii() else "".join(map(_base_letter, text))
    if len(low) != len(text):
        low = text  # a letter whose lowercase is longer: search the text as it is
    elif based is not text:
        low = based.lower()
    # only around where the name's first letters occur: most of a body is other names
    runs: list[str] = []
    at = low.find(plain[:3])
    while at >= 0 and len(runs) < 40:
        # the window ends at a line's end, never inside a name ("PT Kasira T|eknologi")
        end = text.find("\n", at + 80, at + 240)
        runs += (
            text[m.start() : m.end()]
            for m in _CAPITALISED_RUN.finditer(
                based, max(0, at - 40), end if end >= 0 else at + 240
            )
        )
        at = low.find(plain[:3], at + 80)
    exact = legal = mostly = skipped = None
    for run in dict.fromkeys(runs):
        if plain[:4] not in _squash(run):
            continue  # most runs are other names: no sub-run of them can spell the label
        words = run.split()
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + 4) + 1):
                candidate = " ".join(words[i:j]).strip("-'’")
                squashed = _squash(candidate)
                if squashed == plain and exact is None:
                    exact = _with_org_tail(candidate, words[j:])  # "Irwell Housing Group"
                if (
                    (legal is None or len(candidate) > len(legal))
                    and j - i > 1
                    and words[i].casefold().rstrip(".") in ("pt", "cv")
                    and (rest := _squash(" ".join(words[i + 1 : j]))).startswith(plain)
                    and 2 * len(plain) >= len(rest)
                    and (j == len(words) or words[j].casefold().rstrip(".,") in _LEGAL_TAILS)
                ):  # the whole legal name, not its start ("PT Kasara" of "PT Kasara Teknologi")
                    legal = _with_org_tail(candidate, words[j:])  # "PT Arunika Digital Tbk"
                if (
                    j - i > 1
                    and squashed.startswith(plain)
                    and _squash(words[i]) != plain
                    and 2 * len(plain) >= len(squashed)
                    and (mostly is None or len(candidate) < len(mostly))
                ):
                    mostly = candidate  # "Lumen Education" for lumenedu.co.uk
                if (
                    j - i == 3
                    and skipped is None
                    and len(first := _squash(words[i])) >= 4
                    and first + _squash(words[j - 1]) == plain
                ):
                    skipped = candidate  # "Armada Nusantara Lines" for armadalines.co.id
    return legal or exact or mostly or skipped


#: rule E2: the words after a name that belong to it as its employer writes it
_ORG_TAILS = frozenset(
    """group ltd ltd. limited plc tbk tbk. inc inc. llp pte pte. bhd sdn gmbh llc holdings
    consultants consulting associates partners""".split()
)


def _with_org_tail(name: str, after: list[str]) -> str:
    """ "Irwell Housing" then "Group", "Bank Tirta Utama" then "Tbk": the name with its tail."""
    tail: list[str] = []
    for word in after[:3]:
        if word.casefold().strip(",;") not in _ORG_TAILS:
            break
        tail.append(word.strip(",;"))
        if word.endswith((",", ";")):
            break
    return " ".join([name, *tail]).rstrip(".") if tail else name


#: rule E2: a public body's name opens with its kind: "Ministry of Civic Assets" where the
#: domain (civicassets.govt.nz) gives "Civic Assets"
_AUTHORITY_HEAD = re.compile(
    r"(?:\b(?:ministry|department|office|bureau|council|commission|agency|authority)\s+(?:of|for)"
    r"(?:\s+the)?|\b(?:kementerian|dinas|badan))\s+$",
    re.IGNORECASE,
)


def org_tail_after(name: str, written: str) -> str:
    """Rule E2: the name with the legal form or "Group" the text writes right after it, the
    first time it writes the name so ("Irwell Housing" in "... Irwell Housing Group"), or with
    the public body's kind written before it ("Ministry of" Civic Assets)."""
    for found in re.finditer(rf"(?<![\w&]){re.escape(name)}(?![\w&])", written, re.IGNORECASE):
        head = _AUTHORITY_HEAD.search(written, max(0, found.start() - 40), found.start())
        if head is not None and head.group()[:1].isupper():
            return f"{head.group()}{found.group()}"
        fuller = _with_org_tail(name, written[found.end() :].split()[:3])
        if fuller != name:
            return fuller
    return name


def _tokens(text: str) -> set[str]:
    return {t for t in _WORD.findall(text.casefold()) if len(t) > 1}


@lru_cache(maxsize=256)
def _user_pattern(user_names: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for the user's names and addresses, whole first, then their words."""
    names = sorted({n.strip() for n in user_names if n and n.strip()}, key=len, reverse=True)
    words = sorted({t for n in names for t in n.split() if len(t) >= 3}, key=len, reverse=True)
    # "Yohanes N.", "Noah W": the first name and the last name's initial, as schedulers write it
    short = {
        rf"{re.escape(parts[0])}\s+{re.escape(parts[-1][0])}\b\.?"
        for n in names
        if "@" not in n and len(parts := n.split()) >= 2
    }
    alternatives = [*sorted(short, key=len, reverse=True)] + [
        re.escape(n) for n in [*names, *words]
    ]
    if not alternatives:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def _without_user(title: str, user_names: tuple[str, ...]) -> str:
    """The title with the user's own name and address removed (never a company or role)."""
    pattern = _user_pattern(user_names)
    return pattern.sub(" ", title) if pattern else title


#: a part after "with" that starts with one of these names a company's team, not a person
_TEAM_WORDS = frozenset("hr hrd recruiter recruiters recruiting rekrutmen talent tim team".split())


#: rule E2: a party named as a team or a mailbox is no person: its name holds the employer's
_TEAM_PARTY = re.compile(
    r"\b(?:team|tim|hr|hrd|recruiting|recruitment|talent|careers?|hiring|rekrutmen|people|sdm"
    r"|human\s+capital|graduate)\b",
    re.IGNORECASE,
)


#: rule E2: the team words a mailbox's name starts with, before its employer's name
_TEAM_HEAD = re.compile(
    r"^(?:(?:tim|team|hr|hrd|rekrutmen|recruitment|recruiting|talent(?:\s+acquisition)?|careers?"
    r"|sdm|human\s+capital|people)\s+)+",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)
def _is_team(name: str) -> bool:
    return _TEAM_PARTY.search(name) is not None


@lru_cache(maxsize=1024)
def _team_employer(name: str) -> str | None:
    """What follows a mailbox name's team words, when that is a name of two to five words."""
    rest = _TEAM_HEAD.sub("", name).strip()
    return rest if rest != name.strip() and 1 < len(rest.split()) <= 5 else None


def _is_person(text: str, parties: Sequence[Party]) -> bool:
    words = text.split()
    if words and words[0].casefold().rstrip(".") in HONORIFIC_WORDS:
        return True
    if words and all(w.casefold() in PEOPLE_TITLES for w in words):
        return True  # "Chairman", "Group CEO", "Presiden Direktur": whom the user meets
    tokens = _tokens(text)
    if not tokens:
        return False
    for party in parties:
        if _is_team(party.name):
            continue  # "Harbor Capital Graduate Recruitment": a team's mailbox names its employer
        local = party.email.split("@", 1)[0]
        known = _tokens(party.name) | _tokens(_LOCAL_SEP.sub(" ", local))
        if tokens <= known:
            return True
    return False


_LEADING_LOWER = re.compile(r"^(?:[a-z][\w&'-]*\s+)+")


def _employer_after_title(text: str) -> str:
    """What a person's bracket names as their employer: the capitalised name after their
    lower-case job ("manager resto Bebek Tepi Sawah"), after a comma ("Head of CX, Tōtara"),
    or before their title ("Tiram founder")."""
    if "," in text:
        tail = text.rsplit(",", 1)[1].strip()
        if tail[:1].isupper() and not names_senior(tail):
            return tail
    words = text.split()
    if len(words) >= 2 and names_senior(words[-1]) and not names_senior(" ".join(words[:-1])):
        return " ".join(words[:-1])
    return _LEADING_LOWER.sub("", text)


def _titled_people(parts: Sequence[_Part]) -> set[int]:
    """Rule E6: one capitalised name after "with", then a bracket that opens with a senior
    title or ends in one ("coffee w/ Aroha (Head of CX, Tōtara)", "Coffee w/ Irfan (Tiram
    founder)"): a person and their title."""
    found = set()
    for part, after in zip(parts, parts[1:], strict=False):
        words = part.text.split()
        if (
            part.segment.joined_by == "with"
            and len(words) == 1
            and words[0][:1].isupper()
            and after.segment.joined_by == "("
            and after.index == part.index + 1
            and _senior_edge(after.text)
        ):
            found.add(part.index)
    return found


#: the titles that open or end a person's bracket ("Head of CX", "Tiram founder"); not a
#: manager's, which is as often the job ("Grab (Product Manager, Payments)")
_PERSON_TITLE_EDGES = frozenset(
    """head kepala director direktur vp svp evp chief ceo cfo cto coo cmo cpo chro founder
    co-founder cofounder gm md partner president owner pemilik""".split()
)


def _senior_edge(text: str) -> bool:
    head = text.split(",")[0].casefold().split()
    return bool(head) and (head[0] in _PERSON_TITLE_EDGES or head[-1] in _PERSON_TITLE_EDGES)


def _about_people(parts: Sequence[_Part], people: set[int]) -> set[int]:
    """Rule E2: a bracket right after a person is about that person ("Pak Budi (manager resto
    Bebek Tepi Sawah)", "Bu Rina (HRD)"): their job, never the position; a capitalised name
    at its end may be their employer. A bracket of several words that starts in lowercase."""
    about = set()
    previous: _Part | None = None
    for part in parts:
        if (
            part.segment.joined_by == "("
            and previous is not None
            and previous.index in people
            and (
                part.text[:1].islower()
                or _senior_edge(part.text)
                or previous.text.split()[0].casefold().rstrip(".") in HONORIFIC_WORDS
            )
        ):
            about.add(part.index)
        previous = part
    return about


def _looks_like_a_name(text: str) -> bool:
    """Two or three capitalised words: "Jane Doe" (after "with", taken for a person)."""
    words = text.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and w.isalpha() for w in words)


@dataclass(frozen=True, slots=True)
class _Part:
    index: int
    segment: Segment
    text: str


def _parts(title: str, keywords: re.Pattern[str]) -> list[_Part]:
    found = []
    for i, segment in enumerate(segments(title)):
        text = strip_stage_and_noise(segment.text, keywords)
        if any(c.isalpha() for c in text):
            found.append(_Part(i, segment, text))
    return found


@lru_cache(maxsize=8192)
def read_company_position(
    title: str,
    keywords: re.Pattern[str],
    parties: tuple[Party, ...] = (),
    user_names: tuple[str, ...] = (),
) -> tuple[str | None, str | None]:
    """Rule E2: the company and position an event names, each None when not clear.

    Args:
        title: the event's title.
        keywords: the interview keywords (rule D1) as one pattern; they are never a name.
        parties: interviewers and organizer other than the user.
        user_names: the user's name(s) and address(es); never read as company or position.

    Cached: a feed is rebuilt from the same events on every poll.
    """
    parts = _parts(_without_user(title, user_names), keywords)
    people = {p.index for p in parts if _is_person(p.text, parties)} | _titled_people(parts)
    about = _about_people(parts, people)
    labels = sorted({lab for party in parties if (lab := company_label(party.email))})

    roles = [
        p
        for p in parts
        if role_words(p.text)
        and not has_org_word(p.text)
        and p.segment.joined_by not in ("with", "between", "name")
        and p.index not in people
        and p.index not in about
        and not any(agrees(p.text, lab) for lab in labels)
    ]
    position_part = (
        next((p for p in roles if p.segment.joined_by == "for"), None)
        # rule E6: "Interview Area Manager - Field Surveyor": whom the user meets, then the job
        or next((p for p in roles[1:] if _meets_then_job(roles[0], p)), None)
        or (roles[0] if roles else None)
    )
    position = position_part.text if position_part else None

    best: tuple[int, int, str] | None = None
    for part in parts:
        if part in roles:
            continue
        if part.index in about:  # "(manager resto Bebek Tepi Sawah)": their employer, if any
            named = _employer_after_title(part.text)
            if not named[:1].isupper() or (
                named == part.text and (part.text[:1].islower() or names_senior(part.text))
            ):
                continue  # "(Tai Ping)" after "Dr Chan" stays: where that person works
            part = _Part(part.index, part.segment, named)
        score = _company_score(
            part, parts, people, labels, has_role=bool(roles), roles={r.index for r in roles}
        )
        if score >= 1 and (best is None or score > best[0]):
            best = (score, part.index, part.text)
    company = _trim_lowercase_tail(best[2]) if best else None
    if company is None and position is not None:
        company, position = _split_name_role(position)
    if company is None:
        company = _company_from_domains(labels, parties)
    return _never_the_user(company, user_names), _never_the_user(position, user_names)


def _meets_then_job(first: _Part, other: _Part) -> bool:
    """Rule E6: the first role part is a senior title (whom the user meets), the other not."""
    return names_senior(first.text) and not names_senior(other.text)


def _split_name_role(text: str) -> tuple[str | None, str]:
    """Rule E2: "Pelican Analytics ML intern" read as one part: capitalised words that end in an
    organisation noun, then a role, are the company and then the role."""
    words = text.split()
    for end in range(len(words) - 1, 0, -1):
        if words[end - 1].casefold().strip(".,") not in NAME_ENDS:
            continue
        head, rest = words[:end], " ".join(words[end:])
        named = len(head) >= 2 and all(w[:1].isupper() for w in head)
        if named and all(w.casefold() in FIELDS for w in head):
            break  # "Social Media Lead", "Data Analytics Intern": a field, not an employer
        if named and role_words(rest) and not role_words(" ".join(head)):
            return " ".join(head), rest
        break
    return None, text


def _company_score(
    part: _Part,
    parts: list[_Part],
    people: set[int],
    labels: Sequence[str],
    *,
    has_role: bool,
    roles: frozenset[int] | set[int] = frozenset(),
) -> int:
    """How strongly one title part names the employer; 0 or less: not at all."""
    text, joined = part.text, part.segment.joined_by
    org = has_org_word(text)
    if org and " " in text and not _NAME_WORD_RE.findall(_TITLE_AND_ORG.sub(" ", text)):
        return 0  # "Kepala Klinik", "Head of School": whom the user meets, not which employer
    domain = any(agrees(text, lab) for lab in labels)
    if domain:
        return 5 + org
    if joined in ("between", "name", "via") or (part.index in people and not org):
        return 0
    if text.islower() and _LOWER_LEGAL.match(text):
        return 3 + (2 if joined in ("at", "from") else 1)  # "cv berkah abadi", typed lowercase
    if text.islower() and text != part.segment.text:
        return 0  # "interview prep": a lowercase leftover beside a keyword names nothing
    if not text.islower() and text[:1].islower() and not org:
        return 0  # "without a UID": a phrase, not a name (names start with a capital)
    score = 3 if org else 0
    if joined in ("at", "from"):
        score += 2
    elif joined == "(":
        previous = next((p for p in reversed(parts) if p.index < part.index), None)
        after_person = previous is not None and previous.index in people
        after_with = previous is not None and previous.segment.joined_by == "with"
        if labels and previous is not None and previous.index in roles and not org:
            # the employer's domain is on the event and this is not it: "Account Executive
            # (SMB)" from harborfreight.com, the role's qualifier
            return 0
        score += 2 if (after_person or after_with) else 1
    elif joined == "with":
        first = part.segment.text.split()[0].casefold() if part.segment.text.split() else ""
        if first in _TEAM_WORDS and not names_senior(text):  # not "with Team Head": a person
            # "dengan HRD Erajaya", "with the recruiting team at ..."
            return score + 2
        if not org and (not has_role or _looks_like_a_name(text) or text.islower()):
            return 0  # "with Jane", "with Jane Doe", "with client": a person as often as a company
        score += 0 if org else 1
    elif joined == "":
        score += 1
    return score


#: rule E2: a legal form and a name, as a user types it in a hurry: "cv berkah abadi logistik"
_LOWER_LEGAL = re.compile(r"(?:pt|cv)\.?\s+[a-z]\w+")


def _trim_lowercase_tail(text: str) -> str:
    """ "Globex engineering" -> "Globex": a name does not end in lowercase words (a department)."""
    if text.islower():
        return text
    words = text.split()
    while len(words) > 1 and words[-1].islower():
        words.pop()
    return " ".join(words)


def _company_from_domains(labels: Sequence[str], parties: Sequence[Party]) -> str | None:
    """Rule E2: one employer's domain among the people; spelled as their names spell it."""
    if len(labels) != 1:
        return None  # none, or several employers: conflicting evidence
    label = labels[0]
    plain = label.replace("-", "").replace("_", "")
    for party in parties:  # "Rekrutmen Asuransi Sehat Sentosa": the team's employer, in full
        rest = _team_employer(party.name)
        if rest and _squash(rest).endswith(plain):
            return rest
    for party in parties:
        words = _NAME_WORD.findall(party.name)
        for size in (3, 2):  # "HR Kopi Kenangan" spells kopikenangan.com; before "Sinar" alone
            for i in range(len(words) - size + 1):
                run = " ".join(words[i : i + size])
                if _squash(run) == plain:
                    return run
        for word in words:
            if agrees(word, label):
                return word
    return label_display(label)


def _never_the_user(value: str | None, user_names: Sequence[str]) -> str | None:
    if not value:
        return None
    own = set()
    for name in user_names:
        own |= _tokens(name)
    return None if _tokens(value) and _tokens(value) <= own else value
