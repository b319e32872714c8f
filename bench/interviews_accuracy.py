"""Accuracy of reading interviews on the project's corpus of real-world event shapes.

A script, not a test (`.venv/bin/python bench/interviews_accuracy.py [-v]`). For every line of
`tests/fixtures/interview_titles.jsonl` it runs the core's detection (rules D1-D5, E1, E2) and
compares the verdict, company and position with the expected ones. It prints four figures:
verdict (all cases), company and position (cases that are interviews), and overall (cases where
everything is right); the target is at least 97% overall. `-v` lists every miss.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from calfeed.core.detection.detect import detect  # noqa: E402
from calfeed.core.model import RuleSettings  # noqa: E402
from tests.support.corpus import load_cases, same  # noqa: E402

TARGET = 0.97


def measure(verbose: bool = False) -> dict[str, float]:
    """Run the corpus once; returns the four accuracies (0..1)."""
    cases = load_cases()
    found = {i.event.event_id: i for i in detect([c.event for c in cases], RuleSettings())}
    verdict_ok = company_ok = position_ok = overall_ok = interviews = 0
    for case in cases:
        is_interview, company, position = case.expected
        got = found.get(case.event.event_id)
        v = (got is not None) == is_interview
        c = p = True
        if is_interview:
            interviews += 1
            c = got is not None and same(got.company, company)
            p = got is not None and same(got.position, position)
            company_ok += c
            position_ok += p
        verdict_ok += v
        overall_ok += v and c and p
        if verbose and not (v and c and p):
            read = (got.company, got.position) if got else "not an interview"
            print(
                f"  line {case.line}: {case.row['title']!r}: read {read}, expected "
                f"{(company, position) if is_interview else 'not an interview'}"
            )
    return {
        "cases": len(cases),
        "verdict": verdict_ok / len(cases),
        "company": company_ok / interviews,
        "position": position_ok / interviews,
        "overall": overall_ok / len(cases),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    figures = measure(parser.parse_args().verbose)
    print(f"corpus: {figures['cases']:.0f} event shapes (tests/fixtures/interview_titles.jsonl)")
    for name in ("verdict", "company", "position", "overall"):
        print(f"  {name:<10} {figures[name]:7.1%}")
    status = "ok" if figures["overall"] >= TARGET else "under target"
    print(f"  target overall >= {TARGET:.0%}: {status}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
