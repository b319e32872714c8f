"""What the web service's views need besides Flask, attached to each app by the factory.

Blueprints import this module, never the factory (`calfeed.web.app`): as in Flask's own tutorial,
views depend on extension objects the factory fills, so the factory can import every blueprint
without an import circle. `Runtime` holds the config, database sessions, secret cipher and clock;
the task queue sits beside it (`jobs`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Flask
from flask_wtf import CSRFProtect

from calfeed.clock import utc_now
from calfeed.config import Config
from calfeed.crypto import TokenCipher
from calfeed.store.db import SessionFactory

if TYPE_CHECKING:
    from calfeed.background.jobs import Jobs

#: created unbound; `calfeed.web.app.register_security` attaches it to each app
csrf = CSRFProtect()

RUNTIME_KEY = "calfeed"
JOBS_KEY = "calfeed_jobs"


@dataclass(frozen=True)
class Runtime:
    """What the views need besides Flask: config, database sessions, the secret cipher, a clock."""

    config: Config
    sessions: SessionFactory
    cipher: TokenCipher
    clock: Callable[[], datetime] = utc_now


def runtime(app: Flask) -> Runtime:
    """The Runtime attached to `app` by the factory."""
    found: Runtime = app.extensions[RUNTIME_KEY]
    return found


def jobs(app: Flask) -> Jobs:
    """The task queue attached to `app` by the factory."""
    found: Jobs = app.extensions[JOBS_KEY]
    return found
