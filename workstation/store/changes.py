"""Changing a record's status, lifecycle stage, owner or stage: the one place that does it.

Every such change keeps the derived columns right in the same transaction (a lead's
`is_open` from its status's flags, `assigned_at` with its owner, an opportunity's
probability and `is_closed` from its stage), bumps the record's version for optimistic
locking, and writes the append-only history. Callers pass an ORM object loaded in their
session and commit (or not) with the rest of their one transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from workstation.store.errors import StoreError
from workstation.store.history import record_change
from workstation.store.models import Contact, Lead, Opportunity, utcnow
from workstation.store.reference import LeadStatus, LifecycleStage, OpportunityStage


class ChangeRefused(StoreError):
    """The change breaks a rule (an unknown status, a backward move with no reason …)."""


_KEEP = object()  # "leave the owner as it is" (None means: to the pool)


def _stages(session: Session) -> dict[str, LifecycleStage]:
    return {s.name: s for s in session.execute(select(LifecycleStage)).scalars()}


def is_backward_move(session: Session, old: str, new: str) -> bool:
    """A move back along the funnel (detours are never backward)."""
    stages = _stages(session)
    current, target = stages.get(old), stages.get(new)
    return (
        current is not None
        and target is not None
        and not target.is_detour
        and not current.is_detour
        and target.sort_order < current.sort_order
    )


def _check_lifecycle(
    session: Session, old: str, new: str, *, is_lead: bool, reason: str | None
) -> None:
    stages = _stages(session)
    target = stages.get(new)
    if target is None:
        raise ChangeRefused(f"unknown lifecycle stage {new!r}; stages: {', '.join(stages)}")
    if is_lead and target.contacts_only:
        raise ChangeRefused(f"only contacts can be at lifecycle stage {new!r}, not leads")
    if is_backward_move(session, old, new) and not reason:
        raise ChangeRefused(f"moving back from {old!r} to {new!r} needs a reason")


def change_lead(
    session: Session,
    lead: Lead,
    *,
    rep_id: int | None,
    status: str | None = None,
    lifecycle_stage: str | None = None,
    owner_id: int | object | None = _KEEP,
    reason: str | None = None,
    at: datetime | None = None,
) -> None:
    """Apply the given changes to `lead` and log each one; unchanged values log nothing."""
    assert lead.id is not None
    at = at or utcnow()
    changed = False
    if status is not None and status != lead.status:
        flags = session.get(LeadStatus, status)
        if flags is None:
            raise ChangeRefused(f"unknown lead status {status!r}")
        record_change(
            session,
            entity="lead",
            entity_id=lead.id,
            field="status",
            old=lead.status,
            new=status,
            rep_id=rep_id,
            reason=reason,
            at=at,
        )
        lead.status = status
        lead.is_open = not (flags.is_closed or flags.is_converted)
        changed = True
    if lifecycle_stage is not None and lifecycle_stage != lead.lifecycle_stage:
        _check_lifecycle(
            session, lead.lifecycle_stage, lifecycle_stage, is_lead=True, reason=reason
        )
        record_change(
            session,
            entity="lead",
            entity_id=lead.id,
            field="lifecycle_stage",
            old=lead.lifecycle_stage,
            new=lifecycle_stage,
            rep_id=rep_id,
            reason=reason,
            at=at,
        )
        lead.lifecycle_stage = lifecycle_stage
        changed = True
    if owner_id is not _KEEP and owner_id != lead.owner_id:
        record_change(
            session,
            entity="lead",
            entity_id=lead.id,
            field="owner_id",
            old=lead.owner_id,
            new=owner_id,
            rep_id=rep_id,
            reason=reason,
            at=at,
        )
        lead.owner_id = owner_id  # type: ignore[assignment]
        lead.assigned_at = at if owner_id is not None else None
        lead.claimed_until = None
        changed = True
    if changed:
        lead.version += 1
        lead.updated_at = at
        session.add(lead)


def change_contact(
    session: Session,
    contact: Contact,
    *,
    rep_id: int | None,
    lifecycle_stage: str | None = None,
    owner_id: int | object | None = _KEEP,
    reason: str | None = None,
    at: datetime | None = None,
) -> None:
    assert contact.id is not None
    at = at or utcnow()
    changed = False
    if lifecycle_stage is not None and lifecycle_stage != contact.lifecycle_stage:
        _check_lifecycle(
            session, contact.lifecycle_stage, lifecycle_stage, is_lead=False, reason=reason
        )
        record_change(
            session,
            entity="contact",
            entity_id=contact.id,
            field="lifecycle_stage",
            old=contact.lifecycle_stage,
            new=lifecycle_stage,
            rep_id=rep_id,
            reason=reason,
            at=at,
        )
        contact.lifecycle_stage = lifecycle_stage
        changed = True
    if owner_id is not _KEEP and owner_id != contact.owner_id:
        record_change(
            session,
            entity="contact",
            entity_id=contact.id,
            field="owner_id",
            old=contact.owner_id,
            new=owner_id,
            rep_id=rep_id,
            reason=reason,
            at=at,
        )
        contact.owner_id = owner_id  # type: ignore[assignment]
        contact.assigned_at = at if owner_id is not None else None
        changed = True
    if changed:
        contact.version += 1
        contact.updated_at = at
        session.add(contact)


def change_opportunity_stage(
    session: Session,
    opportunity: Opportunity,
    stage: str,
    *,
    rep_id: int | None,
    reason: str | None = None,
    at: datetime | None = None,
) -> None:
    assert opportunity.id is not None
    if stage == opportunity.stage:
        return
    row = session.get(OpportunityStage, stage)
    if row is None:
        raise ChangeRefused(f"unknown opportunity stage {stage!r}")
    record_change(
        session,
        entity="opportunity",
        entity_id=opportunity.id,
        field="stage",
        old=opportunity.stage,
        new=stage,
        rep_id=rep_id,
        reason=reason,
        at=at,
    )
    opportunity.stage = stage
    opportunity.probability = row.probability
    opportunity.is_closed = row.is_closed
    session.add(opportunity)
