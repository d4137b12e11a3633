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
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, bindparam, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from workstation.store.changes import change_contact, change_lead
from workstation.store.convert_plan import ACCOUNT_FIELDS, CONTACT_FIELDS, Draft, draft_conversion
from workstation.store.convert_rules import DEFAULTS, ConversionChoices, ConversionRefused
from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.models import (
    Account,
    Activity,
    CampaignMember,
    Contact,
    History,
    Opportunity,
    OpportunityContactRole,
    utcnow,
)
from workstation.store.reference import CONVERTED


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


_account = Account.__table__  # type: ignore[attr-defined]
_contact = Contact.__table__  # type: ignore[attr-defined]
_opportunity = Opportunity.__table__  # type: ignore[attr-defined]
_role = OpportunityContactRole.__table__  # type: ignore[attr-defined]
_member = CampaignMember.__table__  # type: ignore[attr-defined]
_activity = Activity.__table__  # type: ignore[attr-defined]

# Built once (TARGETS.md: building a statement costs more than running it). New records
# are plain inserts; the lead and attached records go through the ORM and changes.py.
_INSERT_ACCOUNT = insert(_account).returning(_account.c.id)
_INSERT_CONTACT = insert(_contact).returning(_contact.c.id)
_INSERT_OPPORTUNITY = insert(_opportunity).returning(_opportunity.c.id)
_INSERT_ROLE = insert(_role)
_INSERT_MEMBER = insert(_member)
_INSERT_HISTORY = insert(History.__table__)  # type: ignore[attr-defined]
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


class _History(list):
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
class _Context:
    session: Session
    draft: Draft
    rep_id: int | None
    at: datetime
    history: _History


def _account_id(ctx: _Context) -> int:
    plan, account = ctx.draft.plan, ctx.draft.account
    if account is None:
        values = dict.fromkeys(ACCOUNT_FIELDS) | dict(plan.account.values)
        values |= {"name": plan.company, "owner_id": plan.owner_id, "created_at": ctx.at}
        return ctx.session.connection().execute(_INSERT_ACCOUNT, values).scalar_one()
    for field, value in plan.account.values:
        setattr(account, field, value)
    ctx.session.add(account)
    return account.id  # type: ignore[return-value]


def _new_contact(ctx: _Context, account_id: int) -> int:
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


def _attach_contact(ctx: _Context, contact: Contact) -> int:
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
    return contact.id  # type: ignore[return-value]


def _opportunity_id(ctx: _Context, account_id: int) -> int | None:
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


def _contact_role(ctx: _Context, opportunity_id: int, contact_id: int) -> None:
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


def _memberships(ctx: _Context, contact_id: int) -> int:
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


def _execute(session: Session, draft: Draft, *, rep_id: int | None, at: datetime):
    plan, lead = draft.plan, draft.lead
    ctx = _Context(session, draft, rep_id, at, _History())
    account_id = _account_id(ctx)
    if draft.contact is None:
        contact_id = _new_contact(ctx, account_id)
    else:
        contact_id = _attach_contact(ctx, draft.contact)
    opportunity_id = _opportunity_id(ctx, account_id)
    if opportunity_id is not None:
        _contact_role(ctx, opportunity_id, contact_id)
    memberships = _memberships(ctx, contact_id)
    activities = (
        session.connection()
        .execute(
            _MOVE_ACTIVITIES,
            {
                "lead": lead.id,
                "contact": contact_id,
                "account": account_id,
                "opportunity": opportunity_id,
            },
        )
        .rowcount
    )
    if ctx.history:
        session.connection().execute(_INSERT_HISTORY, ctx.history)
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
    """Convert several leads with the default choices, each in its own transaction.

    A lead that is refused is reported and left as it was; the others still convert.
    """
    choices = ConversionChoices(confirm_do_not_call=confirm_do_not_call)
    converted, refused = [], []
    for lead_id in dict.fromkeys(lead_ids):
        try:
            converted.append(
                convert_lead(engine, lead_id=lead_id, choices=choices, rep_id=rep_id, at=at)
            )
        except StoreError as error:
            refused.append((lead_id, str(error)))
    return BulkSummary(tuple(converted), tuple(refused))
