"""calendar reads: the reader's claim token and the notice of a read cut to the caps

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

`claim_token`: the read that holds the source (renewed while it runs); a reader whose claim was
taken over writes nothing. `notice`: what a good read left out, for the dashboard (a calendar
past the caps per address or per user is cut to them, not refused).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ics_sources") as batch:
        batch.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("notice", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ics_sources") as batch:
        batch.drop_column("notice")
        batch.drop_column("claim_token")
