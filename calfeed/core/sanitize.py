"""Text from outside, made safe to store and to show. Pure functions.

- A lone surrogate (`"\\ud800"` in Google's JSON) cannot be encoded as UTF-8: SQLite, PostgreSQL
  and the feed writer all fail on it, so one such event made every poll answer 500. It becomes
  U+FFFD where the JSON is read.
- Bidi controls (U+202A-U+202E, U+2066-U+2069) and zero-width characters let a title show one
  thing and say another ("Trojan Source"); they are removed from text that reaches the feed and
  the dashboard.
- U+2028, U+2029 and U+0085 are line breaks to Unicode but not to every reader (node-ical drops a
  whole DESCRIPTION holding them): they become "\\n".
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from calfeed.core.model import Attendee, SourceEvent

_SURROGATE = re.compile("[\ud800-\udfff]")
#: bidi embeddings/overrides/isolates, zero-width space/non-joiner/joiner, word joiner, BOM,
#: the left-to-right and right-to-left marks
_SPOOFING = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff]")
_ODD_BREAKS = re.compile("\u2028|\u2029|\u0085")
#: any of the three above, so that clean text (nearly all of it) costs one search
_ANY = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff\u2028\u2029\u0085\ud800-\udfff]"
)


def clean_surrogates(value: Any) -> Any:
    """`value` (JSON: dicts, lists, strings, scalars) with every lone surrogate as U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {clean_surrogates(k): clean_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_surrogates(v) for v in value]
    return value


def clean_display(text: str) -> str:
    """`text` without bidi controls and zero-width characters, odd separators as line breaks,
    lone surrogates (from any source) as U+FFFD."""
    text = _SPOOFING.sub("", text)
    text = _SURROGATE.sub("\ufffd", text)
    return _ODD_BREAKS.sub("\n", text)


def _needs_cleaning(text: str | None) -> bool:
    # every character cleaned is outside ASCII, and `isascii` costs nothing (CPython records it)
    return text is not None and not text.isascii() and _ANY.search(text) is not None


def clean_event(event: SourceEvent) -> SourceEvent:
    """The event with `clean_display` applied to every text a person reads (summary,
    description, location, names); the same object when there was nothing to clean."""
    people = (*event.attendees, *((event.organizer,) if event.organizer else ()))
    texts = (event.summary, event.description, event.location, *(p.display_name for p in people))
    if not any(_needs_cleaning(t) for t in texts):
        return event

    def person(who: Attendee) -> Attendee:
        if who.display_name is None:
            return who
        return replace(who, display_name=clean_display(who.display_name))

    return replace(
        event,
        summary=clean_display(event.summary),
        description=clean_display(event.description),
        location=clean_display(event.location),
        attendees=tuple(person(a) for a in event.attendees),
        organizer=person(event.organizer) if event.organizer else None,
    )
