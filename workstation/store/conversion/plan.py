"""What converting a lead will do, worked out before anything is written.

`plan_conversion` is what the wizard shows at each step and the review lists; the
conversion itself (`convert.convert_lead`) computes the same plan inside its one write
transaction and carries it out, so what the rep confirmed is what gets written. Defaults
follow DESIGN.md "Conversion" and Salesforce's convertLead (research/mission_anchors.md b).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from workstation.store.conversion.choices import (
    CampaignPlan,
    OpportunityPlan,
    RecordPlan,
    RolePlan,
    full_name,
    get_active,
    resolve_account,
    resolve_campaign,
    resolve_contact,
    resolve_opportunity,
    resolve_role,
    responded_label,
)
from workstation.store.conversion.lookups import (
    CampaignOption,
    OpportunityOption,
    activity_count,
    campaign_options,
    contact_stage,
    open_opportunities,
)
from workstation.store.conversion.matching import (
    AccountMatch,
    ContactMatch,
    account_matches,
    contact_matches,
)
from workstation.store.conversion.rules import (
    DEFAULTS,
    ConversionChoices,
    ConversionRefused,
    do_not_call_problem,
    ensure_convertible,
)
from workstation.store.models import (
    Account,
    Contact,
    Lead,
    Opportunity,
    OpportunityContactRole,
    Rep,
)


@dataclass(frozen=True, slots=True)
class ConversionPlan:
    lead_id: int
    lead_name: str
    company: str
    owner_id: int | None
    owner: str | None
    do_not_call: bool
    account_matches: tuple[AccountMatch, ...]
    account: RecordPlan
    contact_matches: tuple[ContactMatch, ...]
    contact: RecordPlan
    lifecycle_from: str | None  # the contact's stage before (None: a new contact)
    lifecycle_to: str
    opportunities: tuple[OpportunityOption, ...]
    opportunity: OpportunityPlan
    role: RolePlan | None  # None: no opportunity, so no contact role
    campaigns: tuple[CampaignOption, ...]
    campaign: CampaignPlan
    activities: int  # activities that move to the contact
    problems: tuple[str, ...]  # what stops the conversion until the rep changes a choice


@dataclass
class Draft:
    """The plan plus the loaded rows the conversion writes to (same session)."""

    plan: ConversionPlan
    lead: Lead
    account: Account | None
    contact: Contact | None
    opportunity: Opportunity | None
    existing_role: OpportunityContactRole | None
    member_id: int | None  # the primary campaign's membership, if the lead has one


def _campaign_plan(session: Session, campaign_id, name, member_id, options) -> CampaignPlan:
    """The primary campaign's membership: it becomes Responded, unless it already had a
    responded status (kept as it is, like Salesforce keeps it)."""
    member = next((o for o in options if o.member_id == member_id), None)
    if member is not None and member.has_responded:
        return CampaignPlan(campaign_id, name, member.status, member.status)
    status_from = member.status if member is not None else None
    return CampaignPlan(
        campaign_id, name, status_from, responded_label(session, campaign_id, options)
    )


def draft_conversion(
    session: Session,
    *,
    lead_id: int,
    choices: ConversionChoices,
    rep_id: int | None,
    today: date,
    preview: bool = True,
) -> Draft:
    """The plan for converting `lead_id` with `choices`; raises ConversionRefused.

    With `preview` False (the conversion itself) the alternatives that were not chosen
    (other matches, other opportunities, display names) are not looked up.
    """
    # The conversion locks the lead (PostgreSQL): two reps converting it cannot both win.
    lead = session.get(Lead, lead_id, with_for_update=not preview)
    if lead is None:
        raise ConversionRefused(f"no lead {lead_id}")
    ensure_convertible(lead)
    problems = [p for p in (do_not_call_problem(lead, choices),) if p]
    account_choice = choices.account
    if account_choice is None and isinstance(choices.contact, int):
        # Attaching to a contact implies attaching to its account.
        account_choice = get_active(session, Contact, choices.contact, "contact").account_id
    a_matches = account_matches(session, lead) if preview or account_choice is None else []
    account, account_plan = resolve_account(session, lead, account_choice, a_matches)
    account_id = account.id if account is not None else None  # None: a new account
    c_matches: list[ContactMatch] = []
    if account_id is not None and (preview or choices.contact is None):
        c_matches = contact_matches(session, lead, account_id)
    contact, contact_plan = resolve_contact(session, lead, account, choices.contact, c_matches)

    options = campaign_options(session, lead_id)
    campaign_id, campaign_name, member_id = resolve_campaign(
        session, lead, choices.campaign, options
    )
    opportunity, opp_plan = resolve_opportunity(
        session, lead, account, choices, campaign_name, today
    )
    role_plan, existing_role = None, None
    if opp_plan.action != "none":
        role_plan, existing_role = resolve_role(session, choices, opportunity, contact, problems)

    owner_id = lead.owner_id if lead.owner_id is not None else rep_id
    owner = session.get(Rep, owner_id) if preview and owner_id is not None else None
    opps = open_opportunities(session, account_id) if preview and account_id is not None else []
    stage_from = contact.lifecycle_stage if contact is not None else None
    plan = ConversionPlan(
        lead_id=lead_id,
        lead_name=full_name(lead.first_name, lead.last_name),
        company=lead.company,
        owner_id=owner_id,
        owner=owner.name if owner else None,
        do_not_call=lead.do_not_call,
        account_matches=tuple(a_matches),
        account=account_plan,
        contact_matches=tuple(c_matches),
        contact=contact_plan,
        lifecycle_from=stage_from,
        lifecycle_to=contact_stage(
            session, lead.lifecycle_stage, stage_from, has_opportunity=opp_plan.action != "none"
        ),
        opportunities=tuple(opps),
        opportunity=opp_plan,
        role=role_plan,
        campaigns=tuple(options),
        campaign=_campaign_plan(session, campaign_id, campaign_name, member_id, options),
        activities=activity_count(session, lead_id) if preview else 0,
        problems=tuple(problems),
    )
    return Draft(plan, lead, account, contact, opportunity, existing_role, member_id)


def plan_conversion(
    session: Session,
    *,
    lead_id: int,
    choices: ConversionChoices = DEFAULTS,
    rep_id: int | None = None,
    today: date,
) -> ConversionPlan:
    """What converting `lead_id` with `choices` would do (read-only)."""
    return draft_conversion(
        session, lead_id=lead_id, choices=choices, rep_id=rep_id, today=today
    ).plan
