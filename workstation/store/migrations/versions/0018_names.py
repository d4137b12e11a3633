"""Names: marketing's pool, apart from sales

A lead's `is_open` now means "in sales' hands": an open status AND not a Name
(`store/sales_hands.py`), so the queues' partial indexes leave Names out without a new
term. Stored leads get the rule applied. Leads gain `active` (contacts have it): marketing
flags a Name inactive (never deleted) to stop promoting it, and back.

Revision ID: 0018_names
Revises: 0017_source_policy
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Frozen copies of `models.NAMES` and `sales_hands.IN_SALES_HANDS_SQL` as of this revision.
NAMES = "lifecycle_stage = 'Name'"
IN_SALES_HANDS_SQL = (
    "NOT (lead_status.is_closed OR lead_status.is_converted) AND lead.lifecycle_stage <> 'Name'"
)

revision: str = "0018_names"
down_revision: str | None = "0017_source_policy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "lead", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    # Only the rows whose flag changes are written (an UPDATE of every lead would rewrite
    # a million rows and every partial index over them).
    op.execute(
        sa.text(
            "UPDATE lead SET is_open = NOT is_open WHERE is_open <> ("
            f"SELECT {IN_SALES_HANDS_SQL} FROM lead_status WHERE lead_status.name = lead.status)"
        )
    )


    op.create_index(
        "ix_lead_names",
        "lead",
        [sa.text("score DESC"), "id"],
        sqlite_where=sa.text(NAMES),
        postgresql_where=sa.text(NAMES),
    )


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
