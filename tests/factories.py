"""Small builders for test records, written through the ORM like the store writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy import TableClause, column, insert, table, text
from sqlmodel import Session

from workstation.store.models import Lead, Rep
from workstation.store.tables import table_of

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
    """A lead written with only the columns every revision has (in SQL: Core would fill in
    every column the model has a default for), for the tests that write at old revisions."""
    row = {
        "last_name": f"Lead{next(_numbers)}",
        "company": "Acme, Inc.",
        "status": "Open",
        "is_open": True,
        "lifecycle_stage": "Lead",
        "score": 0,
        "do_not_call": False,
        "email_opt_out": False,
        "created_at": NOW - timedelta(days=3),
        "assigned_at": NOW - timedelta(days=2) if values.get("owner_id") is not None else None,
        "attempt_count": 0,
        "is_converted": False,
        "version": 1,
        "updated_at": NOW,
        **values,
    }
    names = ", ".join(row)
    marks = ", ".join(f":{name}" for name in row)
    return session.execute(
        text(f"INSERT INTO lead ({names}) VALUES ({marks}) RETURNING id"), row
    ).scalar_one()


def _bare(model) -> TableClause:
    """The model's table with no column defaults: an insert then names only the columns
    it is given, which every revision has."""
    columns = table_of(model).c
    return table(table_of(model).name, *(column(c.name, c.type) for c in columns))


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
    campaign_id = session.execute(
        insert(Campaign)
        .values(name="Spring Webinar", channel="Webinar", call_script_id=script.id)
        .returning(Campaign.id)
    ).scalar_one()
    account_id = session.execute(
        insert(Account).values(name="Acme, Inc.", owner_id=rep_id).returning(Account.id)
    ).scalar_one()
    contact_id = session.execute(
        insert(Contact)
        .values(last_name="Doe", account_id=account_id, owner_id=rep_id)
        .returning(Contact.id)
    ).scalar_one()
    opportunity_id = session.execute(
        insert(_bare(Opportunity))
        .values(
            account_id=account_id,
            name="Acme – Spring Webinar",
            amount_cents=0,
            stage="Qualification",
            probability=0,
            close_date=date(2026, 12, 31),
            owner_id=rep_id,
            is_closed=False,
            created_at=NOW,
        )
        .returning(column("id"))
    ).scalar_one()
    lead_id = insert_lead(session, owner_id=rep_id, campaign_id=campaign_id)
    session.add_all(
        [
            OpportunityContactRole(
                opportunity_id=opportunity_id, contact_id=contact_id, is_primary=True
            ),
            CampaignMember(campaign_id=campaign_id, lead_id=lead_id),
            History(entity="lead", entity_id=lead_id, field="status", new_value="Open"),
        ]
    )
    # Naming only the columns every revision has: the upgrade tests write it at old ones.
    session.execute(
        insert(Activity).values(lead_id=lead_id, rep_id=rep_id, disposition="No Answer")
    )
    session.flush()
