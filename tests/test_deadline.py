"""`run_bounded`: the self-contained deadline backstop for work a client must not wait out."""

from __future__ import annotations

import threading
import time

from calfeed.web.deadline import run_bounded


def test_a_quick_call_returns_its_value() -> None:
    outcome = run_bounded(lambda: 42, 5)
    assert outcome.done and outcome.value == 42 and outcome.error is None


def test_an_error_is_handed_back_not_raised() -> None:
    def broken() -> int:
        raise ValueError("bad")

    outcome = run_bounded(broken, 5)
    assert outcome.done and isinstance(outcome.error, ValueError)


def test_a_hanging_call_is_left_running_after_the_deadline() -> None:
    release = threading.Event()
    finished = threading.Event()

    def hang() -> str:
        release.wait(30)
        finished.set()
        return "late"

    started = time.monotonic()
    outcome = run_bounded(hang, 0.2)
    assert not outcome.done and time.monotonic() - started < 5
    release.set()
    assert finished.wait(10)  # it went on in the background and ended on its own
