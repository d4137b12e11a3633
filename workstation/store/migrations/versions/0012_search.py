"""search: a full-text index of leads, contacts, accounts and opportunities

SQLite: the FTS5 table `search_index` (name, company, email, phone's digit suffixes),
written by triggers on the four tables, and `search_terms`, its words. PostgreSQL: pg_trgm
(installed in `public` if the database lacks it) and a trigram GIN index on each table's
searchable text. Both are filled from the records already there (`store/search/index.py`).

The record pages read an opportunity's and an account's own activities: two partial
indexes on activity hold just those.

Revision ID: 0012_search
Revises: 0011_saved_filters
Create Date: 2026-12-07 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from workstation.store.search.index import install

revision: str = "0012_search"
down_revision: str | None = "0011_saved_filters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    install(op.get_bind())
    for column in ("opportunity_id", "account_id"):
        op.create_index(
            f"ix_activity_{column.removesuffix('_id')}",
            "activity",
            [column, "occurred_at"],
            sqlite_where=sa.text(f"{column} IS NOT NULL"),
            postgresql_where=sa.text(f"{column} IS NOT NULL"),
        )


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
