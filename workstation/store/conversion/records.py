"""The account, contact and opportunity a converted lead became, each with its fields as
stored, for the rep to open right after converting (or later, from the lead's card)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from workstation.display import money
from workstation.store.models import (
    Account,
    Campaign,
    Contact,
    Lead,
    Opportunity,
    OpportunityContactRole,
    Rep,
)
from workstation.store.values.cleansing import display_phone


@dataclass(frozen=True, slots=True)
class RecordView:
    kind: str  # "account", "contact" or "opportunity"
    id: int
    name: str
    fields: tuple[tuple[str, str], ...]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _owner(session: Session, rep_id: int | None) -> str:
    rep = session.get(Rep, rep_id) if rep_id is not None else None
    return rep.name if rep else "nobody"


def converted_records(session: Session, lead_id: int) -> list[RecordView]:
    """What lead `lead_id` was converted into; empty if it was not converted."""
    lead = session.get(Lead, lead_id)
    if lead is None or not lead.is_converted:
        return []
    views = []
    if lead.converted_account_id is not None:
        views.append(account_view(session, lead.converted_account_id))
    if lead.converted_contact_id is not None:
        views.append(contact_view(session, lead.converted_contact_id))
    if lead.converted_opportunity_id is not None:
        views.append(opportunity_view(session, lead.converted_opportunity_id))
    return views


def account_view(session: Session, account_id: int) -> RecordView:
    a = session.get(Account, account_id)
    assert a is not None and a.id is not None  # a converted lead's account is never deleted
    fields = (
        ("Name", a.name), ("Website", a.website), ("Domain", a.domain),
        ("Industry", a.industry), ("Employees", a.employees), ("Phone", display_phone(a.phone)),
        ("State", a.state), ("Country", a.country), ("Owner", _owner(session, a.owner_id)),
        ("Created", a.created_at),
    )  # fmt: skip
    return RecordView("account", a.id, a.name, tuple((k, _text(v)) for k, v in fields))


def contact_view(session: Session, contact_id: int) -> RecordView:
    c = session.get(Contact, contact_id)
    assert c is not None and c.id is not None
    account = session.get(Account, c.account_id) if c.account_id is not None else None
    name = f"{c.first_name} {c.last_name}" if c.first_name else c.last_name
    fields = (
        ("Name", name), ("Title", c.title), ("Account", account.name if account else None),
        ("Email", c.email), ("Phone", display_phone(c.phone)), ("State", c.state),
        ("Country", c.country), ("Time zone", c.time_zone), ("Lifecycle", c.lifecycle_stage),
        ("Lead source", c.lead_source), ("Do not call", c.do_not_call),
        ("Email opt-out", c.email_opt_out), ("Owner", _owner(session, c.owner_id)),
        ("Created", c.created_at),
    )  # fmt: skip
    return RecordView("contact", c.id, name, tuple((k, _text(v)) for k, v in fields))


def opportunity_view(session: Session, opportunity_id: int) -> RecordView:
    o = session.get(Opportunity, opportunity_id)
    assert o is not None and o.id is not None
    account = session.get(Account, o.account_id)
    campaign = session.get(Campaign, o.campaign_id) if o.campaign_id is not None else None
    roles = session.execute(
        select(OpportunityContactRole, Contact)
        .join(Contact, col(Contact.id) == OpportunityContactRole.contact_id)
        .where(col(OpportunityContactRole.opportunity_id) == opportunity_id)
        .order_by(col(OpportunityContactRole.is_primary).desc(), col(OpportunityContactRole.id))
    ).all()
    people = "; ".join(
        f"{c.first_name + ' ' if c.first_name else ''}{c.last_name} "
        f"({role.role or 'no role'}{', primary' if role.is_primary else ''})"
        for role, c in roles
    )
    fields = (
        ("Name", o.name), ("Account", account.name if account else None),
        ("Amount", money(o.amount_cents)), ("Stage", o.stage),
        ("Probability", f"{o.probability}%"), ("Close date", o.close_date),
        ("Contact roles", people), ("Lead source", o.lead_source),
        ("Campaign", campaign.name if campaign else None),
        ("Owner", _owner(session, o.owner_id)), ("Created", o.created_at),
    )  # fmt: skip
    return RecordView("opportunity", o.id, o.name, tuple((k, _text(v)) for k, v in fields))
