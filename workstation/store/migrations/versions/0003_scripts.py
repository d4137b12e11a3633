"""call scripts: an optional qualification rule per script

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL means the default rule (Budget, Authority, Need and Timeline all favourable).
    with op.batch_alter_table("call_script") as batch_op:
        batch_op.add_column(sa.Column("qualify", sa.JSON(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
