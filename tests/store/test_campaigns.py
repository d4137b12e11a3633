"""Campaigns run from the app: made and edited by managers, member statuses with exactly
one default and at least one responded, costs, dates, script and email template; and the
responses that bring rejected or nurtured people back for sales (seed 001)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.reject import reject
from workstation.store.imports.leads import import_leads
from workstation.store.lifecycle.campaigns import (
    CampaignChanges,
    CampaignRefused,
    MemberStatusChange,
    add_campaign,
    change_campaign,
    list_campaigns,
)
from workstation.store.lifecycle.responses import record_response
from workstation.store.models import CallScript, Contact, History, Lead
from workstation.store.permissions import PermissionDenied


def _team(engine):
    with Session(engine) as session:
        manager = make_rep(session, "Mia Manager", role="manager")
        rep = make_rep(session, "Riley Rep")
        session.add(CallScript(name="Webinar follow-up", body="Hi {first_name}"))
        session.commit()
        return manager.id, rep.id


def test_a_manager_adds_and_edits_a_campaign(engine):
    manager, rep = _team(engine)
    made = add_campaign(
        engine,
        changes=CampaignChanges(
            name="Spring Webinar",
            channel="Webinar",
            offer="Demo Request",
            product="Dialer",
            start_date="2027-03-01",
            end_date="2027-03-31",
            budget="$5,000",
            actual_cost="4250.50",
            script="webinar follow-up",
            email_template="Subject: Hi {first_name}\n\nAbout {product}",
        ),
        rep_id=manager,
    )
    assert (made.channel, made.offer, made.budget_cents, made.actual_cost_cents) == (
        "Webinar",
        "Demo Request",
        500_000,
        425_050,
    )
    assert made.script == "Webinar follow-up"
    assert [(s.label, s.is_default, s.has_responded) for s in made.statuses] == [
        ("Sent", True, False),
        ("Responded", False, True),
    ]
    changed = change_campaign(
        engine,
        campaign="spring webinar",
        changes=CampaignChanges(
            actual_cost="",
            active=False,
            statuses=(
                MemberStatusChange("Registered", is_default=True),
                MemberStatusChange("Attended", has_responded=True),
            ),
        ),
        rep_id=manager,
    )
    assert changed.actual_cost_cents is None and not changed.active
    assert [(s.label, s.is_default, s.has_responded) for s in changed.statuses] == [
        ("Sent", False, False),
        ("Responded", False, True),
        ("Registered", True, False),
        ("Attended", False, True),
    ]
    with Session(engine) as session:
        assert [c.name for c in list_campaigns(session)] == ["Spring Webinar"]
    with pytest.raises(PermissionDenied):
        add_campaign(engine, changes=CampaignChanges(name="Mine"), rep_id=rep)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (CampaignChanges(name=" "), "needs a name"),
        (CampaignChanges(name="Expo", budget="lots"), "not an amount"),
        (CampaignChanges(name="Expo", start_date="2027-04-01", end_date="2027-03-01"), "ends"),
        (CampaignChanges(name="Expo", script="Nope"), "no call script"),
        (CampaignChanges(name="Expo", email_template="Hi {nickname}"), "{nickname}"),
        (
            CampaignChanges(name="Expo", statuses=(MemberStatusChange("Sent", is_default=False),)),
            "exactly one default",
        ),
        (
            CampaignChanges(
                name="Expo", statuses=(MemberStatusChange("Responded", has_responded=False),)
            ),
            "responded",
        ),
    ],
)
def test_a_campaign_that_breaks_a_rule_is_refused_and_nothing_is_written(engine, changes, message):
    manager, _ = _team(engine)
    with pytest.raises(CampaignRefused, match=message):
        add_campaign(engine, changes=changes, rep_id=manager)
    with Session(engine) as session:
        assert list_campaigns(session) == []


def test_a_new_response_reopens_a_rejected_lead_with_the_reason(engine):
    manager, rep = _team(engine)
    add_campaign(engine, changes=CampaignChanges(name="Expo"), rep_id=manager)
    with Session(engine) as session:
        lead = make_lead(session, owner_id=rep, lifecycle_stage="Sales Accepted")
        session.commit()
        lead_id = lead.id
    reject(engine, kind="lead", record_id=lead_id, reason="No need right now", rep_id=rep, at=NOW)
    sent = record_response(
        engine, campaign="Expo", kind="lead", record_id=lead_id, status="Sent", rep_id=rep, at=NOW
    )
    assert (sent.new_response, sent.reopened, sent.lifecycle_stage) == (False, False, "Rejected")
    came = record_response(
        engine, campaign="Expo", kind="lead", record_id=lead_id, status=None, rep_id=rep, at=NOW
    )
    assert (came.status, came.new_response, came.reopened, came.lifecycle_stage) == (
        "Responded",
        True,
        True,
        "Marketing Qualified",
    )
    with Session(engine) as session:
        row = session.get(Lead, lead_id)
        assert (row.status, row.is_open, row.rejected_reason, row.owner_id) == (
            "Open",
            True,
            None,
            rep,
        )
        reasons = session.execute(
            select(History.field, History.new_value, History.reason)
            .where(History.entity == "lead", History.entity_id == lead_id)
            .order_by(History.id)
        ).all()[-2:]
    assert reasons == [
        ("status", "Open", "responded to campaign Expo (Responded): reopened for sales"),
        (
            "lifecycle_stage",
            "Marketing Qualified",
            "responded to campaign Expo (Responded): reopened for sales",
        ),
    ]
    again = record_response(
        engine,
        campaign="Expo",
        kind="lead",
        record_id=lead_id,
        status="Responded",
        rep_id=rep,
        at=NOW,
    )
    assert not again.new_response and not again.reopened


def test_a_nurtured_contact_who_responds_is_reopened(engine):
    manager, rep = _team(engine)
    add_campaign(engine, changes=CampaignChanges(name="Expo"), rep_id=manager)
    with Session(engine) as session:
        contact = Contact(last_name="Doe", owner_id=rep, lifecycle_stage="Nurture")
        session.add(contact)
        session.commit()
        contact_id = contact.id
    done = record_response(
        engine,
        campaign="Expo",
        kind="contact",
        record_id=contact_id,
        status=None,
        rep_id=rep,
        at=NOW,
    )
    assert done.reopened and done.lifecycle_stage == "Marketing Qualified"


def test_an_import_into_a_responding_campaign_reopens_the_put_aside(engine, tmp_path):
    manager, rep = _team(engine)
    add_campaign(
        engine,
        changes=CampaignChanges(
            name="Web Form", statuses=(MemberStatusChange("Responded", is_default=True),)
        ),
        rep_id=manager,
    )
    with Session(engine) as session:
        lead = make_lead(
            session,
            owner_id=rep,
            email="back@again.com",
            lifecycle_stage="Nurture",
            status="Archived – Developing / Nurturing",
            is_open=False,
        )
        session.commit()
        lead_id = lead.id
    source = tmp_path / "form.csv"
    source.write_text("LastName,Company,Email\nAgain,Back Co,back@again.com\n", encoding="utf-8")
    import_leads(engine, source, campaign="Web Form", acting_rep_id=manager)
    with Session(engine) as session:
        row = session.get(Lead, lead_id)
        assert (row.lifecycle_stage, row.status, row.is_open) == (
            "Marketing Qualified",
            "Open",
            True,
        )
        reason = session.execute(
            select(History.reason, History.rep_id).where(
                History.entity_id == lead_id, History.field == "lifecycle_stage"
            )
        ).one()
    assert reason == ("responded to campaign Web Form (Responded): reopened for sales", manager)


def test_a_reps_import_reopens_only_their_own_and_the_pools_people(engine, tmp_path):
    manager, rep = _team(engine)
    add_campaign(
        engine,
        changes=CampaignChanges(
            name="Web Form", statuses=(MemberStatusChange("Responded", is_default=True),)
        ),
        rep_id=manager,
    )
    aside = dict(
        lifecycle_stage="Nurture", status="Archived – Developing / Nurturing", is_open=False
    )
    with Session(engine) as session:
        other = make_rep(session, "Other Rep").id
        mine = make_lead(session, owner_id=rep, email="mine@x.com", **aside).id
        pool = make_lead(session, email="pool@x.com", **aside).id
        theirs = make_lead(session, owner_id=other, email="theirs@x.com", **aside).id
        session.commit()
    source = tmp_path / "form.csv"
    source.write_text(
        "LastName,Company,Email\nA,X,mine@x.com\nB,X,pool@x.com\nC,X,theirs@x.com\n",
        encoding="utf-8",
    )
    import_leads(engine, source, campaign="Web Form", acting_rep_id=rep)
    with Session(engine) as session:
        stages = {i: session.get(Lead, i).lifecycle_stage for i in (mine, pool, theirs)}
    assert stages == {mine: "Marketing Qualified", pool: "Marketing Qualified", theirs: "Nurture"}
