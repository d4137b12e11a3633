"""Contacted – Recent Activity expires by itself

A partial index of the leads at "Contacted – Recent Activity" by their last activity: the
sweep that returns the ones sales has not spoken to within the window
(`marketing.recent_activity`, run at every start of the app and every few minutes) reads
only those past it, never the lead table.

Revision ID: 0020_recent_activity
Revises: 0019_score_rules
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_recent_activity"
down_revision: str | None = "0019_score_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECENTLY_CONTACTED = "status = 'Contacted – Recent Activity'"


def upgrade() -> None:
    where = sa.text(RECENTLY_CONTACTED)
    op.create_index(
        "ix_lead_contacted",
        "lead",
        ["last_activity_at"],
        sqlite_where=where,
        postgresql_where=where,
    )


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
