"""Customers (seed 001): an account with a Closed Won opportunity of at least $1 is a
customer, and its contacts are at lifecycle stage Customer.

Whatever moves an opportunity asks `is_customer` before and after, in its transaction, and
calls `follow_the_account` when the answer changed: on becoming a customer the account's
contacts move forward to Customer (a contact already there, a Reference, or one rejected or
inactive, stays); on ceasing to be one (the won opportunity reopened, lost or rejected, and
no other won one left) its Customers and References go back to the stage they had before
they became Customers, a Reference ceasing to be one. Every move is in the history with
the reason. A rep moves only their own (or the pool's) contacts; a manager moves any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlmodel import Session, col

from workstation.store.changes import change_contact
from workstation.store.history import record_change
from workstation.store.lifecycle.rules import OpportunityRefused
from workstation.store.models import Contact, History, Opportunity, OpportunityContactRole, Rep
from workstation.store.reference import OpportunityStage

CUSTOMER = "Customer"
REFERENCE = "Reference"
OPPORTUNITY = "Opportunity"
FIRST_DOLLAR = 100  # cents: a customer has paid us $1 or more (seed 001)
STAYING = (CUSTOMER, REFERENCE, "Rejected", "Inactive")


@dataclass(frozen=True, slots=True)
class LifecycleMove:
    contact_id: int
    old: str
    new: str


def is_customer(session: Session, account_id: int) -> bool:
    """Whether the account has a won opportunity of $1 or more (not rejected by sales)."""
    won = (
        select(col(Opportunity.id))
        .join(OpportunityStage, col(OpportunityStage.name) == Opportunity.stage)
        .where(
            col(Opportunity.account_id) == account_id,
            col(OpportunityStage.is_won),
            col(Opportunity.amount_cents) >= FIRST_DOLLAR,
            col(Opportunity.is_rejected).is_(False),
        )
    )
    return bool(session.execute(select(exists(won))).scalar())


def follow_the_account(
    session: Session,
    account_id: int,
    *,
    customer: bool,
    rep_id: int | None,
    reason: str,
    at: datetime,
) -> list[LifecycleMove]:
    """Move the account's contacts to Customer (`customer`), or back from it."""
    contacts = session.execute(
        select(Contact)
        .where(col(Contact.account_id) == account_id, col(Contact.active))
        .order_by(col(Contact.id))
    ).scalars()  # unlocked: FOR UPDATE would hide other reps' contacts from a rep (RLS)
    if customer:
        moving = [(c, CUSTOMER) for c in contacts if c.lifecycle_stage not in STAYING]
    else:
        moving = [
            (c, _before_customer(session, c))
            for c in contacts
            if c.lifecycle_stage in (CUSTOMER, REFERENCE)
        ]
    _may_move(session, rep_id, [c for c, _ in moving], account_id)
    moves = []
    for contact, stage in moving:
        assert contact.id is not None  # loaded from the database
        old = contact.lifecycle_stage
        if contact.reference_type is not None:
            record_change(
                session,
                entity="contact",
                entity_id=contact.id,
                field="reference_type",
                old=contact.reference_type,
                new=None,
                rep_id=rep_id,
                reason=reason,
                at=at,
            )
            contact.reference_type, contact.is_reference = None, False
        change_contact(session, contact, rep_id=rep_id, lifecycle_stage=stage, reason=reason, at=at)
        moves.append(LifecycleMove(contact.id, old, stage))
    return moves


def _may_move(session: Session, rep_id: int | None, contacts: list[Contact], account_id) -> None:
    """A rep moves only their own or the pool's contacts: one line naming the others."""
    if rep_id is None or not contacts:
        return
    rep = session.get(Rep, rep_id)
    if rep is None or rep.role == "manager":
        return
    others = [c.id for c in contacts if c.owner_id not in (None, rep_id)]
    if others:
        listed = ", ".join(str(i) for i in others[:5]) + (" …" if len(others) > 5 else "")
        raise OpportunityRefused(
            f"this changes whether account {account_id} is a customer, which moves its "
            f"contacts' lifecycle stage, and contacts {listed} are other reps': a manager "
            "makes this move; nothing was changed"
        )


def _before_customer(session: Session, contact: Contact) -> str:
    """The stage the contact had before it last became a Customer; without that history,
    Opportunity when it is on an open opportunity, else Sales Qualified."""
    before = session.execute(
        select(col(History.old_value))
        .where(
            col(History.entity) == "contact",
            col(History.entity_id) == contact.id,
            col(History.field) == "lifecycle_stage",
            col(History.new_value) == CUSTOMER,
        )
        .order_by(col(History.at).desc(), col(History.id).desc())
        .limit(1)
    ).scalar()
    if before and before not in (CUSTOMER, REFERENCE):
        return before
    role = OpportunityContactRole
    on_open = session.execute(
        select(
            exists(
                select(col(role.id))
                .join(Opportunity, col(Opportunity.id) == role.opportunity_id)
                .where(and_(col(role.contact_id) == contact.id, ~col(Opportunity.is_closed)))
            )
        )
    ).scalar()
    return OPPORTUNITY if on_open else "Sales Qualified"
