"""What calfeed read, shown to people and tests: `calfeed interviews` (issue 8 point 7).

Pure: interviews and their follow-ups in, text out. The JSON shape is a contract (tests and scripts
read it): {"interviews": [{"id", "ical_uid", "start", "company", "position", "interviewers":
[{"name", "email"}], "timeline", "follow_ups": [{"kind", "start"}]}]}, one entry per interview.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

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


def interviews_json(interviews: Sequence[Interview], follow_ups: Sequence[FollowUp]) -> str:
    """The JSON document, deterministic (keys in the contract's order), ending in a newline."""
    entries = interview_entries(interviews, follow_ups)
    return json.dumps({"interviews": entries}, ensure_ascii=False, indent=2) + "\n"


def interviews_table(interviews: Sequence[Interview], follow_ups: Sequence[FollowUp]) -> str:
    """An aligned plain-text table, one row per interview; "-" where nothing was read."""
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
    return "\n".join(lines) + "\n"
