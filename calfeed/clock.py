"""The service's clock: the one place that reads the time.

The core takes `now` as an argument; the shells (web, worker, CLI) get it from here, and tests pass
their own clock instead of patching time.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return datetime.now(UTC)
