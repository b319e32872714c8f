"""`GET /healthz`: 200 when the database answers, 503 otherwise (for the platform's checks)."""

from __future__ import annotations

import logging

from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from calfeed.store import engine_of
from calfeed.web.context import rt

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> tuple[str, int, dict[str, str]]:
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    try:
        with engine_of(rt().sessions).connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("health check: database unavailable (%s)", type(exc).__name__)
        return "database unavailable\n", 503, headers
    return "ok\n", 200, headers
