"""Converting a lead: what the plan proposes, and what one conversion writes (DESIGN.md
"Conversion", Salesforce's convertLead semantics), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.convert_factories import build_world
from tests.factories import NOW
from workstation.store.conversion.choices import end_of_quarter
from workstation.store.conversion.convert import convert_lead
from workstation.store.conversion.plan import plan_conversion
from workstation.store.conversion.rules import NEW, NONE, ConversionChoices
from workstation.store.models import (
    Account,
    Activity,
    CampaignMember,
    Contact,
    History,
    Lead,
    Opportunity,
    OpportunityContactRole,
)
from workstation.store.reference import CONVERTED

TODAY = NOW.date()


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 5, 15), date(2026, 6, 30)),
        (date(2026, 9, 30), date(2026, 9, 30)),
        (date(2026, 11, 23), date(2026, 12, 31)),
    ],
)
def test_close_date_is_the_end_of_the_quarter(day, end):
    assert end_of_quarter(day) == end


def test_the_plan_proposes_the_duplicates_and_salesforce_defaults(engine):
    world = build_world(engine)
    with Session(engine) as session:
        plan = plan_conversion(session, lead_id=world.lead, rep_id=world.rep, today=TODAY)
    assert plan.account.action == "attach" and plan.account.id == world.acme
    assert plan.account_matches[0].reasons[0] == "email domain acme.com"
    # Attaching fills only what is empty: Acme has a domain and no industry.
    assert dict(plan.account.values) == {
        "website": "www.acme.com",
        "industry": "Manufacturing",
        "phone": "+14155550100",
    }
    assert plan.contact.action == "attach" and plan.contact.id == world.jane
    assert plan.contact_matches[0].reasons == ("same phone +14155550100", "same name")
    assert dict(plan.contact.values) == {"email": "jane@acme.com", "lead_source": "Webinar"}
    opp = plan.opportunity
    assert (opp.action, opp.name, opp.amount_cents, opp.probability, opp.stage) == (
        "create",
        "Acme – Spring Webinar",
        0,
        0,
        "Qualification",
    )
    assert opp.close_date == date(2026, 12, 31)
    assert [o.id for o in plan.opportunities] == [world.open_opportunity]
    assert plan.opportunities[0].primary_contact == "Bob Stone"
    assert (plan.role.role, plan.role.primary) == (None, True)
    assert (plan.campaign.name, plan.campaign.status_from, plan.campaign.status_to) == (
        "Spring Webinar",
        "Sent",
        "Responded",
    )
    assert [c.name for c in plan.campaigns] == ["Spring Webinar", "Autumn Expo"]
    assert (plan.lifecycle_from, plan.lifecycle_to) == ("Sales Accepted", "Opportunity")
    assert (plan.owner, plan.activities, plan.problems) == ("Riley Rep", 2, ())


def test_converting_into_the_matches_attaches_and_moves_everything(engine):
    world = build_world(engine)
    result = convert_lead(engine, lead_id=world.lead, rep_id=world.rep, at=NOW)
    assert (result.account_id, result.account_created) == (world.acme, False)
    assert (result.contact_id, result.contact_created) == (world.jane, False)
    assert result.opportunity_created and result.primary
    assert (result.activities_moved, result.memberships_moved) == (2, 2)
    with Session(engine) as session:
        lead = session.get(Lead, world.lead)
        assert (lead.status, lead.is_open, lead.is_converted, lead.converted_at) == (
            CONVERTED,
            False,
            True,
            NOW,
        )
        assert (
            lead.converted_account_id,
            lead.converted_contact_id,
            lead.converted_opportunity_id,
        ) == (world.acme, world.jane, result.opportunity_id)
        assert lead.lifecycle_stage == "Sales Qualified"  # a lead is never at Opportunity
        jane = session.get(Contact, world.jane)
        # Filled where empty; the title and owner it had are kept.
        assert (jane.email, jane.title, jane.owner_id) == (
            "jane@acme.com",
            "VP Sales",
            world.other_rep,
        )
        assert jane.lifecycle_stage == "Opportunity"
        assert jane.last_activity_at == lead.last_activity_at
        acme = session.get(Account, world.acme)
        assert (acme.industry, acme.domain, acme.owner_id) == (
            "Manufacturing",
            "acme.com",
            world.other_rep,
        )
        opp = session.get(Opportunity, result.opportunity_id)
        assert (opp.account_id, opp.owner_id, opp.campaign_id, opp.lead_source) == (
            world.acme,
            world.rep,
            world.webinar,
            "Webinar",
        )
        roles = session.execute(
            select(OpportunityContactRole).where(OpportunityContactRole.opportunity_id == opp.id)
        ).scalars()
        assert [(r.contact_id, r.role, r.is_primary) for r in roles] == [(world.jane, None, True)]
        members = {
            m.campaign_id: m
            for m in session.execute(
                select(CampaignMember).where(CampaignMember.lead_id == world.lead)
            ).scalars()
        }
        assert {m.contact_id for m in members.values()} == {world.jane}
        assert (members[world.webinar].status, members[world.webinar].has_responded) == (
            "Responded",
            True,
        )
        assert members[world.webinar].responded_at == NOW
        assert (members[world.event].status, members[world.event].has_responded) == ("Sent", False)
        activities = session.execute(
            select(Activity).where(Activity.lead_id == world.lead)
        ).scalars()
        assert {(a.contact_id, a.account_id, a.opportunity_id) for a in activities} == {
            (world.jane, world.acme, opp.id)
        }
        history = {
            (h.entity, h.entity_id, h.field, h.old_value, h.new_value)
            for h in session.execute(select(History)).scalars()
        }
    assert ("lead", world.lead, "status", "Contacted – Recent Activity", CONVERTED) in history
    assert ("contact", world.jane, "converted_from_lead", None, str(world.lead)) in history
    assert ("contact", world.jane, "lifecycle_stage", "Sales Accepted", "Opportunity") in history
    assert ("opportunity", opp.id, "stage", None, "Qualification") in history


def test_creating_everything_new_carries_the_lead_over(engine):
    world = build_world(engine)
    result = convert_lead(
        engine,
        lead_id=world.lead,
        choices=ConversionChoices(
            account=NEW, contact=NEW, role="Decision Maker", campaign="autumn expo"
        ),
        rep_id=world.other_rep,
        at=NOW,
    )
    assert result.account_created and result.contact_created and result.opportunity_created
    with Session(engine) as session:
        account = session.get(Account, result.account_id)
        assert (account.name, account.domain, account.website, account.owner_id) == (
            "Acme",
            "acme.com",
            "www.acme.com",
            world.rep,  # the lead's owner, not the rep who pressed the key
        )
        contact = session.get(Contact, result.contact_id)
        assert (contact.first_name, contact.email, contact.title, contact.owner_id) == (
            "Jane",
            "jane@acme.com",
            "Head of Sales",
            world.rep,
        )
        assert contact.account_id == account.id and contact.lifecycle_stage == "Opportunity"
        opp = session.get(Opportunity, result.opportunity_id)
        assert (opp.name, opp.campaign_id, opp.owner_id) == (
            "Acme – Autumn Expo",
            world.event,
            world.rep,
        )
        role = session.execute(
            select(OpportunityContactRole).where(OpportunityContactRole.opportunity_id == opp.id)
        ).scalar_one()
        assert (role.role, role.is_primary) == ("Decision Maker", True)
        stages = [
            (h.old_value, h.new_value, h.reason)
            for h in session.execute(
                select(History)
                .where(History.entity == "contact", History.field == "lifecycle_stage")
                .order_by(History.id)
            ).scalars()
        ]
    assert stages == [
        (None, "Sales Qualified", f"created from lead {world.lead}"),
        ("Sales Qualified", "Opportunity", f"created from lead {world.lead}"),
    ]


def test_attaching_to_an_open_opportunity_adds_a_non_primary_role_by_default(engine):
    world = build_world(engine)
    with Session(engine) as session:
        plan = plan_conversion(
            session,
            lead_id=world.lead,
            choices=ConversionChoices(opportunity=world.open_opportunity),
            today=TODAY,
        )
    assert (plan.role.primary, plan.role.current_primary) == (False, "Bob Stone")
    result = convert_lead(
        engine,
        lead_id=world.lead,
        choices=ConversionChoices(opportunity=world.open_opportunity, role="Evaluator"),
        rep_id=world.rep,
    )
    assert (result.opportunity_id, result.opportunity_created, result.primary) == (
        world.open_opportunity,
        False,
        False,
    )
    with Session(engine) as session:
        opp = session.get(Opportunity, world.open_opportunity)
        # Attaching fills empty fields only: stage and amount stay.
        assert (opp.stage, opp.amount_cents, opp.campaign_id) == (
            "Needs Analysis",
            500_000,
            world.webinar,
        )
        roles = {
            r.contact_id: (r.role, r.is_primary)
            for r in session.execute(
                select(OpportunityContactRole).where(
                    OpportunityContactRole.opportunity_id == opp.id
                )
            ).scalars()
        }
    assert roles == {world.bob: (None, True), world.jane: ("Evaluator", False)}


def test_no_opportunity_keeps_the_lead_stage_and_no_campaign_leaves_statuses(engine):
    world = build_world(engine)
    result = convert_lead(
        engine,
        lead_id=world.fresh_lead,
        choices=ConversionChoices(opportunity=NONE, campaign=NONE),
        rep_id=world.rep,
    )
    assert result.opportunity_id is None and result.role is None and result.campaign_id is None
    assert result.account_created and result.contact_created  # nothing matched Initech
    assert result.contact_lifecycle == "Sales Accepted"
    with Session(engine) as session:
        account = session.get(Account, result.account_id)
        assert account.domain is None  # a gmail address says nothing about the company
        assert session.get(Lead, world.fresh_lead).converted_opportunity_id is None


def test_an_unowned_lead_gives_its_new_records_to_the_converting_rep(engine):
    world = build_world(engine)
    with Session(engine) as session:
        session.get(Lead, world.fresh_lead).owner_id = None
        session.commit()
    result = convert_lead(engine, lead_id=world.fresh_lead, rep_id=world.other_rep)
    with Session(engine) as session:
        assert session.get(Contact, result.contact_id).owner_id == world.other_rep
        assert session.get(Opportunity, result.opportunity_id).owner_id == world.other_rep


def test_a_customer_contact_is_never_demoted(engine):
    world = build_world(engine)
    with Session(engine) as session:
        session.get(Contact, world.jane).lifecycle_stage = "Customer"
        session.commit()
    result = convert_lead(engine, lead_id=world.lead, rep_id=world.rep)
    assert (result.contact_id, result.contact_lifecycle) == (world.jane, "Customer")
    with Session(engine) as session:
        assert session.get(Contact, world.jane).lifecycle_stage == "Customer"


def test_a_contact_id_implies_its_account(engine):
    world = build_world(engine)
    result = convert_lead(
        engine, lead_id=world.lead, choices=ConversionChoices(contact=world.bob), rep_id=world.rep
    )
    assert (result.account_id, result.contact_id) == (world.acme, world.bob)


def test_a_membership_that_already_responded_keeps_its_status(engine):
    world = build_world(engine)
    with Session(engine) as session:
        member = session.execute(
            select(CampaignMember).where(
                CampaignMember.lead_id == world.lead, CampaignMember.campaign_id == world.webinar
            )
        ).scalar_one()
        member.status, member.has_responded, member.responded_at = "Attended", True, NOW
        session.commit()
        member_id = member.id
        plan = plan_conversion(session, lead_id=world.lead, today=TODAY)
    assert (plan.campaign.status_from, plan.campaign.status_to) == ("Attended", "Attended")
    convert_lead(engine, lead_id=world.lead, rep_id=world.rep)
    with Session(engine) as session:
        member = session.get(CampaignMember, member_id)
        assert (member.status, member.contact_id, member.responded_at) == (
            "Attended",
            world.jane,
            NOW,
        )


def test_a_conversion_reads_the_converted_status_once(engine):
    """The lead's new status is looked up once, and the lead written in one UPDATE (a
    second lookup flushed the status on its own); the new contact and its account are read
    back in one statement for its score."""
    from sqlalchemy import event

    from tests.factories import make_lead, make_rep
    from workstation.store.conversion.convert import convert_lead

    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, owner_id=rep.id, company="Onceco")
        session.commit()
        rep_id, lead_id = rep.id, lead.id
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, sql, *_a: sent.append(sql))
    convert_lead(engine, lead_id=lead_id, rep_id=rep_id)
    assert sum("FROM lead_status" in sql for sql in sent) == 1
    assert sum(sql.startswith("UPDATE lead ") for sql in sent) == 1
    # the new contact, scored with its account's industry and size: one read for both
    assert [" ".join(sql.split())[:40] for sql in sent if "WHERE contact.id =" in sql] == [
        "SELECT contact.id, contact.account_id, c"
    ]
    assert not [sql for sql in sent if "FROM account WHERE account.id" in " ".join(sql.split())]
