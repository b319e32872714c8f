"""The rounds of one application, read together as the user remembers them (rule E5).

A job seeker's calendar holds each application several times: the recruiter's invitation that
names the company and the role in full, then rounds the user typed ("2nd rd @ Quanta", "Int -
PacificTel CEO", "interview ulang starbucks TP") or that a colleague of the recruiter sent with
only a stage for a title ("Loop - System Design"). A careful reader knows these are one
application: the later rounds take the company as the employer spells it and the role the
invitation named.

Two companies are one application when, without legal forms and organisation nouns, one name is
the start of the other ("Santika" / "Hotel Santika Gubeng", "Quanta" / "Quantapay", "PacificTel" /
"PacificTel CEO"); a round without a company joins the one application whose name its title or
notes mention as a word ("HM call", notes "... Brightline."). Within an application:

- the company is the name that agrees with an employer's domain on one of its rounds ("Halcyon
  Group" for halcyongroup.com.sg), else the shortest name that starts the others ("Matahari" for
  "Matahari TP");
- the role, when the rounds know exactly one (one being the other with more words counts once),
  goes to every round without one, and replaces a role the user typed that holds the company's
  own name ("Int - Nusa Retail HR Director": whom the user meets, not the job);
- an unsure round of an application with a sure round is one of its rounds (rule D9).

Pure and small: a calendar holds a few dozen readings; the pairwise comparison is over those.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from calfeed.core.detection.companies import agrees, spelled_in
from calfeed.core.detection.naming import without_company
from calfeed.core.detection.titles import LEGAL_PREFIX, NAME_ENDS, ORG_WORDS
from calfeed.core.detection.whom import DEPARTMENTS

#: words that name a kind of place, not which one: never what tells two employers apart
_GENERIC = frozenset(
    "hotel resto restoran restaurant cafe kafe toko the of and dan & de la di at".split()
)
_WORD = re.compile(r"[\w&']+")
_ACRONYM = re.compile(r"[A-Z]{2,5}")
_ACRONYM_WORD = re.compile(r"\b[A-Z]{3,5}\b")
#: "RSU BH", "RSIA PM": an organisation's noun before its initials
_LEADING_ORG = re.compile(r"^(?:(?:rs|rsu|rsud|rsia|bank|kap|klinik|hotel)\s+)+", re.IGNORECASE)
#: initials joined by an ampersand, as "Hollis & Ware" is typed: "H&W", "P&G"
_AMPERSAND_INITIALS = re.compile(r"[A-Z]{1,2}&[A-Z]{1,2}")
_MIN_NAME = 4  # squashed letters a name needs to stand for an application ("PT" does not)


@dataclass(frozen=True, slots=True)
class Round:
    """One reading as the application step sees it."""

    company: str | None
    position: str | None
    labels: frozenset[str]  # employer labels of the people on the event (rule E2)
    outside: bool  # sent by someone outside the user's company (a recruiter, a tool)
    sure: bool  # rule D9: an interview, not a question
    text: str  # the title, notes and location: where a company may be mentioned or spelled
    written: bool = True  # the company is written on the event, not only read from a domain
    taught: bool = False  # the user taught this company (rule E5's lessons): it stays
    doubtful: bool = False  # the role may be whom the user meets (rule E6): another yields it


@dataclass(frozen=True, slots=True)
class Placed:
    """What the application says about one round."""

    company: str | None
    position: str | None
    vouched: bool  # another round of the same application is sure


def _key(company: str) -> tuple[str, ...]:
    return tuple(
        w for w in _WORD.findall(company.casefold()) if w not in ORG_WORDS and w not in _GENERIC
    )


def _word_prefix(shorter: str, longer: str) -> bool:
    s, lo = shorter.casefold().split(), longer.casefold().split()
    return len(s) < len(lo) and lo[: len(s)] == s


def _org_tail(shorter: str, longer: str) -> bool:
    """`longer` is `shorter` followed by organisation nouns only ("Orca" / "Orca Agency")."""
    tail = longer.casefold().split()[len(shorter.split()) :]
    return bool(tail) and all(w.strip(".,") in NAME_ENDS for w in tail)


def _short_form(typed: str, spelled: str) -> bool:
    """Rule E5: what the user typed is the start of the employer's own spelling once its legal
    form is gone ("Sarana Niaga" / "PT Sarana Niaga Raya (Persero)")."""
    plain = LEGAL_PREFIX.sub("", spelled)
    return typed.casefold() != plain.casefold() and _word_prefix(typed, plain)


def _same_role(a: str, b: str) -> bool:
    x, y = sorted((a.casefold(), b.casefold()), key=len)
    return y.startswith(x)


def place(rounds: Sequence[Round]) -> list[Placed]:
    """Rule E5: each round's company, role and whether a sure round vouches for it."""
    keys = [_key(r.company) if r.company else () for r in rounds]
    group = list(range(len(rounds)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    # shortest names first, each joining the application whose longest name starts it; that
    # longest name stands for the application, so "Acme" never joins "Acme Foods" and "Acme
    # Robotics" into one (a dictionary of names: no pairwise comparing)
    joined = ["".join(k) for k in keys]
    by_longest: dict[str, int] = {}
    longest: dict[int, str] = {}
    for i in sorted((i for i, k in enumerate(joined) if len(k) >= _MIN_NAME),
                    key=lambda i: (len(joined[i]), i)):  # fmt: skip
        name = joined[i]
        hit = next(
            (g for m in range(len(name), _MIN_NAME - 1, -1) if (g := by_longest.get(name[:m]))
             is not None),
            None,
        )  # fmt: skip
        if hit is None:
            by_longest[name], longest[i] = i, name
            continue
        group[i] = hit
        if len(name) > len(longest[hit]):
            del by_longest[longest[hit]]
            by_longest[name], longest[hit] = hit, name
    # "MLN" typed for "PT Mitra Logistik Nusantara": a name of capitals that spells the first
    # letters of exactly one other application's name is that application
    initials: dict[str, set[int]] = {}
    for i, k in enumerate(keys):
        if len(k) >= 2:
            initials.setdefault(_initials(k), set()).add(root(i))
        # "BANS" for "Bank Amanah Nusantara Syariah": the organisation's noun spelled too
        whole = [
            w for w in _WORD.findall((rounds[i].company or "").casefold()) if w not in _GENERIC
        ]
        if len(whole) > len(k) >= 1:  # "IHG" for "Irwell Housing Group" too
            initials.setdefault(_initials(whole), set()).add(root(i))
        # "WCAS" for "Wessex Coast Ambulance Service NHS Trust": the initials before a tail of
        # up to two words the short form leaves out
        for end in range(len(k) - 1, max(len(k) - 3, 2), -1):
            initials.setdefault(_initials(k[:end]), set()).add(root(i))
    for i, r in enumerate(rounds):
        short = _ACRONYM.fullmatch(_acronym_part(r.company or ""))
        if short and len(hits := initials.get(short.group(0).casefold(), set())) == 1:
            (g,) = hits
            if g != root(i):
                group[root(i)] = g
    # "Council 2nd interview": an organisation's noun alone is how the user names the one
    # application whose name ends in it ("Moreton Shores Regional Council")
    for i, r in enumerate(rounds):
        if r.company and not keys[i] and " " not in r.company.strip():
            ends = {
                root(j)
                for j, other in enumerate(rounds)
                if keys[j] and other.company and _ending_in(r.company, [other.company])
            }
            if len(ends) == 1:
                group[root(i)] = next(iter(ends))
    # a round without a company joins the one application its words mention; a round the user
    # typed whose company is no other round's joins the application its title names ("Vireo -
    # 2nd w/ Global CFO (London)": London is where, Vireo who)
    # a department's word ("Legal Service Commission") names no one employer: "Head of Legal
    # Ops" at another company does not mention it
    heads = {
        root(i): keys[i][0] for i in range(len(rounds)) if keys[i] and keys[i][0] not in DEPARTMENTS
    }
    sizes: dict[int, int] = {}
    for i in range(len(rounds)):
        sizes[root(i)] = sizes.get(root(i), 0) + 1
    renamed: set[int] = set()
    for i, r in enumerate(rounds):
        alone = bool(keys[i]) and not r.outside and sizes[root(i)] == 1
        if keys[i] and not alone:
            continue
        text = r.text.split("\n", 1)[0] if alone else r.text
        words = set(_WORD.findall(text.casefold()))
        if r.company:  # "PT Bumi Tani Nusantara" mentions no "Nusantara Karya": its own name
            words -= set(_WORD.findall(r.company.casefold()))
        mentioned = {
            g
            for g, first in heads.items()
            if g != root(i) and len(first) >= _MIN_NAME and first in words
        }
        if not mentioned and not keys[i]:
            # "Interview user (Dekan FISIP)" at "Kampus 2 UWB": the initials of one application
            for acronym in _ACRONYM_WORD.findall(text):
                hits = initials.get(acronym.casefold(), set())
                if len(hits) == 1 and (initialled := next(iter(hits))) != root(i):
                    mentioned.add(initialled)
        if len(mentioned) == 1:
            group[i] = next(iter(mentioned))
            if alone:
                renamed.add(i)
    members: dict[int, list[int]] = {}
    for i in range(len(rounds)):
        members.setdefault(root(i), []).append(i)
    placed = [Placed(r.company, r.position, False) for r in rounds]
    for indexes in members.values():
        if len(indexes) < 2:
            continue
        names = [n for i in indexes if (n := rounds[i].company)]
        written = [
            n
            for i in indexes
            if (n := rounds[i].company) and rounds[i].written and i not in renamed
        ]
        invited = [
            n
            for i in indexes
            if (n := rounds[i].company) and rounds[i].written and rounds[i].outside
        ]
        labels = frozenset().union(*(rounds[i].labels for i in indexes))
        by_start: dict[str, list[str]] = {}
        for lab in labels:
            by_start.setdefault(lab[:3], []).append(lab)
        near = {n: [lab for k in _starts(n) for lab in by_start.get(k, ())] for n in set(names)}
        strict = {n: any(agrees(n, lab) for lab in near[n]) for n in near}
        loose = {n: strict[n] or any(_mostly(n, lab) for lab in near[n]) for n in near}
        spelled = _employer_spelling(rounds, indexes, labels, loose) or _legal_name(written)
        bare = {i: _without_names(rounds[i].position, names) for i in indexes if rounds[i].position}
        # rule E6: a senior title a round may name for its interviewer counts only alone
        clear = {i: r for i, r in bare.items() if r and not rounds[i].doubtful}
        roles = list(clear.values()) or [r for r in bare.values() if r]
        stated = [r for i, r in clear.items() if rounds[i].outside]
        role = _one_role(stated or roles)
        sure = any(rounds[i].sure for i in indexes)
        firsts = {keys[i][0] for i in indexes if keys[i]}
        for i in indexes:
            company, position = rounds[i].company, bare.get(i)
            if i in renamed and not rounds[i].taught:
                company = None
            if rounds[i].taught:
                pass  # what the user taught wins over what the calendar suggests
            elif spelled and (
                company is None
                or not rounds[i].written
                or not loose.get(company, False)
                or _short_form(company, spelled)
            ):
                company = spelled  # "Sarana Niaga" typed, "PT Sarana Niaga Raya" sent
            elif company is not None and not keys[i] and (named := _ending_in(company, written)):
                company = max(named, key=lambda n: (len(n), n))  # "Council": the council's name
            elif company is None or not rounds[i].written:
                pool = written or names
                company = min(pool, key=lambda n: (len(n), n)) if pool else company
            elif not strict.get(company, False) and company != spelled:
                fuller = [n for n in written if _word_prefix(company, n) and _org_tail(company, n)]
                if not fuller and not rounds[i].outside:
                    # "Qamar final interview" typed, "Qamar Airways Recruitment" sent: the
                    # name an invitation of the same application writes
                    fuller = [n for n in invited if _word_prefix(company, n)]
                shorter = [n for n in written if _word_prefix(n, company)]
                if fuller:  # "Orca" typed once, "Orca Agency" another time: the full name
                    company = max(fuller, key=lambda n: (len(n), n))
                elif (
                    shorter
                    and not rounds[i].outside  # an invitation's full name stays
                    and not _org_tail(min(shorter, key=len), company)
                ):
                    company = min(shorter, key=len)  # "Matahari" for "Matahari TP"
            if role is not None and (
                position is None
                or (rounds[i].doubtful and i not in clear)
                or (not rounds[i].outside and any(f in position.casefold() for f in firsts))
            ):
                position = role
            placed[i] = Placed(company, position, sure)
    return placed


_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def _ending_in(noun: str, names: list[str]) -> list[str]:
    """The names that end in an organisation's noun typed alone ("Council")."""
    low = noun.casefold().strip(".,")
    return [n for n in names if n.casefold().split()[-1] == low and n.casefold() != low]


def _starts(name: str) -> set[str]:
    """The first letters a domain label agreeing with `name` must start with (see `agrees`,
    `_mostly`): the name squashed, without its legal form, without organisation nouns."""
    plain = name.casefold()
    variants = (
        plain,
        LEGAL_PREFIX.sub("", plain),
        " ".join(w for w in plain.split() if w.strip(".") not in ORG_WORDS),
    )
    return {_NOT_ALNUM.sub("", v)[:3] for v in variants}


def _mostly(name: str, label: str) -> bool:
    """The name starts with the domain's label and is mostly it ("PT Arunika Digital" for
    arunika.id; not "PT Astra Honda Motor" for astra.co.id, a group of many companies)."""
    squashed = _NOT_ALNUM.sub("", LEGAL_PREFIX.sub("", name).casefold())
    return (
        len(label) >= _MIN_NAME and squashed.startswith(label) and 2 * len(label) >= len(squashed)
    )


def _employer_spelling(
    rounds: Sequence[Round],
    indexes: Sequence[int],
    labels: frozenset[str],
    agreeing: dict[str, bool],
) -> str | None:
    """How the employer writes its own name: the name its invitations write that agrees with a
    domain on the application (the most often, then the longest), else the domain's name as any
    round writes it out ("Quanta Pay" in a place)."""
    found = [
        n
        for i in indexes
        if (n := rounds[i].company) and rounds[i].outside and rounds[i].written and agreeing[n]
    ]
    if found:
        return max(found, key=lambda n: (found.count(n), len(n), n))
    for lab in sorted(labels):
        for i in indexes:
            spelled = spelled_in(rounds[i].text, lab)
            if spelled and any(rounds[j].company and agrees(rounds[j].company or "", lab)
                               for j in indexes):  # fmt: skip
                # "Bank Nagara" spells banknagara; a round that writes "Bank Nagara Sejahtera"
                # names the employer in full
                fuller = [
                    n for j in indexes if (n := rounds[j].company) and _word_prefix(spelled, n)
                ]
                return max(fuller, key=lambda n: (len(n), n)) if fuller else spelled
    return None


def _acronym_part(company: str) -> str:
    """What may be initials in a company as typed: without a legal form or a leading
    organisation noun ("RSU BH"), and without a place after it ("NGH Jakarta")."""
    plain = _LEADING_ORG.sub("", LEGAL_PREFIX.sub("", company)).strip()
    if _AMPERSAND_INITIALS.fullmatch(plain):
        return plain.replace("&", "")  # "H&W" for "Hollis & Ware"
    words = plain.split()
    if 1 < len(words) <= 3 and _ACRONYM.fullmatch(words[0]) and all(w[:1].isupper() for w in words):
        return words[0]
    return plain


def _initials(words: Sequence[str]) -> str:
    """The first letters of a name's words: "mln" for "mitra logistik nusantara"."""
    return "".join(w[0] for w in words)


def _legal_name(names: Sequence[str]) -> str | None:
    """Rule E5: with no employer's domain to go by, the name written with its legal form ("PT
    Mitra Logistik Nusantara") is how the employer spells itself, when every other name of the
    application is its start ("Mitra Logistik", "PT Mitra")."""
    legal = {n for n in names if LEGAL_PREFIX.match(n)}
    if len(legal) != 1:
        return None
    (name,) = legal
    plain = LEGAL_PREFIX.sub("", name).casefold()
    others = {LEGAL_PREFIX.sub("", n).casefold() for n in names if n != name}
    initials = _initials(plain.split())
    return (
        name
        if others and all(o in (plain, initials) or _word_prefix(o, plain) for o in others)
        else None
    )


def _without_names(position: str | None, names: Sequence[str]) -> str | None:
    """A role without a company name it starts with ("Indomaret SPV" -> "SPV"), the longest
    of the application's names tried first."""
    for name in sorted(set(names), key=len, reverse=True):
        found = without_company(position, name)
        if found != position:
            return found
    return position


def _one_role(roles: Sequence[str]) -> str | None:
    """The application's role when its rounds name one (the longest of its spellings)."""
    if not roles:
        return None
    longest = max(roles, key=lambda r: (len(r), r))
    return longest if all(_same_role(r, longest) for r in roles) else None
