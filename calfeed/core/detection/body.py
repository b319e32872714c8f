"""What an invitation's body and location say (rules D6, D7, E4).

Applicant-tracking and scheduling tools write their invitations in a few fixed shapes: labelled
lines ("Job: R-20411 UX Researcher", "Position: ...", "Posisi: ...", "Perusahaan: ...", Zoom's
"Topic: ...", Calendly's "Event Name: ..."), sentences ("for the Product Designer role at Shoply",
"an interview for the position of Lead Software Engineer", "kami undang untuk mengikuti tahap
wawancara"), and, on the interviewer's copy only, the marks of the hiring side (an interview kit,
a scorecard, "Interviewers only", a "Candidate:" line). This module reads those and nothing else:
free prose is left alone, since "Tom is the Engineering Manager for Payments" names the
interviewer's role, not the job.

Pure; every pattern is compiled once at import (no per-call compiling) and the text is cut
before scanning, so a long body costs a bounded amount.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from calfeed.core.detection.titles import HONORIFIC_WORDS, has_org_word, is_role_noun, role_words

#: how much of a body is read: invitations put what matters at the top
SCAN_LIMIT = 6000

_TAG = re.compile(r"<(/?)([a-zA-Z]+)[^<>]{0,1000}>")
_BLOCK_TAGS = frozenset("br p div li tr h1 h2 h3 h4 ul ol table".split())
_SPACES = re.compile(r"[ \t\u00a0]+")
_ID_BRACKET = re.compile(r"\s*\((?:req|id|ref)[^)]*\)", re.IGNORECASE)
_BRACKET = re.compile(r"\s*\(.*?\)\s*")
#: rule E4: a programme's intake year is not part of the role: "2027 Graduate Analyst Programme"
_INTAKE_YEAR = re.compile(r"^\s*(?:19|20)\d\d\s+(?=\w)")
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bInc)(?<!\bLtd)(?<!\bCorp)(?<!\bPte)(?<!\bBhd)(?<!\bTbk)(?<!\bCo)[.!?](?:\s|$)"
)

#: rule E4: labelled lines, label -> what it names
_LINE = re.compile(
    r"^\s*[-*•]?\s*(?P<label>job title|job requisition|requisition|job|position|posisi|jabatan"
    r"|role|vacancy|lowongan|formasi|interview"
    r"|company|perusahaan|nama perusahaan|employer|organi[sz]ation|hiring organi[sz]ation|client"
    r"|department"
    r"|topic|event name|what|subject|judul"
    r"|candidate|kandidat|interviewers?|pewawancara|interviewer\(s\)|application)\s*[:：]\s*(?P<value>.{1,400}?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_POSITION_LABELS = frozenset(
    (
        "job title",
        "job requisition",
        "requisition",
        "job",
        "position",
        "posisi",
        "jabatan",
        "role",
        "vacancy",
        "lowongan",
        "formasi",
    )
)
#: rule E4: labelled lines that name the employer (an agency's "Client:" is its client, the
#: employer; NHS Jobs and Trac write "Organisation:")
_COMPANY_LABELS = frozenset(
    """company perusahaan employer organisation organization client""".split()
    + ["nama perusahaan", "hiring organisation", "hiring organization"]
)
#: a "Department:" line names the employer when it names a government body ("Department for
#: Communities", "Ministry of ...", Civil Service Jobs), not a team ("Department: Finance")
_AN_AUTHORITY = re.compile(
    r"\s*(?:the\s+)?(?:department|ministry|kementerian|dinas)\s+(?:for|of)?\b", re.I
)
#: a vacancy's number before its title: "398214 - Senior Policy Adviser"
_VACANCY_NUMBER = re.compile(r"^\s*\d{4,}\s*[-–:]\s*")
_REQUISITION = re.compile(
    r"\b(?:job\s+)?(?:req(?:uisition)?\.?\s*(?:id)?\s*#?\s*[\w-]*\d[\w-]*|j?r-?\d{3,}[\w-]*"
    r"|r-\d{2,}(?:-\d{2,})+)\b",  # Workday's "R-26-0412"
    re.IGNORECASE,
)
_WORDS = r"[A-Z0-9][\w&.'’+/-]*(?:,?\s+(?:[A-Z0-9&][\w&.'’+/-]*|of|and|dan|&|de|la|the|in))*"
#: rule E4: sentences that name the role and the employer
#: a role that holds a dash or lower-case words: "Brand Manager - Ready to Drink", "Client
#: Advisor, Malaysia desk"
_DASHED_WORDS = (
    r"[A-Z0-9][\w&.'’+/-]*(?:,?\s+(?:[A-Z0-9&][\w&.'’+/-]*"
    r"|(?!(?:role|position|job|opening|vacancy|at|with|di|for|from|or)\b)[a-z]{2,12}"
    r"|[-–](?=\s+[A-Z])))*"
)
_ROLE_AT = re.compile(
    rf"\b(?i:for|to|untuk|about|regarding|re|discuss|interest\s+in)\s+(?:the|our|a|an)?\s*(?:position\s+of\s+|role\s+of\s+|posisi\s+)?"
    rf"(?P<role>{_DASHED_WORDS})(?:\s+\([^()\n]{{1,40}}\))?\s+(?:role|position|job|opening|vacancy)"
    rf"(?:\s+(?:at|with|in|di)\s+(?P<co>{_WORDS}))?",
)
_POSITION_OF = re.compile(
    rf"\b(?:position|role|appointment|post)\s+of\s+(?P<role>{_WORDS})(?:\s+\([^()\n]{{1,40}}\))?"
    rf"(?:\s+(?:at|with|di)\s+(?P<co>{_WORDS}))?"
    rf"|\b(?:untuk|for|interview|wawancara|user)\s+(?:posisi|formasi)\s+(?P<role2>{_WORDS})(?:\s+(?:di|at)\s+(?P<co2>{_WORDS}))?",
)
#: a name or role within one line (a role never runs on into the next line's "Please join")
_ONE_LINE_WORDS = (
    r"[A-Z0-9][\w&.'’+/-]*(?:,?[ \t]+(?:[A-Z0-9&][\w&.'’+/-]*|of|and|dan|&|de|la|the))*"
)
#: rule E4: "a hiring manager conversation for Backend Engineer, Payments" (a role noun needed)
_STEP_FOR = re.compile(
    rf"\b(?:(?i:interview|conversation|call|chat|screen|session|onsite|loop|superday|step|stage)"
    rf"(?:\s+(?i:day))?(?:\s+with\s+[^.\n]{{1,40}}?)?\s+(?i:for)|(?i:application)(?:\s+\([^()\n]{{1,60}}\))?\s+(?i:for|to))\s+(?i:the\s+)?"
    rf"(?:(?i:job\s+requisition|requisition|req\.?)\s+(?:[A-Z]{{1,3}}-)?[\d-]{{3,}}\s+)?"
    rf"(?P<role>{_ONE_LINE_WORDS})"
)
_INTEREST_IN = re.compile(
    rf"\b(?:interest in|applying (?:to|at)|apply(?:ing)? to join|melamar di|bergabung dengan)\s+"
    rf"(?P<co>{_WORDS})"
)
#: rule E4: a job portal's robot names the employer first: "PT Bukit Kapital has scheduled an
#: interview with you" (one line, so a greeting before it is not part of the name)
_LINE_WORDS = r"[A-Z0-9][\w&.'’+/-]*(?:[ \t]+(?:[A-Z0-9&][\w&.'’+/-]*|of|and|dan|&|de|la|the))*"
#: rule E4: "Your interview for Area Manager - North West (R-0048817) at Greendale Supermarkets":
#: a role that may hold a dash, then the employer
_DASH_ROLE = r"[A-Z][\w&'’+/-]*(?:[ \t]+(?:[A-Z0-9&][\w&.'’+/-]*|of|and|in|-|–))*"
_FOR_AT = re.compile(
    rf"\b(?i:interview|application|apply(?:ing)?)\s+(?i:for)\s+(?i:the\s+)?(?i:position\s+of\s+)?"
    rf"(?P<role>{_DASH_ROLE})(?:\s+\([^()\n]{{1,40}}\))?\s+(?i:at|with)\s+(?P<co>{_LINE_WORDS})"
)
#: rule E4: "Thanks for applying for Senior Associate - Risk Advisory (Internal Audit) on our
#: careers site": the role, then where the application was made; or a sentence's end, as an
#: invitee answers a scheduler's question ("Applying for Trainee Auditor (Halal).")
_APPLIED_FOR = re.compile(
    rf"(?m)\b(?i:applying|applied|application)\s+(?i:for)\s+(?i:the\s+)?(?P<role>{_DASH_ROLE})"
    rf"(?:\s+\([^()\n]{{1,40}}\))?(?:\s+(?i:role|position|job|post|vacancy))?"
    rf"(?:\s+(?i:on|via|through)\s+(?i:our|the|your)\b|[ \t]*(?:[.;]|$))"
)
#: rule E4: a recruiter's note typed in lower case: "a quick call about the junior consultant
#: opening?", "ringing re the ECC nurse post" (a role noun needed)
_LOWER_OPENING = re.compile(
    r"\b(?:about|regarding|re|for)\s+(?:the|your|our|an?)\s+"
    r"(?P<role>(?:[A-Z]{2,5}[ \t]+)?[a-z][a-z&/-]*(?:[ \t]+[a-z][a-z&/-]*){0,3})"
    r"[ \t]+(?:opening|vacancy|role|position|post|job)\b"
)
#: rule E4: Teamtailor's "an interview with <employer> for the position <role>."
_FOR_THE_POSITION = re.compile(rf"\b(?i:for\s+the\s+position)[ \t]+(?P<role>{_ONE_LINE_WORDS})")
_INTERVIEW_WITH = re.compile(rf"\b(?i:interview)\s+with\s+(?P<co>{_LINE_WORDS})")
_SCHEDULED = re.compile(
    rf"(?m)^[ \t]*(?P<co>{_LINE_WORDS})(?:[ \t]+\([^()\n]{{1,60}}\))?[ \t]+"
    r"(?:(?:has|have)[ \t]+(?:scheduled|arranged|invited[ \t]+you)"
    r"|mengundang[ \t]+(?:kamu|anda|saudara))"  # Kalibrr: "PT X (Klinik X) mengundang kamu"
)
#: rule E4: a body that opens with the role and the step: "Product Designer onsite: ..."
_ROLE_STEP = re.compile(
    rf"\s*(?P<role>{_LINE_WORDS})[ \t]+(?:[-–—:][ \t]+)?"
    r"(?:(?i:first|second|final|1st|2nd|3rd)[ \t]+)?"
    r"(?i:onsite|on-site|interview|round|screen|loop|panel)\b"
)
#: rule E4: the step, then the role, then whom with: "Wawancara Final Management Trainee
#: Finance dengan Chief Financial Officer", "Interview User Staf Gudang bersama ..."
_STEP_ROLE = re.compile(
    rf"\b(?i:interview|wawancara)\s+(?:(?i:final|akhir|user|hr|hrd|lanjutan)\s+)?"
    rf"(?P<role>{_LINE_WORDS})[ \t]+(?i:dengan|bersama|with)\b"
)
#: rule E4: "Role: Data Analyst, Risk." inside a sentence, not on a line of its own
_INLINE_ROLE = re.compile(r"\b(?:Role|Position|Posisi)\s*:\s*(?P<role>[^.\n;!?]{2,60})")
#: rule E4: the user's own notes name the vacancy: "posisi Store Crew", "lowongan F&B Service
#: (waitress)", "lamaran barista", "lamaran Saudara untuk Officer Development Program (ODP)"
_NOTED_ROLE = re.compile(
    r"\b(?i:posisi|formasi|lowongan|lamaran|melamar)\s+(?:(?i:anda|saudara|saudari|kamu)\s+)?"
    r"(?:(?i:untuk|sebagai|kerja)\s+)?(?:(?i:posisi)\s+)?"
    r"(?P<role>(?!(?i:anda|saudara|kamu|di|ke|yang|ini|itu)\b)[\w&/'’+]+(?:[ \t]+[\w&/'’+]+){0,3}?)"
    r"(?=[ \t]*(?:[.,;:()\n]|$|[ \t]-[ \t]"
    r"|[ \t](?i:di|ke|ketemu|sama|dari|dia|yang|yg|batch|via|untuk|for|at|dengan|with|dan|and)\b))"
)
#: rule E4: job portals, where an application was made: never the job
_PORTALS = frozenset("jobstreet glints kalibrr linkedin indeed karir dealls topkarir".split())
#: rule D8: a journalist's line in the body makes it a press interview
_PRESS_LINE = re.compile(
    r"^\s*(?:journalist|reporter|wartawan|jurnalis)\s*[:：]"
    r"|\b(?:pe)?liputan\b|\b(?:news|camera|film(?:ing)?)\s+crew\b",  # "Kru liputan Jogja Pagi TV"
    re.I | re.M,
)
#: rule D7: the body says this is a step of hiring the user
_INVITATION = re.compile(
    r"invit\w*\s+(?:you\s+)?(?:to|for)\s+(?:an?\s+|the\s+|our\s+)?(?:\w+\s+){0,2}interview"
    r"|(?:have|has)\s+(?:been\s+)?invited\s+to\s+an?\s+interview"
    r"|you\s+have\s+an?\s+interview"
    r"|(?:our|the|your)\s+interview\s+for\s+the"
    r"|interview\s+for\s+the\s+(?:position|role)"
    r"|\blast\s+step\s*!"  # "Last step! 30 min with Elena."
    r"|(?:first|next|final|last)\s+(?:step|stage|round)\s+of\s+(?:our|the)\s+(?:hiring|interview|"
    r"recruit\w*|selection)\s+process"
    r"|stage\s+of\s+the\s+(?:hiring|recruit\w*|selection)\s+process"
    r"|part\s+of\s+(?:our|the)\s+(?:hiring|recruit\w*)\s+process"
    r"|thanks?\s+(?:you\s+)?for\s+(?:applying|your\s+application)"
    r"|hiring\s+manager\s+(?:conversation|call|chat|interview)"
    # the candidate's copy of a scheduler's invitation: "Who you'll meet:", "for the next stage",
    # "Interviewer(s): ..." (the interviewer's own copy carries the hiring side's marks, D6)
    r"|(?:^|\n)\s*interviewer\(s\)\s*:"
    r"|who\s+you['’]ll\s+(?:be\s+)?meet(?:ing)?\s*:|you['’]ll\s+be\s+meeting\s*:"
    r"|(?:for|as)\s+(?:the|your)\s+next\s+(?:step|stage)\b"
    r"|recruiter\s+screen|\bcandidate\s+(?:seminar|presentation|talk)\b"
    # a later round an interviewer sends herself: "here is the link for our second conversation"
    r"|\b(?:our|the|your)\s+(?:second|next|final|follow[\s-]?up)\s+(?:conversation|interview|round)\b"
    r"|(?:kami\s+)?(?:undang|mengundang)\s+(?:anda|bapak|ibu|saudara\S*|kamu)?\s*(?:untuk\s+)?"
    r"(?:mengikuti\s+)?(?:tahap\s+|sesi\s+|proses\s+)?(?:interview|wawancara)"
    r"|diundang\s+untuk\s+(?:interview|wawancara)"
    r"|undangan\s+(?:interview|wawancara)"
    r"|tahap\s+(?:interview|wawancara)"
    r"|jadwal\s+(?:interview|wawancara)"
    r"|(?:hasil\s+)?seleksi\s+administrasi",
    re.IGNORECASE,
)
#: rule D6: marks only the hiring side's copy of an interview carries
_HIRING_SIDE = re.compile(
    r"interview\s*kit|scorecard|score\s*card|feedback\s+form|interviewers?\s+only"
    r"|hire\.lever\.co/interviews|app\.greenhouse\.io/guides|/interview_kit"
    r"|candidate'?s\s+(?:resume|cv|profile)|resume:\s*attached|hiring\s+decision"
    r"|please\s+do\s+not\s+forward\s+(?:this\s+)?to\s+the\s+candidate"
    r"|submit\s+(?:your\s+)?feedback|khusus\s+pewawancara|(?:lembar|form|formulir)\s+penilaian"
    r"|interviewer\s+guide|candidate\s+packet|hiring\s+team\s+only"
    r"|evaluation\s+form|\brubric\b|(?:cv|profil)\s+kandidat|scoring\s+sheet|talent\s+list",
    re.IGNORECASE,
)
#: rule E4: the sender recruits for a client, so it is not the employer
_AGENCY = re.compile(
    r"\b(?:my|our)\s+client\b|\bon\s+behalf\s+of\b|\bklien\s+kami\b|\brecruitment\s+consultan"
    r"|\bconsultant\s+at\s+\w+\s+(?:recruitment|search|staffing|talent)\b|\bheadhunt",
    re.IGNORECASE,
)
#: rule D8: the user arranged it to learn, it is not an interview
_INFORMATIONAL = re.compile(
    r"\binformational\b|\bi\s+(?:reached\s+out|asked)\b|\baku\s+yang\s+minta\b|\bsaya\s+yang\s+minta"
    r"|\btanya-tanya\b|\bparticipant\b|\bpeserta\s+studi\b|\bvoucher\b|\bresponden\b"
    r"|\bdemo\s+of\s+our\b|\bpricing\b|\bproposal\b|\bpartnership\b|\bquotation\b|\brenewal\b"
    r"|\bresearch\s+interview\b|\bconsent\s+forms?\b",
    re.IGNORECASE,
)


#: substrings one of which every match of a pattern holds: most bodies are cleared without it
_TRIGGERS = {
    "line": (":", "："),
    "role": (
        " role", " position", " job", " opening", " vacancy", "posisi", "formasi", " appointment",
        "post of",
    ),
    "step": (" for ", "application to"),
    "interest": ("interest in", "applying", "apply", "melamar", "bergabung"),
    "invitation": (
        "invit", "interview", "hiring", "step", "stage", "round", "applying", "application",
        "recruiter", "undang", "wawancara", "tahap", "jadwal", "seleksi", "process", "proses",
        "lamaran", "melamar", "loop", "applying", "you'll", "you’ll", "conversation", "seminar",
    ),
    "noted": ("posisi", "formasi", "lowongan", "lamaran", "melamar"),
    "inline": ("role:", "role :", "position:", "posisi:"),
    "step role": (" dengan", " bersama", " with"),
    "role step": (" onsite", " on-site", " interview", " round", " screen", " loop", " panel"),
    "scheduled": (
        "has scheduled", "have scheduled", "has arranged", "has invited", "have invited",
        "mengundang kamu", "mengundang anda", "mengundang saudara",
    ),
    "press": ("journalist", "reporter", "wartawan", "jurnalis", "liputan", " crew"),
    "side": (
        "kit", "scorecard", "score card", "feedback", "interviewers", "lever.co", "greenhouse",
        "candidate", "resume", "hiring decision", "forward", "pewawancara", "penilaian",
        "guide", "packet", "hiring team", "evaluation", "rubric", "kandidat", "scoring",
        "talent list",
    ),
    "agency": ("client", "behalf", "klien", "consultan", "headhunt"),
    "informational": (
        "informational", "i reached", "i asked", "minta", "tanya", "participant", "peserta",
        "voucher", "responden", "demo of our", "pricing", "proposal", "partnership",
        "quotation", "renewal", "research interview", "consent form",
    ),
}  # fmt: skip


_TRIGGER_PATTERNS = {
    kind: re.compile("|".join(re.escape(t) for t in words)) for kind, words in _TRIGGERS.items()
}


#: rule D7: one scan for any word an invitation, a vacancy or a sentence naming a role needs
_MAY_HIRING = re.compile(
    "|".join(
        re.escape(t)
        for t in dict.fromkeys(
            (*_TRIGGERS["invitation"], *_TRIGGERS["noted"], " role", " position", " appointment")
        )
    )
)


#: the newer, rarer kinds' trigger words in one pattern: one scan finds which of them a body
#: may hold (no overlaps among these words but containment: "posisi:" holds "posisi")
_RARE_KINDS = ("noted", "inline", "scheduled", "press")
_RARE_TRIGGERS = re.compile(
    "|".join(
        re.escape(t)
        for t in sorted({t for k in _RARE_KINDS for t in _TRIGGERS[k]}, key=len, reverse=True)
    )
)
_RARE_KINDS_OF = {
    found: frozenset(k for k in _RARE_KINDS for t in _TRIGGERS[k] if t in found)
    for found in {t for k in _RARE_KINDS for t in _TRIGGERS[k]}
}


def _rare_kinds(low: str) -> frozenset[str]:
    found = set(_RARE_TRIGGERS.findall(low))
    return frozenset().union(*(_RARE_KINDS_OF[f] for f in found)) if found else frozenset()


def _may(kind: str, low: str) -> bool:
    """Whether `low` (casefolded) holds any of the kind's trigger words (one C-level scan)."""
    return _TRIGGER_PATTERNS[kind].search(low) is not None


#: rule D7: a round the body names ("the technical interview", "your interview loop", "Interview
#: HR"), the process ("our hiring process", "proses rekrutmen") or the application ("Applying for
#: the ...", "lamaran Saudara"); read with string scans, since a pattern for these would try
#: every position of every body
_ROUND_BEFORE = frozenset(
    "technical first second third final next phone video onsite on-site panel hr user initial "
    "in-person".split()
)
_ROUND_AFTER = frozenset("loop hr hrd user lanjutan akhir awal".split())
_WAWANCARA_BEFORE = frozenset("tahap sesi jadwal undangan".split())
_WAWANCARA_AFTER = frozenset("final akhir user hr hrd direksi lanjutan kerja".split())
_PROCESS_BEFORE = frozenset("hiring recruitment recruiting selection interview".split())
_APPLYING = (
    "proses rekrutmen", "proses seleksi", "proses recruitment", "applying for the",
    "lamaran anda", "lamaran saudara", "lamaran kamu", "melamar anda", "melamar saudara",
    "terima kasih atas lamaran", "terima kasih telah melamar",
)  # fmt: skip


def _words_around(low: str, word: str) -> tuple[set[str], set[str]]:
    """The words right before and right after each whole-word `word` in `low`."""
    before: set[str] = set()
    after: set[str] = set()
    at = low.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not low[at - 1].isalnum()) and (end == len(low) or not low[end].isalnum()):
            head = low[max(0, at - 20) : at].split()
            tail = low[end : end + 20].split()
            if head:
                before.add(head[-1].strip(".,;:()"))
            if tail:
                after.add(tail[0].strip(".,;:()"))
        at = low.find(word, end)
    return before, after


def _names_a_round(low: str) -> bool:
    """Rule D7: the body names a round of hiring, its process, or the application."""
    if any(phrase in low for phrase in _APPLYING):
        return True
    if "interview" in low:
        before, after = _words_around(low, "interview")
        if before & _ROUND_BEFORE or after & _ROUND_AFTER:
            return True
    if "wawancara" in low:  # "Wawancara Final ...", "tahap wawancara", "Wawancara User"
        before, after = _words_around(low, "wawancara")
        if before & _WAWANCARA_BEFORE or after & _WAWANCARA_AFTER:
            return True
    if "process" in low:
        before, _ = _words_around(low, "process")
        if before & _PROCESS_BEFORE:
            return True
    return False


def may_invite(description: str, location: str = "") -> bool:
    """Rule D7, cheaply: whether the body could call the event a hiring step at all (no pattern
    run, no HTML read): most events' notes hold none of the words an invitation needs."""
    low = f"{description[: SCAN_LIMIT * 2]}\n{location}".casefold()
    return _MAY_HIRING.search(low) is not None


@dataclass(frozen=True, slots=True)
class BodyReading:
    """What the body and location of one event say."""

    text: str
    position: str | None = None
    company: str | None = None
    topic: str | None = None  # a title inside the body: Zoom's "Topic:", Calendly's "Event Name:"
    candidate: str | None = None  # the "Candidate:" line
    invitation: bool = False  # rule D7: the body calls it a step of hiring the user
    hiring_side: str | None = None  # rule D6: the mark of the interviewer's copy, if any
    agency: bool = False  # rule E4: a recruiter writing for a client
    informational: bool = False  # rule D8: a chat the user arranged, a study, a sales call
    names_role: bool = False  # rule D7: a sentence names the job ("for the X role at Y")
    vacancy: bool = False  # rule D7: notes name the vacancy ("lowongan waiter", "posisi X")
    press: bool = False  # rule D8: a journalist's line: a press interview


def plain_text(description: str) -> str:
    """The body as lines of plain text: block tags end a line, other tags go, entities decoded."""
    cut = description[: SCAN_LIMIT * 2]
    if "<" in cut:
        cut = _TAG.sub(lambda m: "\n" if m.group(2).casefold() in _BLOCK_TAGS else " ", cut)
    if "&" in cut:
        cut = html.unescape(cut)
    lines = (_SPACES.sub(" ", line).strip() for line in cut[:SCAN_LIMIT].splitlines())
    return "\n".join(line for line in lines if line)


#: a senior title is a job too when the sentence calls it the role: "the VP Marketing role"
_TITLED = re.compile(
    r"\b(?:vp|svp|evp|avp|ceo|cfo|coo|cto|cmo|cro|cpo|chro|cio|head|chief|director|president)\b",
    re.IGNORECASE,
)
_EMPTY_BRACKET = re.compile(r"[(\[]\s*(?:id|no\.?|#)?\s*[)\]]", re.IGNORECASE)
#: an ATS's state of the requisition after its title: "Equipment Control Executive (Open)"
_REQ_STATE = re.compile(
    r"\s*[(\[]\s*(?:open|closed|filled|evergreen|on\s+hold|draft|approved)\s*[)\]]\s*$",
    re.IGNORECASE,
)


def _clean_value(value: str, remark: bool = False) -> str | None:
    """A labelled line's value without requisition ids; `remark`: without a closing remark in
    brackets either ("PT Mitra Boga (pemegang waralaba Chatime)" names PT Mitra Boga)."""
    value = _REQUISITION.sub(" ", _VACANCY_NUMBER.sub("", value))
    if remark and value.count("(") == value.count(")") == 1 and value.rstrip().endswith(")"):
        inside = value[value.index("(") + 1 : -1]
        before = value[: value.index("(")].split()
        legal_end = bool(before) and before[-1].casefold().strip(".") in _LEGAL_ENDS
        if len(inside.split()) > 1 or (legal_end and not has_org_word(inside)):
            # "(pemegang waralaba Chatime)": a remark; "Pte Ltd (Tuas)": where, after the name
            value = value[: value.index("(")]
    value = _ID_BRACKET.sub(" ", value)
    value = _EMPTY_BRACKET.sub(" ", value)  # "(Req ID 5309)" once its id is gone
    value = _REQ_STATE.sub("", value)
    value = _INTAKE_YEAR.sub("", value)  # "2027 Graduate Analyst Programme"
    value = " ".join(value.split()).strip(" -–—|:;,.")
    return value or None


#: legal forms that end an employer's name: a bracket after one is a remark ("(Tuas)")
_LEGAL_ENDS = frozenset("ltd limited pte plc inc llp bhd tbk llc gmbh corp".split())
#: rule E4: a role ends where a legal form or the channel begins: "Staf Gudang PT
#: Sarana Niaga", "Data Analyst melalui Glints", "AE via a recruiter"
_ROLE_END = re.compile(r"\s+(?:PT|CV|Tbk|(?i:melalui|lewat|via))\b")
#: rule E4: notes this short are the user's or a one-line invitation, not a letter
_SHORT_NOTE = 300
_SENTENCE = re.compile(r"[^.\n!?]+")
#: rule E4: a sentence that is a role and nothing else: "Product
#: Designer (remote).", "Mobile Engineering Intern."
_ROLE_SENTENCE = re.compile(
    r"^\s*(?P<role>[A-Za-z][\w&/+'’-]*(?:[ \t]+[\w&/+'’-]+){0,4}?)"
    r"(?:[ \t]+(?i:position|role|vacancy))?[ \t]*(?:\([^()]{0,40}\))?[ \t]*$"
)
#: the people an invitation is signed by, never the job: "Talent Acquisition Partner"
_RECRUITING = frozenset("talent recruiter recruitment recruiting hr hrd people human".split())
#: a sentence that starts with one is about the user, not a role: "Saya masukin Junior Engineer."
_PRONOUNS = frozenset("saya aku i we kami kita dia he she they".split())
_WHOM = frozenset(
    "sama with w/ dengan bersama ketemu meet meeting pak bu bapak ibu mr ms mrs dr by oleh".split()
)


@lru_cache(maxsize=1024)
def role_sentence(text: str) -> str | None:
    """Rule E4: the first sentence of short notes that is only a role, ended by a full stop;
    read only when nothing else named the role (most notes are never scanned for it)."""
    if len(text) > _SHORT_NOTE or "." not in text:
        return None
    for found in _SENTENCE.finditer(text):
        end = found.end()
        if end >= len(text) or text[end] != ".":
            continue
        match = _ROLE_SENTENCE.match(found.group())
        if match is None:
            continue
        role = match["role"]
        words = role.casefold().split()
        if words[0] in _WHOM or words[0] in _PRONOUNS:
            continue  # "sama store manager.": whom the user meets, not the job
        if is_role_noun(words[-1]) and not _RECRUITING.intersection(words):
            return _ROLE_END.split(role, maxsplit=1)[0].strip(" ,;-") or None
    return None


#: who holds a step, named before it ("Recruiter Screen", "Hiring Manager interview"): no role
_STEP_NAMES = frozenset({"recruiter", "hiring manager", "hr", "hrd", "talent acquisition"})


def _honorific(name: str) -> bool:
    """ "with Mr. Hendro Wibisono": a person after "with", never an employer."""
    return name.split()[0].casefold().rstrip(".") in HONORIFIC_WORDS


def _role_head(value: str | None) -> str | None:
    """Rule E4: a labelled role that runs on ("High School English Teacher (IB DP English A/B),
    starting August 2027"): the part before its first bracket or comma, when that ends in a
    role noun or is a role noun's comma and team ("Data Analyst, Customer Insights")."""
    if not value:
        return None
    head = _RUN_ON.split(value, maxsplit=1)[0].strip(" ,;-")
    words = head.split()
    if head == value.strip() or not 0 < len(words) <= 8:
        return None
    if _QUALIFIER.fullmatch(value[len(head) :]) and is_role_noun(words[-1].casefold()):
        return None  # "Legal Counsel (Commercial)": the role with its qualifier, whole
    if is_role_noun(words[-1].casefold()):
        return head
    role, comma, _ = head.partition(",")
    if comma and role.split() and is_role_noun(role.split()[-1].casefold()):
        return head  # "Data Analyst, Customer Insights (permanent, hybrid)": the role, its team
    return None


#: a role's own qualifier in brackets, nothing after it: " (Commercial)", " (Kamar Bersalin)"
_QUALIFIER = re.compile(r"\s*\((?:[A-Z][\w&'’-]*)(?:\s+(?:[A-Z][\w&'’-]*|&|and|of|dan)){0,3}\)\s*")
#: where a labelled role runs on: a bracket, or a comma or dash before a lower-case word
_RUN_ON = re.compile(r"\s*[(\[]|,\s+(?=[a-z])|\s+[-–—]\s+(?=[a-z])")


def _trim_words(value: str | None, limit: int = 6) -> str | None:
    """A captured name cut at its sentence's end, without trailing joiners; None when too long."""
    if not value:
        return None
    words = _SENTENCE_END.split(value, maxsplit=1)[0].split()
    while words and words[-1].casefold() in {"of", "and", "dan", "&", "de", "la", "the"}:
        words.pop()
    if not words or len(words) > limit:
        return None
    return " ".join(words).strip(" ,.")


@lru_cache(maxsize=4096)
def read_body(description: str, location: str = "") -> BodyReading:
    """Rules D6, D7, E4: the evidence in one event's body (cached: feeds are rebuilt often)."""
    text = plain_text(description)
    if not text and not location:
        return BodyReading(text="")
    low = text.casefold()
    rare = _rare_kinds(low)
    position = company = topic = candidate = None
    has_line = _may("line", low)
    for match in _LINE.finditer(text) if has_line else ():
        label, value = match["label"].casefold(), match["value"]
        if label in _POSITION_LABELS and position is None:
            position = _role_head(_clean_value(value)) or _trim_words(_clean_value(value), 8)
        elif (
            label in _COMPANY_LABELS or (label == "department" and _AN_AUTHORITY.match(value))
        ) and company is None:
            company = _trim_words(_clean_value(value, remark=True), 8)
        elif label == "application" and position is None and role_words(value):
            position = _trim_words(_clean_value(value), 8)  # Hosco: "Application: <role>"
        elif label == "interview":  # "Interview: Regional Finance Director": a title in the body
            if position is None and role_words(value):
                position = _trim_words(_clean_value(value), 8)
            if topic is None:
                topic = match.group().strip(" -*•")
        elif label in ("topic", "event name", "what", "subject", "judul") and topic is None:
            topic = value.strip()
        elif label in ("candidate", "kandidat") and candidate is None:
            # "Candidate: Aisyah Rahman, Commis Chef (ITE Culinary, ...)": the name only
            candidate = _BRACKET.sub(" ", value).split(",")[0].split(". ")[0].strip()
    if position is None and topic:  # Zoom's "Topic: Product Designer interview - <name>"
        found = _ROLE_STEP.match(topic)
        if found and role_words(found["role"]) and found["role"].casefold() not in _STEP_NAMES:
            position = _trim_words(found["role"])  # not "Recruiter" of "Recruiter Screen - <name>"
    prose = _LINE.sub(" ", text) if has_line else text  # not the labelled lines
    if position is None and has_line and "inline" in rare:
        found = _INLINE_ROLE.search(text)  # also inside another labelled line
        if found:
            position = _trim_words(_clean_value(found["role"]))
    names_role = False
    if (position is None or company is None) and _may("role", low):
        for pattern, role_group, co_group in (
            (_ROLE_AT, "role", "co"),
            (_POSITION_OF, "role", "co"),
            (_POSITION_OF, "role2", "co2"),
        ):
            found = pattern.search(prose)
            if found is None or found[role_group] is None:
                continue
            if position is None and (
                role_words(found[role_group]) or _TITLED.search(found[role_group])
            ):
                position = _trim_words(_clean_value(found[role_group]), 8)
            names_role = names_role or bool(role_words(found[role_group]))
            if company is None and found[co_group] and not _honorific(found[co_group]):
                company = _trim_words(found[co_group], 5)
            break
    if (
        (position is None or company is None)
        and " for " in low
        and (" at " in low or " with " in low)
    ):
        found = _FOR_AT.search(prose)
        if found and role_words(found["role"]):
            position = position or _trim_words(found["role"].strip(" -–"), 8)
            if not _honorific(found["co"]):
                company = company or _trim_words(found["co"], 6)
            names_role = True
    if position is None and "appl" in low and " for " in low:
        found = _APPLIED_FOR.search(prose)
        if found and role_words(found["role"]):
            position = _trim_words(found["role"].strip(" -–"), 8)
            names_role = True
    if position is None and ("opening" in low or " post" in low or " job" in low):
        found = _LOWER_OPENING.search(prose)
        if found and role_words(found["role"]):
            position = found["role"]  # "Quick call about the junior consultant opening?"
            names_role = True
    if position is None and "for the position " in low:
        found = _FOR_THE_POSITION.search(prose)
        if found and role_words(found["role"]):
            position = _trim_words(found["role"], 8)
            names_role = True
    if position is None and _may("step", low):
        found = _STEP_FOR.search(prose)
        role = _trim_words(found["role"]) if found else None
        if role and role_words(role):
            position = role
            names_role = True
    if position is None and ("interview" in low or "wawancara" in low) and _may("step role", low):
        found = _STEP_ROLE.search(prose)
        if found and role_words(found["role"]):
            position = _trim_words(found["role"])  # "Wawancara Final <role> dengan ..."
    if position is None and _may("role step", low[:120]):
        found = _ROLE_STEP.match(prose)
        if found and role_words(found["role"]):
            position = _trim_words(found["role"])  # "Product Designer onsite: portfolio ..."
    vacancy = False
    if "noted" in rare:
        for found in _NOTED_ROLE.finditer(prose):
            if found["role"].casefold() in _PORTALS:
                continue  # "dari lamaran JobStreet": where the user applied, not the job
            vacancy = True
            if position is None:
                position = _trim_words(found["role"], 5)
            break
    if company is None and "interview with " in low:
        # "shortlisted for a video interview with Najd Royal Care Hospital, Riyadh": an
        # organisation by its noun, never a person ("an interview with our Head of Design")
        found = _INTERVIEW_WITH.search(prose)
        if found and has_org_word(found["co"]):
            company = _trim_words(found["co"], 6)
    if company is None and "scheduled" in rare:
        found = _SCHEDULED.search(prose)
        if found:
            company = _trim_words(found["co"], 5)
    if company is None and _may("interest", low):
        found = _INTEREST_IN.search(prose)
        if found:
            company = _trim_words(found["co"], 5)
    if position is not None:
        position = _ROLE_END.split(_INTAKE_YEAR.sub("", position), maxsplit=1)[0]
        position = position.strip(" ,;-") or None
    both = f"{text}\n{location}"
    invited = _may("invitation", low) or (
        bool(location) and _may("invitation", location.casefold())
    )
    side = _HIRING_SIDE.search(text) if _may("side", low) else None
    return BodyReading(
        text=text,
        position=position,
        company=company,
        topic=topic,
        candidate=candidate,
        invitation=invited
        and (_INVITATION.search(both) is not None or _names_a_round(both.casefold())),
        hiring_side=side.group().casefold() if side else None,
        agency=_may("agency", low) and _AGENCY.search(text) is not None,
        informational=_may("informational", low) and _INFORMATIONAL.search(text) is not None,
        names_role=names_role,
        vacancy=vacancy,
        press="press" in rare and _PRESS_LINE.search(text) is not None,
    )
