"""team rules: rep names keyed in full Unicode, the last manager kept, logins, guards

`rep.name_key` (the name case-folded by Python, `rep_names.rep_name_key`) is unique:
"Émile Zola" and "ÉMILE ZOLA" are one rep, matched and refused as one, even when two are
added at the same moment. Names that fold alike already are told apart by their id:
"ÉMILE ZOLA (#7)", with the rename in the history. `rep.login` names the PostgreSQL
login a rep connects as (team mode).

Triggers: names keyed whoever writes them, the last active manager kept (with a lock on
PostgreSQL, where two demotions at once each saw the other manager), no delete of the
lookup tables' rows, no TRUNCATE (PostgreSQL). On PostgreSQL the roles, grants and
row-level security of team mode are set up after every upgrade (`access.py`).

Revision ID: 0010_team_rules
Revises: 0008
Create Date: 2026-12-07 14:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from workstation.store.guards import forbid_lookup_deletes_and_truncates, guard_the_team
from workstation.store.rep_names import rep_name_key

revision: str = "0010_team_rules"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("rep", sa.Column("name_key", sa.String(length=480), nullable=True))
    op.add_column("rep", sa.Column("login", sa.String(length=63), nullable=True))
    _key_names(bind)
    op.create_index("ux_rep_name_key", "rep", ["name_key"], unique=True)
    op.create_index("ux_rep_login", "rep", ["login"], unique=True)
    guard_the_team(bind)
    forbid_lookup_deletes_and_truncates(bind)
    # PostgreSQL's roles, grants and policies follow every upgrade (`schema.upgrade`).


def _key_names(bind: sa.Connection) -> None:
    taken: set[str] = set()
    now = datetime.now(UTC)
    for rep_id, name in bind.execute(sa.text("SELECT id, name FROM rep ORDER BY id")).all():
        key = rep_name_key(name)
        new_name = name
        if key in taken:
            new_name = f"{name[:110]} (#{rep_id})"
            key = rep_name_key(new_name)
            bind.execute(
                sa.text(
                    "INSERT INTO history (entity, entity_id, field, old_value, new_value, "
                    "reason, at) VALUES ('rep', :id, 'name', :old, :new, :why, :at)"
                ),
                {"id": rep_id, "old": name, "new": new_name, "at": now,
                 "why": "renamed: another rep's name differs from it only in case"},
            )  # fmt: skip
        taken.add(key)
        bind.execute(
            sa.text("UPDATE rep SET name = :name, name_key = :key WHERE id = :id"),
            {"name": new_name, "key": key, "id": rep_id},
        )


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
