"""record fields: what CRMs hold on a lead, a contact and an account

Street, city and postal code on contacts (the mailing address) and accounts (the billing
address), beside the state and country they had; leads had them already. Mobile phone and
phone extension on leads and contacts; the description (a lead's inquiry text, carried to
the contact on conversion); the account's type, which a lead keeps for the account it
becomes. All nullable, all empty on existing rows: nothing to backfill.

Revision ID: 0013_record_fields
Revises: 0012_search
Create Date: 2026-12-07 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0013_record_fields"
down_revision: str | None = "0012_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int | None = None) -> AutoString:
    return AutoString(length=length)


_ADDRESS = (("street", 255), ("city", 80), ("postal_code", 20))
_PHONES = (("phone_extension", 16), ("mobile_phone", 32))
COLUMNS = {
    "lead": (*_PHONES, ("description", None), ("account_type", 80)),
    "contact": (*_PHONES, *_ADDRESS, ("description", None)),
    "account": (("account_type", 80), *_ADDRESS),
}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        # One ALTER per column: SQLite adds a nullable column without copying the table.
        for name, length in columns:
            op.add_column(table, sa.Column(name, _text(length), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
