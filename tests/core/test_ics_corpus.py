"""Every file of ../shared/corpus/ics read through calfeed's .ics paths, none worse than recorded.

1,133 calendars other projects wrote for their own tests (Outlook, Exchange, Lotus Notes, Apple,
Google, fuzzing cases, every line ending and encoding) are read with `read_ics`, in the default
window (60 days back, a year ahead of a fixed day) and over 1900-2100, then taken through what
`calfeed feed` and `calfeed interviews` do with the events (`build_feed`, `derive` and the JSON
report). Per file, tests/fixtures/ics_corpus_outcomes.json holds the outcome recorded with this
code: refused (with its one-line reason) or read (events and skipped entries). Each file must do as
well or better: no traceback, a refusal only where one was recorded, at least the events recorded,
no more skipped entries than recorded plus the events gained, and at most 5 s in the default
window. Refusals must be one line in calfeed's words.

The corpus is read in place (skipped where absent, mandatory with CALFEED_REQUIRE_CORPUS=1, as in
.ci/run). To record new outcomes after an improvement:
    .venv/bin/python -m tests.core.test_ics_corpus > tests/fixtures/ics_corpus_outcomes.json
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from calfeed.core.inputs.ics import read_ics
from calfeed.core.model import RuleSettings
from calfeed.core.pipeline import build_feed, derive
from calfeed.core.report import interviews_json
from calfeed.errors import SourceError
from tests.support.ics_corpus import CORPUS, corpus_files, require_corpus
from tests.support.paths import FIXTURES

pytestmark = pytest.mark.corpus  # minutes: in `make test` and CI, not in `make check`

OUTCOMES = FIXTURES / "ics_corpus_outcomes.json"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
WINDOWS = {
    "default": (NOW - timedelta(days=60), NOW + timedelta(days=365)),  # the CLI's, at NOW
    "1900-2100": (datetime(1900, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)),
}
#: the bound for one file in the default window, in CPU seconds of this process (the
#: slowest file, mathBirthdays.ics, takes about 2.6 s on a quiet 2-core machine)
MAX_SECONDS = 5.0
#: words of the libraries that must never reach a person
LIBRARY_WORDS = ("Traceback", "must be of the same type", "Only one of DTEND", "Error(", "<class")


def outcome(name: str, window: str) -> tuple[dict[str, Any], float]:
    """What reading one corpus file gives in one window, and the seconds it took."""
    start, end = WINDOWS[window]
    data = (CORPUS / name).read_bytes()
    began = time.process_time()  # this process's work: other sessions' load does not count
    try:
        read = read_ics(data, calendar_id="corpus", window_start=start, window_end=end)
    except SourceError as exc:
        return {"refused": str(exc)}, time.process_time() - began
    took = time.process_time() - began
    settings = RuleSettings(time_zone=read.calendar_time_zone or "UTC")
    feed = build_feed(list(read.events), settings)  # what `calfeed feed` writes
    assert feed.ics.startswith(b"BEGIN:VCALENDAR\r\n") and feed.ics.endswith(b"END:VCALENDAR\r\n")
    interviews, follow_ups = derive(list(read.events), settings)  # `calfeed interviews`
    json.loads(interviews_json(interviews, follow_ups))
    said = [*read.warnings, *(s.reason for s in read.skipped)]
    return {"events": len(read.events), "skipped": len(read.skipped), "said": said}, took


def _recorded() -> dict[str, dict[str, Any]]:
    return json.loads(OUTCOMES.read_text(encoding="utf-8")) if OUTCOMES.is_file() else {}


FILES = corpus_files()


@pytest.mark.parametrize("name", FILES or ["(no corpus)"])
def test_each_corpus_file_reads_as_well_as_recorded(name: str) -> None:
    require_corpus()
    recorded = _recorded()[name]
    for window in WINDOWS:
        got, took = outcome(name, window)
        was = recorded[window]
        if window == "default":
            assert took <= MAX_SECONDS, f"{window}: {took:.1f} s"
        if "refused" in got:
            assert "refused" in was, f"{window}: newly refused: {got['refused']}"
            assert "\n" not in got["refused"] and len(got["refused"]) <= 300
            assert not any(w in got["refused"] for w in LIBRARY_WORDS)
            continue
        said = got.pop("said")
        assert not [s for s in said if "\n" in s or any(w in s for w in LIBRARY_WORDS)]
        if "refused" in was:
            continue  # read now: better
        assert got["events"] >= was["events"], f"{window}: fewer events than recorded"
        gained = got["events"] - was["events"]
        assert got["skipped"] <= was["skipped"] + gained, f"{window}: more skipped than recorded"


def test_refusals_are_only_for_files_holding_no_calendar() -> None:
    """A refused file holds no complete VCALENDAR with a readable VEVENT: a bare VEVENT, a vCard,
    a task list, a truncated or unreadable file, another calendar scale."""
    require_corpus()
    refused = {n: o for n, o in _recorded().items() if "refused" in o["1900-2100"]}
    for name, recorded in refused.items():
        reason = recorded["1900-2100"]["refused"]
        assert reason.startswith(
            (
                "not an iCalendar file",
                "not a complete iCalendar file",
                "not a readable iCalendar file",
                "unsupported calendar scale",
            )
        ), (name, reason)
    assert len(refused) < len(_recorded()) // 5


def record() -> dict[str, dict[str, Any]]:
    """Today's outcomes of every corpus file (the fixture's content)."""
    table: dict[str, dict[str, Any]] = {}
    for name in FILES:
        table[name] = {}
        for window in WINDOWS:
            got, _took = outcome(name, window)
            got.pop("said", None)
            table[name][window] = got
    return table


if __name__ == "__main__":
    json.dump(record(), sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")
