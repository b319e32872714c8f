"""The interview-title corpus (tests/fixtures/interview_titles.jsonl) as source events.

Each line is one real-world shape of a calendar event: a title, optional attendees, organizer and
description ("Name <address>" or a bare address), the user's own name and address (default below),
and the expected verdict ("interview" or "not", rules D1/D5), company and position (rule E2).
Shared by the tests and `bench/interviews_accuracy.py`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from calfeed.core.model import Attendee, SourceEvent
from tests.support.paths import FIXTURES

CORPUS = FIXTURES / "interview_titles.jsonl"
DEFAULT_USER = "Sari Job <sari.job@gmail.com>"
START = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Case:
    """One corpus line and the event built from it."""

    line: int
    row: dict[str, Any]
    event: SourceEvent

    @property
    def expected(self) -> tuple[bool, str | None, str | None]:
        return self.row["verdict"] == "interview", self.row["company"], self.row["position"]


def parse_address(text: str) -> tuple[str | None, str]:
    """`"Kim <kim@figma.com>"` -> ("Kim", "kim@figma.com"); a bare address -> (None, it)."""
    found = re.fullmatch(r"\s*(.*?)\s*<([^>]+)>\s*", text)
    return (found.group(1) or None, found.group(2)) if found else (None, text.strip())


def case_event(row: dict[str, Any], number: int) -> SourceEvent:
    """The Google-shaped event a corpus row stands for (the user is `self`, as Google marks)."""
    user_name, user_email = parse_address(row.get("user", DEFAULT_USER))
    me = Attendee(email=user_email, display_name=user_name, is_self=True)
    attendees = [
        Attendee(email=email, display_name=name, response_status="accepted")
        for name, email in map(parse_address, row.get("attendees", []))
    ]
    if "organizer" in row:
        name, email = parse_address(row["organizer"])
        organizer = Attendee(email=email, display_name=name, organizer=True)
    else:
        organizer = Attendee(email=user_email, display_name=user_name, is_self=True, organizer=True)
    if attendees or "organizer" in row:
        attendees.append(me)
    return SourceEvent(
        calendar_id=user_email,
        event_id=f"case{number:04d}",
        start=START,
        end=START + timedelta(hours=1),
        summary=row["title"],
        description=row.get("description", ""),
        attendees=tuple(attendees),
        organizer=organizer,
        time_zone="Asia/Jakarta",
    )


def load_cases(path: Path = CORPUS) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            cases.append(Case(number, row, case_event(row, number)))
    return cases


def same(found: str | None, expected: str | None) -> bool:
    """Names compare as a reader would: case, spacing and a final full stop do not matter."""

    def norm(value: str | None) -> str:
        return " ".join((value or "").casefold().split()).strip(" .,")

    return norm(found) == norm(expected)
