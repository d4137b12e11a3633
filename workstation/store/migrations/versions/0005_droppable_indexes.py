"""ix_activity_rep holds undoable calls only; external ids unique by a partial index

ix_activity_rep (rep_id, occurred_at) served one query, a rep's latest undoable call
(`dispositions.undo_last_call`, which asks for `prior_state IS NOT NULL`). Over every
activity it was the costliest index of data set L to build (15 s of a 42 s rebuild); holding
only the calls that can be undone, it serves that query the same way.

`external_id` was unique by a table constraint. On SQLite the index behind a constraint can
never be dropped, so a bulk load kept it up to date row by row (every key NULL) and could not
use SQLite's raw-record copy between tables (which a UNIQUE index on a non-empty table turns
off). A partial unique index keeps the rule (no two records share an external id; any number
have none), holds only the imported ids, and a bulk load drops and rebuilds it like the rest.

SQLite cannot drop a table constraint: each table is rebuilt (SQLite's generalized ALTER
TABLE procedure) with its rows, ids, indexes and triggers as they were. That needs foreign
key enforcement off, which `schema.upgrade` sees to.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXTERNAL_ID_TABLES = (
    "campaign", "account", "lead", "contact", "opportunity", "campaign_member", "activity",
)  # fmt: skip
UNDOABLE = "prior_state IS NOT NULL"
HAS_EXTERNAL_ID = "external_id IS NOT NULL"


def upgrade() -> None:
    bind = op.get_bind()
    op.drop_index("ix_activity_rep", table_name="activity")
    where = sa.text(UNDOABLE)
    op.create_index(
        "ix_activity_rep",
        "activity",
        ["rep_id", "occurred_at"],
        sqlite_where=where,
        postgresql_where=where,
    )
    for table in EXTERNAL_ID_TABLES:
        if bind.dialect.name == "sqlite":
            _rebuild_without_unique_external_id(bind, table)
        else:
            (name,) = [
                c["name"]
                for c in sa.inspect(bind).get_unique_constraints(table)
                if c["column_names"] == ["external_id"]
            ]
            # PostgreSQL names every constraint, so the reflected name is never None there.
            assert name is not None
            op.drop_constraint(name, table, type_="unique")
        where = sa.text(HAS_EXTERNAL_ID)
        op.create_index(
            f"ux_{table}_external_id",
            table,
            ["external_id"],
            unique=True,
            sqlite_where=where,
            postgresql_where=where,
        )


def _rebuild_without_unique_external_id(bind, table: str) -> None:
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        # Dropping a table that others refer to would delete its rows one by one first.
        raise RuntimeError("rebuilding tables needs foreign keys off: use schema.upgrade")
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar_one()
    sql, found = re.subn(r",\s*UNIQUE \(external_id\)", "", sql)
    if found != 1:
        raise RuntimeError(f"{table}: no UNIQUE (external_id) constraint to take out")
    rebuilt = f"_rebuilt_{table}"
    sql, found = re.subn(rf'^CREATE TABLE "?{table}"? \(', f'CREATE TABLE "{rebuilt}" (', sql)
    if found != 1:
        raise RuntimeError(f"{table}: unexpected CREATE TABLE statement")
    # Indexes and triggers go with the table; their statements bring them back, in the order
    # they were made (the planner breaks ties between equally good indexes by that order).
    dependents = (
        bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL ORDER BY rowid",
            (table,),
        )
        .scalars()
        .all()
    )
    bind.exec_driver_sql(sql)
    # Same columns in the same order: SQLite copies the records as they are, ids included.
    bind.exec_driver_sql(f'INSERT INTO "{rebuilt}" SELECT * FROM "{table}"')
    bind.exec_driver_sql(f'DROP TABLE "{table}"')
    bind.exec_driver_sql(f'ALTER TABLE "{rebuilt}" RENAME TO "{table}"')
    for statement in dependents:
        bind.exec_driver_sql(statement)


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
