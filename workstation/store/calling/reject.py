"""Rejecting a lead or a contact "by sales" (seed 001): never deleting it.

A rejected record keeps everything it had and gains a reason from `REJECT_REASONS`. Its
lifecycle stage becomes the Rejected detour, with the reason in the history, so the funnel
counts rejections by reason and source while sales ignores the record "until they have
done something new". A lead also gets a closed status, which takes it out of every sales
queue (`is_open` false): Bad Data when the record itself is bogus, otherwise one of the
Archived statuses, "Archived – Developing / Nurturing" being marketing's nurture programme
(DESIGN.md: "leaves the sales queues, and goes to Nurture for marketing"). A contact has
no status: its Rejected stage is what the contact queues leave out, and its pending
callback is cleared.

The reasons are data (a label and the lead status it leads to) kept here for now: letting
admins edit them needs a `reject_reason` table, and so a migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from workstation.store.changes import change_contact, change_lead
from workstation.store.conversion.rules import REJECTED, ensure_editable
from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.models import Lead, utcnow
from workstation.store.permissions import lock_own_record, require_active
from workstation.store.reference import BAD_DATA, NO_INTEREST, NURTURING


@dataclass(frozen=True, slots=True)
class RejectReason:
    label: str
    lead_status: str  # the closed status a lead rejected for this reason moves to


REJECT_REASONS: tuple[RejectReason, ...] = (
    RejectReason("Bogus form fill", BAD_DATA),
    RejectReason("Wrong or unreachable contact details", BAD_DATA),
    RejectReason("Competitor researching us", NO_INTEREST),
    RejectReason("Student, not a business", NO_INTEREST),
    RejectReason("Job seeker, not a buyer", NO_INTEREST),
    RejectReason("No interest in our products", NO_INTEREST),
    RejectReason("Outside our territories", NURTURING),
    RejectReason("Company too small for any plan", NURTURING),
    RejectReason("No budget or authority yet", NURTURING),
    RejectReason("No need right now", NURTURING),
)


class RejectRefused(StoreError):
    """The record cannot be rejected (unknown, already rejected, an unknown reason)."""


@dataclass(frozen=True, slots=True)
class RejectResult:
    kind: str  # "lead" or "contact"
    id: int
    reason: str
    status: str | None  # the lead's new status (None for a contact)
    lifecycle_stage: str


def find_reason(text: str) -> RejectReason:
    """The listed reason `text` names (case and surrounding spaces ignored)."""
    wanted = text.strip().casefold()
    for reason in REJECT_REASONS:
        if reason.label.casefold() == wanted:
            return reason
    labels = "; ".join(r.label for r in REJECT_REASONS)
    raise RejectRefused(f"unknown reason {text!r}; pick one of: {labels}")


def reject(
    engine: Engine,
    *,
    kind: str,
    record_id: int,
    reason: str,
    rep_id: int | None,
    at: datetime | None = None,
) -> RejectResult:
    """Reject lead or contact (`kind`) `record_id`: Rejected stage, reason kept, callback
    cleared, history written; a lead also gets the reason's closed status."""
    chosen = find_reason(reason)
    if kind not in ("lead", "contact"):
        raise RejectRefused(f"only a lead or a contact can be rejected, not a {kind!r}")
    at = at or utcnow()
    why = f"rejected by sales: {chosen.label}"
    with write_session(engine) as session:
        require_active(session, rep_id, "reject records")
        record = lock_own_record(session, kind, record_id, rep_id=rep_id, action="reject")
        if record is None:
            raise RejectRefused(f"no {kind} {record_id}")
        if isinstance(record, Lead):
            ensure_editable(record)
        if record.lifecycle_stage == REJECTED:
            raise RejectRefused(
                f"{kind} {record_id} is already rejected "
                f"({record.rejected_reason or 'no reason given'}); nothing was changed"
            )
        if isinstance(record, Lead):
            change_lead(
                session,
                record,
                rep_id=rep_id,
                status=chosen.lead_status,
                lifecycle_stage=REJECTED,
                reason=why,
                at=at,
            )
            record.claimed_until = None
        else:
            change_contact(
                session, record, rep_id=rep_id, lifecycle_stage=REJECTED, reason=why, at=at
            )
        record.rejected_reason = chosen.label
        record.callback_at = None
        session.add(record)
        status = record.status if isinstance(record, Lead) else None
        return RejectResult(kind, record_id, chosen.label, status, record.lifecycle_stage)
