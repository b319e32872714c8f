"""The company and position of one interview from the title, the body, the location and the
people together (rules E2, E4).

The title is read as before (`companies.read_company_position`); the body's labelled lines and
sentences (`body.read_body`) add what the title leaves out. A recruiting agency is never the
employer: its domain says nothing, and a name that agrees with it is dropped. Where the title
names a company it wins; a company known only from a domain gives way to one the body names.
"""

from __future__ import annotations

import re

from calfeed.core.detection.body import BodyReading, role_sentence
from calfeed.core.detection.companies import (
    Party,
    agrees,
    company_label,
    org_tail_after,
    read_company_position,
    spelled_in,
)
from calfeed.core.detection.titles import (
    LEGAL_PREFIX,
    NOISE_WORDS,
    STAGE_WORDS,
    has_org_word,
    is_role_noun,
    role_words,
    segments,
    strip_stage_and_noise,
)
from calfeed.core.detection.whom import (
    DEPARTMENTS,
    meets_whom,
    names_senior,
    role_before_org,
    titled_in,
    typed_title_then_name,
    without_whom,
)
from calfeed.core.model import Person

#: rule E4: recruiting agencies' names (squashed): their domain is never the employer's
AGENCIES = frozenset(
    """robertwalters michaelpage pagegroup hays randstad adecco kellyservices persolkelly
    manpower manpowergroup kornferry hudson spencerstuart hrnetgroup jac jacrecruitment
    talentbridge monster peoplesearch""".split()
)
_NOT_ALNUM = re.compile(r"[^0-9a-z]")
#: rule E4: a shopping centre or a branch code after a shop's name is where, not who
#: ("Starbucks Tunjungan Plaza", "Uniqlo TP6")
_MALL = re.compile(r"\s+(?:(?:[A-Z][a-z]+\s+)?(?:Plaza|Mall|Square)(?:\s+\d+)?|[A-Z]{1,3}\d{1,2})$")
_BRANCH = re.compile(
    r"\s+(?:cabang|cab\.|branch|kantor|kanwil|kc|kcp|outlet|pusat|head\s+office|hq)(?!\w).*$",
    re.IGNORECASE,
)


def _squash(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


def agency_labels(title: str, body: BodyReading, people: tuple[Person, ...]) -> frozenset[str]:
    """Rule E4: the domain labels of recruiting agencies on this event.

    A known agency's domain; the domain of a name the title joins with "via"; the organizer's
    domain when the body says the sender recruits for a client.
    """
    labels = {lab for p in people if (lab := company_label(p.email))}
    found = {lab for lab in labels if lab.replace("-", "") in AGENCIES}
    via = (
        [s.text for s in segments(title) if s.joined_by == "via"]
        if "via" in title.casefold()
        else []
    )
    found |= {lab for lab in labels for text in via if agrees(text, lab)}
    if body.agency:  # the employer the body names ("on behalf of Acme") is no agency
        found |= {lab for lab in labels if not (body.company and agrees(body.company, lab))}
    return frozenset(found)


def read_names(
    title: str,
    keywords: re.Pattern[str],
    people: tuple[Person, ...],
    user: tuple[str, ...],
    body: BodyReading,
    location: str = "",
    sender: str = "",
) -> tuple[str | None, str | None]:
    """Rules E2, E4: the company and position, each None when the evidence is thin."""
    agencies = agency_labels(title, body, people)
    parties = tuple(
        Party(p.name, p.email if company_label(p.email) not in agencies else "") for p in people
    )
    company, position = read_company_position(title, keywords, parties, user)
    if company is not None and (_CODE.fullmatch(company) or sum(map(str.isalnum, company)) < 2):
        company = None  # "... (final) – JR104522": a requisition; "3/O" cut at its slash
    tail = body.position[len(position) :].strip(" ,;-") if position and body.position else ""
    if (
        company
        and tail
        and _extends(body.position or "", position or "")
        and tail.casefold().startswith(company.casefold())
        and company.casefold() not in title.casefold()
    ):
        company = tail  # "the position of Front Office Agent, Hotel Cendana Surabaya"
    elif position and body.position and _extends(body.position, position):
        # "Interview - Chief Financial Officer, Consumer Business": the title's comma cut the
        # role the invitation's "Job Requisition:" line gives whole; its tail is no company
        if company and company.casefold() in body.position.casefold():
            company = read_company_position(_without(title, company), keywords, parties, user)[0]
        position = body.position
    elif position and body.position and _narrows(body.position, position):
        position = body.position  # "Intern Chat", body: "the Mobile Engineering Intern opening"
    elif position and body.position and _holds_words(body.position, position):
        # "Sales", the invitation: "Vice President, Sales - APAC"; "Area Manager" and "North
        # West" read apart, the invitation: "Area Manager - North West": no company in it
        if company and company.casefold() in body.position.casefold():
            company = body.company
        position = body.position
    elif position and body.position and position.islower() and not body.position.islower():
        position = body.position  # "kabin crew" typed, the notes: "posisi Cabin Crew"
    elif (
        position
        and body.position
        and position[:1].isupper()
        and names_senior(position)
        and not names_senior(body.position)
    ):
        # rule E6: "Phone interview – Ashdown Carver (Audit Manager)", the invitation:
        # "Position: Associate, Audit & Assurance": the title names whom, the body the job
        position = body.position
    if company is None and position is not None and (named := typed_title_then_name(position)):
        company, position = named, None  # "owner LFIP": whom the user meets, then the employer
    if company is None and position is not None:
        company, position = _role_then_name(position, f"{location}\n{body.text[:2000]}")
    in_title = company is not None and company.casefold() in title.casefold()
    if not in_title and body.company:
        company = body.company
    elif company and body.company and _body_vouched(body.company, company, parties, agencies):
        company = body.company  # "Organisation: Wessex Coast Ambulance Service NHS Trust"
    if company is not None:
        company = _BRANCH.sub("", company).strip() or None
    if company is not None and " " in company:
        company = _MALL.sub("", company).strip() or company
    if company is not None and any(
        agrees(company, lab) or _squash(company) in AGENCIES for lab in agencies
    ):
        company = None
    if company is not None and _squash(company) in AGENCIES:
        company = None
    if company is None and sender:
        company = _named_by_sender(title, sender)
    if company is None and location:
        company = _company_in_location(location) or _typed_then_written(title, location)
        if company is not None:
            company = _BRANCH.sub("", company).strip() or None  # "Apotek X Pusat, Jl. ..."
    if position is None and body.position:
        position = body.position
    if position is None and body.text:
        position = role_sentence(body.text)  # "Barista position.", "Product Designer (remote)."
    if position is None and body.text:
        position = _header_role(body.text, parties) or None
    if company is not None and location:
        company = _without_place(company, location)
    if company is not None:
        position = position or role_before_org(company)
        company = without_whom(company, title) or body.company or None
    if company is not None:
        company = _as_written(company, f"{title}\n{location}\n{body.text[:2000]}", parties)
        company = _spelled_out(company, f"{location}\n{body.text[:2000]}")
    if position is not None:
        position = _ABOUT.sub("", position).strip() or position
    if (
        position is not None
        and position != body.position
        and (meets_whom(title, position) or titled_in(body.text[:2000], position))
    ):
        position = body.position or None
    if position is not None:
        position = _ADDRESSED.sub("", position).strip(" ,") or position
        position = _EMPLOYMENT.sub("", position).strip() or position
        position = _OFFICE.sub("", position).strip() or position
        position = _PROGRAMME.sub("", position).strip(" -,") or position
        position = _CANDIDATE_TAIL.sub("", position) or position  # "Safety Supervisor candidate"
        if campaign := _CAMPAIGN.fullmatch(position):
            position = campaign["role"]  # "Indonesia Cabin Crew Campaign": the role it hires
        if (
            not any(c.isalpha() for c in position)
            or position.casefold() in _STAGE_NAMES
            or position.casefold() in _ADDRESS_WORDS
            or not strip_stage_and_noise(position, keywords).strip()
        ):
            position = None  # "34389890": a vacancy's number; "Hiring Manager": a round
    if position is not None and position == body.position:
        position = _qualifier_the_title_shows(position, title)
    if company is not None and position is not None:
        company = _without_the_roles_words(company, position, parties)
    return company, _without_trailing_company(without_company(position, company), company)


_THE = re.compile(r"^the\s+", re.IGNORECASE)
#: a requisition's or a vacancy's code, never an employer: "JR104522", "R-20417", "MCA/26/118"
_CODE = re.compile(r"[A-Z]{0,4}[-/]?\d[\d/-]{3,}|[A-Z]{1,4}\d{4,}", re.IGNORECASE)
_LAST_BRACKET = re.compile(r"\s*\(([^()]+)\)\s*$")


def _qualifier_the_title_shows(position: str, title: str) -> str:
    """Rule E4: a labelled role's bracket stays when the title writes it too, or when it is one
    word ("Legal Counsel (Commercial)"); words only the body adds may be a place ("(Southern
    Pilbara)")."""
    found = _LAST_BRACKET.search(position)
    if found is None or found.group(1).casefold() in title.casefold():
        return position
    if len(found.group(1).split()) < 2:
        return position  # "(Commercial)": one word names the team, kept
    return position[: found.start()].rstrip() or position


def _without_the_roles_words(company: str, position: str, parties: tuple[Party, ...]) -> str:
    """Rule E2: "Ostrander Lowe Risk Advisory" for the "Senior Associate - Risk Advisory" role,
    from ostranderlowe.co.id: the words the domain agrees with are the employer, the rest is
    the role's practice."""
    words = company.split()
    labels = {lab for p in parties if (lab := company_label(p.email))}
    for end in range(len(words) - 1, 0, -1):
        head, tail = " ".join(words[:end]), " ".join(words[end:])
        if _find_words(tail, position, fold=True) is not None and any(
            agrees(head, lab) for lab in labels
        ):
            return head
    return company


def _body_vouched(
    written: str, read: str, parties: tuple[Party, ...], agencies: frozenset[str]
) -> bool:
    """Rule E4: the invitation's labelled employer agrees with a sender's domain and the title's
    reading does not ("Interview - Specialist Paramedic - Urgent and Emergency Care")."""
    if read.casefold() in written.casefold():
        return False
    labels = {lab for p in parties if (lab := company_label(p.email)) and lab not in agencies}
    full = _squash(_THE.sub("", written))
    return any(
        agrees(written, lab) or (len(_squash(lab)) >= 6 and full.startswith(_squash(lab)))
        for lab in labels
    ) and not any(agrees(read, lab) for lab in labels)


#: rule E2: how the job is held, not which job: "Perawat Home Visit (freelance/full time)"
_EMPLOYMENT = re.compile(
    r"\s*[(\[]\s*(?:(?:freelance|full[\s-]?time|part[\s-]?time|contract|kontrak|permanent|tetap"
    r"|temporary|paruh\s+waktu|magang|harian)\s*(?:/|,|or|atau|&)?\s*)+[)\]]"
    r"|\s*[(\[]\s*(?:tenure[\s-]?track|fixed[\s-]?term|maternity\s+cover|parental\s+leave\s+cover"
    r"|pkwt|pkwtt)\b[^)\]]*[)\]]",
    re.IGNORECASE,
)
#: rule E2: the selection around the job, not the job: "Rekrutmen Teller Batch IV", ", Full-Time
#: 2027", "Batch 2"
_ABOUT = re.compile(
    r"^(?:re|about|regarding|soal|tentang|ketemu|meet|meeting\s+with)\s+"
    r"|^(?:ibu|bapak|saudara|saudari|anda)\s+sebagai\s+",
    re.IGNORECASE,
)
#: rule E4: the letter's "you" after the role: "posisi Apoteker Rawat Inap, Saudari kami undang"
_ADDRESS_WORDS = frozenset("saudara saudari sdr sdri anda".split())
_ADDRESSED = re.compile(r",?\s+\b(?:saudara|saudari|sdr|sdri|anda)\b.*$", re.IGNORECASE)
#: rule E2: a round's name is never the job ("Recruiter call", "Hiring Manager")
_STAGE_NAMES = frozenset(w.casefold() for w in STAGE_WORDS)
_NOISE_NAMES = frozenset(w.casefold() for w in NOISE_WORDS) | {"shop", "toko"}
_PROGRAMME = re.compile(
    r"^(?:rekrutmen|recruitment|seleksi|undangan|program)\s+|^(?:hr|hrd|user)\s+(?-i:(?=[A-Z]{2,}\b))"
    r"|\s+batch$|\s*[(\[]\s*batch\b[^)\]]*[)\]]"
    r"|\s+batch\s+(?:\d+|[ivx]+)\b.*$"
    r"|,?\s*[(\[]?(?:full[\s-]?time|part[\s-]?time|summer|graduate)?\s*(?:19|20)\d\d[)\]]?$",
    re.IGNORECASE,
)
#: rule E4: the invitee named by the role ("Postdoctoral Fellow candidate"): the role
_CANDIDATE_TAIL = re.compile(r"\s+candidate$", re.IGNORECASE)
#: rule E4: a recruitment drive named by the role it hires, where and the drive's word around it
_CAMPAIGN = re.compile(
    r"(?:(?:indonesia|malaysia|singapore|philippines|vietnam|thailand|india|uk|australia|asia"
    r"|asean|apac|emea|global|international|national|nasional|jakarta|bali|surabaya)\s+)?"
    r"(?P<role>.+?)\s+(?:recruitment\s+|hiring\s+)?(?:campaign|drive|roadshow)",
    re.IGNORECASE,
)
#: rule E2: where the job is, not which: "(Kantor Pusat Medan)", "cabang Medan", "(Head Office)",
#: "outlet Kerobokan", "penempatan Balikpapan", "area Sleman" (lower case: "Area Manager" is a job)
_OFFICE = re.compile(
    r"\s*[(\[]\s*(?:kantor\s+(?:pusat|cabang|wilayah)|head\s+office|branch\s+office|ho|kc|kcp)"
    r"\b[^)\]]*[)\]]|\s+(?:cabang|kantor\s+cabang|branch|site|outlet|penempatan|lokasi|wilayah"
    r"|(?-i:area))\s+\w+(?:\s+\w+)?$",
    re.IGNORECASE,
)


def _spelled_out(company: str, written: str) -> str:
    """Rule E2: "PT STB" typed, the notes write "PT Sarana Tambang Borneo": the initials
    spelled out as the place or the notes write them."""
    short = LEGAL_PREFIX.sub("", company)
    head, _, place = short.partition(" ")
    if (
        len(head) >= 3
        and head.isupper()
        and place.isalpha()
        and not has_org_word(head)
        and place.casefold() in written.casefold()
    ):
        short = head  # "LFIP Sanur" where the place writes "..., Sanur, Denpasar": where
    if not short.isupper() or not 2 <= len(short) <= 5 or " " in short:
        return company
    words = r"\s+".join(rf"{c}[\w&'’-]+" for c in short)
    found = re.search(rf"(?:\b(?:PT|CV)\.?\s+)?\b{words}\b", written)
    return found.group() if found else company


def _without_trailing_company(position: str | None, company: str | None) -> str | None:
    """Rule E2: "Perawat Pelaksana RS Husada Medika": a role that ends with the employer's name
    is the role alone."""
    if not position or not company:
        return position
    low, name = position.casefold(), company.casefold()
    if low.endswith(" " + name):
        rest = position[: -len(company)].strip(" -,@")
        if role_words(rest):
            return rest
    head, dash, tail = position.rpartition(" - ")
    first = tail.casefold().split()[0] if tail.strip() else ""
    if dash and len(first) >= 4 and _squash(name).startswith(first) and role_words(head):
        return head  # "Junior Sous Chef - Kirana Resort Nusa Dua": where, of the employer's
    return position


def _without_place(company: str, location: str) -> str:
    """Rule E2: "Interview @ Rumah Kopi Ubud" at "Rumah Kopi, Jl. Raya 12,
    Ubud": the place names the employer first and the city after it, so the words the title
    adds to the place's name are where, not who."""
    head, _, rest = location.partition(",")
    name = head.strip()
    low = company.casefold()
    if not rest or not name or not low.startswith(name.casefold() + " "):
        return company
    extra = company[len(name) :].split()
    rest_words = set(_PLACE_WORD.findall(rest.casefold()))
    return name if all(w.casefold() in rest_words for w in extra) else company


_PLACE_WORD = re.compile(r"\w+")


def without_company(position: str | None, company: str | None) -> str | None:
    """Rule E2: "Int - Indomaret SPV" read as one part: a role that starts with the company's
    name is the company and then the role ("SPV")."""
    if position and company and position.casefold().startswith(company.casefold() + " "):
        rest = position[len(company) :].strip(" -,")
        if role_words(rest):
            return rest
    return position


def _as_written(company: str, written: str, parties: tuple[Party, ...]) -> str:
    """Rule E2: a company read only from a domain ("Brightlinehealth") spelled as the event
    writes it out ("Brightline Health - Software Engineer II" in the body, "Quanta Pay, 600
    Battery St" as the place)."""
    low = written.casefold()
    inside = company.casefold() in low
    if inside and f"pt {company.casefold()}" not in low and f"cv {company.casefold()}" not in low:
        if company.casefold() in low.split("\n", 1)[0]:
            return company  # the title's own spelling ("Nordlicht", the place: "Nordlicht GmbH")
        return org_tail_after(company, written)  # as written ("Irwell Housing" + "Group")
    for party in parties:
        label = company_label(party.email) if party.email else None
        if label and agrees(company, label):
            spelled = spelled_in(written, label)
            if spelled and (not inside or company.casefold() in spelled.casefold()):
                # "PT Arunika Digital" where "Arunika" came from the address; "Ministry of
                # Civic Assets" where "Civic Assets" did
                return org_tail_after(spelled, written)
            return company
    return company


_HEADER_SPLIT = re.compile(r"\s+[-–—|]\s+")


def _header_role(text: str, parties: tuple[Party, ...]) -> str | None:
    """Rule E4: an invitation that opens with its own title, "Brightline Health - Software
    Engineer II, Care Platform" (Lever, a Teams invite): the part beside the employer's name,
    when that name agrees with a sender's domain and the other part names a job. Ashby writes
    the round's name first and this line second ("Intro call" / "Brightmoor - Analytics
    Engineer"), so the first three lines are read."""
    labels: list[str] | None = None
    for line in [s for s in (t.strip() for t in text.split("\n", 3)[:3]) if s][:3]:
        if len(line) > 90 or not (" - " in line or " | " in line or " – " in line):
            continue
        parts = _HEADER_SPLIT.split(line)
        if len(parts) != 2:
            continue
        if labels is None:
            labels = [lab for p in parties if p.email and (lab := company_label(p.email))]
        for name, role in (parts, parts[::-1]):
            if any(agrees(name, lab) for lab in labels) and role_words(role):
                return role.strip(" .")
    return None


def _extends(longer: str, shorter: str) -> bool:
    """`longer` is `shorter` with more words after it ("Data Analyst, Risk" / "Data Analyst")."""
    a, b = longer.casefold(), shorter.casefold()
    return len(a) > len(b) and a.startswith(b) and not a[len(b)].isalnum()


def _narrows(longer: str, shorter: str) -> bool:
    """Rule E4: `longer` names the same job more exactly, ending in `shorter` ("Backend
    Engineering Intern" / "Intern")."""
    a, b = longer.casefold(), shorter.casefold()
    return len(a) > len(b) and a.endswith(b) and not a[-len(b) - 1].isalnum()


def _holds_words(longer: str, shorter: str) -> bool:
    """`shorter` is a run of whole words inside `longer`, which names more of the same job."""
    return len(longer) > len(shorter) and _find_words(shorter, longer, fold=True) is not None


def _role_then_name(text: str, written: str) -> tuple[str | None, str]:
    """Rule E2: "kurir Kilat Kargo", "kurir sahabat antar" read as one part: a role, then the
    words after its last role noun, when the place or the notes write those words as a name
    ("Kilat Kargo Express cab. Makassar", "Hub Sahabat Antar")."""
    words = text.split()
    last = max((i for i, w in enumerate(words) if is_role_noun(w.casefold())), default=-1)
    rest = words[last + 1 :]
    if last < 0 or not rest or len(rest) > 4 or text.casefold() in written.casefold():
        return None, text  # written whole elsewhere ("Posisi: Staff Admin Gudang"): one role
    if all(w.casefold() in DEPARTMENTS for w in rest):
        return None, text  # "Staff Admin Gudang": the role's own department
    # "kepala bengkel Sinar Tractor": lower-case words of the role, then the name the notes write
    start = next((i for i, w in enumerate(rest) if w[:1].isupper()), 0)
    if start and _find_words(" ".join(rest[start:]), written, fold=False) is not None:
        return " ".join(rest[start:]), " ".join(words[: last + 1 + start])
    name = " ".join(rest)
    found = _find_words(name, written, fold=True)
    if (
        found is None
        and len(rest) >= 2
        and all(w[:1].isupper() and w.casefold() not in _NOISE_NAMES for w in rest)
    ):
        return name, " ".join(words[: last + 1])  # "intrvw kurir Lintas Kilat": a name as typed
    if found is None or not all(w[:1].isupper() for w in found.split()):
        return None, text
    return (name if name[:1].isupper() else found), " ".join(words[: last + 1])


def _find_words(name: str, written: str, *, fold: bool) -> str | None:
    """`name` as whole words in `written` (as `written` spells it), without compiling a pattern
    per name: a calendar holds a thousand names."""
    haystack, needle = (written.casefold(), name.casefold()) if fold else (written, name)
    at = haystack.find(needle)
    while at >= 0:
        end = at + len(needle)
        if (at == 0 or not haystack[at - 1].isalnum()) and (
            end == len(haystack) or not haystack[end].isalnum()
        ):
            return written[at:end] if len(haystack) == len(written) else name
        at = haystack.find(needle, at + 1)
    return None


def _without(title: str, name: str) -> str:
    """The title with one name cut out (case-insensitive), for a second reading."""
    at = title.casefold().find(name.casefold())
    return title if at < 0 else f"{title[:at]} {title[at + len(name) :]}"


def _named_by_sender(title: str, sender: str) -> str | None:
    """Rule E4: "Interview with Acme" sent by "Acme via Ashby" or "Acme Recruiting": the name
    after "with" is the company when the scheduling tool's sender name says it too.

    `sender` is the display name of an organizer that is a tool or a robot, never a person.
    """
    words = f" {' '.join(sender.casefold().split())} "
    for segment in segments(title):
        text = segment.text.strip()
        if segment.joined_by != "with" or not text[:1].isupper() or len(text.split()) > 4:
            continue
        if f" {text.casefold()} " in words:
            return text
    return None


_TYPED_WORD = re.compile(r"(?<![\w.@])[a-z][a-z0-9&]{3,}(?![\w@])")


def _typed_then_written(title: str, location: str) -> str | None:
    """Rule E2: "intrvw palcomnet jam 10" at "PalComNet, Jl. Demang Lebar Daun 17": a word the
    user typed in lower case that the place spells as a name, first, is that name."""
    first = location.split(",", 1)[0].strip()
    if not first or "://" in first or " " in first or first.islower():
        return None
    if any(w == first.casefold() for w in _TYPED_WORD.findall(title)):
        return first
    return None


def _company_in_location(location: str) -> str | None:
    """Rule E4: "PT Astra International, Jl. Gaya Motor 8" names the company by its legal form;
    an address or a meeting link alone names nothing."""
    first = location.split(",", 1)[0].strip()
    words = first.split()
    if not 1 < len(words) <= 6 or "://" in first or not has_org_word(words[0]):
        return None
    return first
