"""How an event's title reads: "not an interview" (rule D5) and the title's parts (rule E2).

Pure and table-driven: the vocabularies below are the whole of the knowledge. `segments` cuts a
title the way a person reads it (on separators, brackets and connector words) and tells, for each
part, which word joined it to the rest; `companies.read_company_position` weighs the parts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: rule D5: words that make an event about an interview rather than the interview itself, on
#: their own anywhere in the title (English and Indonesian)
NOT_INTERVIEW_WORDS = (
    # preparation and practice
    "prep",
    "preparation",
    "prepare",
    "preparing",
    "prepping",
    "siapin",
    "siapkan",
    "nyiapin",
    "practice",
    "practise",
    "practicing",
    "mock",
    "rehearsal",
    "rehearse",
    "coaching",
    "tips",
    "webinar",
    "workshop",
    "persiapan",
    "latihan",
    "simulasi",
    "belajar",
    # around the interview: writing the thank-you, a debrief
    "thank-you",
    "thank you",
    "thank-yous",
    "thank yous",
    "terima kasih",
    "debrief",
    "outfit",
    # press and podcast interviews
    "podcast",
    "journalist",
    "wartawan",
    # the user interviewing others
    "candidate",
    "candidates",
    "kandidat",
    "conduct",
    "participant",
    "usability",
)
#: rule D5: phrases that need their context, since the word alone is also a company's or a role's
#: ("Acme Media", "Best Buy", "Research Scientist", "Training Manager", "Acme Travel")
NOT_INTERVIEW_PHRASES = (
    r"^\W*research\b(?!\s+(?:scientist|engineer|analyst|assistant|associate|fellow|intern|lead))",
    r"\bresearch\s+(?:for|on|about|before)\b",
    r"\b(?:press|media)\s+(?:interview|conference|wawancara)",
    r"\b(?:interview|wawancara)\s+(?:with|dengan)\s+(?:the\s+)?(?:press|media)\b",
    r"^\W*(?:travel|commute|drive|berangkat|perjalanan)\b",
    r"\b(?:travel|commute)\s+to\b",
    r"^\W*(?:buy|shop|shopping|beli)\b",
    r"\b(?:interview|interviewer|panel)\s+training\b",
    r"\binterview\s+questions\b",
    r"\btraining\s+(?:for|on)\s+(?:interview|hiring)",
)
#: rule D5: words that name an interview without the keyword (always counted as interviews)
IMPLICIT_INTERVIEW = ("technical screen", "tech screen", "superday", "super day")

#: rule E2: stage words; never a position on their own
STAGE_WORDS = (
    # rule D7: the stage vocabulary without "interview" and people's shorthand for it
    "bar raiser",
    "coffee chat",
    "intro call",
    "recruiter screen",
    "portfolio review",
    "design challenge",
    "culture fit session",
    "walk in",
    "walk-in",
    "panggilan kerja",
    "panggilan interview",
    "panggilan",
    "tes tertulis",
    "written test",
    "telpon",
    "telepon",
    "int",
    "intv",
    "intvw",
    "itw",
    "interviu",
    "interviewing",
    "rd",
    "hm",
    "phone screen",
    "screening call",
    "hiring manager",
    "recruiter call",
    "system design",
    "culture fit",
    "technical round",
    "final round",
    "tahap akhir",
    "interview kerja",
    "tes wawancara",
    "screen",
    "screening",
    "phone",
    "video",
    "technical",
    "tech",
    "teknis",
    "final",
    "onsite",
    "on-site",
    "loop",
    "panel",
    "behavioral",
    "behavioural",
    "coding",
    "case",
    "hr",
    "hrd",
    "user",
    "intro",
    "introductory",
    "initial",
    "first",
    "second",
    "third",
    "1st",
    "2nd",
    "3rd",
    "4th",
    "round",
    "stage",
    "tahap",
    "akhir",
    "awal",
    "lanjutan",
    "follow-up",
    "follow up",
    "ulang",
    "psikotes",
    # Indonesian selections' programmes and steps, never an employer: "SKB Wawancara - X"
    "rekrutmen bersama bumn",
    "rbb",
    "bumn",
    "skb",
    "skd",
    "cpns",
    "rekrutmen",
    "seleksi",
    "tes",
    "test",
    "assessment",
    "recruiter",
    "interview",
    "interviews",
    "wawancara",
    "superday",
    "call",
    "chat",
    # the kind of round, as tools and people qualify it ("Managerial Interview", "Chalk talk")
    "managerial",
    "code test review",
    "ph screen",
    "code test",
    "coffee",
    "lunch",
    "take-home review",
    "take-home",
    "take home",
    "pair programming",
    "live coding",
    "intrvw",
    "intrv",
    "interviw",
    "intervew",
    "intervw",
    "wwcr",
    "wwncr",
    "wawancra",
    "wawacara",
    "colloquio",
    "entrevista",
    "temuduga",
    "phỏng vấn",
    "vòng",
    "面接",
    "最終面接",
    "一次面接",
    "二次面接",
    "三次面接",
    "面试",
    "สัมภาษณ์",
    "preliminary",
    "safeguarding",
    "sample lesson",
    "client interview",
    "client",
    "values",
    "culture",
    "case study presentation",
    "case study",
    "direksi",
    "competency",
    "competency-based",
    "situational",
    "presentation",
    "job talk",
    "chalk talk",
    "teaching demo",
    "demo lesson",
    "campus visit",
    "deep dive",
    "walkthrough",
)
#: rule E2: meeting noise, invitations, job portals, times
NOISE_WORDS = (
    # rule E2: "Interview for the post of Learning Technologist": the role is what follows
    "the position of",
    "position of",
    "the role of",
    "role of",
    "the post of",
    "post of",
    "microsoft teams",
    "google meet",
    "gmeet",
    "gmeet link",
    "updated invitation",
    "calon karyawan",
    "zoom",
    "meet",
    "ketemu",
    "wa call",
    "discord",
    "whereby",
    "voice call",
    "video call",
    "wa",
    "whatsapp",
    "teams",
    "skype",
    "webex",
    "online",
    "offline",
    "virtual",
    "remote",
    "invitation",
    "invite",
    "meeting",
    "schedule",
    "session",
    "confirmation",
    "confirmed",
    "scheduled",
    "reminder",
    "updated",
    "undangan",
    "pengingat",
    "jadwal",
    "tomorrow",
    "today",
    "besok",
    "hari ini",
    "job",
    "kerja",
    "nhs jobs",
    "civil service jobs",
    "civil service",
    "jobstreet",
    "kalibrr",
    "seek",
    "glints",
    "linkedin",
    "indeed",
    "karir",
    "dealls",
    "day",
    "minute",
    "minutes",
    "min",
    "mins",
    "hour",
    "the",
    "a",
    "an",
    "my",
    "our",
    "dan",
    "ke",
    "re",
    "fwd",
    "position",
    "role",
    "lowongan",
    "job requisition",
    "requisition",
    "interview scheduled",
    "rescheduled",
    "reschedule",
    "moved",
    "accepted",
    "jam",
    "jm",
    "ditelpon",
    "ditelp",
    "telp",
    "tlp",
    "tlpn",
    "telf",
    "vc",
    "nelpon",
    "pukul",
    "pkl",
    "pagi",
    "siang",
    "sore",
    "malam",
    "kantor",
    "new time",
    "dijadwalkan ulang",
    "diundur",
)
#: rule E2: nouns that make a phrase a position (English and Indonesian)
ROLE_NOUNS = frozenset(
    """engineer engineers developer programmer analyst manager designer scientist architect
    consultant specialist officer associate intern internship assistant coordinator lead director
    administrator admin accountant auditor cashier kasir clerk representative executive supervisor
    staff staf manajer magang teller sekretaris secretary akuntan nurse teacher guru barista
    driver chef cook operator technician teknisi writer editor generalist trainee owner sde swe
    sre researcher strategist planner controller partner advisor agent attendant receptionist
    practitioner pharmacist apoteker dosen lecturer tutor trader underwriter head kepala
    werkstudent marketer copywriter illustrator animator photographer videographer spv crew
    waiter waitress pramuniaga kurir courier analis asisten perawat bidan dokter desainer
    insinyur koordinator penulis pengajar petugas pengawas bendahara konsultan spesialis
    counsel lawyer attorney solicitor barrister paralegal notary advocate advokat pengacara
    professor postdoc postdoctoral fellow scholar instructor trainer coach librarian
    therapist physiotherapist midwife paramedic caregiver pengasuh dentist surgeon physician
    doctor veterinarian psychologist counselor counsellor pilot steward stewardess purser
    concierge bellboy bartender housekeeper housekeeping porter butler host hostess cleaner
    guard satpam security mechanic montir electrician welder plumber carpenter tukang foreman
    mandor picker packer checker loader helper forklift storekeeper warehouseman buyer merchant
    merchandiser salesperson salesman saleswoman sales promotor spg spb telemarketer
    recruiter economist actuary statistician journalist reporter translator interpreter
    penerjemah surveyor inspector estimator drafter dispatcher
    karyawan pegawai pramugari pramugara superintendent odp mdp hrbp bdm graduate program
    programme mgr asst exec coord supv residency fellowship mekanik sopir pramusaji penjaga
    juru buruh pelayan eksekutif pegawai producer apprentice adviser mtp""".split()
)
#: rule E2: the endings that make an English word an occupation ("Learning Technologist",
#: "Electrician", "Sonographer", "Auctioneer"), so the list above need not hold every trade
_OCCUPATION_END = re.compile(r"\w{3,}(?:ist|ician|grapher|eer)")
_LIST_END = re.compile(
    r"\w*(?<!a)(?<!l)list"
)  # "ADPList", "checklist"; not "specialist", "cellist"
#: ...and the words with those endings that are none: things, verbs, a church, a visitor
_NOT_OCCUPATIONS = frozenset(
    """assist insist resist persist consist exist desist subsist twist wrist midst amidst
    against tourist baptist methodist career""".split()
)


def is_role_noun(word: str) -> bool:
    """Rule E2: `word` (lower case) is a noun that makes a phrase a position."""
    if word in ROLE_NOUNS:
        return True
    return (
        _OCCUPATION_END.fullmatch(word) is not None
        and word not in _NOT_OCCUPATIONS
        and _LIST_END.fullmatch(word) is None
    )


#: rule E2: legal forms and organisation nouns: a phrase holding one names an organisation
ORG_WORDS = frozenset(
    """pt pt. tbk tbk. inc inc. ltd ltd. llc corp corp. corporation gmbh ag plc co co. company
    cv persero group holdings bank sekolah school hospital universitas university labs studio
    studios foundation yayasan koperasi rs rsu rsud rsia klinik clinic puskesmas apotek hotel
    resort college institute institut politeknik akademi llp pvt sdn bhd kap trust council
    authority ministry kementerian""".split()
)
#: rule E2: an Indonesian legal form opening a name ("PT Mitra Logistik", "CV. Berkah")
LEGAL_PREFIX = re.compile(r"^(?:pt|cv)\.?\s+", re.IGNORECASE)
#: rules E2, E5: words that end a company's full name ("Orca Agency", "Pelican Analytics"); a
#: place or a branch after the name ("Matahari TP", "Santika Gubeng") is not one of them
NAME_ENDS = ORG_WORDS | frozenset(
    """agency capital systems analytics creative digital partners ventures solutions
    technologies technology media consulting logistics health healthcare hospitals
    clinics""".split()
)
#: rule E2: whom the user meets, not an employer: "Meet Chairman (Halcyon)", "w/ Group CEO"
PEOPLE_TITLES = frozenset(
    """ceo coo cfo cmo cto chro cio cpo chairman chairwoman chair president presiden direktur
    founder founders co-founder cofounder co-founders board group global regional utama""".split()
)
#: words that introduce a person
HONORIFICS = frozenset(
    "ibu bu pak bapak mr mr. ms ms. mrs mrs. dr dr. prof prof. kak mas mbak sir ma'am maam".split()
)
#: the honorifics without their full stops ("dr" for "dr." too): how a word is tested for one
HONORIFIC_WORDS = frozenset(h.rstrip(".") for h in HONORIFICS)

Connector = str  # "" (a separator), "with", "at", "for", "from", "between", "x", "(", "["

_CONNECTORS = {
    "with": "with",
    "w/": "with",
    "dengan": "with",
    "bersama": "with",
    "sama": "with",
    "dgn": "with",
    "between": "between",
    "and": "between",
    "at": "at",
    "@": "at",
    "di": "at",
    "from": "from",
    "dari": "from",
    "for": "for",
    "untuk": "for",
    "posisi": "for",
    "a.n.": "name",
    "via": "via",
    # "chat with Liam re Commercial Electrician role": what the meeting is about
    "re": "for",
    "regarding": "for",
}


@dataclass(frozen=True, slots=True)
class Segment:
    """One part of a title and what joined it to the part before."""

    text: str
    joined_by: Connector
    bracketed: bool = False


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted({w.casefold() for w in words}, key=len, reverse=True)
    alternatives = "|".join(r"[\s-]+".join(map(re.escape, w.split())) for w in ordered)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


_NOT_INTERVIEW = re.compile(
    _words_pattern(NOT_INTERVIEW_WORDS).pattern + "|" + "|".join(NOT_INTERVIEW_PHRASES),
    re.IGNORECASE,
)
_IMPLICIT = _words_pattern(IMPLICIT_INTERVIEW)
_EDGE = (
    _words_pattern(NOISE_WORDS + STAGE_WORDS)
    .pattern.removeprefix("(?<![\\w-])")
    .removesuffix("(?![\\w-])")
)
_LEADING = re.compile(rf"^(?:{_EDGE})(?![\w-])", re.IGNORECASE)
_TRAILING = re.compile(rf"(?<![\w-])(?:{_EDGE})$", re.IGNORECASE)


#: substrings one of which every D5 match holds: most titles are cleared without the regex
_D5_TRIGGERS = tuple(
    """prep pract mock rehears coach tips webinar persiap latihan simulasi belajar thank terima siap
    nyiap
    workshop debrief outfit podcast journal wartawan candid kandidat conduct particip usabil
    research press media travel commute drive berangkat perjalanan buy shop beli training
    question""".split()
)


def not_interview_reason(title: str) -> str | None:
    """Rule D5: the word that makes this event about an interview rather than one, or None."""
    low = title.casefold()
    if not any(t in low for t in _D5_TRIGGERS):
        return None
    found = _NOT_INTERVIEW.search(title)
    if found and found.group().casefold() == "debrief" and _CANDIDATE_DEBRIEF.search(title):
        return None  # "Design Exercise Debrief - <employer>": the candidate walks them through it
    if found and found.group().casefold() == "practice" and _A_PRACTICE.search(title):
        return None  # "Head of Clinical Practice", "GP practice": a field or a surgery, no drill
    if found and found.group().casefold() == "candidate" and _names_invitee_by_role(title):
        return None  # "Technical Interview - Safety Supervisor candidate": the invitee, by role
    return found.group().casefold() if found else None


def _names_invitee_by_role(title: str) -> bool:
    """ "<role> candidate" in one part of the title: how an employer names the invitee."""
    found = _BEFORE_CANDIDATE.search(title)
    return found is not None and is_role_noun(found.group(1).casefold())


_BEFORE_CANDIDATE = re.compile(r"\b([\w-]+)\s+candidate\b(?!s)", re.IGNORECASE)
#: rule D5: "practice" as a field of work or a surgery, not a drill
_A_PRACTICE = re.compile(
    r"\b(?:clinical|general|private|medical|dental|legal|nursing|group|family|veterinary|vet|gp"
    r"|advanced|head\s+of|director\s+of)\s+practice\b"
    r"|\bpractice\s+(?:mgr|manager|nurse|owner|administrator|admin|lead)\b",
    re.IGNORECASE,
)
#: rule D5: a debrief the candidate gives of an exercise, a round of its own
_CANDIDATE_DEBRIEF = re.compile(
    r"\b(?:exercise|take[\s-]?home|assignment|case\s+study|challenge)\s+debrief\b", re.IGNORECASE
)
#: rule D1: people's own spellings of "interview" / "wawancara" in a hurry
_SPELLED = re.compile(
    r"\b(?:intrvw|intrv|intvw|interviw|intervew|intervw|wwcr|wwncr|wawancra|wawacara"
    r"|colloquio|entrevista|temuduga)\b",
    re.IGNORECASE,
)


def names_interview_implicitly(title: str) -> bool:
    """Rule D5: "technical screen", "superday": an interview without the keyword; and the
    user's own spellings of it ("intrvw kurir", "wwcr ke-2")."""
    low = title.casefold()
    if ("screen" in low or "super" in low) and _IMPLICIT.search(title) is not None:
        return True
    if not low.isascii() and _OTHER_SCRIPTS.search(low) is not None:
        return True  # "Phỏng vấn vòng HR", "最終面接", "สัมภาษณ์งาน"
    return (
        "int" in low
        or "ww" in low
        or "waw" in low
        or "coll" in low
        or "entr" in low
        or "temu" in low
    ) and _SPELLED.search(title) is not None


#: rule D1: "interview" in Vietnamese, Japanese, Chinese and Thai (the last three have no
#: spaces between words, so no word boundaries either)
_OTHER_SCRIPTS = re.compile(r"\bphỏng\s+vấn\b|面接|面试|面試|สัมภาษณ์")


_EMAIL = re.compile(r"\(?\s*[\w.+'-]+@[\w-]+(?:\.[\w-]+)+\s*\)?")
_GROUP_INTERVIEW = re.compile(r"\bgroup\s+(?=(?:interview|wawancara)\b)", re.IGNORECASE)
_INVITE_TAIL = re.compile(
    r"\s@\s+(?:mon|tue|wed|thu|fri|sat|sun|sen|sel|rab|kam|jum|sab|min)\w*\b.*$", re.I
)
_REQUISITION = re.compile(
    r"\b(?:req(?:uisition)?\.?\s*#?\s*\d[\w-]*|j?r-[\d-]+\d)\b"
    r"|\s*\(\s*band\s+\d[a-d]?\s*\)",  # the NHS's pay band: "Paramedic (Band 6)"
    re.I,
)
_TIMES = re.compile(
    r"\bke-?\d+\b"
    r"|\b(?<!band )(?<!grade )(?<!level )\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|wib|wita|wit)?\b"
    r"|\b(?<!band )(?<!grade )(?<!level )\d+\b",
    re.I,
)  # "ke-2" is Indonesian for "2nd"; "Band 5 Staff Nurse" keeps the NHS's pay band
_SEPARATORS = re.compile(
    r"\s+(?-i:(?=(?:PT|CV|RS|RSU|RSUD|RSIA)\.?\s+[A-Z]))|\s+\+\s+|\s+[-–—|/]+\s+|\s+[-–—]|[-–—]\s+|\s*[:：]\s*|\s*<>\s*|\s+x\s+"
    r"|,(?!\s*(?:inc|ltd|llc|tbk|corp|co)\b)\s*",
    re.IGNORECASE,
)
_BRACKET_SEPARATORS = re.compile(r"\s+[-–—|/]+\s+|\s*[:：]\s*")
_BRACKETS = re.compile(r"[\[(<（]([^\[\]()<>（）]*)[\])>）]")
_CONNECTOR = re.compile(
    r"(?<![\w/])(with|w/|dengan|dgn|bersama|sama|between|and|at|@|di|from|dari|for|untuk|posisi|a\.n\."
    r"|via|re|regarding)"
    r"(?![\w/])",
    re.IGNORECASE,
)


_SYMBOLS = ("So", "Sk", "Cs", "Co")
# compiled once: every title part goes through these
_ROLE_WORD = re.compile(r"[\w/]+")
_PHRASAL = re.compile(r"\b\w+-(?:off|up|in|out|on)\b")
_ORG_WORD = re.compile(r"[\w.]+")
_NEXT_WORD = re.compile(r"\s+([\w/]+)")


def _strip_symbols(text: str) -> str:
    """Emoji, pictographs and runs of punctuation carry no meaning for E2.

    U+FFFD stands for a letter that could not be decoded, inside a word: splitting there would cut
    "Glob\ufffdex" to a wrong company "Glob".
    """
    kept = [
        " "
        if (unicodedata.category(c) in _SYMBOLS and c != "\ufffd") or c in "!?*#~\u200d\ufe0f"
        else c
        for c in text
    ]
    return "".join(kept)


def prepare(title: str) -> str:
    """The title without addresses, invitation tails, requisition ids and symbols."""
    text = " ".join(title.split())[:300]
    if "group" in text.casefold():
        text = _GROUP_INTERVIEW.sub("", text)  # "Group interview Uniqlo": a format, no company
    text = _INVITE_TAIL.sub("", text)
    text = _EMAIL.sub(" ", text)
    text = _REQUISITION.sub(" ", text)
    text = _strip_symbols(text)
    return " ".join(text.split())


_BAR = re.compile(r"\s*\|+\s*")
_CAPITALISED = re.compile(r"[A-Z][\w&'’]*(?:\s+(?:[A-Z][\w&'’]*|&|and|of))*")


def _role_and_field(parts: list[str]) -> list[str]:
    """Rule E2: a title whose parts "|" separates keeps a role and its field together: "Technical
    Interview | Senior Associate - Risk Advisory | Ostrander Lowe Indonesia"."""
    if len(parts) != 2:
        return parts
    role, field = parts[0].strip(), parts[1].strip()
    if (
        role_words(role)
        and not has_org_word(role)
        and _CAPITALISED.fullmatch(field)
        and not role_words(field)
        and not has_org_word(field)
    ):
        return [f"{role} - {field}"]
    return parts


def _and_in_names(chunks: list[str]) -> list[str]:
    """Rule E2: "and" inside an organisation's name ("Cotswold and Marches Ambulance Service NHS
    Trust", "Dewi and Sons Ltd") joins nothing: capitalised words on both sides, the right
    ending in an organisation noun."""
    out = list(chunks[:1])
    for j in range(1, len(chunks), 2):
        word, after = chunks[j], chunks[j + 1]
        before = out[-1].split()
        right = after.split()
        if (
            word.strip().casefold() in ("and", "dan", "&")
            and before
            and right
            and before[-1][:1].isupper()
            and all(w[:1].isupper() for w in right)
            and right[-1].casefold().strip(".,") in NAME_ENDS | ORG_WORDS
        ):
            out[-1] += word + after
        else:
            out += [word, after]
    return out


@lru_cache(maxsize=4096)
def segments(title: str) -> tuple[Segment, ...]:
    """Rule E2: the title's parts, split on separators, brackets and connector words."""
    text = f" {prepare(title)} "  # a separator left at an edge still splits
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in _BRACKETS.finditer(text):
        inside = match.group(1).strip()
        if " " not in inside and has_org_word(inside):
            continue  # "PT Bank Rakyat Indonesia (Persero) Tbk": part of the legal name
        pieces.append((text[last : match.start()], False))
        pieces.append((match.group(1), True))
        last = match.end()
    pieces.append((text[last:], False))
    found: list[Segment] = []
    for piece, bracketed in pieces:
        # inside brackets a comma does not separate: "(Product Manager, Payments)"
        if bracketed:
            parts = _BRACKET_SEPARATORS.split(piece)
        elif title.count("|") >= 2:  # "<step> | <role> - <field> | <employer>"
            parts = [
                p for bar in _BAR.split(piece) for p in _role_and_field(_SEPARATORS.split(bar))
            ]
        else:
            parts = _SEPARATORS.split(piece)
        for i, part in enumerate(parts):
            joined: Connector = "(" if bracketed and i == 0 else ""
            chunks = _CONNECTOR.split(part)
            if len(chunks) >= 3 and not chunks[-1].strip(" .,;'\"/|–—"):
                # a connector word that ends the part belongs to the name: "PT Maju Bersama"
                chunks = [*chunks[:-3], chunks[-3] + chunks[-2] + chunks[-1]]
            chunks = _and_in_names(chunks)
            for j, chunk in enumerate(chunks):
                if j % 2 == 1:
                    joined = _CONNECTORS[chunk.casefold()]
                    continue
                chunk = chunk.strip(" .,;'\"/|–—")
                if chunk:
                    found.append(Segment(chunk, joined, bracketed))
                joined = "" if not bracketed else "("
    return tuple(found)


def role_words(text: str) -> list[str]:
    """The role nouns in `text` (rule E2), in order ("cook-off", "sign-off": no cook, no role)."""
    low = text.casefold()
    if "-" in low:
        low = _PHRASAL.sub(" ", low)
    words = _ROLE_WORD.findall(low)
    return [
        w
        for i, w in enumerate(words)
        if is_role_noun(w) or (w == "service" and i and words[i - 1] == "customer")
    ]  # "Customer Service" is a job; "Cloud Service" is not


def has_org_word(text: str) -> bool:
    """A legal form or organisation noun (PT, Tbk, Inc, GmbH, Bank, Sekolah...)."""
    return any(w in ORG_WORDS for w in _ORG_WORD.findall(text.casefold()))


def strip_stage_and_noise(text: str, keywords: re.Pattern[str]) -> str:
    """What a part names once keywords, stage words, noise and numbers are gone.

    A stage word right before a role noun is part of the role ("HR Generalist", "Tech Lead").
    """
    text = keywords.sub(" ", text)
    text = _IMPLICIT.sub(" ", text)
    text = _SPELLED.sub(" ", text)
    text = " ".join(_TIMES.sub(" ", text).split())
    # only at the edges: inside a name or role they belong to it ("Admin Online Shop")
    while True:
        lead = _LEADING.match(text)
        if lead and not _next_word_is_role(text, lead.end()):
            text = text[lead.end() :].lstrip()
            continue
        trail = _TRAILING.search(text)
        if trail:
            text = text[: trail.start()].rstrip()
            continue
        return text.strip(" -–—|:,.;'\"&+")


def _next_word_is_role(text: str, end: int) -> bool:
    following = _NEXT_WORD.match(text, end)
    return bool(following and is_role_noun(following.group(1).casefold()))
