"""Benchmark: what hostile recurrence rules cost, and whether they stall other users' reads.

Prints wall seconds, each as a ratio against a baseline measured in the same process: reading an
ordinary calendar (a weekly interview series, a monthly one and 20 single events) with `read_ics`.

- rule bombs: one never-matching rule (`FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30`, 254 bytes; it took
  19.5 s before the bound), its DAILY form, and twenty of them in one 3.9 KB file (past 120 s);
- counting overhead: a dense but legitimate file (daily and hourly-interval series since 1990,
  window 1900-2100) with the work count on, against the same read with `rrule_bound.bound` made a
  no-op (the walk uncounted);
- beside: the ordinary calendar read while another thread reads the twenty-bomb file, against
  reading it alone (with the old process-wide lock it waited for the whole expensive read).

    .venv/bin/python bench/ics_work.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calfeed.core.inputs import ics as ics_module  # noqa: E402
from calfeed.core.inputs import rrule_bound  # noqa: E402
from calfeed.core.inputs.ics import read_ics  # noqa: E402

WINDOW = (datetime(2026, 9, 27, tzinfo=UTC), datetime(2027, 11, 26, tzinfo=UTC))
WIDE = (datetime(1900, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
NEVER = ("FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")


def vevent(uid: str, dtstart: str, rule: str | None = None) -> str:
    repeat = f"RRULE:{rule}\r\n" if rule else ""
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART:{dtstart}\r\nDURATION:PT1H\r\n"
        f"SUMMARY:Interview {uid}\r\n{repeat}END:VEVENT\r\n"
    )


def calendar(*events: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()


ORDINARY = calendar(
    vevent("weekly", "20261001T090000Z", "FREQ=WEEKLY;BYDAY=TU;COUNT=12"),
    vevent("monthly", "20260105T090000Z", "FREQ=MONTHLY;BYMONTHDAY=5"),
    *(vevent(f"single{n}", f"202611{n + 1:02d}T090000Z") for n in range(20)),
)
ONE_BOMB = calendar(vevent("bomb", "20260101T090000Z", NEVER[0]))
DAILY_BOMB = calendar(vevent("bomb", "20260101T090000Z", NEVER[1]))
TWENTY_BOMBS = calendar(*(vevent(f"b{n}", "20260101T090000Z", NEVER[n % 2]) for n in range(20)))
DENSE = calendar(
    vevent("daily", "19900101T090000Z", "FREQ=DAILY"),
    vevent("every-6h", "20200101T000000Z", "FREQ=HOURLY;INTERVAL=6"),
    vevent("weekdays", "19950102T080000Z", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
)


def seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def read(data: bytes, window: tuple[datetime, datetime] = WINDOW) -> object:
    return read_ics(
        data,
        calendar_id="bench",
        window_start=window[0],
        window_end=window[1],
        clock=time.monotonic,
    )


def beside(repeat: int) -> float:
    """The ordinary read's median seconds while the twenty-bomb file is read in another thread."""
    times = []
    for _ in range(repeat):
        other = threading.Thread(target=read, args=(TWENTY_BOMBS,))
        other.start()
        time.sleep(0.2)
        began = time.perf_counter()
        read(ORDINARY)
        times.append(time.perf_counter() - began)
        other.join()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--unbounded",
        action="store_true",
        help="also time one never-matching rule with the walk uncounted (as before the bound)",
    )
    args = parser.parse_args()
    repeat = args.repeat
    read(ORDINARY)  # warm caches (zone tables, imports)
    base = seconds(lambda: read(ORDINARY), repeat)
    print(f"baseline: ordinary calendar read   {base:8.4f} s   1.0x")
    rows = [
        ("one never-matching HOURLY rule", seconds(lambda: read(ONE_BOMB), repeat)),
        ("its DAILY form", seconds(lambda: read(DAILY_BOMB), repeat)),
        ("twenty of them in one file", seconds(lambda: read(TWENTY_BOMBS), max(1, repeat // 2))),
    ]
    counted = seconds(lambda: read(DENSE, WIDE), repeat)
    original = rrule_bound.bound
    ics_module.rrule_bound.bound = lambda rule, work: None  # type: ignore[assignment]
    try:
        uncounted = seconds(lambda: read(DENSE, WIDE), repeat)
        if args.unbounded:
            rows.append(("  one such rule, walk uncounted", seconds(lambda: read(ONE_BOMB), 1)))
    finally:
        ics_module.rrule_bound.bound = original
    rows += [
        ("dense legitimate file, 1900-2100, counted", counted),
        ("  the same, walk uncounted", uncounted),
        ("ordinary read beside twenty bombs", beside(repeat)),
    ]
    for label, took in rows:
        print(f"{label:<36} {took:8.4f} s {took / base:8.1f}x")
    print(f"counting overhead: {counted / uncounted:.3f}x the uncounted walk")


if __name__ == "__main__":
    main()
