"""Promotion (seed 001): a Name whose score reaches the threshold becomes Marketing
Qualified and enters sales' pool (`is_open`, `sales_hands`), by `workstation recycle` or
by hand (`workstation names promote`, the Names screen).

A Name's closed status (one imported from another CRM, or the Nurturing a lead returned
with) goes back to the default, so that the promoted lead is open; a Bad Data one is
never promoted by score. The owner stays: a Name nobody holds lands in the pool.

A lead recycling returned to Name is promoted by score again only once it has done
something new (seed 001): a campaign response since its return. Without that rule a
high-scoring lead its owner ignored would go back to the pool on the next run, and back
and forth on every run after.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select, text
from sqlmodel import Session, col

from workstation.store.marketing.demotion import REASONS as RETURNS
from workstation.store.marketing.moves import PROMOTED, Move, RecycleRules
from workstation.store.models import NAMES, CampaignMember, Contact, History, Lead
from workstation.store.records.page import person_name
from workstation.store.reference import BAD_DATA, DEFAULT_STATUS, LeadStatus
from workstation.store.sales_hands import NAME, status_is_open

QUALIFIED = "Marketing Qualified"
BY_SCORE = "promoted to sales: score reached the threshold"
BY_HAND = "promoted to sales by marketing"


def promotion(session: Session, record: Lead | Contact, reason: str) -> Move:
    """The move that promotes Name `record` to Marketing Qualified."""
    assert record.id is not None
    changes: dict[str, object] = {"lifecycle_stage": QUALIFIED}
    fields: dict[str, object] = {}
    if isinstance(record, Lead):
        flags = session.get(LeadStatus, record.status)
        if flags is None or not status_is_open(flags):
            changes["status"] = DEFAULT_STATUS
        fields = {"attempt_count": 0, "callback_at": None}  # a fresh start for sales
    return Move(
        kind="lead" if isinstance(record, Lead) else "contact",
        id=record.id,
        name=person_name(record.first_name, record.last_name),
        from_=record.lifecycle_stage,
        to=QUALIFIED,
        reason=reason,
        flow=PROMOTED,
        changes=changes,
        fields=fields,
        version=record.version,
        last_activity_at=record.last_activity_at,
    )


_LAST_RESPONSE = (
    select(func.max(CampaignMember.responded_at))
    .where(col(CampaignMember.lead_id) == col(Lead.id), col(CampaignMember.has_responded))
    .correlate(Lead)  # two levels down, inside the EXISTS
    .scalar_subquery()
)
# Returned to Name by recycling, and nothing new since.
_RETURNED_UNCHANGED = exists().where(
    col(History.entity) == "lead",
    col(History.entity_id) == col(Lead.id),
    col(History.field) == "lifecycle_stage",
    col(History.new_value) == NAME,
    col(History.reason).in_(RETURNS),
    or_(_LAST_RESPONSE.is_(None), and_(col(History.at) >= _LAST_RESPONSE)),
)


def find_promotions(session: Session, rules: RecycleRules, now: datetime) -> Iterator[Move]:
    """Active Names (leads and contacts) scoring at least the threshold, best first."""
    leads = (
        select(Lead)
        .where(
            text(NAMES),  # literally: the partial index ix_lead_names
            col(Lead.active),
            col(Lead.score) >= rules.name_threshold,
            col(Lead.is_converted).is_(False),
            col(Lead.status) != BAD_DATA,
            ~_RETURNED_UNCHANGED,
        )
        .order_by(col(Lead.score).desc(), col(Lead.id))
    )
    contacts = (
        select(Contact)
        .where(
            col(Contact.lifecycle_stage) == NAME,
            col(Contact.active),
            col(Contact.score) >= rules.name_threshold,
        )
        .order_by(col(Contact.score).desc(), col(Contact.id))
    )
    for statement in (leads, contacts):
        for record in session.execute(statement).scalars():
            yield promotion(session, record, BY_SCORE)
