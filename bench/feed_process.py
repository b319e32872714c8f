"""Benchmark: `calfeed feed` on a 5,000-event calendar as a whole process, start-up included.

A script, not a test (`.venv/bin/python bench/feed_process.py [--repeat N] [--root DIR]`). It
writes bench/engine.py's calendar (5,000 events, 1,000 interviews) to a temporary file, then
times, best of several interleaved rounds:

- process: `python -m calfeed feed --events <file> -o <tmp>` in a fresh interpreter (start-up,
  imports, the public-suffix list, every regex compiled, reading, rules, rendering);
- floor: icalendar alone serializing 2,000 plain events (bench/floor.py, as many events as the
  feed holds), as a whole process too (a fresh interpreter importing icalendar and nothing of
  calfeed), and, for reference, in this process.

It prints them, the ratios and each process's peak memory (its maximum resident set); the target
is at most 1.3x the whole-process floor. `--root` runs another checkout's calfeed (the same
interpreter and packages), to compare before and after in one run.

`--bytecode` runs every process (floor and calfeed alike) with its modules' bytecode written
beforehand, in a temporary PYTHONPYCACHEPREFIX by one untimed run, as an installed calfeed has it
(pip byte-compiles what it installs, and Python writes what it imports). Without it a checkout
run with PYTHONDONTWRITEBYTECODE set, as on the development machine, compiles calfeed's modules
from source in every round, while the floor's icalendar was byte-compiled when installed.
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

from bench.engine import calendar_json  # noqa: E402
from bench.floor import plain_events, serialize_plain  # noqa: E402

TARGET = 1.3
FLOOR_SCRIPT = (
    "import sys; sys.path.insert(0, {root!r}); from bench.floor import plain_events, "
    "serialize_plain; serialize_plain(plain_events(2000))"
)


#: runs a command and prints its wall time and peak memory. A child's peak resident set counts
#: what it inherited when forked: forked from this process (which holds the calendar), every
#: child would show this process's size, so the children are forked from a small interpreter.
LAUNCHER = (
    "import os, subprocess, sys, time; began = time.perf_counter(); "
    "child = subprocess.Popen(sys.argv[1:]); _, status, usage = os.wait4(child.pid, 0); "
    "print(time.perf_counter() - began, usage.ru_maxrss, os.waitstatus_to_exitcode(status))"
)


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run `command` to its end: its wall time in seconds and its peak resident memory in KiB."""
    launched = [sys.executable, "-S", "-c", LAUNCHER, *command]
    done = subprocess.run(launched, check=True, capture_output=True, text=True, cwd=cwd, env=env)
    seconds, kib, status = done.stdout.split()
    if int(status):
        raise subprocess.CalledProcessError(int(status), command, stderr=done.stderr)
    return float(seconds), int(kib)  # Linux: ru_maxrss in KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--root", type=Path, action="append", default=[])
    parser.add_argument("--bytecode", action="store_true", help="time with bytecode written first")
    args = parser.parse_args(argv)
    roots = args.root or [ROOT]
    rows = plain_events(2000)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "calendar.json"
        source.write_text(calendar_json(5000, 1000, 2026), encoding="utf-8")
        out = Path(tmp) / "feed.ics"
        best = {str(r): float("inf") for r in roots} | {"floor": float("inf")}
        best["floor process"] = float("inf")
        peak = dict.fromkeys(best, 0)
        floor_command = [sys.executable, "-c", FLOOR_SCRIPT.format(root=str(ROOT))]
        command = [sys.executable, "-m", "calfeed", "feed", "--events", str(source), "-o", str(out)]
        base = dict(os.environ)
        if args.bytecode:
            base.pop("PYTHONDONTWRITEBYTECODE", None)
            base["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "bytecode")
            timed(floor_command, cwd=ROOT, env=base)  # untimed: writes the bytecode
            for root in roots:
                timed(command, env=dict(base, PYTHONPATH=str(root)), cwd=root)
        for _ in range(args.repeat):
            seconds, kib = timed(floor_command, cwd=ROOT, env=base)
            best["floor process"] = min(best["floor process"], seconds)
            peak["floor process"] = max(peak["floor process"], kib)
            for root in roots:
                env = dict(base, PYTHONPATH=str(root))
                seconds, kib = timed(command, env=env, cwd=root)
                best[str(root)] = min(best[str(root)], seconds)
                peak[str(root)] = max(peak[str(root)], kib)
            began = time.perf_counter()
            serialize_plain(rows)
            best["floor"] = min(best["floor"], time.perf_counter() - began)
    floor, process_floor = best.pop("floor"), best.pop("floor process")
    if args.bytecode:
        print("every process with its bytecode written first (--bytecode)")
    print(
        f"floor: icalendar, 2000 plain events, whole process {process_floor:8.3f} s, "
        f"peak {peak['floor process'] / 1024:.0f} MiB"
    )
    print(f"floor: icalendar, 2000 plain events, in process    {floor:8.3f} s")
    for root, seconds in best.items():
        ratio = seconds / process_floor
        verdict = "ok" if ratio <= TARGET else "over target"
        print(
            f"calfeed feed, 5000 events ({root}): whole process {seconds:.3f} s, "
            f"peak {peak[root] / 1024:.0f} MiB"
        )
        print(f"  {ratio:6.2f}x the whole-process floor (target <= {TARGET}x: {verdict})")
        print(f"  {seconds / floor:6.2f}x the in-process floor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
