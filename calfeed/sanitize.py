"""Text from outside, made safe to store and to show (issue 7, points 4 and 11). Pure functions.

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
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
#: bidi embeddings/overrides/isolates, zero-width space/non-joiner/joiner, word joiner, BOM,
#: the left-to-right and right-to-left marks
_SPOOFING = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff]")
_ODD_BREAKS = re.compile("\u2028|\u2029|\u0085")


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
    """`text` without bidi controls and zero-width characters, odd separators as line breaks."""
    text = _SPOOFING.sub("", text)
    return _ODD_BREAKS.sub("\n", text)
