"""References (seed 001): customers willing to speak for us, in public or on private
reference calls only, and each use of them, so that nobody over-uses one.

A contact at lifecycle stage Customer can be made a reference (it moves on to Reference);
"none" takes it back to Customer. Each use is logged (who, when, for which opportunity,
a note) in `reference_use`, which is insert-only; a trigger keeps the contact's use count.
A use past `USES_PER_QUARTER` in one calendar quarter is still logged, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from workstation.store.changes import change_contact
from workstation.store.db import write_session
from workstation.store.history import record_change
from workstation.store.lifecycle.contact_roles import active_contact
from workstation.store.lifecycle.customers import CUSTOMER, REFERENCE
from workstation.store.lifecycle.rules import OpportunityRefused, one_line
from workstation.store.models import Contact, Opportunity, ReferenceUse, utcnow
from workstation.store.permissions import require_active, require_own_record

# The most uses of one reference in a calendar quarter before each further use warns.
# One named default, passed on as `limit`: the settings file will be able to set it.
USES_PER_QUARTER = 4
REFERENCE_TYPES = {"public": "public", "private": "private calls only"}
NONE = "none"


@dataclass(frozen=True, slots=True)
class ReferenceResult:
    contact_id: int
    reference_type: str | None  # "public", "private" or None
    lifecycle_stage: str
    uses: int  # every use so far
    uses_this_quarter: int


@dataclass(frozen=True, slots=True)
class ReferenceUsed:
    id: int
    contact_id: int
    opportunity_id: int | None
    used_at: datetime
    uses: int
    uses_this_quarter: int
    limit: int
    warning: str | None  # over the limit this quarter


def quarter_start(at: datetime) -> datetime:
    at = at.astimezone(UTC)
    return datetime(at.year, (at.month - 1) // 3 * 3 + 1, 1, tzinfo=UTC)


def uses_this_quarter(session: Session, contact_id: int, at: datetime) -> int:
    return session.execute(
        select(func.count())
        .select_from(ReferenceUse)
        .where(
            col(ReferenceUse.contact_id) == contact_id,
            col(ReferenceUse.used_at) >= quarter_start(at),
            col(ReferenceUse.used_at) <= at,
        )
    ).scalar_one()


def _name(contact: Contact) -> str:
    return f"{contact.first_name} {contact.last_name}" if contact.first_name else contact.last_name


def set_reference(
    engine: Engine,
    *,
    contact_id: int,
    kind: str,
    rep_id: int | None,
    at: datetime | None = None,
) -> ReferenceResult:
    """Make a customer contact a public or private reference, or none."""
    at = at or utcnow()
    wanted = kind.strip().lower()
    if wanted not in (*REFERENCE_TYPES, NONE):
        raise OpportunityRefused(f"a reference is public, private or none, not {kind!r}")
    new = None if wanted == NONE else wanted
    with write_session(engine) as session:
        require_active(session, rep_id, "mark references")
        contact = active_contact(session, contact_id)
        require_own_record(session, rep_id, contact.owner_id, "mark", records="contacts")
        if new == contact.reference_type:
            raise OpportunityRefused(
                f"contact {contact_id} is {REFERENCE_TYPES.get(new or '', 'no reference')} "
                "already: nothing to change"
            )
        if new is not None and contact.lifecycle_stage not in (CUSTOMER, REFERENCE):
            raise OpportunityRefused(
                f"only a customer's contact can be a reference; {_name(contact)} is at "
                f"{contact.lifecycle_stage} (an account becomes a customer with a Closed Won "
                "opportunity of $1 or more)"
            )
        reason = f"reference: {REFERENCE_TYPES[new]}" if new else "no longer a reference"
        record_change(
            session,
            entity="contact",
            entity_id=contact_id,
            field="reference_type",
            old=contact.reference_type,
            new=new,
            rep_id=rep_id,
            reason=reason,
            at=at,
        )
        contact.reference_type, contact.is_reference = new, new is not None
        stage = REFERENCE if new else CUSTOMER
        change_contact(session, contact, rep_id=rep_id, lifecycle_stage=stage, reason=reason, at=at)
        session.flush()
        return ReferenceResult(
            contact_id,
            new,
            contact.lifecycle_stage,
            contact.reference_use_count,
            uses_this_quarter(session, contact_id, at),
        )


def use_reference(
    engine: Engine,
    *,
    contact_id: int,
    note: str,
    rep_id: int | None,
    opportunity_id: int | None = None,
    limit: int = USES_PER_QUARTER,
    at: datetime | None = None,
) -> ReferenceUsed:
    """Log one use of a reference by the acting rep; warns past `limit` this quarter."""
    at = at or utcnow()
    text = one_line(note, "a note on the use", required=True)
    with write_session(engine) as session:
        require_active(session, rep_id, "use references")
        contact = active_contact(session, contact_id)  # anyone's reference
        if contact.reference_type is None:
            raise OpportunityRefused(
                f"{_name(contact)} (contact {contact_id}) is not a reference: mark them "
                "first (workstation reference ID --set public|private)"
            )
        if opportunity_id is not None and session.get(Opportunity, opportunity_id) is None:
            raise OpportunityRefused(f"no opportunity {opportunity_id}")
        use = ReferenceUse(
            contact_id=contact_id,
            opportunity_id=opportunity_id,
            rep_id=rep_id,
            note=text or "",
            used_at=at,
        )
        session.add(use)
        session.flush()
        assert use.id is not None
        session.refresh(contact, ["reference_use_count"])  # the trigger counted it
        count = uses_this_quarter(session, contact_id, at)
        warning = None
        if count > limit:
            warning = (
                f"{_name(contact)} has been a reference {count} times this quarter, over "
                f"the limit of {limit}: give them a rest"
            )
        return ReferenceUsed(
            use.id,
            contact_id,
            opportunity_id,
            at,
            contact.reference_use_count,
            count,
            limit,
            warning,
        )
