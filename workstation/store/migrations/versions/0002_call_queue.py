"""call queue: undo state on activities, indexes for a rep's statuses, contacts and claims

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NURTURE = "owner_id IS NOT NULL AND status = 'Archived – Developing / Nurturing'"


def upgrade() -> None:
    with op.batch_alter_table("activity") as batch_op:
        batch_op.add_column(sa.Column("prior_state", sa.JSON(), nullable=True))
    op.create_index(
        "ix_lead_owner_status",
        "lead",
        ["owner_id", "status", "last_activity_at"],
        sqlite_where=sa.text("owner_id IS NOT NULL"),
        postgresql_where=sa.text("owner_id IS NOT NULL"),
    )
    op.create_index(
        "ix_lead_claimed",
        "lead",
        ["claimed_until"],
        sqlite_where=sa.text("claimed_until IS NOT NULL"),
        postgresql_where=sa.text("claimed_until IS NOT NULL"),
    )
    op.create_index(
        "ix_lead_nurture",
        "lead",
        ["owner_id", "id"],
        sqlite_where=sa.text(NURTURE),
        postgresql_where=sa.text(NURTURE),
    )
    op.create_index(
        "ix_contact_owner_active",
        "contact",
        ["owner_id", "id"],
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
