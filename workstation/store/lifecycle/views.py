"""Opportunities as the screens show them: one opportunity with its contact roles and the
stages it may move to, and the opportunities around a lead or contact. Plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlmodel import Session, col

from workstation.store.lifecycle.rules import stages
from workstation.store.models import (
    Account,
    Contact,
    Lead,
    Opportunity,
    OpportunityContactRole,
    Rep,
)
from workstation.store.records.page import person_name

SHOWN = 20


@dataclass(frozen=True, slots=True)
class StageChoice:
    name: str
    probability: int
    is_closed: bool
    is_won: bool


@dataclass(frozen=True, slots=True)
class RoleLine:
    contact_id: int
    name: str
    role: str | None
    is_primary: bool


@dataclass(frozen=True, slots=True)
class OpportunityView:
    id: int
    name: str
    account: str
    owner: str | None
    stage: str
    probability: int
    amount_cents: int
    close_date: date
    next_step: str | None
    is_closed: bool
    is_won: bool
    is_rejected: bool
    closed_reason: str | None
    version: int
    roles: tuple[RoleLine, ...]
    stages: tuple[StageChoice, ...]


@dataclass(frozen=True, slots=True)
class OpportunityLine:
    id: int
    name: str
    stage: str
    amount_cents: int
    close_date: date
    is_closed: bool
    is_rejected: bool


def opportunity_view(session: Session, opportunity_id: int) -> OpportunityView | None:
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is None or opportunity.id is None:
        return None
    account = session.get(Account, opportunity.account_id)
    owner = session.get(Rep, opportunity.owner_id) if opportunity.owner_id else None
    role = OpportunityContactRole
    roles = session.execute(
        select(role, col(Contact.first_name), col(Contact.last_name))
        .join(Contact, col(Contact.id) == role.contact_id)
        .where(col(role.opportunity_id) == opportunity_id)
        .order_by(col(role.is_primary).desc(), col(role.id))
    ).all()
    choices = tuple(
        StageChoice(s.name, s.probability, s.is_closed, s.is_won) for s in stages(session).values()
    )
    return OpportunityView(
        id=opportunity.id,
        name=opportunity.name,
        account=account.name if account else "",
        owner=owner.name if owner else None,
        stage=opportunity.stage,
        probability=opportunity.probability,
        amount_cents=opportunity.amount_cents,
        close_date=opportunity.close_date,
        next_step=opportunity.next_step,
        is_closed=opportunity.is_closed,
        is_won=next((c.is_won for c in choices if c.name == opportunity.stage), False),
        is_rejected=opportunity.is_rejected,
        closed_reason=opportunity.closed_reason,
        version=opportunity.version,
        roles=tuple(
            RoleLine(r.contact_id, person_name(first, last), r.role, r.is_primary)
            for r, first, last in roles
        ),
        stages=choices,
    )


def record_opportunities(session: Session, kind: str, record_id: int) -> list[OpportunityLine]:
    """A contact's opportunities (its account's, and any it has a role on); a lead's (those
    of the account it was converted into, or of the customer it is an inquiry from). Open
    ones first, newest first."""
    if kind == "lead":
        lead = session.get(Lead, record_id)
        if lead is None:
            return []
        account_id = lead.converted_account_id or lead.existing_account_id
        where = col(Opportunity.account_id) == account_id
    else:
        contact = session.get(Contact, record_id)
        if contact is None:
            return []
        on_role = select(col(OpportunityContactRole.opportunity_id)).where(
            col(OpportunityContactRole.contact_id) == record_id
        )
        where = or_(
            col(Opportunity.account_id) == contact.account_id, col(Opportunity.id).in_(on_role)
        )
    rows = session.execute(
        select(Opportunity)
        .where(where)
        .order_by(
            col(Opportunity.is_closed),
            col(Opportunity.created_at).desc(),
            col(Opportunity.id).desc(),
        )
        .limit(SHOWN)
    ).scalars()
    return [
        OpportunityLine(
            o.id or 0, o.name, o.stage, o.amount_cents, o.close_date, o.is_closed, o.is_rejected
        )
        for o in rows
    ]


def contacts_to_add(session: Session, opportunity_id: int) -> tuple[RoleLine, ...]:
    """The active contacts of the opportunity's account without a role on it, by name: the
    people the contact-roles dialog offers to add."""
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is None:
        return ()
    on_it = select(col(OpportunityContactRole.contact_id)).where(
        col(OpportunityContactRole.opportunity_id) == opportunity_id
    )
    rows = session.execute(
        select(col(Contact.id), col(Contact.first_name), col(Contact.last_name))
        .where(
            col(Contact.account_id) == opportunity.account_id,
            col(Contact.active),
            col(Contact.id).not_in(on_it),
        )
        .order_by(col(Contact.last_name), col(Contact.first_name), col(Contact.id))
        .limit(SHOWN)
    ).all()
    return tuple(RoleLine(i, person_name(first, last), None, False) for i, first, last in rows)
