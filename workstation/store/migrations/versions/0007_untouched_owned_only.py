"""ix_lead_untouched holds owned leads only

Its predicate held every open lead without an activity since assignment, the pool's too,
while the untouched-leads report reads owned leads only (`owner_id IS NOT NULL`). Pool
leads were two thirds of its entries at data set L, and every imported lead (they arrive
unowned) was one more entry to write. The predicate now says `owner_id IS NOT NULL` itself.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNTOUCHED = (
    "owner_id IS NOT NULL AND is_open "
    "AND (last_activity_at IS NULL OR last_activity_at < assigned_at)"
)


def upgrade() -> None:
    op.drop_index("ix_lead_untouched", table_name="lead")
    where = sa.text(UNTOUCHED)
    op.create_index(
        "ix_lead_untouched",
        "lead",
        ["owner_id", "assigned_at"],
        sqlite_where=where,
        postgresql_where=where,
    )


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
