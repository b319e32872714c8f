"""What the user told us about each interview (marks and corrections): never derived, never lost
on a re-read, since they are keyed by the event, not by the row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from calfeed.core.model import Marks
from calfeed.store.db import upsert
from calfeed.store.schema import (
    Mark,
)
from calfeed.store.users import touch


def _marks(row: Mark) -> Marks:
    return Marks(
        thank_you_sent=row.thank_you_sent,
        heard_back=row.heard_back,
        not_interview=row.not_interview,
        closed=row.closed,
        timeline=row.timeline,
        company=row.company,
        position=row.position,
    )


def marks_for_user(session: Session, user_id: int) -> dict[str, Marks]:
    """Every mark of the user by event key ("calendarId/eventId")."""
    rows = session.scalars(select(Mark).where(Mark.user_id == user_id))
    return {row.event_key: _marks(row) for row in rows}


def get_mark(session: Session, user_id: int, event_key: str) -> Marks:
    row = session.scalars(
        select(Mark).where(Mark.user_id == user_id, Mark.event_key == event_key)
    ).one_or_none()
    return Marks() if row is None else _marks(row)


def set_mark(session: Session, user_id: int, event_key: str, marks: Marks, now: datetime) -> None:
    """Store the user's marks for one event (whole value: read, replace a field, write back)."""
    upsert(
        session,
        Mark.__table__,  # type: ignore[arg-type]
        [
            {
                "user_id": user_id,
                "event_key": event_key,
                "thank_you_sent": marks.thank_you_sent,
                "heard_back": marks.heard_back,
                "not_interview": marks.not_interview,
                "closed": marks.closed,
                "timeline": marks.timeline,
                "company": marks.company,
                "position": marks.position,
                "updated_at": now,
            }
        ],
        keys=("user_id", "event_key"),
        update=(
            "thank_you_sent",
            "heard_back",
            "not_interview",
            "closed",
            "timeline",
            "company",
            "position",
            "updated_at",
        ),
    )
    touch(session, user_id, now)
