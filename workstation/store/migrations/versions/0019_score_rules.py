"""score rules: how a lead's or contact's score is made, stored as data

`score_rule` holds the rules `store/scoring` adds up: fit rules (a field of the record
matched by words or a number range, and the points a match gives), behaviour weights (a
call's disposition, a campaign response: points that halve with age) and the half-life of
that decay. Rules are archived (`active` false), never deleted: the same guards as the
other tables; managers write them, reps read them. The defaults are seeded here.

Revision ID: 0019_score_rules
Revises: 0018_names
Create Date: 2026-12-08 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from workstation.store.guards import forbid_deleting

revision: str = "0019_score_rules"
down_revision: str | None = "0018_names"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from workstation.store.scoring.defaults import DEFAULT_RULES

    text = sqlmodel.sql.sqltypes.AutoString
    table = op.create_table(
        "score_rule",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", text(length=12), nullable=False),
        sa.Column("name", text(length=80), nullable=False),
        sa.Column("field", text(length=40), nullable=False),
        sa.Column("match", text(length=400), nullable=False),
        sa.Column("low", sa.Integer(), nullable=True),
        sa.Column("high", sa.Integer(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('fit', 'behaviour', 'decay')", name="ck_score_rule_kind"),
    )
    op.create_index(
        "ix_score_rule_active",
        "score_rule",
        ["sort_order", "id"],
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )
    forbid_deleting(op.get_bind(), "score_rule")
    op.bulk_insert(table, [rule.as_row(n) for n, rule in enumerate(DEFAULT_RULES, 1)])


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
