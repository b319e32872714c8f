"""google_deliveries.calendar_lang: the language calfeed's Google calendar is named in

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

A user who changes language gets the calendar renamed on the next write. Calendars made before
this column have it empty, and are named again (one call) on their next write.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("google_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_lang", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("google_deliveries", schema=None) as batch_op:
        batch_op.drop_column("calendar_lang")
