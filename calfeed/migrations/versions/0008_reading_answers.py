"""the user's answers to calfeed's questions about their calendar (rules D9, E5)

Revision ID: 0008
Revises: 0009
Create Date: 2026-12-07

See calfeed/store/answers.py: one row per answered event, with the organizer and shape it had,
deleted with the user.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reading_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=2100), nullable=False),
        sa.Column("is_interview", sa.Boolean(), nullable=False),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("position", sa.Text(), nullable=True),
        sa.Column("organizer", sa.Text(), nullable=False),
        sa.Column("shape", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_reading_answers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_answers")),
        sa.UniqueConstraint("user_id", "event_key", name="uq_reading_answers_user_event"),
    )
    op.create_index(op.f("ix_reading_answers_user_id"), "reading_answers", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reading_answers_user_id"), table_name="reading_answers")
    op.drop_table("reading_answers")
