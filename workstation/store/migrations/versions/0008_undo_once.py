"""activity: what a call changed, and at most one reversal per call

`changed_state` keeps the calling-state values a call changed (next to `prior_state`, the
values from before it), so that undo puts back only what the call changed, and only while
nobody has changed it since. Calls logged before it have none: undo refuses them.

`ux_activity_reverses` (reverses_id, unique among the reversals) lets the database refuse
a second reversal of one call: two undos pressed at once on PostgreSQL both reversed it.
A call reversed more than once before this keeps its first reversal; the later ones stay
as notes but no longer point at it, so the call is counted back once (the funnel counts
each reversal as one call less).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVERSAL = "reverses_id IS NOT NULL"


def upgrade() -> None:
    op.add_column("activity", sa.Column("changed_state", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE activity SET reverses_id = NULL WHERE reverses_id IS NOT NULL AND id NOT IN "
        "(SELECT min(id) FROM activity WHERE reverses_id IS NOT NULL GROUP BY reverses_id)"
    )
    op.create_index(
        "ux_activity_reverses",
        "activity",
        ["reverses_id"],
        unique=True,
        sqlite_where=sa.text(REVERSAL),
        postgresql_where=sa.text(REVERSAL),
    )


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
