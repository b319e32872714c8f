"""The service's clock: the one place that reads the time.

The core takes `now` as an argument; the shells (web, worker, CLI) get it from here, and tests pass
their own clock instead of patching time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return datetime.now(UTC)


def monotonic() -> float:
    """Seconds on a clock that never goes back: for budgets of time (a read's expansion limit)."""
    return time.monotonic()
