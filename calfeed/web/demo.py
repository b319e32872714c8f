"""Demo mode: the whole service on the bundled sample calendar, with no Google and no setup.

A SQLite database in a per-user data folder gets the schema and one user (no Google address, so
no reads are ever attempted) whose calendar is the sample, moved by whole weeks to sit around
today; later runs keep the user (and so the feed address). The app runs with `demo=True`, which
makes that user the signed-in user of every visitor.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from calfeed import store
from calfeed.config import load_config
from calfeed.core.inputs.google_json import parse_google_event
from calfeed.core.model import RuleSettings
from calfeed.demo import sample_payload
from calfeed.errors import InvalidEvent
from calfeed.store import session_scope
from calfeed.store.queries import CalendarInfo, EventRecord
from calfeed.web import service
from calfeed.web.app import build_app, runtime


def _record(item: dict[str, Any], calendar_id: str, zone: str | None) -> EventRecord:
    try:
        event = parse_google_event(item, calendar_id=calendar_id, calendar_time_zone=zone)
        end = event.end
        end_at = (
            end
            if isinstance(end, datetime)
            else datetime.combine(end, datetime.min.time()).astimezone()
        )
        updated = event.updated
    except InvalidEvent:
        end_at, updated = None, None
    return EventRecord(
        google_id=str(item.get("id", "")),
        raw_json=json.dumps(item, sort_keys=True, ensure_ascii=False),
        status=str(item.get("status", "confirmed")),
        updated=updated,
        end_at=end_at,
    )


def seed(
    app: Flask,
    now: datetime,
    today: date | None = None,
    *,
    email: str | None = None,
    payload: dict[str, Any] | None = None,
) -> int:
    """Create a user whose calendar is the sample (or `payload`); returns the user id.

    The demo user has no `email` (so no Google read is ever tried); tests seed named users too.
    """
    payload = payload or sample_payload(today or now.date())
    calendar_id = email or str(payload.get("summary") or "demo@calfeed.invalid")
    zone = payload.get("timeZone") or "UTC"
    rt = runtime(app)
    with session_scope(rt.sessions) as s:
        settings = RuleSettings(time_zone=zone)
        user = store.create_user(s, now=now, google_email=email, settings=settings)
        info = CalendarInfo(calendar_id, email or "Sample calendar", zone, primary=True)
        store.save_calendar_list(s, user.id, [info], now)
        calendar = store.calendars_for_user(s, user.id)[0]
        records = [_record(item, calendar_id, zone) for item in payload.get("items", [])]
        store.replace_events(s, calendar, [r for r in records if r.google_id])
        user_id = user.id
    service.feed_token(rt.sessions, rt.cipher, user_id, now)
    return user_id


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
        _refresh_sample(app, user_id, moment)
    return app


#: what a demo folder holds (and all that `calfeed demo --reset` removes)
DEMO_DATABASE = "demo.sqlite3"
DEMO_FILES = (DEMO_DATABASE, "demo.sqlite3-wal", "demo.sqlite3-shm", "secret_key", "encryption_key")


def _refresh_sample(app: Flask, user_id: int, now: datetime) -> None:
    """Put the sample back around today for an existing demo user (marks and settings kept)."""
    payload = sample_payload(now.date())
    rt = runtime(app)
    with session_scope(rt.sessions) as s:
        calendar = store.calendars_for_user(s, user_id)[0]
        zone = payload.get("timeZone") or "UTC"
        records = [_record(item, calendar.google_id, zone) for item in payload.get("items", [])]
        store.replace_events(s, calendar, [r for r in records if r.google_id])
        store.bump_data_version(s, user_id, now)


def reset(instance_path: Path) -> list[Path]:
    """Remove the demo's own files from `instance_path` (nothing else); returns what was removed."""
    removed = []
    for name in DEMO_FILES:
        path = instance_path / name
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed
