"""Reading .ics bytes written by others (issue 8 point 9): charset, bad components, library noise.

- A file that is not UTF-8 is decoded anyway: Windows-1252 for Western text (Outlook's usual
  export; the detector cannot tell single-byte Latin code pages apart on short text), else what
  charset-normalizer finds (Cyrillic, CJK...), with a warning.
- When icalendar rejects the whole file for one bad value, the file is read again component by
  component: a calendar property, a VTODO, a VTIMEZONE or an alarm that cannot be read is left out
  with a warning, an event that cannot be read is skipped like any bad event; the rest is read.
- Python warnings the libraries raise on odd input become plain warnings or nothing; none is
  printed raw.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones

import icalendar

from calfeed.core.model import Skipped

#: what icalendar raises on malformed input (see ics._PARSE_ERRORS)
PARSE_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError)
#: single-byte code pages of Latin script: on short text any of them may be "detected"
_LATIN = re.compile(r"^(cp125[02478]|cp775|cp85[028]|cp437|latin_?1|iso8859_([1-4]|9|1[0-6])|mac_)")
_UID = re.compile(r"^UID[;:](?:[^:]*:)?(.*)$", re.IGNORECASE)


@dataclass
class Notes:
    """What reading left out or guessed, for the user (never raw library messages)."""

    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)


def decode(data: bytes, notes: Notes) -> str:
    """The file's text: UTF-8 (with or without BOM), else a detected charset, with a warning."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = best.encoding if best is not None else "cp1252"
    if _LATIN.match(encoding):
        try:
            text = data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError:
            text = data.decode(encoding, errors="replace")
    else:
        text = data.decode(encoding, errors="replace")
    name = "Windows-1252" if encoding == "cp1252" else encoding
    notes.warn(f"the file is not UTF-8; read it as {name}")
    return text


def unfold(text: str) -> list[str]:
    """RFC 5545 3.1: content lines with their continuations joined."""
    return [line for line in re.sub(r"\r?\n[ \t]", "", text).splitlines() if line.strip()]


def _wrap(lines: list[str]) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR"]) + "\r\n"


def _readable(lines: list[str]) -> icalendar.Calendar | None:
    try:
        parsed = icalendar.Calendar.from_ical(_wrap(lines))
    except PARSE_ERRORS:
        return None
    return parsed if isinstance(parsed, icalendar.Calendar) else None


def _blocks(lines: list[str]) -> Iterator[tuple[str, list[str]]]:
    """Top-level components of one VCALENDAR's body: (name, lines) or ("", [property line])."""
    depth = 0
    block: list[str] = []
    for line in lines:
        upper = line.upper()
        if upper.startswith("BEGIN:"):
            depth += 1
            block.append(line)
        elif upper.startswith("END:") and depth:
            depth -= 1
            block.append(line)
            if depth == 0:
                yield block[0][6:].strip().upper(), block
                block = []
        elif depth:
            block.append(line)
        else:
            yield "", [line]


def _uid(block: list[str]) -> str:
    return next((m.group(1).strip() for line in block if (m := _UID.match(line))), "")


def _without_nested(block: list[str]) -> Iterator[tuple[str, list[str]]]:
    """The block with one nested component (an alarm) removed, for each nested component."""
    inner = block[1:-1]
    spans: list[tuple[int, int, str]] = []
    depth, start = 0, 0
    for i, line in enumerate(inner):
        upper = line.upper()
        if upper.startswith("BEGIN:"):
            if depth == 0:
                start = i
            depth += 1
        elif upper.startswith("END:") and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i, inner[start][6:].strip().upper()))
    for start, end, name in spans:
        yield name, [block[0], *inner[:start], *inner[end + 1 :], block[-1]]


def parse_piecewise(text: str, notes: Notes) -> list[icalendar.Calendar]:
    """Every VCALENDAR, built component by component; unreadable parts are left out with a note."""
    calendars: list[icalendar.Calendar] = []
    for name, block in _blocks(unfold(text)):
        if name != "VCALENDAR":
            continue
        head: list[str] = []
        components: list[icalendar.Component] = []
        for kind, part in _blocks(block[1:-1]):
            if not kind:
                if _readable(part) is not None:
                    head.append(part[0])
                else:
                    prop = re.split(r"[;:]", part[0], maxsplit=1)[0].upper()
                    notes.warn(f"left out the calendar's {prop}: its value cannot be read")
                continue
            components.extend(_component(kind, part, notes))
        calendar = _readable(head) or icalendar.Calendar()
        for component in components:
            calendar.add_component(component)
        calendars.append(calendar)
    return calendars


_LABELS = {
    "VTIMEZONE": "time zone",
    "VTODO": "task",
    "VJOURNAL": "journal entry",
    "VALARM": "alarm",
    "VFREEBUSY": "free/busy entry",
}


def _component(kind: str, block: list[str], notes: Notes) -> list[icalendar.Component]:
    parsed = _readable(block)
    if parsed is not None:
        return list(parsed.subcomponents)
    uid = _uid(block)
    if kind == "VEVENT":
        for nested, rest in _without_nested(block):
            parsed = _readable(rest)
            if parsed is not None:
                what = _LABELS.get(nested, nested)
                notes.warn(f"left out an unreadable {what} of event {uid or '(no UID)'}")
                return list(parsed.subcomponents)
        notes.skipped.append(Skipped(uid or "(no UID)", "the event cannot be read"))
        return []
    label = _LABELS.get(kind, kind)
    what = _tzid(block) if kind == "VTIMEZONE" else uid
    notes.warn(f"left out an unreadable {label}{f' {what!r}' if what else ''}")
    return []


def _tzid(block: list[str]) -> str:
    return next(
        (line.split(":", 1)[1].strip() for line in block if line.upper().startswith("TZID:")), ""
    )


#: library warnings on odd input, said plainly (others are dropped: never shown raw)
_PLAIN: dict[str, str] = {
    "GloballyUniqueTZIDGuessed": "a vendor time zone id was read as its IANA name",
}


_WARNINGS_LOCK = threading.Lock()


@contextmanager
def quiet_libraries(notes: Notes) -> Iterator[None]:
    """Collect the libraries' Python warnings while reading; turn known ones into notes.

    `warnings.catch_warnings` swaps process-wide state: two threads inside it at once (the worker's
    reads of calendar addresses, a web request adding one) would restore each other's state and
    could leave warnings recorded into a dead list for good. Readings take turns instead; they
    hold the GIL nearly all the time anyway.
    """
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for item in caught:
        plain = _PLAIN.get(item.category.__name__)
        if plain:
            notes.warn(plain)


# --- time zones the file defines under names that are not IANA names (rule Z1) --------------------

_DISPLAY = re.compile(r"^\(\s*(?:UTC|GMT)\s*(?:[+-]\d{1,2}(?::?\d{2})?)?\s*\)\s*(.+)$", re.I)
_AREAS = frozenset(
    "Africa America Antarctica Asia Atlantic Australia Europe Indian Pacific".split()
)
#: offsets are compared monthly over these years: rules that agree there agree for the feed
_SAMPLE_YEARS = range(2018, 2036)


@lru_cache(maxsize=1)
def _zones_by_city() -> dict[str, str]:
    """IANA zones by their city ("amsterdam" -> Europe/Amsterdam), geographic areas only."""
    cities: dict[str, str] = {}
    for name in sorted(available_timezones()):
        area, _, city = name.rpartition("/")
        if area and area.split("/")[0] in _AREAS:
            cities.setdefault(city.replace("_", " ").casefold(), name)
    return cities


def zone_from_display_name(tzid: str) -> str | None:
    """Outlook's "(UTC+01:00) Amsterdam, Berlin, Bern, Rome" -> Europe/Amsterdam (its cities)."""
    found = _DISPLAY.match(tzid.strip().strip('"'))
    if not found:
        return None
    cities = _zones_by_city()
    for city in re.split(r"[,;]", found.group(1)):
        if zone := cities.get(city.strip().casefold()):
            return zone
    return None


@lru_cache(maxsize=1)
def _samples() -> tuple[datetime, ...]:
    return tuple(datetime(y, m, 15, 12, tzinfo=UTC) for y in _SAMPLE_YEARS for m in range(1, 13))


@lru_cache(maxsize=1)
def _canonical_zones() -> list[str]:
    """The tz database's canonical names (zone.tab, shipped by tzdata), not its old links
    (Asia/Kolkata, not Asia/Calcutta); every geographic name when the table is missing."""
    try:
        table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return sorted(n for n in available_timezones() if n.split("/")[0] in _AREAS)
    names = [row.split("\t")[2] for row in table.splitlines() if row and not row.startswith("#")]
    return sorted(set(names) & available_timezones())


@lru_cache(maxsize=1)
def _offset_table() -> dict[tuple[timedelta | None, ...], str]:
    """IANA zones by their offsets on the sample days (deterministic: sorted names)."""
    samples = _samples()
    table: dict[tuple[timedelta | None, ...], str] = {}
    fixed = sorted(n for n in available_timezones() if n.startswith("Etc/GMT") and n[7:])
    for name in [*_canonical_zones(), *fixed]:
        zone = ZoneInfo(name)
        key = tuple(s.astimezone(zone).utcoffset() for s in samples)
        if name.startswith("Etc/") or key not in table:
            table[key] = name  # a fixed offset reads best as Etc/GMT-9 rather than a city
    return table


def equivalent_zone(tzid: str, zone: tzinfo) -> str | None:
    """The IANA zone keeping the same time as a file's own VTIMEZONE, or None (rule Z1).

    Outlook's "Customized Time Zone" and display names carry real rules; an IANA zone whose
    offsets agree with them every month for years gives the same local times and lets rule Z1 use
    the interview's own zone. The display name's cities are tried first.
    """
    samples = _samples()
    try:
        key = tuple(s.astimezone(zone).utcoffset() for s in samples)
    except (ValueError, TypeError, OverflowError):
        return None
    named = zone_from_display_name(tzid)
    if named and tuple(s.astimezone(ZoneInfo(named)).utcoffset() for s in samples) == key:
        return named
    return _offset_table().get(key)
