"""Converting a qualified lead into an account, a contact and an opportunity: one user
action, one transaction (DESIGN.md "Conversion", Salesforce's convertLead semantics).

In that one transaction: the account and contact are created or attached to (attaching
fills only empty fields), the opportunity is created ($0, 0%, first stage, closing at the
end of the quarter, owned by the lead's owner) or attached to, the contact becomes its
primary contact role, the lead's campaign memberships and activities move to the contact
(the primary campaign's membership as Responded), the contact's lifecycle stage carries
over, and the lead becomes converted and read-only. Any failure rolls all of it back.

History is append-only, so the lead's history stays on the lead; the contact gets a
`converted_from_lead` row naming it (and the fields filled), which is how its timeline and
reports follow the person across the conversion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from workstation.store.changes import change_lead
from workstation.store.conversion.captured import lead_labels, never_qualified, role_from_answers
from workstation.store.conversion.plan import Draft, draft_conversion
from workstation.store.conversion.rules import DEFAULTS, ConversionChoices, ConversionRefused
from workstation.store.conversion.writes import (
    HistoryBatch,
    WriteContext,
    move_activities,
    move_memberships,
    write_account,
    write_attached_contact,
    write_contact_role,
    write_history,
    write_new_contact,
    write_opportunity,
)
from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.models import Account, Contact, Lead, utcnow
from workstation.store.permissions import require_active, require_own_record
from workstation.store.reference import CONVERTED
from workstation.store.scoring.explain import rescore


@dataclass(frozen=True, slots=True)
class ConversionResult:
    lead_id: int
    account_id: int
    account_created: bool
    contact_id: int
    contact_created: bool
    opportunity_id: int | None
    opportunity_created: bool
    opportunity_name: str | None
    role: str | None
    primary: bool
    campaign_id: int | None
    campaign_name: str | None
    account_filled: tuple[str, ...]
    contact_filled: tuple[str, ...]
    contact_lifecycle: str
    activities_moved: int
    memberships_moved: int


@dataclass(frozen=True, slots=True)
class BulkSummary:
    converted: tuple[ConversionResult, ...]
    refused: tuple[tuple[int, str], ...]  # (lead id, why)
    names: dict[int, str] = field(default_factory=dict)  # lead id: "First Last (Company)"
    never_qualified: tuple[int, ...] = ()  # leads converted (or tried) never qualified


def _execute(session: Session, draft: Draft, *, rep_id: int | None, at: datetime):
    plan, lead = draft.plan, draft.lead
    ctx = WriteContext(session, draft, rep_id, at, HistoryBatch())
    account_id = write_account(ctx)
    if draft.contact is None:
        contact_id = write_new_contact(ctx, account_id)
    else:
        contact_id = write_attached_contact(ctx, draft.contact)
    opportunity_id = write_opportunity(ctx, account_id)
    if opportunity_id is not None:
        write_contact_role(ctx, opportunity_id, contact_id)
    memberships = move_memberships(ctx, contact_id)
    activities = move_activities(ctx, contact_id, account_id, opportunity_id)
    write_history(ctx)
    links = f"account {account_id}, contact {contact_id}" + (
        f", opportunity {opportunity_id}" if opportunity_id else ""
    )
    change_lead(session, lead, rep_id=rep_id, status=CONVERTED, reason=f"converted: {links}", at=at)
    lead.is_converted = True
    lead.converted_at = at
    lead.converted_account_id = account_id
    lead.converted_contact_id = contact_id
    lead.converted_opportunity_id = opportunity_id
    lead.callback_at = None  # a converted lead leaves every queue
    lead.claimed_until = None
    session.add(lead)
    session.flush()
    # The contact with its account in one read (the score takes its industry and size from
    # the account; `account` held so that the rescore finds it in the session).
    contact, account = session.execute(
        select(Contact, Account)
        .outerjoin(Account, col(Account.id) == col(Contact.account_id))
        .where(col(Contact.id) == contact_id)
    ).one()
    rescore(session, contact, at)  # with the lead's calls and responses, now its own
    del account
    role = plan.role
    return ConversionResult(
        lead_id=plan.lead_id,
        account_id=account_id,
        account_created=draft.account is None,
        contact_id=contact_id,
        contact_created=draft.contact is None,
        opportunity_id=opportunity_id,
        opportunity_created=opportunity_id is not None and draft.opportunity is None,
        opportunity_name=plan.opportunity.name if opportunity_id is not None else None,
        role=role.role if role else None,
        primary=bool(role and role.primary),
        campaign_id=plan.campaign.id,
        campaign_name=plan.campaign.name,
        account_filled=tuple(f for f, _ in plan.account.values) if draft.account else (),
        contact_filled=tuple(f for f, _ in plan.contact.values) if draft.contact else (),
        contact_lifecycle=plan.lifecycle_to,
        activities_moved=activities,
        memberships_moved=memberships,
    )


def convert_lead(
    engine: Engine,
    *,
    lead_id: int,
    choices: ConversionChoices = DEFAULTS,
    rep_id: int | None,
    at: datetime | None = None,
) -> ConversionResult:
    """Convert one lead, all or nothing; ConversionRefused (nothing written) on a rule."""
    at = at or utcnow()
    with write_session(engine) as session:
        require_active(session, rep_id, "convert leads")
        # The owner alone, locked: the plan then reads the whole lead under the same lock
        # (an entity read here, unlocked, would be the one the plan gets back, stale).
        whose = select(col(Lead.owner_id)).where(col(Lead.id) == lead_id)
        owner = session.execute(whose.with_for_update()).first()
        if owner is None:  # row-level security passes over another rep's lead: whose is it?
            owner = session.execute(whose).first()
        if owner is not None:  # else the plan says there is no such lead
            require_own_record(session, rep_id, owner.owner_id, "convert")
        draft = draft_conversion(
            session,
            lead_id=lead_id,
            choices=choices,
            rep_id=rep_id,
            today=at.date(),
            preview=False,
        )
        if draft.plan.problems:
            raise ConversionRefused(draft.plan.problems[0])
        return _execute(session, draft, rep_id=rep_id, at=at)


def bulk_convert(
    engine: Engine,
    *,
    lead_ids: Iterable[int],
    rep_id: int | None,
    confirm_do_not_call: bool = False,
    at: datetime | None = None,
) -> BulkSummary:
    """Convert several leads as the wizard proposes (the contact role their Authority
    answer names), each in its own transaction.

    A lead that is refused is reported and left as it was; the others still convert. The
    summary names every lead, and those that were never qualified.
    """
    ids = list(dict.fromkeys(lead_ids))
    with Session(engine) as session:
        names = lead_labels(session, ids)
        unqualified = tuple(never_qualified(session, ids))
        roles = {lead_id: role_from_answers(session, lead_id) for lead_id in ids}
    converted, refused = [], []
    for lead_id in ids:
        choices = ConversionChoices(confirm_do_not_call=confirm_do_not_call, role=roles[lead_id])
        try:
            converted.append(
                convert_lead(engine, lead_id=lead_id, choices=choices, rep_id=rep_id, at=at)
            )
        except StoreError as error:
            refused.append((lead_id, str(error)))
    return BulkSummary(tuple(converted), tuple(refused), names, unqualified)
