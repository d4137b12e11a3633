"""Contact roles on an opportunity after conversion: add a contact, change its role, make
it the primary contact. An opportunity with roles has exactly one primary: the first role
added is primary, and making another primary makes the old one not. A contact added to an
open opportunity moves forward to lifecycle stage Opportunity (never back: a Customer
stays one). Every change is in the opportunity's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from workstation.store.changes import change_contact
from workstation.store.conversion.lookups import contact_stage
from workstation.store.db import write_session
from workstation.store.history import record_change
from workstation.store.lifecycle.rules import OpportunityRefused, editable_opportunity
from workstation.store.models import Contact, Opportunity, OpportunityContactRole, utcnow
from workstation.store.permissions import require_own_record
from workstation.store.reference import ContactRole


@dataclass(frozen=True, slots=True)
class RoleResult:
    opportunity_id: int
    contact_id: int
    role: str | None
    is_primary: bool
    added: bool  # a new contact role (else an existing one changed)
    primary_contact_id: int | None
    contact_lifecycle: str


def role_names(session: Session) -> list[str]:
    """The contact roles, in their order."""
    return list(
        session.execute(
            select(col(ContactRole.name)).order_by(col(ContactRole.sort_order))
        ).scalars()
    )


def check_role(session: Session, role: str | None) -> str | None:
    """A contact role by name (case aside), or None for blank."""
    if role is None or not role.strip():
        return None
    names = role_names(session)
    for name in names:
        if name.casefold() == " ".join(role.split()).casefold():
            return name
    raise OpportunityRefused(f"unknown contact role {role!r}; roles: {', '.join(names)}")


def active_contact(session: Session, contact_id: int) -> Contact:
    """The contact, read without a lock: on PostgreSQL a rep may lock only the contacts
    they may change, and the store says who may change what (its writes lock the row)."""
    contact = session.get(Contact, contact_id)
    if contact is None or not contact.active:
        raise OpportunityRefused(f"no active contact {contact_id}")
    return contact


def _label(row: OpportunityContactRole | None) -> str | None:
    if row is None:
        return None
    return f"contact {row.contact_id}: {row.role or 'no role'}" + (
        ", primary" if row.is_primary else ""
    )


def add_role(
    session: Session,
    opportunity: Opportunity,
    contact: Contact,
    *,
    role: str | None,
    primary: bool,
    rep_id: int | None,
    reason: str,
    at: datetime,
) -> OpportunityContactRole:
    """Add `contact` to `opportunity` (or change its role there); the history says so."""
    assert opportunity.id is not None and contact.id is not None
    roles = OpportunityContactRole
    rows = list(
        session.execute(
            select(roles).where(col(roles.opportunity_id) == opportunity.id).with_for_update()
        ).scalars()
    )
    row = next((r for r in rows if r.contact_id == contact.id), None)
    current = next((r for r in rows if r.is_primary), None)
    before = _label(row)
    if row is None:
        row = OpportunityContactRole(
            opportunity_id=opportunity.id, contact_id=contact.id, role=role or None, created_at=at
        )
        primary = primary or current is None  # the first role is the primary one
    elif role is not None:
        row.role = role or None
    if primary and current is not None and current is not row:
        current.is_primary = False  # first: at most one primary, by a unique index
        session.add(current)
        session.flush()
    row.is_primary = row.is_primary or primary
    session.add(row)
    session.flush()
    if primary and current is not row:
        record_change(
            session,
            entity="opportunity",
            entity_id=opportunity.id,
            field="primary_contact_id",
            old=current.contact_id if current else None,
            new=contact.id,
            rep_id=rep_id,
            reason=reason,
            at=at,
        )
    record_change(
        session,
        entity="opportunity",
        entity_id=opportunity.id,
        field="contact_role",
        old=before,
        new=_label(row),
        rep_id=rep_id,
        reason=reason,
        at=at,
    )
    if not opportunity.is_closed:
        stage = contact_stage(
            session, contact.lifecycle_stage, contact.lifecycle_stage, has_opportunity=True
        )
        change_contact(session, contact, rep_id=rep_id, lifecycle_stage=stage, reason=reason, at=at)
    return row


def set_contact_role(
    engine: Engine,
    *,
    opportunity_id: int,
    contact_id: int,
    role: str | None = None,
    primary: bool = False,
    rep_id: int | None,
    at: datetime | None = None,
) -> RoleResult:
    """Add the contact to the opportunity, or change its role (`role` None: as it is, ""
    blank) or make it primary."""
    at = at or utcnow()
    with write_session(engine) as session:
        opportunity = editable_opportunity(session, opportunity_id, rep_id, "change")
        contact = active_contact(session, contact_id)
        require_own_record(session, rep_id, contact.owner_id, "add", records="contacts")
        checked = None if role is None else (check_role(session, role) or "")
        had = session.execute(
            select(OpportunityContactRole).where(
                col(OpportunityContactRole.opportunity_id) == opportunity_id,
                col(OpportunityContactRole.contact_id) == contact_id,
            )
        ).scalar_one_or_none()
        if had is not None and not primary and (checked is None or checked == (had.role or "")):
            raise OpportunityRefused(
                f"contact {contact_id} is on opportunity {opportunity_id} already as "
                f"{had.role or 'no role'}: nothing to change"
            )
        row = add_role(
            session,
            opportunity,
            contact,
            role=checked,
            primary=primary,
            rep_id=rep_id,
            reason="contact role changed",
            at=at,
        )
        primary_id = session.execute(
            select(col(OpportunityContactRole.contact_id)).where(
                col(OpportunityContactRole.opportunity_id) == opportunity_id,
                col(OpportunityContactRole.is_primary),
            )
        ).scalar()
        return RoleResult(
            opportunity_id=opportunity_id,
            contact_id=contact_id,
            role=row.role,
            is_primary=row.is_primary,
            added=had is None,
            primary_contact_id=primary_id,
            contact_lifecycle=contact.lifecycle_stage,
        )
