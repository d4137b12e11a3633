"""What converting a lead will do, worked out before anything is written.

`plan_conversion` is what the wizard shows at each step and the review lists; the
conversion itself (`convert.convert_lead`) computes the same plan inside its one write
transaction and carries it out, so what the rep confirmed is what gets written. Defaults
follow DESIGN.md "Conversion" and Salesforce's convertLead (research/mission_anchors.md b).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from workstation.store.convert_lookups import (
    CampaignOption,
    OpportunityOption,
    activity_count,
    campaign_options,
    contact_stage,
    first_open_stage,
    open_opportunities,
    primary_role,
    responded_status,
)
from workstation.store.convert_rules import (
    DEFAULTS,
    NEW,
    NONE,
    ConversionChoices,
    ConversionRefused,
    do_not_call_problem,
    ensure_convertible,
)
from workstation.store.matching import (
    AccountMatch,
    ContactMatch,
    account_matches,
    company_domains,
    contact_matches,
)
from workstation.store.models import (
    Account,
    Campaign,
    Contact,
    Lead,
    Opportunity,
    OpportunityContactRole,
    Rep,
)
from workstation.store.reference import ContactRole

# Lead fields a new account / contact takes, and that attaching fills when empty.
ACCOUNT_FIELDS = ("website", "domain", "industry", "employees", "phone", "state", "country")
CONTACT_FIELDS = (
    "first_name",
    "title",
    "email",
    "phone",
    "state",
    "country",
    "time_zone",
    "lead_source",
)


@dataclass(frozen=True, slots=True)
class RecordPlan:
    """An account or contact: created with `values`, or attached, filling `values`."""

    action: str  # "create" or "attach"
    id: int | None
    name: str
    values: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class OpportunityPlan:
    action: str  # "create", "attach" or "none"
    id: int | None
    name: str
    stage: str
    probability: int
    amount_cents: int
    close_date: date | None
    lead_source: str | None


@dataclass(frozen=True, slots=True)
class RolePlan:
    role: str | None  # None: blank
    primary: bool
    current_primary: str | None  # the contact who is primary on the opportunity already


@dataclass(frozen=True, slots=True)
class CampaignPlan:
    id: int | None
    name: str | None
    status_from: str | None  # the membership's status before (None: a new membership)
    status_to: str | None


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


def end_of_quarter(day: date) -> date:
    month = (day.month - 1) // 3 * 3 + 3
    return date(day.year, month, calendar.monthrange(day.year, month)[1])


def _name(first: str | None, last: str) -> str:
    return f"{first} {last}" if first else last


def _get(session: Session, model, record_id: int, what: str):
    row = session.get(model, record_id)
    if row is None or getattr(row, "active", True) is False:
        raise ConversionRefused(f"no {what} {record_id}")
    return row


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _domain(lead: Lead) -> str | None:
    domains = company_domains(lead)
    return domains[0][0] if domains else None


def _account(session: Session, lead: Lead, choice, matches) -> tuple[Account | None, RecordPlan]:
    source = {f: getattr(lead, f, None) for f in ACCOUNT_FIELDS}
    source["domain"] = _domain(lead)
    if isinstance(choice, int):
        account = _get(session, Account, choice, "account")
    elif choice is None and matches and matches[0].strong:
        account = _get(session, Account, matches[0].id, "account")
    else:
        values = tuple((f, source[f]) for f in ACCOUNT_FIELDS if not _empty(source[f]))
        return None, RecordPlan("create", None, lead.company, values)
    fills = tuple(
        (f, source[f])
        for f in ACCOUNT_FIELDS
        if _empty(getattr(account, f)) and not _empty(source[f])
    )
    return account, RecordPlan("attach", account.id, account.name, fills)


def _contact(
    session: Session, lead: Lead, account: Account | None, choice, matches
) -> tuple[Contact | None, RecordPlan]:
    contact = None
    if isinstance(choice, int):
        contact = _get(session, Contact, choice, "contact")
        if account is None or contact.account_id != account.id:
            where = f"account {account.id}" if account is not None else "the new account"
            raise ConversionRefused(
                f"contact {choice} belongs to account {contact.account_id}, not to {where}; "
                "pick a contact of the chosen account, or a new contact"
            )
    elif choice is None and matches:
        contact = session.get(Contact, matches[0].id)
    if contact is None:
        values = tuple(
            (f, getattr(lead, f))
            for f in ("last_name", *CONTACT_FIELDS, "do_not_call", "email_opt_out")
            if not _empty(getattr(lead, f)) and getattr(lead, f) is not False
        )
        return None, RecordPlan("create", None, _name(lead.first_name, lead.last_name), values)
    fills = [
        (f, getattr(lead, f))
        for f in CONTACT_FIELDS
        if _empty(getattr(contact, f)) and not _empty(getattr(lead, f))
    ]
    if lead.do_not_call and not contact.do_not_call:
        fills.append(("do_not_call", True))  # never lose a do-not-call request
    name = _name(contact.first_name, contact.last_name)
    return contact, RecordPlan("attach", contact.id, name, tuple(fills))


_CAMPAIGN_BY_ID = select(Campaign.id, Campaign.name).where(Campaign.id == bindparam("id"))
_CAMPAIGN_BY_NAME = select(Campaign.id, Campaign.name).where(
    func.lower(Campaign.name) == bindparam("name")
)


def _campaign(
    session: Session, lead: Lead, choice, options: list[CampaignOption]
) -> tuple[int | None, str | None, int | None]:
    """The primary campaign source (id, name) and the lead's membership of it, if any."""
    if choice == NONE:
        return None, None, None
    if choice is None:
        choice = lead.campaign_id if lead.campaign_id is not None else None
        if choice is None and options:
            choice = options[0].id
        if choice is None:
            return None, None, None
    known = next((o for o in options if o.id == choice), None)
    if known is not None:
        return known.id, known.name, known.member_id
    if isinstance(choice, int):
        row = session.connection().execute(_CAMPAIGN_BY_ID, {"id": choice}).first()
    else:
        row = (
            session.connection()
            .execute(_CAMPAIGN_BY_NAME, {"name": choice.strip().casefold()})
            .first()
        )
    if row is None:
        names = ", ".join(o.name for o in options) or "none"
        raise ConversionRefused(f"no campaign {choice!r}; the lead's campaigns: {names}")
    member = next((o.member_id for o in options if o.id == row.id), None)
    return row.id, row.name, member


def _responded(session: Session, campaign_id: int | None, options) -> str | None:
    """The status the primary campaign's membership takes on the contact."""
    if campaign_id is None:
        return None
    known = next((o.responded_label for o in options if o.id == campaign_id), None)
    return known or responded_status(session, campaign_id)


def _opportunity(
    session: Session,
    lead: Lead,
    account: Account | None,
    choice,
    campaign_name: str | None,
    today: date,
) -> tuple[Opportunity | None, OpportunityPlan]:
    if choice == NONE:
        return None, OpportunityPlan("none", None, "", "", 0, 0, None, None)
    if isinstance(choice, int):
        opportunity = _get(session, Opportunity, choice, "opportunity")
        if account is None or opportunity.account_id != account.id:
            raise ConversionRefused(
                f"opportunity {opportunity.id} belongs to account {opportunity.account_id}, "
                "not to the chosen account; pick one of its open opportunities, new or none"
            )
        if opportunity.is_closed:
            raise ConversionRefused(
                f"opportunity {opportunity.id} is closed ({opportunity.stage}); "
                "attach to an open one, or create a new one"
            )
        return opportunity, OpportunityPlan(
            "attach",
            opportunity.id,
            opportunity.name,
            opportunity.stage,
            opportunity.probability,
            opportunity.amount_cents,
            opportunity.close_date,
            opportunity.lead_source,
        )
    if choice not in (None, NEW):
        raise ConversionRefused(f"opportunity must be an id, new or none (not {choice!r})")
    stage, probability = first_open_stage(session)
    title = f"{lead.company} – {campaign_name}" if campaign_name else lead.company
    return None, OpportunityPlan(
        "create",
        None,
        title[:255],
        stage,
        probability,
        0,
        end_of_quarter(today),
        lead.lead_source,
    )


def _role(
    session: Session,
    choices: ConversionChoices,
    opportunity: Opportunity | None,
    contact: Contact | None,
    problems: list[str],
) -> tuple[RolePlan, OpportunityContactRole | None]:
    if choices.role is not None and session.get(ContactRole, choices.role) is None:
        roles = ", ".join(session.execute(select(ContactRole.name)).scalars())
        raise ConversionRefused(f"unknown contact role {choices.role!r}; roles: {roles}")
    current, existing = primary_role(session, opportunity, contact)
    primary = choices.primary if choices.primary is not None else current is None
    if primary and current is not None:
        assert opportunity is not None
        problems.append(
            f"opportunity {opportunity.id} already has a primary contact ({current}); "
            "add this contact as a non-primary role instead"
        )
    return RolePlan(choices.role, primary, current), existing


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
        account_choice = _get(session, Contact, choices.contact, "contact").account_id
    a_matches = account_matches(session, lead) if preview or account_choice is None else []
    account, account_plan = _account(session, lead, account_choice, a_matches)
    want_contacts = account is not None and (preview or choices.contact is None)
    c_matches = contact_matches(session, lead, account.id) if want_contacts else []  # type: ignore[union-attr]
    contact, contact_plan = _contact(session, lead, account, choices.contact, c_matches)

    options = campaign_options(session, lead_id)
    campaign_id, campaign_name, member_id = _campaign(session, lead, choices.campaign, options)
    opportunity, opp_plan = _opportunity(
        session, lead, account, choices.opportunity, campaign_name, today
    )
    role_plan, existing_role = None, None
    if opp_plan.action != "none":
        role_plan, existing_role = _role(session, choices, opportunity, contact, problems)

    owner_id = lead.owner_id if lead.owner_id is not None else rep_id
    owner = session.get(Rep, owner_id) if preview and owner_id is not None else None
    opps = open_opportunities(session, account.id) if preview and account is not None else []  # type: ignore[union-attr]
    stage_from = contact.lifecycle_stage if contact is not None else None
    plan = ConversionPlan(
        lead_id=lead_id,
        lead_name=_name(lead.first_name, lead.last_name),
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
        campaign=CampaignPlan(
            campaign_id,
            campaign_name,
            next((o.status for o in options if o.member_id == member_id), None),
            _responded(session, campaign_id, options),
        ),
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
