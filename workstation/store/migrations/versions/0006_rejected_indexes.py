"""lead and contact: partial indexes of rejected records instead of status and lifecycle ones

`ix_lead_status` (status) served no query of the application. `ix_lead_lifecycle` and
`ix_contact_lifecycle` (lifecycle_stage) served one, the funnel's count of rejected records
by reason, and made the funnel's scan of every lead slower (the planner walked the index and
fetched each row from it). Each was a full index over a text column that a conversion or a
status change rewrites: two more index pages per conversion, two more per imported lead,
and two more to build after a bulk load (a tenth of data set L's index time).

`ix_lead_rejected` and `ix_contact_rejected` (rejected_reason) WHERE lifecycle_stage =
'Rejected' hold only the rejected records, which is what that count reads.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REJECTED = "lifecycle_stage = 'Rejected'"


def upgrade() -> None:
    op.drop_index("ix_lead_status", table_name="lead")
    for table in ("lead", "contact"):
        op.drop_index(f"ix_{table}_lifecycle", table_name=table)
        where = sa.text(REJECTED)
        op.create_index(
            f"ix_{table}_rejected",
            table,
            ["rejected_reason"],
            sqlite_where=where,
            postgresql_where=where,
        )


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
