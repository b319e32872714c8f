"""How a title names a hiring step without the word "interview", or another kind of interview
(rules D6, D7, D8).

People and tools name the rounds of hiring by their stage ("Recruiter Screen", "Round 3 of 4",
"Loop - Bar Raiser", "HM call", "Culture Fit Session") and by shorthand they write for themselves
("Int - Acme PM", "2nd rd @ Acme", "Walk In Interview", "Telpon HRD"). Other interviews share the
word but not the etiquette: an exit interview, a user-research or usability session, a journalist's
or TV interview, a thesis respondent, an informational chat, a cancelled invitation, a to-do about
an interview. Table-driven and pure; the patterns are compiled once at import.
"""

from __future__ import annotations

import re
from functools import lru_cache

from calfeed.core.detection.titles import role_words

#: rule D7: stage names that make a title a hiring step on their own (English and Indonesian)
STRONG_STAGES = (
    r"recruiter\s+(?:screen|screening|chat|interview|call)",
    r"(?:call|chat|meeting)\s+with\s+(?:a\s+|the\s+)?(?:recruiter|hiring\s+manager|hrd?)\b",
    r"case\s+study\s+(?:presentation|interview|round|review)",
    r"(?:1st|2nd|3rd)\s*(?:[-–:]\s*)?(?:w/|with)\s",
    r"(?:phone|ph|video|initial|intro|hr|hrd)\s+screen(?:ing)?",
    r"round\s+\d+\s+(?:of|/)\s+\d+",
    r"(?:1st|2nd|3rd|[4-9]th|first|second|third|final|last)\s+(?:round|rd|rnd|stage|interview)\b",
    r"\d(?:st|nd|rd|th)?\s+rd\b",
    r"bar\s*raiser",
    r"\binterviewing\s+(?:at|with|@|for)\b",
    r"\binterviu\b",
    r"hm\s+(?:call|chat|screen|round|interview|int)\b",
    # "Pranawa 2nd - FO Manager": a later round, then whom
    r"\b(?:2nd|3rd|second|third)\s*[-–:]\s",
    r"hiring\s+manager",
    r"culture\s+(?:fit|add)(?:\s+(?:session|call|chat|round))?",
    r"system\s+design\s+(?:round|session|interview)",
    r"\bsystem\s+design\s*(?:$|[-–|:(])|\blive\s+coding\b",
    r"(?:coding|technical|tech|case)\s+(?:round|session|challenge|assessment|exercise)",
    r"design\s+challenge\s+presentation",
    r"portfolio\s+(?:review|presentation)\s+(?:with|at|@|-)",
    r"walk[\s-]?in(?:\s+interview)?",
    r"tes\s+(?:wawancara|interview)",
    r"tahap\s+(?:akhir|lanjutan)",
    # "int user": the round with the line manager; not "int user feedback sync"
    r"\b(?:int|intv|intvw|interview)\.?\s+(?:hrd?|user|akhir|final|direksi|direktur|gm)\b(?!\s+(?:feedback|research|testing|tests?"
    r"|interviews?|study|studies|sync|stor(?:y|ies)|flows?|journeys?|needs|data|experience))",
    r"panggilan\s+(?:kerja|interview|wawancara)",
    r"loop\s*[-:|–—]",
    r"take[\s-]?home\s+(?:review|presentation|walk[\s-]?through|discussion|debrief|readout)",
    r"(?:code|coding|technical)\s+(?:test|challenge|assignment)\s+(?:review|debrief"
    r"|walk[\s-]?through|discussion|readout)",
    r"vorstellungsgespr(?:ä|ae|a)ch|bewerbungsgespr(?:ä|ae|a)ch",  # German: a job interview
    r"^\W*loop\b",
    # a conversation the user notes is about a role: "Coffee - <name> re CCO role"
    r"\b(?:coffee|call|chat|lunch|meeting|ngopi|telp|ketemu)\b.*\b(?:re|about|regarding|soal)\s+"
    r"(?:the\s+|a\s+)?[\w&/ -]{1,40}?\s(?:role|position|opening|vacancy|posisi|lowongan)\b",
    # an academic hiring visit: the candidate's talks and teaching demonstration
    r"\b(?:job|chalk)\s+talk\b",
    # the user's shorthand inside a title: "2nd int Ridgeview", "LGIS int w/ Ms. Hart"
    r"\b(?:1st|2nd|3rd|first|second|third|final)\s+(?:int|intv|intvw|itv|itw)\b|\bint\.?\s+(?:w/|with)\s",
    r"\bteaching\s+(?:demo|demonstration)\b|\b(?:demo|sample)\s+lesson\b|\bcampus\s+visit\b",
)
#: rule D7: the user's own shorthand for an interview: "Int - Acme PM", "Int Lawson ke-2"
SHORTHAND = re.compile(r"^\W*(?i:int|intv|intvw|itv|itw)\b\.?\s*(?:[-:@|–—]\s*)?(?=[A-Z])")
#: ...typed all in lower case ("int pelita kreatif - brand designer"): only with a role noun
LOWER_SHORTHAND = re.compile(r"^\W*(?:int|intv|intvw|itv|itw)\.?\s+(?=[a-z])")
_EXECUTIVES = (
    r"(?:ceo|cto|cfo|coo|cro|cpo|cmo|chro|cio|cso|vp|md|managing\s+director|founders?"
    r"|co-?founders?)\b"
)
#: ...at the title's end or before a bracket or separator: "final: CEO", "meet the team (peer
#: AEs)"; not "Final: CFO sign-off on budget", "Meet the team dinner"
_ENDS = r"\s*(?:$|[(\[|,–—-])"
#: rule D7: stage words that say less: the body or the sender must say the rest. A call with
#: HR ("Telpon HRD") is asked about even when the user wrote it; a chat or an intro call only
#: when someone from outside sent it (most of the user's own "Coffee chat with X" are not hiring)
WEAK_STAGES = (
    r"(?:telp(?:on)?|tlp|tlpn|telf|telepon|vc|video\s+call)\s+hrd?\b|call\s+(?:from|with)\s+hrd?",
    r"\bhrd?\s+call",
    r"screening",
    r"assessment\s+(?:day|centre|center)",
    r"\bstage\s+\d\b",
    # "Round 2 - Tembusu": a numbered round, sure only with a sure round of the same application
    r"\bround\s*\d\b(?!\s*(?:of\s+)?(?:golf|the\s+world))",
    # "Tahap 2" numbers a selection's steps, and most numbered steps are tests
    r"\btahap\s+\d\b",
    r"[-–—|]\s*final\s*$",
    # a lawyer's or a doctor's "case review" is work; "final with the client" too: only with
    # an invitation, a role or another round of the same application
    r"\bcase\s+(?:presentation|review)\b",
    # a panel is an interview when sent with an invitation or a role ("Meridian Capital - panel
    # with General Counsel and CFO"); a conference's panel is not
    r"\bpanel\b(?!\s+(?:discussion|talk|session\s+at))",
    r"\btechnical\s+presentation\b",
    # the user presents a task set by the employer: with an invitation or a role from outside
    r"\btask\s+presentation\b",
    # a values round ("Values & Ways of Working", "values interview"): with an invitation or a
    # sure round of the same application
    r"\bvalues\b",
    # a candidate's critique round ("Research critique", "App critique"); a weekly design crit
    # is work, so only with an invitation or a sure round of the same application
    r"\b(?:research|design|portfolio|app|product)\s+critique\b",
    # "Posisi asisten peneliti - Pak Agus": a vacancy named first, sent from outside
    r"^\W*(?:posisi|lowongan|formasi)\s",
    r"\b(?:final|last)\s*[:–-]?\s*(?:w/|with)\s",
    # "Verdant – in person w/ Clodagh (PM)", "Chat w/ Bronwyn (2nd)": a later round, by how or
    # by its number; sure only with a sure round of the same application
    r"\bin[\s-]person\s+(?:w/|with)\s|[(\[]\s*(?:2nd|3rd|second|third)\s*[)\]]",
    # "final Narasika w/ bu Sekar (founder)", "Solvana – tech deep dive w/ Priya": the last round
    # or a technical one, named with the employer and whom
    r"^\W*final\s+[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*)?\s+(?:w/|with)\s"
    r"|\b(?:tech(?:nical)?\s+)?deep[\s-]?dive\s+(?:w/|with)\s",
    # "call w/ Orchid HR (Ms Ngan)", "lunch w/ Orchid CTO": the employer's HR or executive, named
    # with the employer; sure only with a sure round of the same application
    rf"\b(?:call|chat|lunch|coffee|dinner|meeting)\s+(?:w/|with)\s+[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*)?"
    rf"\s+(?:hrd?|{_EXECUTIVES}){_ENDS}",
    # "final KBC", "final Arunika": the user's note of an employer's last round
    r"^\W*final\s+[A-Z][\w&'’-]*\W*$",
    # "Rimbun – final (CD + MD)": the last round, with whom in brackets
    r"[-–—|]\s*final\s*[(\[]",
    # "Layana 2nd": the user's note of an employer's second round
    r"^\W*[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*)?\s+(?:2nd|3rd)\W*$",
    # "Brightline Health: Portfolio Review": with an invitation or a sure round
    r"\bportfolio\s+review\b",
    # "(final)" in brackets, "final - Pak Darmawan": the last round, named by whom
    r"[(\[]\s*final\s*[)\]]|\bfinal\s*[-–:]\s*(?:pak|bu|ibu|mr|ms|mrs|dr)\.?\s",
    # "Hollis & Ware final - Director of Insight": the last round, named by the senior title
    r"\bfinal\s*[-–:]\s*(?:director|head|vp|gm|partner|general\s+manager)\b",
    # the last round with an employer's executive: "final: CEO", "final w/ founders"
    rf"\b(?:final|last)\s*(?:round\s*)?(?:with|w/|:|-)\s*(?:the\s+|our\s+)?{_EXECUTIVES}{_ENDS}",
)
SENT_STAGES = (
    r"intro(?:ductory)?\s+(?:call|chat|meeting)",
    r"(?:coffee|quick|informal)\s+chat",
    # meeting an employer's executive or team, sent by the employer: "conversation with the
    # CTO", "meet the team"; sure only with a role, an invitation or a sure round (rule E5)
    r"\b(?:conversation|chat)\s*(?:with|w/)\s*(?:the\s+|our\s+|your\s+)?"
    r"(?:ceo|cto|cfo|coo|cro|cpo|cmo|chro|founders?|co-?founders?|hiring\s+team|principal"
    r"|head\s+of\s+\w+|(?:deputy\s+|managing\s+)?director)\b",
    rf"\bmeet\s+(?:the|our)\s+(?:team|founders?|{_EXECUTIVES}){_ENDS}",
    # "Pixelorchid: meet Daniel (CFO)", "Fernleaf - CFO chat (final)": an executive's round
    rf"\bmeet\s+\w+(?:\s+\w+)?\s*[(\[]\s*{_EXECUTIVES}",
    rf"\b{_EXECUTIVES}\s+(?:chat|call|conversation)\b",
    # "<candidate> - final conversation (Reliability Engineer)", "first conversation"
    r"\b(?:first|final|initial|second)\s+(?:conversation|chat|call)\b",
    # "Hartwell - meet ops manager (Priya Nair)": a manager of the employer's, sent by it
    r"\bmeet\s+(?:the\s+|our\s+)?(?:\w+\s+)?(?:manager|director|head|partners?|supervisor)\b",
    r"kennenlern(?:gespr(?:ä|ae|a)ch|en)",  # German: a first meeting to get to know each other
    # an employer's pairing round; the user's own "Pair programming with Tom" is work
    r"\bpair[\s-]?programming\s+(?:session|interview|round|exercise)\b",
)
#: rule D7: titles that say nothing but "a meeting": the body decides
VAGUE = re.compile(
    r"^\W*(?:zoom(?:\s+meeting)?|microsoft\s+teams\s+meeting|teams\s+meeting|google\s+meet"
    r"|meeting|invitation|undangan|undangan\s+rapat|call|video\s+call|chat|catch[\s-]?up"
    r"|\d+\s*min(?:ute)?s?\s+meeting(?:\s+between\b.*)?|[\w\s]{0,30}\s+between\s+.+\s+and\s+.+"
    r"|coffee\s+chat|new\s+event|event)\W*$",
    re.IGNORECASE,
)
#: rule D8: other kinds of interview, and events about one, by the title
OTHER_KINDS = (
    ("cancelled", r"^\W*(?:cancel(?:l)?ed|dibatalkan|batal|canceled\s+event)\b"),
    ("cancelled", r"[\[(]\s*(?:cancel(?:l)?ed|dibatalkan|batal)\s*[\])]"),
    ("cancelled", r"\b(?:cancel(?:l)?ed|dibatalkan)\W*$"),
    # a visa's or a consulate's interview; not a job interview that talks of the visa
    (
        "not a job",
        r"\bvisa\s+(?:interview|appointment|wawancara)|\b(?:wawancara|interview)\s+visa\b"
        r"|\b(?:embassy|consulate|kedutaan|konsulat|imigrasi)\b",
    ),
    # a loan's interview: "Wawancara KUR - Bank X", "mortgage interview"
    (
        "not a job",
        r"\b(?:kur|kpr|pinjaman|mortgage)\b|\bloan\s+(?:interview|application)"
        r"|\bkredit\s+(?:usaha|rumah|motor|mobil|mikro|multiguna)\b",
    ),
    # hiring for someone else: "interview sopir utk Pak De"
    (
        "hiring side",
        r"\b(?:interview|wawancara)\s+(?:\w+\s+){0,2}(?:utk|untuk|buat)\s+(?:pak|bu|om|tante|pakde"
        r"|pak\s+de|bude|mas|mbak|kak|adik|my|our)\b",
    ),
    # an evening, a fair or a session around the hiring, not a round of it
    (
        "not a job",
        r"\b(?:networking|mixer|info(?:rmation)?\s+session|open\s+house|eve\s+reception"
        r"|welcome\s+reception|drinks\s+reception)\b",
    ),
    ("not a job", r"\bparent[\s-]teacher\b|\badmissions?\s+interview"),
    ("not a job", r"\b(?:school|university|college)\s+admission"),
    ("hiring side", r"\bcalon\s+(?:art|pembantu|sopir|pengasuh)\b"),
    ("hiring side", r"\b(?:babysitter|baby\s+sitter|nanny|pembantu|pengasuh)\b"),
    ("exit interview", r"\bexit\s+(?:interview|wawancara)|\bwawancara\s+keluar\b"),
    ("stay interview", r"\bstay\s+interview"),
    # someone else is the one interviewed: a witness, a client, a guest, the user's own staff or
    # applicants to the user's team ("Witness interview #2", "wawancara saksi", "interview
    # helper batch 2", "Interview investigasi selisih stok")
    (
        "someone else's",
        r"\b(?:witness|client|guest|patient|tenant|volunteer|applicant|helper|staff|employee"
        r"|seller|buyer|borrower)s?"
        r"\s+(?:intake\s+)?(?:interview|wawancara)(?![^()]*\(\s*via\b)(?!\s*[-–:]\s*[A-Z][a-z]+\s+\()",
    ),  # an agency's "client interview (via Talentbridge)" or "Client interview - Meridian (BGC)"
    # is the user's, at the agency's client
    (
        "someone else's",
        r"\b(?:interview|wawancara)\s+(?:dengan\s+)?(?:saksi|klien(?!\s+(?:pt|cv|kami)\b)|pasien|tamu"
        r"|pelamar|kandidat"
        r"|helpers?|investigasi|disiplin)\b",
    ),
    ("someone else's", r"\b(?:investigation|disciplinary|grievance|intake)\s+interview"),
    # the people a user's work interviews: workers (an audit's), a couple (a photographer's); a
    # friend the user picks up or lends something to for theirs ("interview di X — doain +
    # jemput jam 12", "dimas interview jam 10 - pinjemin motor")
    (
        "someone else's",
        r"\b(?:wawancara|interview)\s+(?:pekerja|karyawan|buruh|workers|employees|pasangan|couples?)\b"
        r"|\b(?:interview|wawancara)\b.*\b(?:jemput|anterin|nganter|pinjemin|minjemin|pinjamkan"
        r"|pinjamin)\b",
    ),
    # product research: "User interview – merchant onboarding (P4)"
    ("research", r"\buser\s+interviews?\s*[-–:]\s*(?-i:[a-z])|[(\[]\s*p\d{1,2}\s*[)\]]"),
    # a client's interview the user accompanies ("Bank interview ni client (Santos)"), a
    # subcontractor's worker the user checks ("interview safety man subkon")
    (
        "someone else's",
        r"\binterview\s+(?:ni|of|for|nung)\s+(?:my\s+|the\s+)?client\b"
        r"|\b(?:interview|wawancara)\b.*\b(?:subkon|subcon|subcontractor['’]?s?)\b",
    ),
    # a teacher's interview of a pupil ("Safeguarding - pupil interview", "interview with pupil")
    (
        "someone else's",
        r"\b(?:pupil|murid|siswa)s?\s+(?:interview|wawancara)"
        r"|\b(?:interview|wawancara)\s+(?:with|dengan)\s+(?:a\s+|the\s+)?(?:pupil|murid|siswa)",
    ),
    # a school inspection: the inspector interviews the staff
    ("work", r"\bofsted\b|\b(?:interview|meeting)\s+with\s+(?:the\s+)?inspectors?\b"),
    # interviewing several people: "interview TTK lagi (2 org)", "interviews - 3 candidates"
    (
        "hiring side",
        r"\b(?:interview|wawancara)s?\b.*\b\d+\s*(?:org|orang|kandidat|candidates|pelamar"
        r"|applicants|people)\b",
    ),
    # an audit's walkthrough: auditors interview process owners, or the user does (a candidate's
    # "product walkthrough + interview" is a round)
    (
        "work",
        r"(?<!product\s)(?<!portfolio\s)(?<!design\s)(?<!case\s)\bwalk-?through\b.*\b(?:interview|wawancara)|\b(?:interview|wawancara)\s+(?:process\s+owner"
        r"|auditor|auditee)|\b(?:auditor|audit|auditee|process\s+owner)s?\s+(?:interview|wawancara)",
    ),
    # a survey's or a census's interview of a household
    (
        "thesis",
        r"\b(?:survei|survey|sensus|census|enumerator|pencacah\w*|rumah\s+tangga|ruta|bps"
        r"|akreditasi|accreditation)\b",
    ),
    ("work", r"\bspot[\s-]?check\b|\bstakeholder\s+(?:interview|wawancara)"),
    # a study's interviews the user runs: "SPEAK study - interview P07", "semi-structured"
    (
        "thesis",
        r"\b(?:study|studi)\b.*\b(?:interview|wawancara)\b"
        r"|\b(?:interview|wawancara)\s+p\d+\b|\bsemi-structured\b",
    ),
    # the user's interns: "Wawancara anak PKL (Yosua)"
    ("hiring side", r"\b(?:anak|calon)\s+(?:pkl|magang)\b"),
    # "Interview calon guru pendamping - Andi": a candidate for the user's own workplace
    ("hiring side", r"\b(?:interview|wawancara)\s+calon\b(?!\s+(?:karyawan|pegawai)\b)"),
    # a school's admissions: "Interview orang tua calon murid"
    (
        "not a job",
        r"\b(?:calon\s+(?:murid|siswa|mahasiswa)|orang\s+tua\s+murid|penerimaan\s+(?:murid|siswa))\b",
    ),
    ("work", r"\breturn[\s-]to[\s-]work\b"),
    # a bank's or an insurer's interview of a customer, a tender's clarification interview
    (
        "work",
        r"\b(?:nasabah|kyc|cdd|underwriting|tertanggung|fact\s+finding)\b"
        r"|\bvendor\s+interview|\bclarification\s+interview|\btender\b",
    ),
    # taking someone else to an interview, or helping at theirs: "antar Nisa interview", "jemput
    # bu Ratna ke interview", "Help Chef Ramli interview commis"
    (
        "someone else's",
        r"^\W*(?:antar|anter|anterin|nganter|jemput|temani|temenin|menemani|nemenin|accompany"
        r"|drop\s+off|drop|pick\s+up|drive|driving|lend|good\s+luck|semangat"
        r"|help(?:ing)?(?!\s*-?\s*desk)|bantu(?:in)?|hatid|sundo|samahan|sit(?:ting)?\s+in)\b"
        r".*\b(?:interview|wawancara)\b",
    ),
    # someone else's by the possessive: "her interview at Hinjewadi", "Tama's interview"
    (
        "someone else's",
        r"\b(?:her|his|their)\s+(?:\w+\s+)?(?:interview|wawancara)\b"
        r"|^\W*[A-Z][a-z]+['’]s\s+(?:\w+\s+)?interview\b",
    ),
    # an errand for an interview: "cari kemeja putih buat interview" (buying what to wear)
    ("about one", r"^\W*(?:cari|beli|buy|get)\b.*\b(?:buat|for|untuk)\s+(?:the\s+)?interview\b"),
    # a lawyer's interview of a witness or a client for a statement
    ("work", r"\bproof\s+of\s+evidence\b|\bwitness\s+statement\b"),
    # a health office's supervision: its team interviews the staff
    ("work", r"\bsupervisi\b|\bmonev\b|\b(?:wawancara|interview)\s+petugas\b"),
    ("work", r"\b(?:client|customer|team|company|quarterly|annual)\s+on-?site\b"),
    ("work", r"\bon-?site\s+(?:visit|planning|meeting|support|work|training|install\w*)\b"),
    ("work", r"\bround[\s-]?table\b"),
    ("not a job", r"\bround\s+(?:the\s+world|robin|trip)\b"),
    ("not a job", r"[\w)]\s+(?:v|vs\.?)\s+[\w(]"),  # "Burnley (2) v Spurs (1)": a match
    ("not a job", r"\b(?:cup|league|grand\s+prix|championship|tournament|liga|piala)\b"),
    ("not a job", r"\b(?:movie|film|health|medical|kesehatan|cancer|covid|blood)\s+screening\b"),
    ("not a job", r"\bscreening\s+(?:kesehatan|film|of\s+the)\b"),
    (
        "user research",  # not "User Researcher", a job
        r"\buser\s+(?:interview|research)(?!er)|\busability\b|\bresearch\s+interview(?!er)",
    ),
    ("user research", r"\bcustomer\s+(?:interview|discovery|research)|\buser\s+testing\b"),
    ("user research", r"\b(?:study|research)\s+participant|\bparticipant\b"),
    ("user research", r"\bwawancara\s+pengguna\b"),
    # "Interview: Cllr Adeyemi (TA research)": the user's research project, in brackets
    (
        "user research",
        r"\(\s*(?!(?:head|director|vp|chief|lead)\b)(?:[\w&-]+\s+){0,3}research\s*\)",
    ),  # not "(Head of Research)": whom the user meets
    ("press", r"\b(?:tv|radio|television|press|media|news|podcast)\s+(?:interview|wawancara)"),
    ("press", r"\b(?:journalist|reporter|wartawan|narasumber|narsum|jurnalis)\b"),
    # a reporter's own interviews: an exclusive, a special report ("lapsus UMKM")
    ("press", r"[(\[]\s*(?:exclusive|eksklusif)\s*[)\]]|\blapsus\b"),
    ("press", r"\b(?:vlog|vlogger|youtube|tiktok|travel\s+channel)\b"),
    (
        "press",
        r"\b(?:student\s+paper|newspaper|magazine|mag|majalah|koran|school\s+paper|newsletter"
        r"|buletin)\b",
    ),
    # a radio station's talk show: "Interview Flores FM - promo paket Natal"
    ("press", r"\b(?:interview|wawancara)\s+(?:\w+\s+){0,2}fm\b|\btalk\s?show\b"),
    ("thesis", r"\b(?:skripsi|tesis|thesis|responden|respondent|penelitian|kuesioner)\b"),
    # a test on a testing platform, not a round: "Tervio coding assessment (Codility) – 90 mins"
    (
        "not a job",
        r"\b(?:assessment|test|tes)\b.*\b(?:codility|hackerrank|codesignal|testgorilla|coderbyte"
        r"|hackerearth)\b|\b(?:codility|hackerrank|codesignal|testgorilla|coderbyte|hackerearth)\b"
        r".*\b(?:assessment|test|tes)\b",
    ),
    # a job offer that asks for money: a scam ("minta transfer biaya hotel = penipuan")
    ("not a job", r"\b(?:penipuan|scam|fraud|palsu|hoax)\b|\bfake\s+(?:job|offer|recruiter)\b"),
    # an internal audit's interview of the user's own work: "wawancara audit internal (SOP ...)"
    (
        "someone else's",
        r"\b(?:wawancara|interview)\s+audit\s+internal\b|\binternal\s+audit\s+(?:interview|wawancara)\b",
    ),
    # a researcher's interviews: "Wawancara mendalam - Kades X", "wwcr informan", "in-depth
    # interview"
    ("thesis", r"\b(?:informan|informant|mendalam|in[\s-]?depth\s+interview)\b"),
    # a certification's assessment, with its assessor's interview: "Uji kompetensi BNSP"
    ("not a job", r"\buji\s+kompetensi\b|\bbnsp\b|\bcompetency\s+assessment\s+for\s+certification"),
    ("informational", r"\binformational\b|\binfo\s+(?:interview|chat)\b"),
    ("results", r"\bpengumuman\b|\bhasil\s+(?:seleksi|interview|wawancara)|\btanya\s+hasil"),
    ("results", r"\bresults?\s+(?:call|announcement|meeting|due|out|released|expected)\b"),
    # the scores of interviews the user held: "Rekap nilai interview magang"
    ("hiring side", r"\brekap\b|\bnilai\s+(?:interview|wawancara)\b|\bscoring\b"),
    # a casting of talent or influencers the user runs, a video shoot of someone's interview
    ("hiring side", r"\bcasting\b"),
    ("press", r"^\W*(?:shoot|filming|syuting|recording)\s*:|\binterview\s+video\b"),
    # a meeting before or about an interview: "Pre-meet with Gareth before PSII interview"
    (
        "about one",
        r"^\W*pre[\s-]?(?:meet|brief|call)\b|\bbefore\s+(?:the\s+|my\s+|his\s+|her\s+)?\S+\s+interview\b",
    ),
    # an apprenticeship's or a course's progress and completion interviews
    ("work", r"\b(?:completion|progress|sign[\s-]?off|probation)\s+(?:interview|review)\b"),
    (
        "results",
        r"\boffer\s+(?:call|letter|discussion)|\b(?:tanda\s+tangan|sign(?:ing)?)\s+kontrak",
    ),
    # talking pay or a start date is the offer, unless the title also names an interview
    (
        "results",
        r"^(?!.*\b(?:interview|wawancara)\b).*\b(?:gaji|salary|offering|nego(?:siasi)?|join\s+date"
        r"|start\s+date|tanggal\s+masuk)\b",
    ),
    (
        "results",
        r"\breference\s+(?:call|check|chat)\b|\bcall\s+as\s+(?:a\s+)?referee\b|\breferensi\b",
    ),
    ("results", r"^\W*onboarding\b|\bmedical\s+check|\bmcu\b|\btes\s+kesehatan\b"),
    (
        "to-do",
        r"\b(?:re|about|regarding|soal|tentang|sebelum|before|after|setelah)\s+"
        r"(?:the\s+|my\s+)?(?:interview|wawancara)\b",
    ),
    (
        "to-do",
        r"^\W*(?:call|email|e-mail|send|kirim|telpon|hubungi|reply|balas|remind|ingat)\b"
        r"(?!.*\b(?:role|position|posisi|lowongan|job)\W*$)"
        r".*\b(?:back|re|about|soal|sebelum|tanya)\b",
    ),
    # preparing answers: "STAR examples for uni interview!!", "questions for the interview"
    (
        "to-do",
        r"\b(?:examples?|answers?|questions?|notes?)\s+for\s+(?:the\s+|my\s+|\w+\s+)?"
        r"(?:interview|wawancara)\b",
    ),
    # signing up for interviews at a fair's tables is not one
    (
        "to-do",
        r"\b(?:interview|wawancara)\s+(?:sign[\s-]?ups?|registration|registrasi|pendaftaran)\b",
    ),
    ("hiring side", r"^\W*\[?interviewer\]?\s*[:\]-]|\binterviewer\s+(?:training|sync|briefing)"),
    ("hiring side", r"\bhiring\s+(?:committee|sync|decision)|\bcalibration\b"),
    ("hiring side", r"\bhiring\s+for\s+(?:my|our)\b|\bfor\s+(?:my|our)\s+team\b"),
    (
        "hiring side",
        r"\b(?:bantu|bantuin|membantu|help|helping|assist|assisting)\s+(?:\w+\s+)?"
        r"(?:interview|wawancara|seleksi)",
    ),
)

#: rule D8: a test of a selection, not a conversation: "Tes Online Tahap 1 (TKD)", "English
#: test", "SKD CAT". Only when the title names no interview as well ("Psikotes + Interview PT X")
_TEST = re.compile(
    r"\b(?:tes|test|ujian)\s+(?:online|tertulis|tulis|bahasa|kemampuan|potensi|psikologi"
    r"|kompetensi|english|inggris)\b|\bonline\s+(?:test|assessment)\b"
    r"|\b(?:english|written|aptitude|psychometric|numerical|verbal|logic)\s+test\b"
    r"|\b(?:tkd|toefl|ielts|toeic|skd|psikotes|psikotest|psychotest)\b|\bskb\s+cat\b",
    re.IGNORECASE,
)
#: substrings one of which every match of `_TEST` holds
_TEST_WORDS = ("tes", "ujian", "tkd", "toefl", "ielts", "toeic", "skd", "skb", "psik", "psych")
_STRONG = re.compile("|".join(f"(?:{s})" for s in STRONG_STAGES), re.IGNORECASE)
_WEAK = re.compile("|".join(f"(?:{s})" for s in WEAK_STAGES), re.IGNORECASE)
_SENT = re.compile("|".join(f"(?:{s})" for s in SENT_STAGES), re.IGNORECASE)
_ANY_OTHER = re.compile("|".join(f"(?:{p})" for _, p in OTHER_KINDS), re.IGNORECASE)


@lru_cache(maxsize=1)
def _other_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each kind's pattern on its own, compiled the first time a title needs telling which kind
    it is (most processes never do: start-up stays cheap)."""
    return tuple((why, re.compile(p, re.IGNORECASE)) for why, p in OTHER_KINDS)


def other_kind(title: str) -> str | None:
    """Rule D8: which other kind of interview (or event about one) the title names, or None.

    "User interview" is a research session, except where the title names a job: in Indonesian
    hiring the "user" is the hiring manager ("User Interview - Perawat ICU | RS Surya").
    """
    if _ANY_OTHER.search(title) is None:  # one pass for the common case: none of them
        return None
    for why, pattern in _other_patterns():
        if pattern.search(title):
            if (
                why == "user research"
                and _HIRING_USER.search(title)
                and (role_words(title) or _SELECTION.search(title) or BARE_USER_ROUND.match(title))
            ):
                continue  # a bare "User Interview": the body decides (`reading.judge`)
            return why
    return None


#: rule D8: a title that is only "User Interview": research or the line manager's round
BARE_USER_ROUND = re.compile(r"^\W*(?:user\s+interview|interview\s+user)\W*$", re.IGNORECASE)
#: rule D8: "user interview" as Indonesian hiring says it: the round with the hiring manager
_HIRING_USER = re.compile(r"\buser\s+interview\b|\binterview\s+user\b", re.IGNORECASE)
#: ...or a selection programme: "RBB 2026 | User Interview | <the user>"
_SELECTION = re.compile(
    r"\b(?:rbb|rekrutmen|recruitment|seleksi|selection|cpns|bumn|tahap|lamaran|hiring)\b", re.I
)


def names_test(title: str) -> bool:
    """Rule D8: the title names a written or online test of a selection."""
    low = title.casefold()
    if not any(word in low for word in _TEST_WORDS):
        return False  # one C-level scan per word clears most titles before the pattern
    return _TEST.search(title) is not None


#: rule D7: a meeting the title says is about a job: "coffee w/ X re head chef"
_ABOUT_ROLE = re.compile(
    r"\b(?:coffee|call|chat|lunch|dinner|meeting|mtg|ngopi|telp|ketemu|drinks|yum\s+cha)\b.*"
    r"(?:\b(?:re|about|regarding|soal)\s+(?:the\s+|a\s+)?(?P<role>[\w&/ -]{2,40}?)"
    r"|[-–—(]\s*(?P<named>[\w&/ -]{2,30}?\s+(?:role|position)))\s*(?:$|[)(\[,;|])",
    re.IGNORECASE,
)
_ROLE_WORD_END = re.compile(r"\s(?:role|position|job|posisi|lowongan)$", re.IGNORECASE)
#: rule D7: an applicant-tracking system's requisition number beside a role: "Presentation -
#: Lecturer in Human Geography (R-0045127)", "(Req 2231)", "Job ID 2026-1187"
_REQUISITION = re.compile(
    r"\b(?:R|REQ|JR)-?\d{4,}\b|\breq(?:uisition)?\.?\s*#?\s*\d{3,}|\bjob\s+id\b", re.IGNORECASE
)


def stage_strength(title: str, sent: bool = True) -> int:
    """Rule D7: 2 when the title names a hiring step by itself, 1 when it needs support, else 0.

    `sent`: someone outside the user's company sent it (a chat or an intro call counts only then).
    """
    if _STRONG.search(title) or SHORTHAND.search(title):
        return 2
    if _REQUISITION.search(title) and role_words(title):
        return 2
    about = _ABOUT_ROLE.search(title)
    if about and (
        about["named"] or role_words(about["role"]) or _ROLE_WORD_END.search(about["role"])
    ):
        return 2  # "coffee w/ Luca (Cantiere) re head chef", "mtg w/ COO (CHRO role)"
    if LOWER_SHORTHAND.match(title) and role_words(title):
        return 2
    if _WEAK.search(title) or (sent and _SENT.search(title)):
        return 1
    typed = _CALL_ABOUT_TYPED_ROLE.search(title)
    if typed and role_words(typed["role"]):
        return 1  # "telp bu Ketut kepsek Pelita Kasih (guru pendamping)": asked, or vouched
    return 0


#: rule D7: a call the user notes with the role typed in brackets at the end
_CALL_ABOUT_TYPED_ROLE = re.compile(
    r"\b(?:telp|tlp|telpon|telepon|call|ketemu)\b[^()]*?\b[A-Z][\w'’-]+[^()]*"
    r"\(\s*(?P<role>[a-z][\w&/ -]{2,40}?)\s*\)\s*$",
    re.IGNORECASE,
)


@lru_cache(maxsize=8192)
def is_vague(title: str) -> bool:
    """Rule D7: a title that only says "a meeting" ("Zoom Meeting", "Undangan", "30 Min Meeting
    between A and B"): the invitation's body decides what it is."""
    return not title.strip() or VAGUE.match(title) is not None
