"""company and position corrections per interview

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

The user can correct what rule E2 read; like the stated-timeline override, the correction lives
on the user's marks for the event and survives every re-read of Google.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("marks") as batch:
        batch.add_column(sa.Column("company", sa.Text(), nullable=True))
        batch.add_column(sa.Column("position", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("marks") as batch:
        batch.drop_column("position")
        batch.drop_column("company")
