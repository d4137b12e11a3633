"""Small builders for test records, written through the ORM like the store writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy import insert
from sqlmodel import Session

from workstation.store.models import Lead, Rep

_numbers = count(1)
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def make_rep(
    session: Session, name: str | None = None, *, role: str = "rep", capacity: int = 200
) -> Rep:
    rep = Rep(name=name or f"Rep {next(_numbers)}", role=role, capacity=capacity)
    session.add(rep)
    session.flush()
    return rep


def make_lead(session: Session, **values) -> Lead:
    n = next(_numbers)
    values.setdefault("last_name", f"Lead{n}")
    values.setdefault("company", f"Company {n}")
    values.setdefault("created_at", NOW - timedelta(days=3))
    if values.get("owner_id") is not None:
        values.setdefault("assigned_at", NOW - timedelta(days=2))
    lead = Lead(**values)
    session.add(lead)
    session.flush()
    return lead


def insert_lead(session: Session, **values) -> int:
    """A lead written through Core with only the columns every revision has (and
    `values`): the migration tests fill old schemas with it, where the model's newer
    columns are not there yet."""
    n = next(_numbers)
    values.setdefault("last_name", f"Lead{n}")
    values.setdefault("company", f"Company {n}")
    values.setdefault("created_at", NOW - timedelta(days=3))
    values.setdefault("updated_at", NOW - timedelta(days=3))
    if values.get("owner_id") is not None:
        values.setdefault("assigned_at", NOW - timedelta(days=2))
    return session.execute(insert(Lead).values(**values).returning(Lead.id)).scalar_one()


def make_one_of_everything(session: Session) -> None:
    """At least one row in every business table."""
    from datetime import date

    from workstation.store.models import (
        Account,
        Activity,
        CallScript,
        Campaign,
        CampaignMember,
        Contact,
        History,
        Opportunity,
        OpportunityContactRole,
    )

    # Through Core, with the columns every revision has: the migration tests fill old
    # schemas with this.
    rep_id = session.execute(
        insert(Rep).values(name="Everything Rep", role="rep", capacity=200).returning(Rep.id)
    ).scalar_one()
    script = CallScript(name="Script", body="Hi {first_name}")
    session.add(script)
    session.flush()
    campaign = Campaign(name="Spring Webinar", channel="Webinar", call_script_id=script.id)
    account = Account(name="Acme, Inc.", owner_id=rep_id)
    session.add_all([campaign, account])
    session.flush()
    contact = Contact(last_name="Doe", account_id=account.id, owner_id=rep_id)
    opportunity = Opportunity(
        account_id=account.id,
        name="Acme – Spring Webinar",
        close_date=date(2026, 12, 31),
        owner_id=rep_id,
    )
    session.add_all([contact, opportunity])
    session.flush()
    lead_id = insert_lead(session, owner_id=rep_id, campaign_id=campaign.id)
    session.add_all(
        [
            OpportunityContactRole(
                opportunity_id=opportunity.id, contact_id=contact.id, is_primary=True
            ),
            CampaignMember(campaign_id=campaign.id, lead_id=lead_id),
            History(entity="lead", entity_id=lead_id, field="status", new_value="Open"),
        ]
    )
    # Naming only the columns every revision has: the upgrade tests write it at old ones.
    session.execute(
        insert(Activity).values(lead_id=lead_id, rep_id=rep_id, disposition="No Answer")
    )
    session.flush()
