"""Turning the rep's choice at each conversion step into what will be created, attached
or filled: the account, the contact, the primary campaign source, the opportunity and the
contact role, each resolved against the database (read-only) with DESIGN.md's defaults.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlmodel import Session, col

from workstation.store.conversion.lookups import (
    CampaignOption,
    first_open_stage,
    primary_role,
    responded_status,
)
from workstation.store.conversion.matching import company_domains
from workstation.store.conversion.rules import NEW, NONE, ConversionChoices, ConversionRefused
from workstation.store.conversion.terms import check_amount, check_close_date, check_name
from workstation.store.models import (
    Account,
    Campaign,
    Contact,
    Lead,
    Opportunity,
    OpportunityContactRole,
)
from workstation.store.reference import ContactRole

# Lead fields a new account / contact takes, and that attaching fills when empty.
# What a lead gives the account it becomes (its address the billing address, its account
# type, empty unless a file gave one) and the contact (its address the mailing address,
# its description the contact's, as Salesforce maps Lead.Description).
ACCOUNT_FIELDS = ("website", "domain", "industry", "employees", "phone", "account_type",
                  "street", "city", "state", "postal_code", "country")  # fmt: skip
CONTACT_FIELDS = (
    "first_name",
    "title",
    "email",
    "phone",
    "phone_extension",
    "mobile_phone",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "time_zone",
    "lead_source",
    "description",
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


def end_of_quarter(day: date) -> date:
    month = (day.month - 1) // 3 * 3 + 3
    return date(day.year, month, calendar.monthrange(day.year, month)[1])


def full_name(first: str | None, last: str) -> str:
    return f"{first} {last}" if first else last


def get_active(session: Session, model, record_id: int, what: str):
    row = session.get(model, record_id)
    if row is None or getattr(row, "active", True) is False:
        raise ConversionRefused(f"no {what} {record_id}")
    return row


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _domain(lead: Lead) -> str | None:
    domains = company_domains(lead)
    return domains[0][0] if domains else None


def resolve_account(
    session: Session, lead: Lead, choice, matches
) -> tuple[Account | None, RecordPlan]:
    source = {f: getattr(lead, f, None) for f in ACCOUNT_FIELDS}
    source["domain"] = _domain(lead)
    if isinstance(choice, int):
        account = get_active(session, Account, choice, "account")
    elif choice is None and matches and matches[0].strong:
        account = get_active(session, Account, matches[0].id, "account")
    else:
        values = tuple((f, source[f]) for f in ACCOUNT_FIELDS if not _empty(source[f]))
        return None, RecordPlan("create", None, lead.company, values)
    fills = tuple(
        (f, source[f])
        for f in ACCOUNT_FIELDS
        if _empty(getattr(account, f)) and not _empty(source[f])
    )
    return account, RecordPlan("attach", account.id, account.name, fills)


def resolve_contact(
    session: Session, lead: Lead, account: Account | None, choice, matches
) -> tuple[Contact | None, RecordPlan]:
    contact = None
    if isinstance(choice, int):
        contact = get_active(session, Contact, choice, "contact")
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
        return None, RecordPlan("create", None, full_name(lead.first_name, lead.last_name), values)
    fills = [
        (f, getattr(lead, f))
        for f in CONTACT_FIELDS
        if _empty(getattr(contact, f)) and not _empty(getattr(lead, f))
    ]
    if lead.do_not_call and not contact.do_not_call:
        fills.append(("do_not_call", True))  # never lose a do-not-call request
    name = full_name(contact.first_name, contact.last_name)
    return contact, RecordPlan("attach", contact.id, name, tuple(fills))


_CAMPAIGN_BY_ID = select(col(Campaign.id), col(Campaign.name)).where(
    col(Campaign.id) == bindparam("id")
)
_CAMPAIGN_BY_NAME = select(col(Campaign.id), col(Campaign.name)).where(
    func.lower(Campaign.name) == bindparam("name")
)


def resolve_campaign(
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


def responded_label(session: Session, campaign_id: int | None, options) -> str | None:
    """The status the primary campaign's membership takes on the contact."""
    if campaign_id is None:
        return None
    known = next((o.responded_label for o in options if o.id == campaign_id), None)
    return known or responded_status(session, campaign_id)


def resolve_opportunity(
    session: Session,
    lead: Lead,
    account: Account | None,
    choices: ConversionChoices,
    campaign_name: str | None,
    today: date,
) -> tuple[Opportunity | None, OpportunityPlan]:
    """The opportunity chosen; a new one takes the terms the rep typed, checked."""
    choice = choices.opportunity
    if choice == NONE:
        return None, OpportunityPlan("none", None, "", "", 0, 0, None, None)
    if isinstance(choice, int):
        opportunity = get_active(session, Opportunity, choice, "opportunity")
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
    name, amount, close = choices.opportunity_name, choices.amount_cents, choices.close_date
    return None, OpportunityPlan(
        "create",
        None,
        title[:255] if name is None else check_name(name),
        stage,
        probability,
        0 if amount is None else check_amount(amount),
        end_of_quarter(today) if close is None else check_close_date(close, today=today),
        lead.lead_source,
    )


def resolve_role(
    session: Session,
    choices: ConversionChoices,
    opportunity: Opportunity | None,
    contact: Contact | None,
    problems: list[str],
) -> tuple[RolePlan, OpportunityContactRole | None]:
    if choices.role is not None and session.get(ContactRole, choices.role) is None:
        roles = ", ".join(session.execute(select(col(ContactRole.name))).scalars())
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
