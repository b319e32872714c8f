"""What calfeed read, shown to people and tests: `calfeed interviews`.

Pure: interviews and their follow-ups in, text out. The JSON shape is a contract (tests and scripts
read it): {"interviews": [{"id", "ical_uid", "start", "company", "position", "interviewers":
[{"name", "email"}], "timeline", "follow_ups": [{"kind", "start"}]}], "questions": [{"id",
"ical_uid", "start", "title", "company", "position", "why"}]}, one entry per interview and one per
question (rule D9: an event calfeed is unsure of; in one list or neither).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from calfeed.core.detection.reading import Question
from calfeed.core.model import FollowUp, Interview

_HEADERS = ("start", "company", "position", "interviewers", "timeline", "follow-ups")


def interview_entries(
    interviews: Sequence[Interview], follow_ups: Sequence[FollowUp]
) -> list[dict[str, Any]]:
    """One dict per interview, in the order given (start order from `detect`)."""
    by_interview: dict[str, list[FollowUp]] = {}
    for f in follow_ups:
        by_interview.setdefault(f.interview.key, []).append(f)
    return [
        {
            "id": i.event.event_id,
            "ical_uid": i.event.ical_uid or None,
            "start": i.start.isoformat(),
            "company": i.company,
            "position": i.position,
            "interviewers": [{"name": p.name, "email": p.email} for p in i.interviewers],
            "timeline": i.timeline.text if i.timeline else None,
            "follow_ups": [
                {"kind": f.kind, "start": f.start.isoformat()}
                for f in sorted(by_interview.get(i.key, []), key=lambda f: f.start)
            ],
        }
        for i in interviews
    ]


def question_entries(questions: Sequence[Question]) -> list[dict[str, Any]]:
    """Rule D9: one dict per question, in the order given (start order from `read_calendar`)."""
    return [
        {
            "id": q.event.event_id,
            "ical_uid": q.event.ical_uid or None,
            "start": q.event.start.isoformat(),
            "title": q.event.summary,
            "company": q.company,
            "position": q.position,
            "why": q.why,
        }
        for q in questions
    ]


def interviews_json(
    interviews: Sequence[Interview],
    follow_ups: Sequence[FollowUp],
    questions: Sequence[Question] = (),
) -> str:
    """The JSON document, deterministic (keys in the contract's order), ending in a newline."""
    document = {
        "interviews": interview_entries(interviews, follow_ups),
        "questions": question_entries(questions),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def questions_text(questions: Sequence[Question]) -> str:
    """Rule D9: the questions, apart from the table: one block per event calfeed is unsure of."""
    if not questions:
        return ""
    lines = ["", "Is this one of your job interviews? (no follow-ups until you answer)"]
    for entry in question_entries(questions):
        start = entry["start"][:16].replace("T", " ")
        named = " / ".join(v for v in (entry["company"], entry["position"]) if v) or "-"
        lines.append(f"  {start}  {entry['title']}  [{named}]  {entry['why']}")
    return "\n".join(lines) + "\n"


def interviews_table(
    interviews: Sequence[Interview],
    follow_ups: Sequence[FollowUp],
    questions: Sequence[Question] = (),
) -> str:
    """An aligned plain-text table, one row per interview; "-" where nothing was read; then the
    questions (rule D9), apart."""
    rows = [_HEADERS]
    for entry in interview_entries(interviews, follow_ups):
        people = ", ".join(f"{p['name']} <{p['email']}>" for p in entry["interviewers"])
        steps = ", ".join(
            f"{f['kind']} {f['start'][:16].replace('T', ' ')}" for f in entry["follow_ups"]
        )
        rows.append(
            (
                entry["start"][:16].replace("T", " "),
                entry["company"] or "-",
                entry["position"] or "-",
                people or "-",
                entry["timeline"] or "-",
                steps or "-",
            )
        )
    widths = [max(len(row[c]) for row in rows) for c in range(len(_HEADERS))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    if len(rows) == 1:
        lines.append("(no interviews found)")
    return "\n".join(lines) + "\n" + questions_text(questions)
