"""Accuracy of reading whole calendars: the development calendars under tests/fixtures/reader_dev/.

A script, not a test (`.venv/bin/python bench/reader_accuracy.py [-v] [DIR]`). Each persona is a
Google `events.list` page (`<name>.json`) and its labels (`<name>.labels.json`: the owner, the
months covered and, per event id, "interview" or "not" with the expected company and position; a
list allows several spellings). It runs the core's reading (`read_calendar`: sure interviews and
questions) and prints, per persona and overall:

- recall: the user's interviews found sure or asked about;
- false: events that are not the user's interviews but would get follow-ups (per 100 events);
- follow-ups right: sure interviews with the right company and position, over true plus false;
- questions per month.

The targets: follow-ups right >= 95%, false <= 1 per 100 events, questions <= 3 a
month. `-v` lists every miss. `DIR` reads another directory of the same shape.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from calfeed.core.inputs.google_json import events_from_payload  # noqa: E402
from calfeed.core.model import Interview, RuleSettings, SourceEvent  # noqa: E402

DEV = ROOT / "tests" / "fixtures" / "reader_dev"


def _norm(value: str | None) -> str:
    return " ".join((value or "").casefold().split()).strip(" .,")


def matches(found: str | None, expected: Any) -> bool:
    """A read name against a label: one spelling, a list of accepted spellings, or None."""
    options = expected if isinstance(expected, list) else [expected]
    return any(_norm(found) == _norm(o) for o in options)


def read(
    events: list[SourceEvent], settings: RuleSettings
) -> tuple[list[Interview], list[tuple[SourceEvent, str | None, str | None]]]:
    """Sure interviews and questions; before `read_calendar` existed, `detect` (no questions)."""
    try:
        from calfeed.core.detection import read_calendar
    except ImportError:
        from calfeed.core.detection.detect import detect

        return detect(events, settings), []
    reading = read_calendar(events, settings, {})
    return list(reading.interviews), [(q.event, q.company, q.position) for q in reading.questions]


def measure(directory: Path = DEV, verbose: bool = False) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    total = {"events": 0, "interviews": 0, "found": 0, "false": 0, "right": 0, "questions": 0}
    months = 0
    for page in sorted(directory.glob("*.json")):
        if page.name.endswith(".labels.json"):
            continue
        meta = json.loads(page.with_name(page.stem + ".labels.json").read_text("utf-8"))
        labels: dict[str, dict[str, Any]] = meta["labels"]
        owner = meta["owner"]
        payload = json.loads(page.read_text("utf-8"))
        events, _ = events_from_payload(payload, calendar_id=owner["email"])
        settings = RuleSettings(time_zone=payload.get("timeZone", "UTC"), user_name=owner["name"])
        sure, asked = read(events, settings)
        n = {"events": len(events), "interviews": 0, "found": 0, "false": 0, "right": 0}
        n["questions"] = len(asked)
        sure_by_id = {i.event.event_id: i for i in sure}
        asked_ids = {e.event_id for e, _, _ in asked}
        for event in events:
            label = labels[event.event_id]
            got = sure_by_id.get(event.event_id)
            if label["verdict"] == "interview":
                n["interviews"] += 1
                n["found"] += got is not None or event.event_id in asked_ids
                ok = (
                    got is not None
                    and matches(got.company, label["company"])
                    and matches(got.position, label["position"])
                )
                n["right"] += ok
                if verbose and not ok:
                    where = (
                        f"read ({got.company!r}, {got.position!r})"
                        if got
                        else ("asked" if event.event_id in asked_ids else "missed")
                    )
                    print(
                        f"  {page.stem}: {event.summary!r}: {where}, expected "
                        f"({label['company']!r}, {label['position']!r})"
                    )
            elif got is not None:
                n["false"] += 1
                if verbose:
                    print(f"  {page.stem}: {event.summary!r}: FALSE interview ({got.company!r})")
        for key in total:
            total[key] += n[key]
        months += meta["months"]
        figures[page.stem] = _ratios(n, meta["months"])
    figures["overall"] = _ratios(total, months)
    return figures


def _ratios(n: dict[str, int], months: int) -> dict[str, float]:
    return {
        "events": n["events"],
        "interviews": n["interviews"],
        "recall": n["found"] / max(1, n["interviews"]),
        "false_per_100": 100 * n["false"] / max(1, n["events"]),
        "right": n["right"] / max(1, n["interviews"] + n["false"]),
        "questions_per_month": n["questions"] / max(1, months),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument("directory", nargs="?", type=Path, default=DEV)
    args = parser.parse_args()
    figures = measure(args.directory, args.verbose)
    print(f"{'persona':<10} {'events':>6} {'intvw':>5} {'recall':>7} {'false/100':>9} "
          f"{'right':>7} {'q/month':>7}")  # fmt: skip
    for name, f in figures.items():
        print(
            f"{name:<10} {f['events']:>6.0f} {f['interviews']:>5.0f} {f['recall']:>7.1%} "
            f"{f['false_per_100']:>9.1f} {f['right']:>7.1%} {f['questions_per_month']:>7.1f}"
        )
    print("targets: right >= 95%, false <= 1 per 100 events, questions <= 3 a month")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
