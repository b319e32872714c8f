"""`GET /healthz`: 200 when the database answers and accepts writes, 503 otherwise; and the queue.

The queue (Redis) is reported but does not make the answer 503: every web process shares the one
Redis, so a load balancer that took instances out for it would turn a background outage (reads
wait, pages and feeds answer from what is stored) into a total one. Its outage answers 200 with
the body `degraded: queue unreachable`, for monitoring to alert on (docs/web.md, the fault table).

The write check updates no row (`WHERE 1 = 0`) in a transaction that is rolled back, which a
read-only database (PostgreSQL in read-only mode, a read-only SQLite file) refuses all the same:
a service that can serve but not store must not look healthy. It takes no
lock that waits on a feed poll's sync.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from calfeed.store import engine_of
from calfeed.web.context import rt
from calfeed.web.runtime import jobs

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> tuple[str, int, dict[str, str]]:
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    try:
        with engine_of(rt().sessions).connect() as conn:
            conn.execute(text("SELECT 1"))
            try:
                conn.execute(text("UPDATE users SET data_version = data_version WHERE 1 = 0"))
            finally:
                conn.rollback()
    except SQLAlchemyError as exc:
        log.warning("health check: database unavailable (%s)", type(exc).__name__)
        return "database unavailable\n", 503, headers
    if not jobs(current_app).reachable():
        return "degraded: queue unreachable\n", 200, headers
    return "ok\n", 200, headers
