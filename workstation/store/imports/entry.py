"""A lead a rep types (issue 20: the queue's `L`, `workstation lead new`), taken in as an
import takes one row: the same cleaning (`rows.RowCleaner`: a last name, an email or a
phone to reach them by, the phone in E.164, a blank company "[not provided]", the
campaign's channel and offer for a source and offer not typed), the same matching and
routing (`upsert.BatchWriter`: the same person again fills the lead already there, or, on
PostgreSQL in team mode, leaves another rep's lead as it is, never a second one; a known
contact's inquiry becomes a lead linked to it, routed as `lifecycle.known_people` says; a
customer account's domain makes a customer inquiry, ★), the same campaign membership.

Unlike a file, where a bad phone or email is dropped and the row kept, a typed value that
cannot be used refuses the whole lead, in one line, and nothing is written: the rep still
has what they typed and fixes it. A campaign is found by name or id, never made (a typo
would make one). `own`: a new lead nobody else is routed to is the rep's (its owner in the
history), else it waits in the pool like an import's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, Engine, select
from sqlmodel import col

from workstation.store.changes import change_lead
from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.imports.campaigns import CampaignInfo, default_member_status
from workstation.store.imports.columns import plan_columns
from workstation.store.imports.pipeline import LeadOptions, lead_statuses
from workstation.store.imports.rows import Cleaned, RowCleaner
from workstation.store.imports.upsert import BatchWriter
from workstation.store.lifecycle.campaigns import find_campaign
from workstation.store.models import History, Lead, Rep, utcnow
from workstation.store.permissions import require_active
from workstation.store.reference import LeadStatus
from workstation.store.values.cleansing import BadValue, clean_email, phone_values

# Each typed field and the import column (Salesforce's name) it is read as.
COLUMNS = {
    "first_name": "FirstName",
    "last_name": "LastName",
    "company": "Company",
    "email": "Email",
    "phone": "Phone",
    "title": "Title",
    "lead_source": "LeadSource",
}


class LeadRefused(StoreError):
    """The typed lead cannot be taken in; nothing was written."""


@dataclass(frozen=True, slots=True)
class TypedLead:
    """What the rep typed; None or blank is not given."""

    last_name: str
    company: str | None = None
    first_name: str | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    lead_source: str | None = None
    campaign: str | None = None  # a campaign's name or id


@dataclass(frozen=True, slots=True)
class LeadEntered:
    id: int
    kind: str  # "lead"
    created: bool  # a new lead (else the lead already there, filled)
    updated: bool  # an existing lead got values it lacked
    status: str
    owner_id: int | None
    owner: str | None  # the owner's name
    contact_id: int | None  # the known contact it is an inquiry of
    customer_inquiry: bool  # from a customer account's domain (★)
    routed: str | None  # why it went where it did (a known contact's)
    campaign: str | None
    theirs: bool = False  # another rep's lead, which this login may read but not change


def _checked(typed: TypedLead, region: str) -> None:
    """A typed phone or email that cannot be used refuses the lead (a file's row is kept
    without it): the same value functions the import cleans them with."""
    try:
        if typed.phone and typed.phone.strip():
            phone_values(typed.phone, region, {})
        if typed.email and typed.email.strip():
            clean_email(typed.email)
    except BadValue as error:
        raise LeadRefused(f"not entered: {error}") from None


def clean_typed(
    connection: Connection,
    typed: TypedLead,
    statuses: list[LeadStatus],
    *,
    campaign: CampaignInfo | None,
    region: str,
) -> Cleaned:
    """The typed lead cleaned as an import cleans a row, or LeadRefused."""
    _checked(typed, region.upper())
    plan = plan_columns(tuple(COLUMNS.values()))
    cells = [(getattr(typed, name) or "") for name in COLUMNS]
    rules = LeadOptions(region=region).rules(plan, statuses, campaign=campaign)
    cleaner = RowCleaner(rules)
    values = cleaner.row(cells)
    if isinstance(values, str):
        raise LeadRefused(f"not entered: {values}")
    if cleaner.warning:  # a flag or count typed wrong: not here, but never lose a value
        raise LeadRefused(f"not entered: {cleaner.warning}")
    return values


class Written(NamedTuple):
    lead_id: int
    made: bool  # a new lead
    updated: bool  # a lead already there was filled with what it lacked
    theirs: bool  # a lead already there is another rep's: left as it is (team mode)


def write_typed(
    connection: Connection,
    values: Cleaned,
    statuses: list[LeadStatus],
    *,
    campaign: CampaignInfo | None,
    rep_id: int | None,
    at: datetime,
    lifecycle_stage: str | None = None,
) -> Written:
    """Write cleaned typed values as an import writes a row (matched, routed, a campaign
    member); see `Written`."""
    writer = BatchWriter(
        campaign=campaign,
        default_status=next(s.name for s in statuses if s.is_default),
        open_statuses={s.name for s in statuses if not (s.is_closed or s.is_converted)},
        rep_id=rep_id,
        landed=True,
        lifecycle_stage=lifecycle_stage,
    )
    result = writer.write(connection, [values], now=at)
    (kind, lead_id, made) = result.landed[0]
    assert kind == "lead"
    return Written(lead_id, made, bool(result.updated), bool(result.others_leads))


def enter_lead(
    engine: Engine,
    typed: TypedLead,
    *,
    rep_id: int | None,
    own: bool = False,
    region: str = "US",
    at: datetime | None = None,
) -> LeadEntered:
    """Take in the typed lead; see the module docstring."""
    at = at or utcnow()
    with write_session(engine) as session:
        require_active(session, rep_id, "enter leads")
        info = None
        if typed.campaign and typed.campaign.strip():
            campaign = find_campaign(session, typed.campaign)
            assert campaign.id is not None
            info = CampaignInfo.of(campaign, *default_member_status(session, campaign.id))
        connection = session.connection()
        statuses = lead_statuses(connection)
        values = clean_typed(connection, typed, statuses, campaign=info, region=region)
        lead_id, made, updated, theirs = write_typed(
            connection, values, statuses, campaign=info, rep_id=rep_id, at=at
        )
        session.expire_all()  # the writer wrote through the connection
        lead = session.get(Lead, lead_id)
        assert lead is not None
        if own and made and lead.owner_id is None and lead.contact_id is None:
            change_lead(
                session, lead, rep_id=rep_id, owner_id=rep_id, reason="entered by the rep", at=at
            )
        routed = None
        if lead.contact_id is not None and made:
            routed = session.execute(
                select(col(History.reason)).where(
                    col(History.entity) == "lead",
                    col(History.entity_id) == lead_id,
                    col(History.field) == "status",
                )
            ).scalar()
        session.flush()
        owner = session.get(Rep, lead.owner_id) if lead.owner_id is not None else None
        return LeadEntered(
            id=lead_id,
            kind="lead",
            created=made,
            updated=updated,
            status=lead.status,
            owner_id=lead.owner_id,
            owner=owner.name if owner else None,
            contact_id=lead.contact_id,
            customer_inquiry=lead.existing_account_id is not None,
            routed=routed,
            campaign=info.name if info else None,
            theirs=theirs,
        )


def entered_line(done: LeadEntered) -> str:
    """One line on where the typed lead went (the CLI's and the dialog's)."""
    if not done.created and done.theirs:
        return f"Already lead {done.id}, {done.owner}'s: left as it is (yours to read, not change)."
    if not done.created:
        what = "filled with what it lacked" if done.updated else "nothing new"
        return f"Already lead {done.id}: {what}."
    line = f"Lead {done.id} entered: {done.status}"
    line += f", owner {done.owner}" if done.owner is not None else ", in the pool"
    if done.contact_id is not None:
        line += f"; a known person: {done.routed or f'contact {done.contact_id}'}"
    if done.customer_inquiry:
        line += "; ★ customer inquiry"
    if done.campaign:
        line += f"; member of {done.campaign}"
    return line + "."
