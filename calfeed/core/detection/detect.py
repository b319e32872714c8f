"""Which calendar events are interviews (rules D1-D9) and what they tell us (rules E1-E5).

Pure: events, settings and the user's marks in, interviews out. Exclusions (D2) are not errors; an
event that cannot be judged at all was already skipped by the reader that made it. The reading
itself is `reading.read_calendar`; this module keeps the names existing callers import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from calfeed.core.detection.interview import (
    ALL_DAY_END,
    ALL_DAY_START,
    company_and_position,
    company_from_domain,
    exclusion,
    interviewers,
    keyword_pattern,
    latest_by_key,
    name_from_email,
    to_interview,
    user_names,
    zone_for,
)
from calfeed.core.detection.reading import read_calendar
from calfeed.core.detection.titles import names_interview_implicitly, not_interview_reason
from calfeed.core.model import Interview, Marks, RuleSettings, SourceEvent

__all__ = [
    "ALL_DAY_END",
    "ALL_DAY_START",
    "company_and_position",
    "company_from_domain",
    "detect",
    "exclusion",
    "interviewers",
    "is_interview",
    "is_interview_title",
    "keyword_pattern",
    "latest_by_key",
    "name_from_email",
    "to_interview",
    "user_names",
    "zone_for",
]


def is_interview_title(title: str, keywords: tuple[str, ...]) -> bool:
    """Rule D1: the title names an interview keyword as a whole word."""
    return keyword_pattern(keywords).search(title) is not None


def is_interview(title: str, pattern: re.Pattern[str]) -> bool:
    """Rules D1 and D5: a keyword (or a name such as "superday"), and not about an interview."""
    named = pattern.search(title) is not None or names_interview_implicitly(title)
    return named and not_interview_reason(title) is None


def detect(
    events: Iterable[SourceEvent], settings: RuleSettings, marks: Mapping[str, Marks] | None = None
) -> list[Interview]:
    """Rules D1-D9: the user's sure interviews among `events`, in start order (ties by key).

    Recurring interviews arrive as expanded instances and count once each (rule D3). The
    questions (rule D9) are in `reading.read_calendar`, which this returns the first half of.
    """
    return list(read_calendar(events, settings, marks).interviews)
