"""source policy, and the possible zones of a lead with no zone

`source_policy` holds each lead source's measured conversion rate and the attempt cap and
callback spacing that follow from it (issue 21, "nurture by source"), refreshed by
`workstation sources --refresh`. `lead.possible_zones` holds, for a lead with no time zone,
every zone it may be in (issue 24), so that PostgreSQL's one-statement claim keeps it to
the hours safe in all of them, as the Python rule does; existing leads are filled in here.

Revision ID: 0017_source_policy
Revises: 0016_opportunity_moves
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0017_source_policy"
down_revision: str | None = "0016_opportunity_moves"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "source_policy",
        sa.Column("lead_source", text(length=80), nullable=False),
        sa.Column("finished", sa.Integer(), nullable=False),
        sa.Column("converted", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=True),
        sa.Column("attempt_cap", sa.Integer(), nullable=False),
        sa.Column("cap_from", text(length=20), nullable=False),
        sa.Column("retry_hours", sa.Float(), nullable=False),
        sa.Column("retry_from", text(length=20), nullable=False),
        sa.Column("measured_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("lead_source"),
    )
    op.add_column("lead", sa.Column("possible_zones", text(length=1000), nullable=True))
    _fill_possible_zones(op.get_bind())


def _fill_possible_zones(bind: sa.Connection) -> None:
    from workstation.store.values.calling_window import stored_zones

    after = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, phone, state, country FROM lead "
                "WHERE time_zone IS NULL AND id > :after ORDER BY id LIMIT :batch"
            ),
            {"after": after, "batch": BATCH},
        ).all()
        if not rows:
            return
        changes = [
            {"id": row.id, "zones": zones}
            for row in rows
            if (zones := stored_zones(None, row.phone, row.state, row.country))
        ]
        if changes:
            bind.execute(sa.text("UPDATE lead SET possible_zones = :zones WHERE id = :id"), changes)
        after = rows[-1].id


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
