"""saved filters: a rep's filter of the leads, saved as a named queue

`saved_filter` holds each criterion in a column of its own (empty: no filter), whose it
is, and whether a manager shares it with the team. A filter is archived, never deleted:
the same guards as the business tables (no DELETE; on PostgreSQL no TRUNCATE), and in
team mode the grants and row-level security of `access.py` (set up after every upgrade).
A rep's live filters have one name each (`ux_filter_rep_name`); the shared ones are
listed through `ix_filter_shared`.

Revision ID: 0011_saved_filters
Revises: 0010_team_rules
Create Date: 2026-12-07 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from workstation.store.guards import forbid_deleting

revision: str = "0011_saved_filters"
down_revision: str | None = "0010_team_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE_FILTER = "NOT archived"
SHARED_FILTER = "shared AND NOT archived"


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "saved_filter",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rep_id", sa.Integer(), sa.ForeignKey("rep.id"), nullable=False),
        sa.Column("name", text(length=80), nullable=False),
        sa.Column("name_key", text(length=320), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("owner", text(length=8), nullable=False),
        sa.Column("owner_rep_id", sa.Integer(), sa.ForeignKey("rep.id"), nullable=True),
        sa.Column("lead_source", text(length=80), nullable=True),
        sa.Column("lead_type", text(length=80), nullable=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=True),
        sa.Column("industry", text(length=80), nullable=True),
        sa.Column("state", text(length=80), nullable=True),
        sa.Column("country", text(length=80), nullable=True),
        sa.Column("status", text(length=80), nullable=True),
        sa.Column("score_min", sa.Integer(), nullable=True),
        sa.Column("score_max", sa.Integer(), nullable=True),
        sa.Column("inactive_days", sa.Integer(), nullable=True),
        sa.Column("active_days", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("owner IN ('mine', 'pool', 'rep')", name="ck_filter_owner"),
        sa.CheckConstraint(
            "(owner = 'rep') = (owner_rep_id IS NOT NULL)", name="ck_filter_owner_rep"
        ),
    )
    op.create_index(
        "ux_filter_rep_name",
        "saved_filter",
        ["rep_id", "name_key"],
        unique=True,
        sqlite_where=sa.text(LIVE_FILTER),
        postgresql_where=sa.text(LIVE_FILTER),
    )
    op.create_index(
        "ix_filter_shared",
        "saved_filter",
        ["name_key"],
        sqlite_where=sa.text(SHARED_FILTER),
        postgresql_where=sa.text(SHARED_FILTER),
    )
    forbid_deleting(op.get_bind(), "saved_filter")


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
