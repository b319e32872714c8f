"""Benchmark: `calfeed feed` on a 5,000-event calendar as a whole process, start-up included.

A script, not a test (`.venv/bin/python bench/feed_process.py [--repeat N] [--root DIR]`). It
writes bench/engine.py's calendar (5,000 events, 1,000 interviews) to a temporary file, then
times, best of several interleaved rounds:

- process: `python -m calfeed feed --events <file> -o <tmp>` in a fresh interpreter (start-up,
  imports, the public-suffix list, every regex compiled, reading, rules, rendering);
- floor: icalendar alone serializing 2,000 plain events (bench/engine.py's floor, as many events
  as the feed holds), as a whole process too (a fresh interpreter importing icalendar), and, for
  reference, in this process.

It prints them and the ratios; the target is at most 1.3x the whole-process floor. `--root`
runs another checkout's calfeed (the same interpreter and packages), to compare before and after
in one run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from bench.engine import calendar_json, plain_events, serialize_plain  # noqa: E402

TARGET = 1.3
FLOOR_SCRIPT = (
    "import sys; sys.path.insert(0, {root!r}); from bench.engine import plain_events, "
    "serialize_plain; serialize_plain(plain_events(2000))"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--root", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    roots = args.root or [ROOT]
    rows = plain_events(2000)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "calendar.json"
        source.write_text(calendar_json(5000, 1000, 2026), encoding="utf-8")
        out = Path(tmp) / "feed.ics"
        best = {str(r): float("inf") for r in roots} | {"floor": float("inf")}
        best["floor process"] = float("inf")
        floor_command = [sys.executable, "-c", FLOOR_SCRIPT.format(root=str(ROOT))]
        for _ in range(args.repeat):
            began = time.perf_counter()
            subprocess.run(floor_command, check=True, cwd=ROOT)
            best["floor process"] = min(best["floor process"], time.perf_counter() - began)
            for root in roots:
                env = dict(os.environ, PYTHONPATH=str(root))
                command = [sys.executable, "-m", "calfeed", "feed", "--events", str(source)]
                began = time.perf_counter()
                subprocess.run([*command, "-o", str(out)], check=True, env=env, cwd=root)
                best[str(root)] = min(best[str(root)], time.perf_counter() - began)
            began = time.perf_counter()
            serialize_plain(rows)
            best["floor"] = min(best["floor"], time.perf_counter() - began)
    floor, process_floor = best.pop("floor"), best.pop("floor process")
    print(f"floor: icalendar, 2000 plain events, whole process {process_floor:8.3f} s")
    print(f"floor: icalendar, 2000 plain events, in process    {floor:8.3f} s")
    for root, seconds in best.items():
        ratio = seconds / process_floor
        verdict = "ok" if ratio <= TARGET else "over target"
        print(f"calfeed feed, 5000 events ({root}): whole process {seconds:.3f} s")
        print(f"  {ratio:6.2f}x the whole-process floor (target <= {TARGET}x: {verdict})")
        print(f"  {seconds / floor:6.2f}x the in-process floor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
