"""Read "when will I hear back?" out of an interview's notes, English or Indonesian (rule E3).

The check-in date (rule C1) depends on what the interviewer said: "within a week", "dalam 3 hari
kerja", "by Friday", "paling lambat 3 Desember". People write that in free prose, so this is a
small set of anchored regexes over the notes rather than a general date parser: dateutil's fuzzy
parser would happily read a date out of "Room 3, floor 12" and knows no Indonesian. A user or a
tool can also write the machine form `#followup 10d` / `3bd` / `2w` / `2026-12-03`, which wins over
any prose in the same text.

Pure and total: no clock (the interview day is an argument) and no exception for any text. Work is
bounded: the text is cut before scanning and every pattern is a chain of literal alternations, so
nothing backtracks more than a few characters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

from calfeed.core.model import Timeline, TimelineUnit

#: how much of the notes is read; a stated timeline sits near the top of an event's notes
SCAN_LIMIT = 20_000
#: the longest believable wait, in days (or business days); more is a misreading
MAX_DAYS = 120
#: a deadline date at most this far after the interview day
MAX_AHEAD = timedelta(days=366)


def _alt(words: Iterable[str]) -> str:
    """A regex alternation trying longer words first ("dua belas" before "dua")."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# Word numbers, English and Indonesian; "a"/"se-" (seminggu, sehari, sebulan) stand for one.
_NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "few": 3,
    "se": 1, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11, "dua belas": 12, "tiga belas": 13,
    "empat belas": 14, "beberapa": 3,
}  # fmt: skip
# Units keyed as typed with spaces; English ones also take a plural "s" and a hyphen or no space.
_UNITS: dict[str, tuple[TimelineUnit, int]] = {
    "business day": ("business_days", 1), "working day": ("business_days", 1),
    "work day": ("business_days", 1), "day": ("days", 1), "week": ("days", 7), "wk": ("days", 7),
    "month": ("days", 30),
    "hari kerja": ("business_days", 1), "hari": ("days", 1), "minggu": ("days", 7),
    "pekan": ("days", 7), "bulan": ("days", 30),
}  # fmt: skip
_ID_UNITS = ("hari kerja", "hari", "minggu", "pekan", "bulan")
_WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "jum\u2019at": 4,
    "jumaat": 4, "sabtu": 5, "minggu": 6, "ahad": 6,
}  # fmt: skip
_MONTHS: dict[str, int] = {
    "january": 1, "januari": 1, "jan": 1, "february": 2, "februari": 2, "feb": 2, "march": 3,
    "maret": 3, "mar": 3, "april": 4, "apr": 4, "may": 5, "mei": 5, "june": 6, "juni": 6,
    "jun": 6, "july": 7, "juli": 7, "jul": 7, "august": 8, "agustus": 8, "aug": 8, "agu": 8,
    "agt": 8, "september": 9, "sept": 9, "sep": 9, "october": 10, "oktober": 10, "oct": 10,
    "okt": 10, "november": 11, "nov": 11, "december": 12, "desember": 12, "dec": 12, "des": 12,
}  # fmt: skip

_NUM = rf"\d{{1,3}}|{_alt(_NUMBER_WORDS)}"
# digits may touch the unit ("10days"), "se" must ("seminggu"), words need a space
_NUM_GAP = r"(?:(?<=\d)\s*|(?<=se)|\s+)"
_UNIT = "|".join(
    re.escape(unit).replace(r"\ ", r"[ -]?") + ("" if unit in _ID_UNITS else "s?")
    for unit in sorted(_UNITS, key=len, reverse=True)
)
_PREP = _alt(["within", "in", "over", "after", "dalam", "dalam waktu", "setelah"])
_QUAL = _alt(["about", "around", "approximately", "approx.", "roughly", "up to", "at most",
              "max", "maximum", "the next", "next", "another", "sekitar", "kira-kira",
              "kurang lebih", "maksimal", "paling lama", "paling lambat",
              "selambat-lambatnya"])  # fmt: skip
_RANGE_SEP = r"\s*[-\u2013\u2014]\s*|\s+(?:to|or|until|sampai|hingga|s/d|atau)\s+"
_DEADLINE_WORDS = ("by", "before", "on or before", "no later than", "not later than", "until",
                   "till", "sebelum", "paling lambat", "selambat-lambatnya", "hingga", "sampai",
                   "sampai dengan")  # fmt: skip
_DEADLINE = _alt(_DEADLINE_WORDS)
# Cheap substring checks that every match needs: most notes say nothing about hearing back, and
# scanning them with the full patterns was 40% of rendering a feed (bench/engine.py).
_UNIT_STEMS = ("day", "week", "wk", "month", "hari", "minggu", "pekan", "bulan")
_DAY_MONTH = rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_alt(_MONTHS)})\.?"
_MONTH_DAY = rf"(?P<m2>{_alt(_MONTHS)})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?"

# ASCII: under Unicode case folding "ſ" would match "s" and miss the word tables.
_FLAGS = re.IGNORECASE | re.ASCII
_MACHINE = re.compile(
    r"#follow-?up\s*:?\s*(?:(?P<n>\d{1,4})\s*(?P<u>bd|d|w)|(?P<iso>\d{4}-\d{1,2}-\d{1,2}))\b",
    _FLAGS,
)
_DURATION = re.compile(
    rf"(?:\b(?:{_PREP})\s+)?(?:\b(?:{_QUAL})\s+)?(?<![\w.,/-])(?P<lo>{_NUM})"
    rf"(?:(?:{_RANGE_SEP})(?P<hi>{_NUM}))?{_NUM_GAP}(?P<unit>{_UNIT})\b(?P<or_two>\s+or\s+two\b)?",
    _FLAGS,
)
_WEEKDAY = re.compile(
    rf"\b(?:{_DEADLINE})\s+(?:(?:this|hari)\s+)?(?P<wd>{_alt(_WEEKDAYS)})\b", _FLAGS
)
_DATE = re.compile(
    rf"\b(?:{_DEADLINE})\s+(?:(?:{_alt(_WEEKDAYS)}),?\s+)?(?:(?:the|tanggal|tgl\.?)\s+)?"
    rf"(?:(?P<iso>\d{{4}}-\d{{1,2}}-\d{{1,2}})|{_DAY_MONTH}|{_MONTH_DAY})"
    r"(?:,?\s+(?P<year>\d{4}))?\b",
    _FLAGS,
)
# A number of days that is a frequency ("twice a week", "5 days a week", "sehari-hari"), a past
# time ("2 weeks ago") or a notice period is not a timeline.
_NOT_BEFORE = re.compile(
    r"(?:\b(?:per|every|each|once|twice|times|days?|hours?|tiap|setiap|sekali|kali|hari|jam)\s*"
    r"|/)$",
    _FLAGS,
)
_NOT_AFTER = re.compile(
    r"(?:-\w|(?:'s|')?\s*(?:ago|lalu|old|long|notice|(?:a|per|every|each)\s+(?:week|month))\b)",
    _FLAGS,
)
# "sebelum minggu depan" is "before next week", not "before Sunday"
_NOT_SUNDAY = re.compile(r"\s+(?:depan|ini|lalu|ke)\b", _FLAGS)
_TAG = re.compile(r"</?[a-zA-Z!][^<>]{0,1000}>")  # a tag, not "a < b > c" in prose
_SPACE = re.compile(r"\s+")
_SPACE_OR_HYPHEN = re.compile(r"[\s-]")


def parse_timeline(text: str, interview_day: date) -> Timeline | None:
    """The hear-back timeline stated in `text` (an event's notes or a user's override), if any.

    The machine form `#followup ...` wins when present and sensible; otherwise the earliest
    prose phrase that reads as a timeline counts. Minutes and hours never do.

    Args:
        text: free text, possibly HTML (Google event descriptions are), any size.
        interview_day: the day of the interview, which "by Friday" and "by 3 December" count from.

    Returns:
        A Timeline of "days" or "business_days" (`amount` 1-120; weeks count as 7 days, a month
        as 30) or "date" (`until` on or after the interview day and at most a year later), with
        `text` the phrase it was read from; None when nothing sensible was found.
    """
    if isinstance(interview_day, datetime):  # a datetime compares with no date: use its day
        interview_day = interview_day.date()
    if len(text) <= _CACHED_TEXT:
        return _parse_cached(text, interview_day)
    return _parse(text, interview_day)


#: notes up to this long are remembered: a feed is rebuilt from the same notes on every render,
#: and a bounded cache of short texts keeps memory small (2,048 x 4 KB at the most)
_CACHED_TEXT = 4096


def _parse(text: str, interview_day: date) -> Timeline | None:
    clean, machine, dated, duration = (
        _day_free_cached(text) if len(text) <= _CACHED_TEXT else _day_free(text)
    )
    if not clean:
        return None
    for match in machine:
        found = _from_machine(match, interview_day)
        if found is not None:
            return found
    candidates: list[tuple[int, int, Timeline]] = []
    for rank, (matches, read) in enumerate(((dated[0], _from_date), (dated[1], _from_weekday))):
        for match in matches:
            found = read(match, interview_day, clean)
            if found is not None:
                candidates.append((match.start(), rank, found))
                break
    if duration is not None:
        candidates.append((duration[0], 2, duration[1]))
    return min(candidates, key=lambda c: (c[0], c[1]))[2] if candidates else None


_Matches = tuple[re.Match[str], ...]


def _day_free(
    text: str,
) -> tuple[str, _Matches, tuple[_Matches, _Matches], tuple[int, Timeline] | None]:
    """What the notes say whatever the interview day: the clean text, the machine forms, the
    deadline phrases ("by Friday", "by 3 December", read against the day later) and the first
    counted wait ("within a week" reads the same on any day). Cached per text: many interviews
    share one template's notes on different days."""
    clean = _clean(text)
    if not clean:
        return "", (), ((), ()), None
    lower = clean.lower()
    machine = tuple(_MACHINE.finditer(clean)) if "#follow" in lower else ()
    dated: tuple[_Matches, _Matches] = ((), ())
    if any(word in lower for word in _DEADLINE_WORDS):
        dated = (tuple(_DATE.finditer(clean)), tuple(_WEEKDAY.finditer(clean)))
    duration = None
    if any(stem in lower for stem in _UNIT_STEMS):
        for match in _DURATION.finditer(clean):
            found = _from_duration(match, date.min, clean)
            if found is not None:
                duration = (match.start(), found)
                break
    return clean, machine, dated, duration


_day_free_cached = lru_cache(maxsize=2048)(_day_free)
_parse_cached = lru_cache(maxsize=2048)(_parse)


def _clean(text: str) -> str:
    """Plain text with single spaces: tags out (a `<br>` separates words), entities decoded."""
    plain = html.unescape(_TAG.sub(" ", text[: SCAN_LIMIT * 4]))
    return _SPACE.sub(" ", plain)[:SCAN_LIMIT].strip()


def _counted(unit: TimelineUnit, amount: int, phrase: str) -> Timeline | None:
    if not 1 <= amount <= MAX_DAYS:
        return None
    return Timeline(unit=unit, amount=amount, text=phrase.strip())


def _dated(until: date | None, interview_day: date, phrase: str) -> Timeline | None:
    # subtract rather than add: adding a year to a day near date.max overflows
    if until is None or not timedelta(0) <= until - interview_day <= MAX_AHEAD:
        return None
    return Timeline(unit="date", until=until, text=phrase.strip())


def _iso(value: str) -> date | None:
    try:
        year, month, day = (int(part) for part in value.split("-"))
        return date(year, month, day)
    except ValueError:
        return None


def _from_machine(match: re.Match[str], interview_day: date) -> Timeline | None:
    if match["iso"]:
        return _dated(_iso(match["iso"]), interview_day, match[0])
    count, unit = int(match["n"]), match["u"].lower()
    if unit == "bd":
        return _counted("business_days", count, match[0])
    return _counted("days", count * (7 if unit == "w" else 1), match[0])


def _squash(word: str) -> str:
    return _SPACE_OR_HYPHEN.sub("", word.lower())


_UNIT_BY_SQUASHED = {_squash(unit): value for unit, value in _UNITS.items()}


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[_SPACE.sub(" ", word.lower())]


def _from_duration(match: re.Match[str], interview_day: date, text: str) -> Timeline | None:
    if _NOT_BEFORE.search(text, max(0, match.start() - 12), match.start()):
        return None
    if _NOT_AFTER.match(text, match.end()):
        return None
    amount = _number(match["hi"] or match["lo"])
    if match["or_two"] and amount == 1:  # "a week or two": the upper bound, like "1-2 weeks"
        amount = 2
    if match["hi"]:
        amount = max(amount, _number(match["lo"]))
    squashed = _squash(match["unit"])
    unit, days_each = _UNIT_BY_SQUASHED.get(squashed) or _UNIT_BY_SQUASHED[squashed[:-1]]
    return _counted(unit, amount * days_each, match[0])


def _from_weekday(match: re.Match[str], interview_day: date, text: str) -> Timeline | None:
    weekday = _WEEKDAYS[match["wd"].lower()]
    if weekday == 6 and _NOT_SUNDAY.match(text, match.end()):
        return None
    # "by Friday" said on a Friday means next week's: the first such day strictly after
    ahead = (weekday - interview_day.weekday() - 1) % 7 + 1
    try:
        return _dated(interview_day + timedelta(days=ahead), interview_day, match[0])
    except OverflowError:
        return None


def _from_date(match: re.Match[str], interview_day: date, text: str) -> Timeline | None:
    if match["iso"]:
        return _dated(_iso(match["iso"]), interview_day, match[0])
    day = int(match["d1"] or match["d2"])
    month = _MONTHS[(match["m1"] or match["m2"]).lower()]
    if match["year"]:
        return _dated(_iso(f"{match['year']}-{month}-{day}"), interview_day, match[0])
    # no year: the next such date on or after the interview (29 February may be years away)
    for year in (interview_day.year, interview_day.year + 1):
        until = _iso(f"{year}-{month}-{day}")
        if until is not None and until >= interview_day:
            return _dated(until, interview_day, match[0])
    return None
