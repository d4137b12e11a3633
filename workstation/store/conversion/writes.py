"""The writes of one conversion, step by step, inside the caller's transaction: new
records as plain prebuilt inserts (P5: a conversion in a few milliseconds), attached ones
through the ORM, lifecycle changes of existing contacts through `changes.py`, and the new
records' history rows in one statement at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from workstation.store.changes import change_contact
from workstation.store.conversion.choices import ACCOUNT_FIELDS, CONTACT_FIELDS
from workstation.store.conversion.plan import Draft
from workstation.store.conversion.rules import ConversionRefused
from workstation.store.models import (
    Account,
    Activity,
    CampaignMember,
    Contact,
    History,
    Opportunity,
    OpportunityContactRole,
)
from workstation.store.tables import table_of

_account = table_of(Account)
_contact = table_of(Contact)
_opportunity = table_of(Opportunity)
_role = table_of(OpportunityContactRole)
_member = table_of(CampaignMember)
_activity = table_of(Activity)

# Built once (TARGETS.md: building a statement costs more than running it). New records
# are plain inserts; the lead and attached records go through the ORM and changes.py.
_INSERT_ACCOUNT = insert(_account).returning(_account.c.id)
_INSERT_CONTACT = insert(_contact).returning(_contact.c.id)
_INSERT_OPPORTUNITY = insert(_opportunity).returning(_opportunity.c.id)
_INSERT_ROLE = insert(_role)
_INSERT_MEMBER = insert(_member)
_INSERT_HISTORY = insert(table_of(History))
_MOVE_MEMBERS = (
    update(_member)
    .where(_member.c.lead_id == bindparam("lead"), _member.c.contact_id.is_(None))
    .values(contact_id=bindparam("contact"))
)
_RESPONDED = (
    update(_member)
    .where(_member.c.id == bindparam("member"), _member.c.has_responded.is_(False))
    .values(status=bindparam("status"), has_responded=True, responded_at=bindparam("at"))
)
_MOVE_ACTIVITIES = (
    update(_activity)
    .where(_activity.c.lead_id == bindparam("lead"), _activity.c.contact_id.is_(None))
    .values(
        contact_id=bindparam("contact"),
        account_id=func.coalesce(_activity.c.account_id, bindparam("account")),
        opportunity_id=func.coalesce(_activity.c.opportunity_id, bindparam("opportunity")),
    )
)


class HistoryBatch(list):
    """History rows of the new records, written together in one statement at the end."""

    def add(self, entity: str, entity_id: int, field: str, old, new, reason: str, ctx) -> None:
        self.append(
            dict(
                entity=entity,
                entity_id=entity_id,
                field=field,
                old_value=None if old is None else str(old),
                new_value=None if new is None else str(new),
                rep_id=ctx.rep_id,
                reason=reason,
                at=ctx.at,
            )
        )


@dataclass(frozen=True, slots=True)
class WriteContext:
    session: Session
    draft: Draft
    rep_id: int | None
    at: datetime
    history: HistoryBatch


def write_account(ctx: WriteContext) -> int:
    plan, account = ctx.draft.plan, ctx.draft.account
    if account is None:
        values = dict.fromkeys(ACCOUNT_FIELDS) | dict(plan.account.values)
        values |= {"name": plan.company, "owner_id": plan.owner_id, "created_at": ctx.at}
        return ctx.session.connection().execute(_INSERT_ACCOUNT, values).scalar_one()
    for field, value in plan.account.values:
        setattr(account, field, value)
    ctx.session.add(account)
    assert account.id is not None  # an existing account: stored, so it has its id
    return account.id


def write_new_contact(ctx: WriteContext, account_id: int) -> int:
    plan, lead = ctx.draft.plan, ctx.draft.lead
    values = dict.fromkeys(CONTACT_FIELDS) | {"do_not_call": False, "email_opt_out": False}
    values |= dict(plan.contact.values) | {
        "account_id": account_id,
        "lifecycle_stage": plan.lifecycle_to,
        "owner_id": plan.owner_id,
        "score": lead.score,
        "created_at": ctx.at,
        "assigned_at": ctx.at if plan.owner_id is not None else None,
        "last_activity_at": lead.last_activity_at,
        "updated_at": ctx.at,
    }
    contact_id = ctx.session.connection().execute(_INSERT_CONTACT, values).scalar_one()
    note = f"created from lead {lead.id}"
    add = ctx.history.add
    add("contact", contact_id, "converted_from_lead", None, lead.id, note, ctx)
    add("contact", contact_id, "owner_id", None, plan.owner_id, note, ctx)
    # The lead's stage carries over; then, on an opportunity, the contact moves on.
    add("contact", contact_id, "lifecycle_stage", None, lead.lifecycle_stage, note, ctx)
    if plan.lifecycle_to != lead.lifecycle_stage:
        add(
            "contact",
            contact_id,
            "lifecycle_stage",
            lead.lifecycle_stage,
            plan.lifecycle_to,
            note,
            ctx,
        )
    return contact_id


def write_attached_contact(ctx: WriteContext, contact: Contact) -> int:
    assert contact.id is not None  # an existing contact: stored, so it has its id
    plan, lead = ctx.draft.plan, ctx.draft.lead
    for field, value in plan.contact.values:
        setattr(contact, field, value)
    if lead.last_activity_at and (
        contact.last_activity_at is None or contact.last_activity_at < lead.last_activity_at
    ):
        contact.last_activity_at = lead.last_activity_at
    contact.version += 1
    contact.updated_at = ctx.at
    ctx.session.add(contact)
    filled = ", ".join(f for f, _ in plan.contact.values) or "nothing"
    note = f"updated from lead {lead.id} (filled: {filled})"
    ctx.history.add("contact", contact.id, "converted_from_lead", None, lead.id, note, ctx)
    change_contact(
        ctx.session,
        contact,
        rep_id=ctx.rep_id,
        lifecycle_stage=plan.lifecycle_to,
        reason=f"converted from lead {lead.id}",
        at=ctx.at,
    )
    return contact.id


def write_opportunity(ctx: WriteContext, account_id: int) -> int | None:
    plan, existing = ctx.draft.plan, ctx.draft.opportunity
    opp = plan.opportunity
    if opp.action == "none":
        return None
    if existing is not None:
        # Attaching fills only what is empty (Salesforce): never a stage or an amount.
        if existing.campaign_id is None and plan.campaign.id is not None:
            existing.campaign_id = plan.campaign.id
        if not existing.lead_source and opp.lead_source:
            existing.lead_source = opp.lead_source
        ctx.session.add(existing)
        return existing.id
    opportunity_id = (
        ctx.session.connection()
        .execute(
            _INSERT_OPPORTUNITY,
            {
                "account_id": account_id,
                "name": opp.name,
                "amount_cents": opp.amount_cents,
                "stage": opp.stage,
                "probability": opp.probability,
                "close_date": opp.close_date,
                "owner_id": plan.owner_id,
                "lead_source": opp.lead_source,
                "campaign_id": plan.campaign.id,
                "is_closed": False,
                "created_at": ctx.at,
            },
        )
        .scalar_one()
    )
    note = f"created by converting lead {plan.lead_id}"
    ctx.history.add("opportunity", opportunity_id, "stage", None, opp.stage, note, ctx)
    return opportunity_id


def write_contact_role(ctx: WriteContext, opportunity_id: int, contact_id: int) -> None:
    role, row = ctx.draft.plan.role, ctx.draft.existing_role
    assert role is not None
    try:
        if row is None:
            ctx.session.connection().execute(
                _INSERT_ROLE,
                {
                    "opportunity_id": opportunity_id,
                    "contact_id": contact_id,
                    "role": role.role,
                    "is_primary": role.primary,
                    "created_at": ctx.at,
                },
            )
        else:
            row.role = row.role or role.role
            row.is_primary = row.is_primary or role.primary
            ctx.session.add(row)
            ctx.session.flush()
    except IntegrityError as error:  # another rep made someone primary meanwhile
        raise ConversionRefused(
            f"opportunity {opportunity_id} already has a primary contact; "
            "add this contact as a non-primary role instead"
        ) from error


def move_memberships(ctx: WriteContext, contact_id: int) -> int:
    draft, session = ctx.draft, ctx.session
    campaign = draft.plan.campaign
    moved = (
        session.connection()
        .execute(_MOVE_MEMBERS, {"lead": draft.lead.id, "contact": contact_id})
        .rowcount
    )
    if campaign.id is None:
        return moved
    if draft.member_id is None:
        session.connection().execute(
            _INSERT_MEMBER,
            {
                "campaign_id": campaign.id,
                "lead_id": draft.lead.id,
                "contact_id": contact_id,
                "status": campaign.status_to,
                "has_responded": True,
                "responded_at": ctx.at,
                "created_at": ctx.at,
            },
        )
    else:
        session.connection().execute(
            _RESPONDED, {"member": draft.member_id, "status": campaign.status_to, "at": ctx.at}
        )
    return moved


def move_activities(ctx: WriteContext, contact_id: int, account_id: int, opportunity_id) -> int:
    """The lead's activities now also belong to the contact, account and opportunity."""
    params = {
        "lead": ctx.draft.lead.id,
        "contact": contact_id,
        "account": account_id,
        "opportunity": opportunity_id,
    }
    return ctx.session.connection().execute(_MOVE_ACTIVITIES, params).rowcount


def write_history(ctx: WriteContext) -> None:
    if ctx.history:
        ctx.session.connection().execute(_INSERT_HISTORY, ctx.history)
