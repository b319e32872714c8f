"""Whom the user meets in a round is neither the job nor the employer (rule E6).

A candidate's titles name the people of a round as often as the job: "2nd round w/ Managing
Partner", "interview user Sinar Jaya (kepala PPIC)", "GM Kirana Ubud", "Pak Benny (Direktur
Keuangan)". A thank-you "for the Hotel Director role" to a guest services applicant is worse than
one that names no role, so these tests tell a person's title, a department or a to-do from the
job and the employer. Pure word tests over strings; `naming` and `applications` call them.
"""

from __future__ import annotations

import re

from calfeed.core.detection.titles import (
    HONORIFIC_WORDS,
    Segment,
    has_org_word,
    is_role_noun,
    role_words,
    segments,
)

#: rule E6: the titles of the people a candidate meets in a round, not the job applied for
SENIOR = frozenset(
    """manager manajer head kepala director direktur gm chief partner vp svp evp avp md
    president dean registrar principal owner founder ceo coo cfo cto chro cro cmo cpo kabid
    kadiv pemimpin pimpinan pinca pinwil superintendent supt ka fom hod dir dir. kabag kasie bod
    kasi mgr rektor rector dekan kaprodi kajur wadek warek pengurus trustee trustees cno
    don""".split()
)


def _alternation(words: frozenset[str] | set[str]) -> str:
    """The words as one regex alternation, longest first, each taken literally ("dir.")."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


#: rule E6: a department, not an employer ("Keuangan", "Perencanaan & Anggaran", "Audit &
#: Assurance"): what remains when a person's title is taken off "Direktur Keuangan"
DEPARTMENTS = frozenset(
    """finance keuangan accounting akuntansi perencanaan anggaran budget budgeting investment
    investasi marketing pemasaran sales penjualan operations operasional operasi hr sdm human
    capital people it teknologi technology legal hukum audit assurance risk risiko treasury
    procurement pengadaan logistics logistik gudang warehouse production produksi quality
    research engineering product design cx customer experience data analytics strategy
    strategi compliance kepatuhan tax pajak payroll umum general affairs ga supply chain
    commercial corporate instalasi farmasi informasi information ti sistem systems contact
    center centre call & and dan of fisip fis fakultas faculty prodi jurusan ops hse k3 ehs
    qhse agronomi agronomy tanaman nursing keperawatan""".split()
)
_SENIOR_WORD = re.compile(r"[\w']+")
_USER_LABEL = re.compile(r"\buser\s*:\s*$", re.IGNORECASE)
_USER_ROUND = re.compile(
    r"\b(?:interview|int|intvw|intrvw|itw|wawancara|wwcr)\s+user\b", re.IGNORECASE
)
#: rule E6: words that, with a senior title, name a person or a body of people, not a job
_PERSON_WORDS = frozenset("direksi board bod cabang divisi bidang unit hrd hr user bengkel".split())
#: rule E6: a round after the first, or the round with the hiring manager ("user")
_LATER_ROUND = re.compile(
    r"\b(?:2nd|3rd|second|third|final|lanjutan|next|last|user|rd\s*[2-9]|round\s*[2-9]"
    r"|tahap\s*[2-9])\b",
    re.IGNORECASE,
)
_PANEL_BRACKET = re.compile(r"\bpanel\s*\(([^()]*)\)", re.IGNORECASE)
_JOINED = re.compile(r"\s*(?:&|\+|\band\b|,)\s*", re.IGNORECASE)
_JOINED_AFTER_SENIOR = re.compile(
    rf"\b(?:{_alternation(SENIOR)})\s*(?:\+|&|\band\b)\s*$", re.IGNORECASE
)
_SENIOR_START = re.compile(rf"\s*(?:{_alternation(SENIOR)})\b", re.IGNORECASE)
_PERSON_IN_ROLE = re.compile(rf"\b(?:{_alternation(HONORIFIC_WORDS)})\.?\s+[A-Z]", re.IGNORECASE)
_TODO = re.compile(
    r"^(?:bawa|bring|siapkan|prepare|jangan\s+lupa|don'?t\s+forget|pakai|wear|print)\b",
    re.IGNORECASE,
)


def meets_whom(title: str, role: str) -> bool:
    """Rule E6: a role read from the title that names whom the user meets, not the job: a
    senior title after "with" ("2nd round w/ Managing Partner + Head of Arbitration"), or a
    role holding a person ("manager WH pak Hendra"). The job stays whatever the invitation or
    the application's other rounds say."""
    if _PERSON_IN_ROLE.search(role):
        return True
    at = title.casefold().find(role.casefold())
    if at > 0 and names_senior(role) and _HONORIFIC_NAME.search(title[:at]):
        return True  # "Sinar 2nd intv - Pn Hasnah (Head of Certification)": her title
    panel = _PANEL_BRACKET.search(title)
    if panel and role.casefold() in panel.group(1).casefold():
        return True  # "Nordhavn - panel (HoS, MYP coord, DP coord)": the panel, not the job
    pieces = [p for p in _JOINED.split(role) if p.strip()]
    if len(pieces) > 1 and all(_SENIOR_START.match(p) for p in pieces):
        return True  # "Principal & Head of Secondary": the people met
    if at < 0:
        return False
    if at > 0 and _USER_LABEL.search(title[:at]):
        return True  # "TJL interview ke-2 (user: Regional Sales Head)"
    if _USER_ROUND.search(title) and any(s.bracketed for s in _holding(title, role)):
        return True  # "int user (mgr accounting)": the user round's line manager, not the job
    if not names_senior(role):
        return False
    if _JOINED_AFTER_SENIOR.search(title[:at]):
        return True  # "MCA 2nd int – CFO + Mgr Fin Reporting": the second of two people met
    words = _SENIOR_WORD.findall(role.casefold())
    if len(words) <= 2 and all(w in SENIOR or w in _PERSON_WORDS for w in words):
        return True  # "Interview partner - KAP X", "Int direktur": a person, not a job
    before = _PART_BREAK.split(title[:at])[-1]  # the part of the title the role sits in
    return _MEETS.search(before) is not None


#: rule E6: an honorific and a name, then a bracket: "Pn Hasnah (", "Pak Rudy ("
_HONORIFIC_NAME = re.compile(
    rf"\b(?i:{_alternation(HONORIFIC_WORDS | {'pn', 'en', 'tn', 'cik'})})"
    r"\.?\s+[A-Z][\w'’-]+\s*\(\s*$"
)
#: rule E6: a role in brackets right after a person's name: "Rowan Ellis (Head of Research)"
_AFTER_NAME = re.compile(r"\b[A-Z][\w'’.-]+\s+[A-Z][\w'’.-]+\s*\(\s*$")


_LANGUAGES = frozenset("english inggris bahasa indonesian mandarin japanese arabic malay".split())
_TEAM_TAIL = re.compile(r"\s+(?:ta|hr|hrd|talent|recruiting|recruitment|people\s+team)$", re.I)
_SENIOR_ALTERNATIVES = _alternation(SENIOR | {"regional", "group"})
#: right after a name: "(Regional Director)", "(VP Risk)"
_BRACKETED_SENIOR = re.compile(rf"\s*\(\s*(?:{_SENIOR_ALTERNATIVES})\b", re.IGNORECASE)
#: a person's name as a title writes it: two or three capitalised words, no organisation noun
_PERSON_NAME = re.compile(r"[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,2}")
#: rule E6: a person's title: "Head of School", "Director of Nursing", "Dean of Arts"
_TITLE_OF = re.compile(rf"\b(?:{_alternation(SENIOR)})\s+of\b", re.IGNORECASE)
_TITLE_OF_NAME = re.compile(
    rf"\b(?:{_alternation(SENIOR)})\s+of\s+(?:the\s+)?(\w+(?:\s+\w+)?)", re.IGNORECASE
)
#: rule E6: the words that introduce whom the user meets, within one part of a title
_MEETS = re.compile(
    r"(?:\bwith\b|\bw/|\bdengan\b|\bsama\b|\bbersama\b|\bmeet\b|\bketemu\b|\bcon\b|\bc/)", re.I
)
_PART_BREAK = re.compile(r"\s[-–—|:]\s|[|:(\[]")


#: rule E6: what comes right before a person's title in an invitation: the person's name and a
#: comma or a bracket ("Marcus Teo, Head of Regional Customs", "Hendro Susilo (Equipment
#: Control Manager)"), or the word that introduces whom the user meets ("interview dengan Lounge
#: Manager", "with the Director of Operations")
_BEFORE_A_TITLE = re.compile(
    r"(?:[A-Z][\w'’.-]+(?:[ \t]+[A-Z][\w'’.-]+)*[ \t]*(?:,|\()|\b(?i:with|w/|dengan|sama|bersama))"
    r"[ \t]*(?i:the[ \t]+|our[ \t]+|your[ \t]+)?$"
)


def titled_in(text: str, role: str) -> bool:
    """Rule E6: the invitation writes the senior title read as the role as someone's title
    ("Interviewers: Wibisono Adi (Director of Operations)"): whom the user meets, not the job."""
    if not names_senior(role) or len(role) < 4:
        return False
    low, at = text.casefold(), -1
    needle = role.casefold()
    while (at := low.find(needle, at + 1)) >= 0:
        end = at + len(needle)
        if end < len(low) and low[end].isalnum():
            continue
        if _BEFORE_A_TITLE.search(text, max(0, at - 80), at):
            return True
    return False


def may_meet_whom(title: str, role: str) -> bool:
    """Rule E6: a senior title that may be the interviewer's rather than the job: in brackets
    or in a round after the first ("Al Rimal second interview (Rooms Division Manager)",
    "Interview user Sinar Jaya (kepala PPIC)"). It yields to a role another round of the same
    application states; alone, it stays (many people apply to be a manager)."""
    at = title.casefold().find(role.casefold())
    if at < 0:
        return False
    bracketed = any(s.bracketed for s in _holding(title, role))
    if _USER_ROUND.search(title) and bracketed:
        return True  # "interview user X (spv produksi)": the user is the line manager met
    if _AFTER_NAME.search(title[:at]):
        return True  # "Hiring manager - Rowan Ellis (Head of Research)": that person's title
    if _typed_title_then_name(role):
        return True  # "Interview owner Bali Brew", "interview area manager Senja (Pak Yoga)"
    if not names_senior(role):
        return False
    return _LATER_ROUND.search(title) is not None or bracketed


def typed_title_then_name(role: str) -> str | None:
    """Rule E6: the employer's name after the user's lower-case words for whom they meet
    ("owner LFIP" -> "LFIP"), or None."""
    if not _typed_title_then_name(role):
        return None
    words = role.split()
    at = next(i for i, w in enumerate(words) if w[:1].isupper())
    name = " ".join(words[at:])
    return (
        None
        if _PERSON_IN_ROLE.search(role) or not has_org_word(name) and not name.isupper()
        else name
    )


def _typed_title_then_name(role: str) -> bool:
    """Rule E6: the user's lower-case words for a person's title, then a capitalised name
    ("owner Bali Brew", "area manager Senja"): the person met and the employer, as the user
    types "interview (with the) owner (of) Bali Brew"."""
    words = role.split()
    first_name = next((i for i, w in enumerate(words) if w[:1].isupper()), None)
    if not first_name:
        return False
    typed = words[:first_name]
    return all(w.islower() for w in typed) and any(w in SENIOR for w in typed)


def names_senior(role: str) -> bool:
    """Rule E6: the role holds a senior title ("Area Manager", "Head of Finance")."""
    return not SENIOR.isdisjoint(_SENIOR_WORD.findall(role.casefold()))


def _holding(title: str, role: str) -> list[Segment]:
    low = role.casefold()
    return [s for s in segments(title) if low in s.text.casefold()]


def without_whom(company: str, title: str = "") -> str | None:
    """Rule E6: "GM Kirana Ubud", "Kabid Keperawatan RS Husada": the person met, then the
    employer; "Head of School": a person's title; "bawa CV": a to-do, no name."""
    if company.casefold().endswith(" team") and len(company.split()) == 2:
        return None  # "Jakarta team": the people of a place, not who employs them
    if _TODO.match(company) or "=" in company or company.casefold() in _LANGUAGES:
        return None  # a to-do; "Helsinki =": a time conversion; "(English)": the language
    company = _TEAM_TAIL.sub("", company).strip() or company  # "Hartwell TA": the team
    at = title.find(company) if _PERSON_NAME.fullmatch(company) else -1
    if at >= 0 and _BRACKETED_SENIOR.match(title, at + len(company)):
        return None  # "Sarah Okafor (Regional Director)": a person and her title
    if "," in company and not has_org_word(company):
        # "VP Design, Ordna": a person's department, then the employer; "Trattoria Sabbia,
        # Dubai": the employer, then its city
        head, _, tail = (p.strip() for p in company.partition(","))
        if all(w.casefold() in DEPARTMENTS | SENIOR for w in head.split()) and tail:
            company = tail
        elif len(tail.split()) == 1 and len(head.split()) >= 2:
            company = head
    if _TITLE_OF.search(company) or any(
        m.group(1).casefold() == company.casefold() for m in _TITLE_OF_NAME.finditer(title)
    ):
        return None
    words = company.split()
    if len(words) == 2 and words[0].isupper() and words[1].casefold() in SENIOR:
        return words[0]  # "BDN Pinwil": the employer's initials, then whom the user meets
    if words and (is_role_noun(words[-1].casefold()) or words[-1].casefold() in SENIOR):
        return None  # "Hotel Director", "Legal Counsel": a person or a job, not who employs
    if all(_people_word(w) for w in words):
        # "Keuangan", "Audit & Assurance": a department; "Board of Directors", "Dekan FISIP &
        # Kaprodi", "VP Ops": people
        return None
    lead = _leading_org(words)
    if lead and role_words(" ".join(words[:lead])):  # "Perawat Pelaksana RS Husada Medika"
        return " ".join(words[lead:])
    if len(words) > 1 and words[0].casefold().rstrip(".") in SENIOR | _BEFORE_NAME:
        rest = words[lead or 1 :]  # "Kabid Keperawatan RS Husada", "GM Teratai Resort"
        while len(rest) > 1 and rest[0].casefold() in _BEFORE_NAME:
            rest = rest[1:]  # "GM site BA": the person, the place, then the employer
        if all(w.casefold().strip(",.") in DEPARTMENTS for w in rest):
            return None  # "Direktur Keuangan": a person's title
        return " ".join(rest)
    return company


#: organisation nouns that open a name ("RS Husada", "Klinik Sehat", "Hotel Dewata"), unlike
#: those that close one ("Teratai Resort", "Acme Ltd")
_OPENING_ORG = frozenset(
    """pt cv rs rsu rsud rsia klinik puskesmas apotek hotel bank universitas sekolah yayasan
    koperasi institut politeknik akademi""".split()
)


def _leading_org(words: list[str]) -> int:
    """Where an organisation's name opens after other words, or 0."""
    return next((i for i, w in enumerate(words) if i and w.casefold() in _OPENING_ORG), 0)


#: words before an employer's name that say whom or where, not who: "HRD X", "site BA", "kebun SLN"
_BEFORE_NAME = frozenset("hrd hr user site kebun plant cabang".split())


def _people_word(word: str) -> bool:
    """A word of a title that names people: a senior title, a body of people or a department
    ("Directors" too)."""
    low = word.casefold().strip(",.()")
    return (
        low in SENIOR
        or low in _PERSON_WORDS
        or low in DEPARTMENTS
        or (low.endswith("s") and low[:-1] in SENIOR)
    )


def role_before_org(company: str | None) -> str | None:
    """Rule E6: "Bidan Pelaksana RS Citra Harapan" read as one name: the role before it."""
    words = (company or "").split()
    lead = _leading_org(words)
    head = " ".join(words[:lead])
    return (
        head
        if lead and role_words(head) and not SENIOR & {w.casefold() for w in words[:lead]}
        else None
    )
