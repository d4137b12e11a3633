"""Builders for the conversion tests: a small world around one qualified lead, a snapshot
of the whole database to prove that a refused or failed conversion wrote nothing, and a
bare app to host the conversion screens."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from rich.console import Console
from sqlalchemy import Engine, text
from sqlmodel import Session
from textual.app import App

from tests.factories import NOW, make_lead, make_rep
from workstation.config import Settings
from workstation.handle import StoreHandle
from workstation.store.models import (
    BUSINESS_TABLES,
    Account,
    Activity,
    Campaign,
    CampaignMember,
    CampaignMemberStatus,
    Contact,
    Opportunity,
    OpportunityContactRole,
)
from workstation.store.reference import DEFAULT_MEMBER_STATUSES
from workstation.store.reps import working_rep


def make_campaign(session: Session, name: str, **values) -> Campaign:
    campaign = Campaign(name=name, **values)
    session.add(campaign)
    session.flush()
    for status in DEFAULT_MEMBER_STATUSES:
        session.add(CampaignMemberStatus(campaign_id=campaign.id, **status))
    session.flush()
    return campaign


def add(session: Session, record):
    session.add(record)
    session.flush()
    return record


@dataclass
class World:
    """Ids of the records around `lead`, a qualified lead at Acme."""

    rep: int
    other_rep: int
    webinar: int
    event: int
    acme: int
    jane: int  # a contact at Acme: the same person as the lead
    bob: int  # another contact at Acme, primary on the open opportunity
    open_opportunity: int
    closed_opportunity: int
    other_account: int
    other_contact: int
    lead: int
    fresh_lead: int  # a lead nothing matches


def build_world(engine: Engine) -> World:
    with Session(engine) as session:
        rep = make_rep(session, "Riley Rep")
        other_rep = make_rep(session, "Morgan Manager", role="manager")
        webinar = make_campaign(session, "Spring Webinar", channel="Webinar")
        event = make_campaign(session, "Autumn Expo", channel="Event")
        acme = add(session, Account(name="Acme, Inc.", domain="acme.com", owner_id=other_rep.id))
        jane = add(
            session,
            Contact(
                account_id=acme.id,
                first_name="Jane",
                last_name="Doe",
                phone="+14155550100",
                title="VP Sales",
                owner_id=other_rep.id,
            ),
        )
        bob = add(session, Contact(account_id=acme.id, first_name="Bob", last_name="Stone"))
        open_opp = add(
            session,
            Opportunity(
                account_id=acme.id,
                name="Acme – Renewal",
                stage="Needs Analysis",
                probability=20,
                amount_cents=500_000,
                close_date=date(2027, 1, 31),
            ),
        )
        add(
            session,
            OpportunityContactRole(opportunity_id=open_opp.id, contact_id=bob.id, is_primary=True),
        )
        closed_opp = add(
            session,
            Opportunity(
                account_id=acme.id,
                name="Acme – Old deal",
                stage="Closed Lost",
                is_closed=True,
                close_date=date(2025, 1, 31),
            ),
        )
        other = add(session, Account(name="Globex Corporation", domain="globex.com"))
        other_contact = add(session, Contact(account_id=other.id, last_name="Smith"))
        lead = make_lead(
            session,
            first_name="Jane",
            last_name="Doe",
            company="Acme",
            email="jane@acme.com",
            phone="+14155550100",
            title="Head of Sales",
            industry="Manufacturing",
            website="www.acme.com",
            lead_source="Webinar",
            owner_id=rep.id,
            campaign_id=webinar.id,
            lifecycle_stage="Sales Qualified",
            status="Contacted – Recent Activity",
            last_activity_at=NOW - timedelta(hours=3),
        )
        add(
            session,
            CampaignMember(
                campaign_id=event.id, lead_id=lead.id, created_at=NOW - timedelta(days=20)
            ),
        )
        add(
            session,
            CampaignMember(
                campaign_id=webinar.id, lead_id=lead.id, created_at=NOW - timedelta(days=2)
            ),
        )
        for hours in (30, 3):
            add(
                session,
                Activity(
                    lead_id=lead.id,
                    rep_id=rep.id,
                    disposition="Connected – Qualified" if hours == 3 else "No Answer",
                    occurred_at=NOW - timedelta(hours=hours),
                ),
            )
        fresh = make_lead(
            session,
            first_name="Zed",
            last_name="Quill",
            company="Initech LLC",
            email="zed@gmail.com",
            owner_id=rep.id,
            lifecycle_stage="Sales Accepted",
        )
        session.commit()
        return World(
            rep=rep.id,
            other_rep=other_rep.id,
            webinar=webinar.id,
            event=event.id,
            acme=acme.id,
            jane=jane.id,
            bob=bob.id,
            open_opportunity=open_opp.id,
            closed_opportunity=closed_opp.id,
            other_account=other.id,
            other_contact=other_contact.id,
            lead=lead.id,
            fresh_lead=fresh.id,
        )


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every business table, in id order: what "nothing was written" is
    checked against (the test data sets are small)."""
    with engine.connect() as connection:
        return {
            table: [
                tuple(row)
                for row in connection.execute(text(f'SELECT * FROM "{table}" ORDER BY id'))
            ]
            for table in BUSINESS_TABLES
        }


class HostApp(App):
    """What the conversion screens need from the app (the store handle: engine, sessions,
    the working rep, a clock) and nothing else: their snapshots show them alone, on a
    frozen clock."""

    def __init__(self, engine: Engine, rep: str = "Riley Rep") -> None:
        super().__init__()
        with Session(engine) as session:
            working = working_rep(session, rep)
        settings = Settings(database_url=str(engine.url))
        self.store = StoreHandle(settings, engine=engine, rep=working, clock=lambda: NOW)


def plain(renderable) -> str:
    """What a widget's content looks like on screen, as plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()
