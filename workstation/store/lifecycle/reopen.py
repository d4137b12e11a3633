"""Reopening a person for sales: seed 001's "ignored by Sales until they have done something
new to prove their worthiness". A rejected or nurtured lead or contact that does something
new (a campaign response, a rep's decision) comes back as Marketing Qualified, for sales to
accept again; a lead's closed status goes back to the default (Open) with a fresh set of
attempts. The owner stays: a lead in a rep's Nurture queue comes back to that rep, one
without an owner to the pool.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from workstation.store.changes import change_contact, change_lead
from workstation.store.models import Contact, Lead
from workstation.store.reference import DEFAULT_STATUS

NURTURE = "Nurture"
REJECTED = "Rejected"
REOPENED = "Marketing Qualified"  # where a person sales had put aside comes back to
PUT_ASIDE = (REJECTED, NURTURE)  # the lifecycle detours a new response reopens


def is_put_aside(record: Lead | Contact) -> bool:
    """Rejected by sales or nurtured by marketing (and, for a lead, not converted)."""
    if isinstance(record, Lead) and record.is_converted:
        return False
    return record.lifecycle_stage in PUT_ASIDE


def reopen_for_sales(
    session: Session,
    record: Lead | Contact,
    *,
    rep_id: int | None,
    reason: str,
    at: datetime,
    stage: str = REOPENED,
) -> None:
    """Back into the sales lifecycle at `stage`, with `reason` in the history; a lead also
    gets the default status, no callback and a fresh set of attempts."""
    if isinstance(record, Lead):
        change_lead(
            session,
            record,
            rep_id=rep_id,
            status=None if record.is_open else DEFAULT_STATUS,
            lifecycle_stage=stage,
            reason=reason,
            at=at,
        )
        record.attempt_count = 0
        record.claimed_until = None
    else:
        change_contact(session, record, rep_id=rep_id, lifecycle_stage=stage, reason=reason, at=at)
    record.rejected_reason = None
    record.callback_at = None
    session.add(record)
