"""lead: the status another CRM gave a lead, when it is none of ours

`lead.source_status` keeps a Status cell an import could not map onto our lead statuses
(`hot`, `Closed Won`, an org's own value), or one that means converted on a lead that
was never converted here: the lead is imported with the default status, the value it
came with is kept and shown, and the import reports it with its count. No status is ever
added by an import.

Revision ID: 0015_import_status
Revises: 0014_lifecycle_campaigns
Create Date: 2026-12-07 17:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_import_status"
down_revision: str | None = "0014_lifecycle_campaigns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("lead", sa.Column("source_status", sa.String(length=80), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
