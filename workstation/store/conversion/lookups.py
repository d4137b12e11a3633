"""The reads a conversion plan needs: the account's open opportunities, the lead's campaigns,
the opportunity's primary contact, reference rows, and where the contact's lifecycle stage
goes. Each is one small indexed query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, func, select
from sqlmodel import Session, col

from workstation.store.models import (
    Activity,
    Campaign,
    CampaignMember,
    CampaignMemberStatus,
    Contact,
    Opportunity,
    OpportunityContactRole,
)
from workstation.store.reference import ContactRole, LifecycleStage, OpportunityStage
from workstation.store.tables import table_of

OPPORTUNITY = "Opportunity"  # the lifecycle stage of a contact on an open opportunity
SHOWN = 20
RESPONDED = "Responded"  # for a campaign that defines no responded status of its own

_member = table_of(CampaignMember).c
_campaign = table_of(Campaign).c
_status = table_of(CampaignMemberStatus).c
_stage = table_of(OpportunityStage).c
_activity = table_of(Activity).c
_lifecycle = table_of(LifecycleStage).c

# Built once: these run inside every conversion (TARGETS.md P5).
# The campaign's first member status that counts as responded, per membership.
_RESPONDED_LABEL = (
    select(_status.label)
    .where(_status.campaign_id == _member.campaign_id, _status.has_responded)
    .order_by(_status.sort_order)
    .limit(1)
    .scalar_subquery()
)
_CAMPAIGNS = (
    select(
        _RESPONDED_LABEL.label("responded_label"),
        _member.id,
        _member.campaign_id,
        _member.status,
        _member.has_responded,
        _member.created_at,
        _campaign.name,
    )
    .join(table_of(Campaign), _campaign.id == _member.campaign_id)
    .where(_member.lead_id == bindparam("lead_id"))
    .order_by(_member.created_at.desc(), _member.id.desc())
    .limit(SHOWN)
)
_RESPONDED = (
    select(_status.label)
    .where(_status.campaign_id == bindparam("campaign_id"), _status.has_responded)
    .order_by(_status.sort_order)
    .limit(1)
)
_FIRST_STAGE = (
    select(_stage.name, _stage.probability)
    .where(_stage.is_closed.is_(False))
    .order_by(_stage.sort_order)
    .limit(1)
)
_ACTIVITIES = (
    select(func.count())
    .select_from(table_of(Activity))
    .where(_activity.lead_id == bindparam("lead_id"), _activity.contact_id.is_(None))
)
_STAGES = select(_lifecycle.name, _lifecycle.sort_order, _lifecycle.is_detour)


@dataclass(frozen=True, slots=True)
class OpportunityOption:
    id: int
    name: str
    stage: str
    amount_cents: int
    close_date: date
    primary_contact: str | None


@dataclass(frozen=True, slots=True)
class CampaignOption:
    id: int
    name: str
    member_id: int
    status: str
    has_responded: bool
    joined: datetime
    responded_label: str  # what the membership becomes when it moves to the contact


def _name(first: str | None, last: str) -> str:
    return f"{first} {last}" if first else last


def open_opportunities(session: Session, account_id: int) -> list[OpportunityOption]:
    """The account's open opportunities, newest first, with their primary contact."""
    role = OpportunityContactRole
    rows = session.execute(
        select(Opportunity, col(Contact.first_name), col(Contact.last_name))
        .outerjoin(role, and_(col(role.opportunity_id) == Opportunity.id, col(role.is_primary)))
        .outerjoin(Contact, col(Contact.id) == role.contact_id)
        .where(col(Opportunity.account_id) == account_id, col(Opportunity.is_closed).is_(False))
        .order_by(col(Opportunity.created_at).desc(), col(Opportunity.id).desc())
        .limit(SHOWN)
    ).all()
    return [
        OpportunityOption(
            id=opp.id,
            name=opp.name,
            stage=opp.stage,
            amount_cents=opp.amount_cents,
            close_date=opp.close_date,
            primary_contact=_name(first, last) if last else None,
        )
        for opp, first, last in rows
    ]


def campaign_options(session: Session, lead_id: int) -> list[CampaignOption]:
    """The campaigns the lead is a member of, most recent membership first."""
    return [
        CampaignOption(
            id=row.campaign_id,
            name=row.name,
            member_id=row.id,
            status=row.status,
            has_responded=row.has_responded,
            joined=row.created_at,
            responded_label=row.responded_label or RESPONDED,
        )
        for row in session.connection().execute(_CAMPAIGNS, {"lead_id": lead_id})
    ]


def primary_role(
    session: Session, opportunity: Opportunity | None, contact: Contact | None
) -> tuple[str | None, OpportunityContactRole | None]:
    """Who else is primary on an existing opportunity, and the contact's own role there."""
    if opportunity is None:
        return None, None
    role = OpportunityContactRole
    primary = session.execute(
        select(col(role.contact_id), col(Contact.first_name), col(Contact.last_name))
        .join(Contact, col(Contact.id) == role.contact_id)
        .where(col(role.opportunity_id) == opportunity.id, col(role.is_primary))
    ).first()
    own = None
    if contact is not None:
        own = session.execute(
            select(role).where(
                col(role.opportunity_id) == opportunity.id, col(role.contact_id) == contact.id
            )
        ).scalar_one_or_none()
    if primary is None or (contact is not None and primary.contact_id == contact.id):
        return None, own
    return _name(primary.first_name, primary.last_name), own


def responded_status(session: Session, campaign_id: int) -> str:
    """The campaign's first member status that counts as responded."""
    label = (
        session.connection().execute(_RESPONDED, {"campaign_id": campaign_id}).scalar_one_or_none()
    )
    return label or RESPONDED


def first_open_stage(session: Session) -> tuple[str, int]:
    """The first stage of the pipeline and its probability (Salesforce's default for a
    converted opportunity)."""
    row = session.connection().execute(_FIRST_STAGE).one()
    return row.name, row.probability


def contact_roles(session: Session) -> list[str]:
    """The contact roles a rep can pick, in their order (blank is always allowed too)."""
    return list(
        session.execute(
            select(col(ContactRole.name)).order_by(col(ContactRole.sort_order))
        ).scalars()
    )


def activity_count(session: Session, lead_id: int) -> int:
    """Activities of the lead that move to the contact on conversion."""
    return session.connection().execute(_ACTIVITIES, {"lead_id": lead_id}).scalar_one()


def contact_stage(
    session: Session, lead_stage: str, current: str | None, *, has_opportunity: bool
) -> str:
    """The contact's lifecycle stage after conversion (seed 000's second approach).

    The lead's stage carries over; a contact on an open opportunity is at Opportunity
    (only contacts can be). An existing contact only moves forward, or back into the
    funnel out of a detour (Nurture, Rejected, Inactive): conversion never demotes a
    Customer or a Reference.
    """
    target = OPPORTUNITY if has_opportunity else lead_stage
    if current is None:
        return target
    stages = {row.name: row for row in session.connection().execute(_STAGES)}
    if current not in stages or target not in stages:
        return target
    now, then = stages[current], stages[target]
    if then.is_detour:
        return current
    if now.is_detour or then.sort_order > now.sort_order:
        return target
    return current
