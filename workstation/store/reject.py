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
from workstation.store.convert_rules import REJECTED, ensure_editable
from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.models import Contact, Lead, utcnow
from workstation.store.reference import BAD_DATA, NO_INTEREST, NURTURING


@dataclass(frozen=True, slots=True)
class RejectReason:
    label: str
    lead_status: str  # the closed status a lead rejected for this reason moves to

    @property
    def bogus(self) -> bool:
        return self.lead_status == BAD_DATA


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


def _already(kind: str, record_id: int, stage: str, reason: str | None) -> None:
    if stage == REJECTED:
        raise RejectRefused(
            f"{kind} {record_id} is already rejected ({reason or 'no reason given'}); "
            "nothing was changed"
        )


def reject_lead(
    engine: Engine, *, lead_id: int, reason: str, rep_id: int | None, at: datetime | None = None
) -> RejectResult:
    """Reject a lead: closed status, Rejected stage, reason kept, history written."""
    chosen = find_reason(reason)
    at = at or utcnow()
    with write_session(engine) as session:
        lead = session.get(Lead, lead_id)
        if lead is None:
            raise RejectRefused(f"no lead {lead_id}")
        ensure_editable(lead)
        _already("lead", lead_id, lead.lifecycle_stage, lead.rejected_reason)
        change_lead(
            session,
            lead,
            rep_id=rep_id,
            status=chosen.lead_status,
            lifecycle_stage=REJECTED,
            reason=f"rejected by sales: {chosen.label}",
            at=at,
        )
        lead.rejected_reason = chosen.label
        lead.callback_at = None
        lead.claimed_until = None
        session.add(lead)
        return RejectResult("lead", lead_id, chosen.label, lead.status, lead.lifecycle_stage)


def reject_contact(
    engine: Engine,
    *,
    contact_id: int,
    reason: str,
    rep_id: int | None,
    at: datetime | None = None,
) -> RejectResult:
    """Reject a contact: Rejected stage, reason kept, callback cleared, history written."""
    chosen = find_reason(reason)
    at = at or utcnow()
    with write_session(engine) as session:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise RejectRefused(f"no contact {contact_id}")
        _already("contact", contact_id, contact.lifecycle_stage, contact.rejected_reason)
        change_contact(
            session,
            contact,
            rep_id=rep_id,
            lifecycle_stage=REJECTED,
            reason=f"rejected by sales: {chosen.label}",
            at=at,
        )
        contact.rejected_reason = chosen.label
        contact.callback_at = None
        session.add(contact)
        return RejectResult("contact", contact_id, chosen.label, None, contact.lifecycle_stage)
