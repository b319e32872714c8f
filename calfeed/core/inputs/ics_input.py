"""Reading .ics bytes written by others: charset, bad components, library noise.

- A file that is not UTF-8 is decoded anyway: Windows-1252 for Western text (Outlook's usual
  export; the detector cannot tell single-byte Latin code pages apart on short text), else what
  charset-normalizer finds (Cyrillic, CJK...), with a warning.
- When icalendar rejects the whole file for one bad value, the file is read again component by
  component: a calendar property, a VTODO, a VTIMEZONE or an alarm that cannot be read is left out
  with a warning, an event that cannot be read is skipped like any bad event; the rest is read.
- UTF-16 and UTF-32 (by their BOM, UTF-16 also by its zero bytes) and bare-CR line ends (Lotus
  Notes) are read like UTF-8 with CRLF.
- Nothing here touches process-wide state (no `warnings` filters, no locks): the one library
  warning odd input caused (icalendar guessing a vendor TZID such as
  `/mozilla.org/20070129_1/Europe/Berlin`) is avoided by naming the zone before icalendar parses,
  and said as a plain note of this read. Reads run side by side in threads without waiting.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from calfeed.core.inputs.google_json import valid_zone
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


#: byte-order marks, longest first (UTF-32 LE begins with UTF-16 LE's mark)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def _wide(data: bytes) -> tuple[str, str, int] | None:
    """The codec of a UTF-16/32 file (by its BOM, or UTF-16 by its zero bytes), the name to say,
    and the BOM's length; None for byte-wide text."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return (codec, name, len(bom)) if codec != "utf-8" else None
    head = data[:4096].upper()
    for codec in ("utf-16-le", "utf-16-be"):  # "B\0E\0G\0..." without a BOM (Windows)
        at = head.find("BEGIN".encode(codec))
        if at >= 0 and at % 2 == 0:  # on a character boundary: not the other order's bytes
            return codec, "UTF-16", 0
    return None


def decode(data: bytes, notes: Notes) -> str:
    """The file's text with LF line ends: UTF-8 (with or without BOM), UTF-16/32 (a BOM or
    UTF-16's zero bytes, as Windows Calendar writes), else a detected charset, with a warning.

    Line ends may be CRLF (RFC 5545), LF, or a bare CR (Lotus Notes): all are read.
    """
    return _line_ends(_text(data, notes))


def _line_ends(text: str) -> str:
    """Bare-CR line ends (a file without any LF: Lotus Notes) as LF; CRLF and LF as they are.

    A stray CR inside a CRLF file's value is left to the parser, as before."""
    if "\n" not in text:
        return text.replace("\r", "\n")
    return text


def _text(data: bytes, notes: Notes) -> str:
    wide = _wide(data)
    if wide is not None:
        codec, name, skip = wide
        text = data[skip:].decode(codec, errors="replace")
        notes.warn(f"the file is {name}, not UTF-8; read it as {name}")
        return text
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


#: a TZID parameter naming a "globally unique" id: /vendor/.../Area/City (RFC 5545 3.2.19)
_VENDOR_TZID = re.compile(r'(;TZID=)("?)(/[^";:\r\n]+)\2(?=[;:])', re.IGNORECASE)
_VENDOR_NOTE = "a vendor time zone id was read as its IANA name"


def vendor_zone(tzid: str) -> str | None:
    """The IANA zone at the end of `/mozilla.org/20070129_1/Europe/Berlin`, longest first."""
    parts = tzid.strip().strip('"').strip("/").split("/")
    return next((z for i in range(len(parts)) if (z := valid_zone("/".join(parts[i:])))), None)


def plain_tzids(text: str, notes: Notes) -> str:
    """The text with vendor TZID parameters replaced by the IANA zone they end in.

    icalendar resolves TZIDs while parsing and warns (a Python warning, in its own words) when it
    strips a vendor prefix; naming the zone first keeps its wording away from people and needs no
    process-wide warning filter. The zone is the one `ics.iana_zone` would bind anyway.
    """
    upper = text.upper()
    if "TZID=/" not in upper and 'TZID="/' not in upper:  # before unfolding: ";\n TZID=/..."
        return text
    text = re.sub(r"\r?\n[ \t]", "", text)  # a parameter may be folded across lines

    def plain(found: re.Match[str]) -> str:
        zone = vendor_zone(found.group(3))
        if zone is None:
            return found.group(0)
        if zone != found.group(3).strip("/"):
            notes.warn(_VENDOR_NOTE)
        return found.group(1) + zone

    return _VENDOR_TZID.sub(plain, text)


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
    """Outlook's display names -> IANA: "(UTC+01:00) Amsterdam, Berlin, Bern, Rome" by its cities
    (Europe/Amsterdam); "(UTC-05:00) Eastern Time (US & Canada)" by the Windows zone key it names
    ("Eastern Standard Time", CLDR windowsZones as icalendar ships it: America/New_York). A zone
    whose standard offset differs from the one in the name is not taken."""
    cleaned = tzid.strip().strip('"').replace("\\,", ",")
    found = _DISPLAY.match(cleaned)
    if not found:
        return None
    offset = display_offset(cleaned)
    cities = _zones_by_city()
    for city in re.split(r"[,;]", found.group(1)):
        if (zone := cities.get(city.strip().casefold())) and _standard_is(zone, offset):
            return zone
    return _windows_zone(_stem(found.group(1)), offset)


def _windows_zone(stem: str, offset: timedelta | None) -> str | None:
    """The zone of the Windows key named like `stem`, keeping `offset` as standard time: the same
    stem ("eastern"), else the one key whose stem begins with it ("alaska" -> "alaskan")."""
    table = _windows_by_stem()
    zone = table.get(stem)
    if zone and _standard_is(zone, offset):
        return zone
    if len(stem) < 4:
        return None
    found = {z for key, z in table.items() if key.startswith(stem) and _standard_is(z, offset)}
    return found.pop() if len(found) == 1 else None


_OFFSET = re.compile(r"^\(\s*(?:UTC|GMT)\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?)?\s*\)", re.I)


def display_offset(tzid: str) -> timedelta | None:
    """The offset a display name starts with: "(UTC-05:00) ..." -> -5 h; "(UTC) ..." -> 0."""
    found = _OFFSET.match(tzid.strip().strip('"'))
    if not found:
        return None
    sign, hours, minutes = found.groups()
    if sign is None:
        return timedelta(0)
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return -delta if sign == "-" else delta


def offset_zone(offset: timedelta) -> str | None:
    """The fixed IANA zone for a whole-hour offset (Etc/GMT+5 is UTC-05:00), else None."""
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest or not -14 <= hours <= 12:
        return None
    return "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"


#: the abbreviations of Windows zone keys ("W. Central Africa Standard Time")
_SHORT = {"w": "west", "e": "east", "n": "north", "s": "south", "cen": "central"}


def _stem(name: str) -> str:
    """ "Eastern Time (US & Canada)" and "Eastern Standard Time" -> "eastern";
    "West Central Africa" and "W. Central Africa Standard Time" -> "west central africa"."""
    name = re.sub(r"\([^)]*\)", " ", name).casefold()
    words = [w for w in re.split(r"[\s.]+", name) if w and w not in ("standard", "time")]
    return " ".join(_SHORT.get(w, w) for w in words)


@lru_cache(maxsize=1)
def _windows_by_stem() -> dict[str, str]:
    """CLDR's Windows zone keys by their stem ("eastern" -> America/New_York)."""
    table: dict[str, str] = {}
    for key, zone in sorted(WINDOWS_TO_OLSON.items()):
        if valid_zone(zone):
            table.setdefault(_stem(key), zone)
    return table


def _standard_is(zone: str, offset: timedelta | None) -> bool:
    """Whether `zone` keeps `offset` in January or July: Windows names give the standard offset,
    which is the winter one in the north, the July one in the south, and Dublin's January one
    (the tz database counts Irish winter time as the daylight saving)."""
    if offset is None:
        return True
    tz = ZoneInfo(zone)
    return any(
        datetime(2025, m, 15, tzinfo=UTC).astimezone(tz).utcoffset() == offset for m in (1, 7)
    )


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
