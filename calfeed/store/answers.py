"""The user's answers to calfeed's questions about their calendar, and what they teach (rules D9,
E5).

One row per event the user answered "Is this one of your job interviews?" about: yes (with the
company and role to use) or no, and what the event looked like then (its organizer and shape), so
the lesson outlives the event's leaving the read window. A "no" is also kept as the event's "not
an interview" mark (rule D2), like the dashboard's own button; a "yes" is laid over the marks as
`Marks.confirmed` with the names as corrections. Rows belong to the user (ON DELETE CASCADE):
deleting the account deletes what it taught.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from calfeed.core.detection.lessons import (
    Answer,
    Lessons,
    answers_from_corrections,
    learn,
    refusals_from_marks,
)
from calfeed.core.model import Marks, SourceEvent
from calfeed.store.db import upsert
from calfeed.store.marks import marks_for_user
from calfeed.store.schema import Base, UTCDateTime


class ReadingAnswer(Base):
    """One answer (see the module docstring)."""

    __tablename__ = "reading_answers"
    __table_args__ = (
        UniqueConstraint("user_id", "event_key", name="uq_reading_answers_user_event"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event_key: Mapped[str] = mapped_column(String(2100))
    is_interview: Mapped[bool] = mapped_column(Boolean)
    company: Mapped[str | None] = mapped_column(Text)  # None: as read; "": none
    position: Mapped[str | None] = mapped_column(Text)
    organizer: Mapped[str] = mapped_column(Text, default="")
    shape: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


def answers_for_user(session: Session, user_id: int) -> list[ReadingAnswer]:
    """The user's answers, oldest first (a later answer teaches over an earlier one)."""
    rows = session.scalars(
        select(ReadingAnswer)
        .where(ReadingAnswer.user_id == user_id)
        .order_by(ReadingAnswer.answered_at, ReadingAnswer.id)
    )
    return list(rows)


def record_answer(
    session: Session,
    user_id: int,
    event_key: str,
    *,
    is_interview: bool,
    company: str | None,
    position: str | None,
    organizer: str,
    shape: str,
    now: datetime,
) -> None:
    """Keep (or replace) the user's answer about one event. The caller bumps the data version."""
    upsert(
        session,
        ReadingAnswer.__table__,  # type: ignore[arg-type]
        [
            {
                "user_id": user_id,
                "event_key": event_key,
                "is_interview": is_interview,
                "company": company,
                "position": position,
                "organizer": organizer,
                "shape": shape,
                "answered_at": now,
            }
        ],
        keys=("user_id", "event_key"),
        update=("is_interview", "company", "position", "organizer", "shape", "answered_at"),
    )


def with_answers(marks: Mapping[str, Marks], answers: Sequence[ReadingAnswer]) -> dict[str, Marks]:
    """Rule D9: the marks with each "yes" laid over them (confirmed, its names as corrections).

    A correction made later on the interview's card wins over the names given with the answer.
    """
    merged = dict(marks)
    for a in answers:
        if not a.is_interview:
            continue
        mark = merged.get(a.event_key, Marks())
        merged[a.event_key] = replace(
            mark,
            confirmed=True,
            company=mark.company if mark.company is not None else a.company,
            position=mark.position if mark.position is not None else a.position,
        )
    return merged


def lessons_of(
    answers: Sequence[ReadingAnswer], events: Sequence[SourceEvent], marks: Mapping[str, Marks]
) -> Lessons:
    """Rule E5: what the answers, the company corrections and the "not an interview" marks on the
    user's events teach (an explicit answer, kept last, wins)."""
    corrected = {k: m.company for k, m in marks.items() if m.company}
    taught = answers_from_corrections(events, corrected)
    taught += refusals_from_marks(events, {k for k, m in marks.items() if m.not_interview})
    taught += [
        Answer(a.event_key, a.is_interview, a.company or None, a.organizer, a.shape)
        for a in answers
    ]
    return learn(taught)


def reading_inputs(
    session: Session, user_id: int, events: Sequence[SourceEvent]
) -> tuple[dict[str, Marks], Lessons]:
    """The marks (with the answers folded in) and the lessons the core's reading takes for this
    user: every reader of the user's calendar (feed, dashboard, Google writes, address reads)
    reads through here, so none can forget the answers."""
    marks = marks_for_user(session, user_id)
    answers = answers_for_user(session, user_id)
    return with_answers(marks, answers), lessons_of(answers, events, marks)
