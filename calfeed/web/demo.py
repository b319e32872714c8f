"""Demo mode: the whole service on the bundled sample calendar, with no Google and no setup.

A SQLite database in a per-user data folder gets the schema and one user (no Google address, so
no reads are ever attempted) whose calendar is the sample, moved by whole weeks to sit around
today; later runs keep the user (and so the feed address). The app runs with `demo=True`, which
makes that user the signed-in user of every visitor.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask

from calfeed import store
from calfeed.config import load_config
from calfeed.web import service
from calfeed.web.app import build_app
from calfeed.web.demo_seed import refresh_sample, seed
from calfeed.web.runtime import runtime


def demo_app(instance_path: Path, now: datetime | None = None) -> Flask:
    """A ready demo app on the SQLite database under `instance_path`.

    The first run creates the database, the local secrets and the demo user; later runs keep them
    (so the feed address a calendar subscribed to yesterday still answers) and only move the
    sample calendar to sit around today again.
    """
    env = {"CALFEED_ENV": "development", "CALFEED_DEMO": "1"}
    config = load_config(env, instance_path=instance_path)
    config = replace(config, database_url=f"sqlite:///{instance_path / DEMO_DATABASE}")
    store.upgrade(config.database_url)
    app = build_app(config)
    rt = runtime(app)
    moment = now or rt.clock()
    user_id = service.demo_user_id(rt.sessions)
    if user_id is None:
        seed(app, moment - timedelta(seconds=1))
    else:
        refresh_sample(app, user_id, moment)
    return app


#: what a demo folder holds (and all that `calfeed demo --reset` removes)
DEMO_DATABASE = "demo.sqlite3"
DEMO_FILES = (DEMO_DATABASE, "demo.sqlite3-wal", "demo.sqlite3-shm", "secret_key", "encryption_key")


def reset(instance_path: Path) -> list[Path]:
    """Remove the demo's own files from `instance_path` (nothing else); returns what was removed."""
    removed = []
    for name in DEMO_FILES:
        path = instance_path / name
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed
