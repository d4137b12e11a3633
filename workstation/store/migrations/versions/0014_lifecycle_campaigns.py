"""lifecycle and campaigns: leads linked to a known contact, campaign costs

`lead.contact_id`: a new lead whose email or phone is an existing contact's stays a lead,
linked to that contact (status "Contact – Current Opportunity" or "Contact – No
Opportunity", seed 002), instead of being merged into the contact or made a second one.
A partial index finds a contact's linked leads; most leads have none.

A customer inquiry (a new lead from the domain of a customer account) keeps that account
in the existing `lead.existing_account_id`, which the queues already mark ★.

`campaign.budget_cents`, `campaign.actual_cost_cents`: what a campaign was to cost and did
cost, whole cents; NULL when unknown, so the funnel's cost per won deal leaves it out.

Columns only: the never-delete guards and team grants of `lead` and `campaign` cover them.

Revision ID: 0014_lifecycle_campaigns
Revises: 0011_saved_filters
Create Date: 2026-12-07 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_lifecycle_campaigns"
down_revision: str | None = "0013_record_fields"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKED = "contact_id IS NOT NULL"


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: a batch rebuild of `lead` would copy every lead
    # and drop its triggers. SQLite takes the reference inline, Alembic only as a rebuild.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE lead ADD COLUMN contact_id INTEGER REFERENCES contact (id)")
    else:
        op.add_column(
            "lead",
            sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=True),
        )
    where = sa.text(LINKED)
    op.create_index(
        "ix_lead_contact", "lead", ["contact_id"], sqlite_where=where, postgresql_where=where
    )
    op.add_column("campaign", sa.Column("budget_cents", sa.BigInteger(), nullable=True))
    op.add_column("campaign", sa.Column("actual_cost_cents", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("the store only moves forward; restore a backup to go back")
