"""opportunity moves, customers and references

Opportunities gain a next step, the reason they closed (won, lost) or were rejected, the
rejected-by-sales flag (seed 001: never deleted, out of the pipeline) and a version for
optimistic locking. Contacts gain the kind of reference they are (public, or private calls
only); references marked before this become public ones. `reference_use` logs each use
of a reference (who, when, for which opportunity): insert-only, guarded like history, and
a trigger keeps `contact.reference_use_count`, whoever inserts (on PostgreSQL a function
of the owner's, so that a rep may log a use of another rep's contact).

Revision ID: 0016_opportunity_moves
Revises: 0015_import_status
Create Date: 2026-12-07 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from workstation.store.guards import guard_log_table

revision: str = "0016_opportunity_moves"
down_revision: str | None = "0015_import_status"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.add_column("opportunity", sa.Column("next_step", text(length=255), nullable=True))
    op.add_column("opportunity", sa.Column("closed_reason", text(length=255), nullable=True))
    op.add_column(
        "opportunity",
        sa.Column("is_rejected", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "opportunity", sa.Column("version", sa.Integer(), nullable=False, server_default="1")
    )
    op.add_column("contact", sa.Column("reference_type", text(length=16), nullable=True))
    op.execute(
        sa.text("UPDATE contact SET reference_type = 'public' WHERE is_reference")
        if op.get_bind().dialect.name == "postgresql"
        else sa.text("UPDATE contact SET reference_type = 'public' WHERE is_reference = 1")
    )
    op.create_table(
        "reference_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=True),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("note", text(length=255), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"]),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reference_use_contact", "reference_use", ["contact_id", "used_at"])
    bind = op.get_bind()
    guard_log_table(bind, "reference_use")
    _count_uses(bind)


def _count_uses(bind: sa.Connection) -> None:
    add_one = (
        "UPDATE contact SET reference_use_count = reference_use_count + 1 WHERE id = NEW.contact_id"
    )
    if bind.dialect.name != "postgresql":
        bind.exec_driver_sql(
            f"CREATE TRIGGER count_reference_use AFTER INSERT ON reference_use BEGIN {add_one}; END"
        )
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    bind.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION ws_count_reference_use() RETURNS trigger "
        f'LANGUAGE plpgsql SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$ '
        f"BEGIN {add_one}; RETURN NULL; END $$"
    )
    bind.exec_driver_sql(
        "CREATE TRIGGER count_reference_use AFTER INSERT ON reference_use "
        "FOR EACH ROW EXECUTE FUNCTION ws_count_reference_use()"
    )


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
