"""Changing a lead's or a contact's status, lifecycle stage or owner: the one place that
does it.

Every such change keeps the derived columns right in the same transaction (a lead's
`is_open` from its status's flags and its lifecycle stage, `sales_hands`; `assigned_at`
with its owner), bumps the record's version for optimistic locking, and writes the
append-only history. Callers pass an ORM object loaded in their session and commit (or
not) with the rest of their one transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from workstation.store.errors import StoreError
from workstation.store.history import record_change
from workstation.store.models import Contact, Lead, utcnow
from workstation.store.reference import LeadStatus, LifecycleStage
from workstation.store.sales_hands import in_sales_hands, status_is_open


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


def _set(
    session: Session,
    record: Lead | Contact,
    field: str,
    new: object,
    *,
    rep_id: int | None,
    reason: str | None,
    at: datetime,
) -> None:
    """Log one field's change in the history, then make it."""
    assert record.id is not None
    record_change(
        session,
        entity=record.__tablename__,
        entity_id=record.id,
        field=field,
        old=getattr(record, field),
        new=new,
        rep_id=rep_id,
        reason=reason,
        at=at,
    )
    setattr(record, field, new)


def _change_person(
    session: Session,
    record: Lead | Contact,
    *,
    rep_id: int | None,
    lifecycle_stage: str | None,
    owner_id: object,
    reason: str | None,
    at: datetime,
) -> bool:
    """The lifecycle and owner changes leads and contacts share; True when anything moved."""
    changed = False
    if lifecycle_stage is not None and lifecycle_stage != record.lifecycle_stage:
        _check_lifecycle(
            session,
            record.lifecycle_stage,
            lifecycle_stage,
            is_lead=isinstance(record, Lead),
            reason=reason,
        )
        _set(
            session, record, "lifecycle_stage", lifecycle_stage, rep_id=rep_id, reason=reason, at=at
        )
        changed = True
    if owner_id is not _KEEP and owner_id != record.owner_id:
        _set(session, record, "owner_id", owner_id, rep_id=rep_id, reason=reason, at=at)
        record.assigned_at = at if owner_id is not None else None
        if isinstance(record, Lead):
            record.claimed_until = None
        changed = True
    return changed


def _touched(session: Session, record: Lead | Contact, at: datetime) -> None:
    record.version += 1
    record.updated_at = at
    session.add(record)


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
    at = at or utcnow()
    changed = False
    flags: LeadStatus | None = None  # held: the session keeps only what is referenced
    stage = lead.lifecycle_stage
    if status is not None and status != lead.status:
        with session.no_autoflush:  # a reference row: the caller's changes flush together
            flags = session.get(LeadStatus, status)
        if flags is None:
            raise ChangeRefused(f"unknown lead status {status!r}")
        _set(session, lead, "status", status, rep_id=rep_id, reason=reason, at=at)
        changed = True
    if (
        _change_person(
            session,
            lead,
            rep_id=rep_id,
            lifecycle_stage=lifecycle_stage,
            owner_id=owner_id,
            reason=reason,
            at=at,
        )
        or changed
    ):
        if changed or lead.lifecycle_stage != stage:  # what `is_open` follows moved
            if flags is None:
                with session.no_autoflush:
                    flags = session.get(LeadStatus, lead.status)
            assert flags is not None  # a foreign key
            lead.is_open = in_sales_hands(
                status_open=status_is_open(flags), lifecycle_stage=lead.lifecycle_stage
            )
        _touched(session, lead, at)


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
    """Apply the given changes to `contact` and log each one."""
    at = at or utcnow()
    if _change_person(
        session,
        contact,
        rep_id=rep_id,
        lifecycle_stage=lifecycle_stage,
        owner_id=owner_id,
        reason=reason,
        at=at,
    ):
        _touched(session, contact, at)
