"""partial indexes on activity.contact_id and campaign_member lead/contact

Most activities belong to leads and every member is a lead or a contact, so half or more
of each of these indexes was NULL keys: building them cost most of a bulk load's index
time. Queries (`contact_id = ?`) still use them: the NULL test is implied.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_activity_contact", "activity", ["contact_id", "occurred_at"], "contact_id"),
    ("ix_member_lead", "campaign_member", ["lead_id"], "lead_id"),
    ("ix_member_contact", "campaign_member", ["contact_id"], "contact_id"),
)


def upgrade() -> None:
    for name, table, columns, key in INDEXES:
        op.drop_index(name, table_name=table)
        where = sa.text(f"{key} IS NOT NULL")
        op.create_index(name, table, columns, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
