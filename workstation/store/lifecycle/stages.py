"""Moving a lead or a contact along the lifecycle by hand (DESIGN.md "Lifecycle stage"):
a rep accepts a marketing-qualified person (Sales Accepted), qualifies them (Sales
Qualified), or sends them back with a reason.

Forward moves are free; a move back needs a reason; only contacts reach Opportunity,
Customer and Reference (`changes.change_lead` / `change_contact` hold these rules for every
writer). The detours are reached by their own actions: Rejected by `reject` (a reason from
the list), Nurture by the calls that recycle a lead, Inactive by a wrong number. A move out
of Rejected or Nurture reopens the person for sales (`reopen`). A converted lead is
read-only: its contact moves instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from workstation.store.changes import ChangeRefused, change_contact, change_lead
from workstation.store.conversion.rules import ensure_editable
from workstation.store.db import write_session
from workstation.store.lifecycle.reopen import is_put_aside, reopen_for_sales
from workstation.store.models import Lead, utcnow
from workstation.store.permissions import lock_own_record, require_active
from workstation.store.reference import LifecycleStage


class StageRefused(ChangeRefused):
    """The move breaks a lifecycle rule; nothing was changed."""


@dataclass(frozen=True, slots=True)
class StageMoved:
    kind: str  # "lead" or "contact"
    id: int
    old_stage: str
    new_stage: str
    status: str | None  # a lead's status afterwards (None for a contact)
    reason: str | None


def funnel_stages(session: Session, *, kind: str) -> list[str]:
    """The stages a person of `kind` may be moved to by hand, in funnel order."""
    query = select(LifecycleStage).where(col(LifecycleStage.is_detour).is_(False))
    stages = session.execute(query.order_by(col(LifecycleStage.sort_order))).scalars()
    return [s.name for s in stages if kind == "contact" or not s.contacts_only]


def _stage_named(session: Session, wanted: str, kind: str) -> str:
    allowed = funnel_stages(session, kind=kind)
    for name in allowed:
        if name.casefold() == wanted.strip().casefold():
            return name
    every = {s.name.casefold(): s for s in session.execute(select(LifecycleStage)).scalars()}
    known = every.get(wanted.strip().casefold())
    if known is not None and known.is_detour:
        how = {"Rejected": "reject it with a reason", "Nurture": "a call recycles it"}
        raise StageRefused(
            f"{known.name} is a detour, not a move: "
            f"{how.get(known.name, 'a wrong-number call sets it')}"
        )
    if known is not None:
        raise StageRefused(f"only contacts can be at lifecycle stage {known.name!r}, not leads")
    raise StageRefused(
        f"unknown lifecycle stage {wanted!r}; a {kind} moves to: {', '.join(allowed)}"
    )


def move_stage(
    engine: Engine,
    *,
    kind: str,
    record_id: int,
    stage: str,
    reason: str | None,
    rep_id: int | None,
    at: datetime | None = None,
) -> StageMoved:
    """Move lead or contact (`kind`) `record_id` to lifecycle `stage`, in one transaction."""
    if kind not in ("lead", "contact"):
        raise StageRefused(f"only a lead or a contact has a lifecycle stage, not a {kind!r}")
    at = at or utcnow()
    reason = (reason or "").strip() or None
    with write_session(engine) as session:
        require_active(session, rep_id, "move lifecycle stages")
        record = lock_own_record(
            session, kind, record_id, rep_id=rep_id, action="move the lifecycle stage of"
        )
        if record is None:
            raise StageRefused(f"no {kind} {record_id}")
        if isinstance(record, Lead):
            ensure_editable(record)
        target = _stage_named(session, stage, kind)
        old = record.lifecycle_stage
        if target == old:
            raise StageRefused(f"{kind} {record_id} is at {old} already; nothing was changed")
        if is_put_aside(record):
            if not reason:
                raise StageRefused(
                    f"{kind} {record_id} is at {old} ({record.rejected_reason or 'no reason'}):"
                    " bringing it back needs a reason"
                )
            reopen_for_sales(
                session, record, rep_id=rep_id, reason=f"reopened: {reason}", at=at, stage=target
            )
        elif isinstance(record, Lead):
            change_lead(
                session, record, rep_id=rep_id, lifecycle_stage=target, reason=reason, at=at
            )
        else:
            change_contact(
                session, record, rep_id=rep_id, lifecycle_stage=target, reason=reason, at=at
            )
        status = record.status if isinstance(record, Lead) else None
        return StageMoved(kind, record_id, old, target, status, reason)
