"""Record pages: every field, the timeline, campaign memberships and related records of a
lead, contact, account and opportunity; the account's page gathers the activity of its
contacts and of the leads at its domain."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session

from tests.convert_factories import add, build_world
from tests.factories import NOW, make_lead
from workstation.store.models import Activity
from workstation.store.records.pages import record_page


def page(engine, kind: str, record_id: int):
    with Session(engine) as session:
        return record_page(session, kind, record_id)


def related(found) -> list[tuple[str, str, str]]:
    return [(r.kind, r.name, r.why) for r in found.related]


def test_a_lead_page_has_its_fields_calls_campaigns_and_account(engine):
    world = build_world(engine)
    lead = page(engine, "lead", world.lead)
    fields = dict(lead.fields)
    assert (fields["Name"], fields["Company"], fields["Email"]) == (
        "Jane Doe",
        "Acme",
        "jane@acme.com",
    )
    assert fields["Owner"] == "Riley Rep" and fields["Campaign"] == "Spring Webinar"
    assert [entry.summary for entry in lead.timeline] == ["Connected – Qualified", "No Answer"]
    assert [m.campaign for m in lead.campaigns] == ["Spring Webinar", "Autumn Expo"]
    assert related(lead) == [("account", "Acme, Inc.", "same domain: acme.com")]


def test_a_contact_page_has_its_account_and_opportunities_with_roles(engine):
    world = build_world(engine)
    bob = page(engine, "contact", world.bob)
    assert dict(bob.fields)["Account"] == "Acme, Inc."
    assert related(bob) == [
        ("account", "Acme, Inc.", "its account"),
        ("opportunity", "Acme – Renewal", "no role, primary · Needs Analysis"),
    ]


def test_an_opportunity_page_has_its_account_and_contact_roles(engine):
    world = build_world(engine)
    with Session(engine) as session:
        add(session, Activity(opportunity_id=world.open_opportunity, rep_id=world.rep,
                              kind="email", subject="Proposal sent", occurred_at=NOW))  # fmt: skip
        session.commit()
    renewal = page(engine, "opportunity", world.open_opportunity)
    assert dict(renewal.fields)["Amount"] == "$5,000.00"
    assert related(renewal) == [
        ("account", "Acme, Inc.", "its account"),
        ("contact", "Bob Stone", "no role, primary"),
    ]
    assert [(e.kind, e.summary) for e in renewal.timeline] == [("email", "Proposal sent")]


def test_the_account_page_gathers_contacts_opportunities_leads_and_their_activity(engine):
    world = build_world(engine)
    with Session(engine) as session:
        make_lead(session, first_name="Al", last_name="Same", company="Acme, Inc.")
        make_lead(session, first_name="No", last_name="Relation", company="Acme Widgets",
                  email="no@acme.com.au")  # fmt: skip
        add(session, Activity(contact_id=world.jane, rep_id=world.rep, kind="call",
                              disposition="Busy", notes="try after lunch", duration_seconds=65,
                              occurred_at=NOW - timedelta(hours=1)))  # fmt: skip
        session.commit()
    acme = page(engine, "account", world.acme)
    assert dict(acme.fields)["Domain"] == "acme.com"
    assert related(acme) == [
        ("contact", "Jane Doe", "contact · VP Sales"),
        ("contact", "Bob Stone", "contact · no title"),
        ("opportunity", "Acme – Old deal", "opportunity · Closed Lost"),
        ("opportunity", "Acme – Renewal", "opportunity · Needs Analysis"),
        ("lead", "Al Same", "lead · Open"),
        ("lead", "Jane Doe", "lead · Contacted – Recent Activity"),
    ]
    assert [(e.summary, e.detail) for e in acme.timeline] == [
        ("Busy · 1:05 — Jane Doe (contact)", "try after lunch"),
        ("Connected – Qualified — Jane Doe (lead)", ""),
        ("No Answer — Jane Doe (lead)", ""),
    ]


def test_no_page_for_a_missing_record(engine):
    build_world(engine)
    with Session(engine) as session:
        top = session.execute(text("SELECT max(id) FROM lead")).scalar_one()
    for kind in ("lead", "contact", "account", "opportunity"):
        assert page(engine, kind, top + 100) is None
