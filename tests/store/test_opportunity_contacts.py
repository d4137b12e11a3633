"""A new opportunity for contacts, their roles on it, and references (issue 20 items 1
and 2), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col

from tests.factories import NOW, insert_lead
from tests.opportunity_factories import build_opp_world, history, stage_of
from workstation.store.calling.queues import queue_page
from workstation.store.errors import StoreError
from workstation.store.lifecycle.contact_roles import set_contact_role
from workstation.store.lifecycle.moves import Move, move_opportunity
from workstation.store.lifecycle.new_opportunity import new_opportunity
from workstation.store.lifecycle.references import set_reference, use_reference
from workstation.store.lifecycle.rules import OpportunityRefused
from workstation.store.models import (
    Contact,
    Lead,
    Opportunity,
    OpportunityContactRole,
    ReferenceUse,
)
from workstation.store.permissions import PermissionDenied
from workstation.store.reference import CONTACT_CURRENT_OPP, CONTACT_NO_OPP


def _roles(engine, opportunity_id):
    with Session(engine) as session:
        rows = session.execute(
            select(OpportunityContactRole)
            .where(col(OpportunityContactRole.opportunity_id) == opportunity_id)
            .order_by(col(OpportunityContactRole.contact_id))
        ).scalars()
        return {r.contact_id: (r.role, r.is_primary) for r in rows}


def _no_opp_queue(engine, rep_id):
    with Session(engine) as session:
        return {r.id for r in queue_page(session, "contacts", rep_id=rep_id, now=NOW).rows}


def test_a_new_opportunity_takes_contacts_out_of_the_no_opp_queue(engine):
    world = build_opp_world(engine)
    assert {world.jane, world.bob, world.globex_contact} <= _no_opp_queue(engine, world.rep)
    opp = new_opportunity(
        engine,
        contact_ids=[world.bob, world.jane],
        rep_id=world.rep,
        campaign="spring webinar",
        roles={world.jane: "decision maker"},
        amount_cents=90_000,
        at=NOW,
    )
    assert (opp.name, opp.stage, opp.probability, opp.amount_cents) == (
        "Acme, Inc. – Spring Webinar",
        "Qualification",
        0,
        90_000,
    )
    assert (opp.owner_id, opp.campaign_id, opp.close_date.isoformat()) == (
        world.rep,
        world.webinar,
        "2026-12-31",
    )
    assert _roles(engine, opp.id) == {
        world.bob: (None, True),
        world.jane: ("Decision Maker", False),
    }
    assert opp.contact_lifecycles == ("Opportunity", "Opportunity")
    assert _no_opp_queue(engine, world.rep) == {world.globex_contact}
    assert history(engine, "contact", world.bob, "lifecycle_stage")[-1] == (
        "Sales Accepted",
        "Opportunity",
        f"new opportunity {opp.id} for contact(s) {world.bob}, {world.jane}",
    )


def test_a_new_opportunity_refuses_what_it_cannot_be(engine):
    world = build_opp_world(engine)
    cases = [
        (dict(contact_ids=[world.jane, world.globex_contact]), "belongs to one account"),
        (dict(contact_ids=[]), "at least one contact"),
        (dict(contact_ids=[999]), "no active contact 999"),
        (dict(contact_ids=[world.jane], campaign="Nope"), "no campaign 'Nope'"),
        (dict(contact_ids=[world.jane], roles={world.jane: "Boss"}), "unknown contact role"),
        (dict(contact_ids=[world.jane], close_date=NOW.date() - timedelta(days=1)), "passed"),
    ]
    for values, message in cases:
        with pytest.raises(StoreError, match=message):
            new_opportunity(engine, rep_id=world.rep, at=NOW, **values)
    with pytest.raises(PermissionDenied, match="other reps' contacts"):
        new_opportunity(engine, contact_ids=[world.kim], rep_id=world.rep, at=NOW)
    with Session(engine) as session:
        assert session.execute(select(Opportunity)).first() is None


def test_a_customer_getting_a_new_opportunity_stays_a_customer(engine):
    world = build_opp_world(engine, kim=False)
    first = new_opportunity(engine, contact_ids=[world.jane], rep_id=world.rep, at=NOW)
    move_opportunity(
        engine,
        opportunity_id=first.id,
        rep_id=world.rep,
        at=NOW,
        move=Move(stage="Closed Won", amount_cents=100),
    )
    second = new_opportunity(engine, contact_ids=[world.jane], rep_id=world.rep, at=NOW)
    assert second.contact_lifecycles == ("Customer",)


def test_roles_change_and_exactly_one_is_primary(engine):
    world = build_opp_world(engine)
    opp = new_opportunity(engine, contact_ids=[world.jane], rep_id=world.rep, at=NOW)
    added = set_contact_role(
        engine,
        opportunity_id=opp.id,
        contact_id=world.bob,
        role="Evaluator",
        rep_id=world.rep,
        at=NOW,
    )
    assert (added.added, added.is_primary, added.primary_contact_id) == (True, False, world.jane)
    assert stage_of(engine, world.bob) == "Opportunity"
    made = set_contact_role(
        engine, opportunity_id=opp.id, contact_id=world.bob, primary=True, rep_id=world.rep, at=NOW
    )
    assert (made.is_primary, made.role, made.primary_contact_id) == (True, "Evaluator", world.bob)
    assert _roles(engine, opp.id) == {world.jane: (None, False), world.bob: ("Evaluator", True)}
    changed = set_contact_role(
        engine,
        opportunity_id=opp.id,
        contact_id=world.jane,
        role="Economic Buyer",
        rep_id=world.rep,
        at=NOW,
    )
    assert (changed.added, changed.role, changed.is_primary) == (False, "Economic Buyer", False)
    with pytest.raises(OpportunityRefused, match="nothing to change"):
        set_contact_role(
            engine,
            opportunity_id=opp.id,
            contact_id=world.jane,
            role="economic buyer",
            rep_id=world.rep,
            at=NOW,
        )
    with pytest.raises(PermissionDenied, match="other reps' contacts"):
        set_contact_role(
            engine, opportunity_id=opp.id, contact_id=world.kim, rep_id=world.rep, at=NOW
        )
    assert history(engine, "opportunity", opp.id, "primary_contact_id")[-1][:2] == (
        str(world.jane),
        str(world.bob),
    )
    assert [h[1] for h in history(engine, "opportunity", opp.id, "contact_role")] == [
        f"contact {world.jane}: no role, primary",
        f"contact {world.bob}: Evaluator",
        f"contact {world.bob}: Evaluator, primary",
        f"contact {world.jane}: Economic Buyer",
    ]


def _customer(engine, world):
    opp = new_opportunity(engine, contact_ids=[world.jane], rep_id=world.rep, at=NOW)
    move_opportunity(
        engine,
        opportunity_id=opp.id,
        rep_id=world.rep,
        at=NOW,
        move=Move(stage="Closed Won", amount_cents=100_000),
    )
    return opp


def test_only_a_customer_contact_becomes_a_reference(engine):
    world = build_opp_world(engine, kim=False)
    with pytest.raises(OpportunityRefused, match="only a customer's contact can be a reference"):
        set_reference(engine, contact_id=world.jane, kind="public", rep_id=world.rep, at=NOW)
    _customer(engine, world)
    made = set_reference(engine, contact_id=world.jane, kind="Private", rep_id=world.rep, at=NOW)
    assert (made.reference_type, made.lifecycle_stage) == ("private", "Reference")
    with Session(engine) as session:
        assert session.get(Contact, world.jane).is_reference
    with pytest.raises(OpportunityRefused, match="public, private or none"):
        set_reference(engine, contact_id=world.jane, kind="loud", rep_id=world.rep, at=NOW)
    undone = set_reference(engine, contact_id=world.jane, kind="none", rep_id=world.rep, at=NOW)
    assert (undone.reference_type, undone.lifecycle_stage) == (None, "Customer")
    assert [h[:2] for h in history(engine, "contact", world.jane, "reference_type")] == [
        (None, "private"),
        ("private", None),
    ]
    with pytest.raises(PermissionDenied):
        set_reference(engine, contact_id=world.jane, kind="public", rep_id=world.other_rep, at=NOW)


def test_each_use_is_logged_and_overuse_warns(engine):
    world = build_opp_world(engine, kim=False)
    opp = _customer(engine, world)
    with pytest.raises(OpportunityRefused, match="is not a reference"):
        use_reference(engine, contact_id=world.jane, note="call", rep_id=world.rep, at=NOW)
    set_reference(engine, contact_id=world.jane, kind="public", rep_id=world.rep, at=NOW)
    last_quarter = NOW - timedelta(days=60)  # 2026-09-24: the third quarter
    use_reference(
        engine, contact_id=world.jane, note="Case study", rep_id=world.rep, at=last_quarter
    )
    uses = [
        use_reference(
            engine,
            contact_id=world.jane,
            note=f"Call {n}",
            opportunity_id=opp.id,
            rep_id=world.other_rep if n % 2 else world.rep,
            limit=3,
            at=NOW + timedelta(minutes=n),
        )
        for n in range(4)
    ]
    assert [u.uses_this_quarter for u in uses] == [1, 2, 3, 4]
    assert [u.uses for u in uses] == [2, 3, 4, 5]  # counted by the database's trigger
    assert [u.warning is not None for u in uses] == [False, False, False, True]
    assert "4 times this quarter, over the limit of 3" in (uses[-1].warning or "")
    with Session(engine) as session:
        rows = session.execute(select(ReferenceUse).order_by(col(ReferenceUse.id))).scalars()
        assert [(u.rep_id, u.opportunity_id, u.note) for u in rows][-2:] == [
            (world.rep, opp.id, "Call 2"),
            (world.other_rep, opp.id, "Call 3"),
        ]
    with pytest.raises(OpportunityRefused, match="no opportunity 999"):
        use_reference(
            engine, contact_id=world.jane, note="x", opportunity_id=999, rep_id=world.rep, at=NOW
        )
    for sql, match in (
        ("DELETE FROM reference_use", "DELETE on reference_use"),
        ("UPDATE reference_use SET note = 'x'", "UPDATE on reference_use"),
    ):
        with pytest.raises(DBAPIError, match=match), engine.begin() as connection:
            connection.execute(text(sql))


def test_the_card_says_what_kind_of_reference_and_how_used(engine):
    from workstation.store.calling.card import record_card

    world = build_opp_world(engine, kim=False)
    _customer(engine, world)

    def shown() -> str:
        with Session(engine) as session:
            card = record_card(session, "contact", world.jane)
            assert card is not None
            return dict(card.fields)["Reference"]

    assert shown() == "no"
    set_reference(engine, contact_id=world.jane, kind="private", rep_id=world.rep, at=NOW)
    use_reference(engine, contact_id=world.jane, note="Call", rep_id=world.rep, at=NOW)
    assert shown() == "private calls only · used 1 time(s)"


def test_a_new_opportunity_moves_its_contacts_known_leads_to_current_opportunity(engine):
    """A new inquiry from a known contact waits as "Contact – No Opportunity" (lifecycle's
    `lead.contact_id`); once the contact has an open opportunity it goes to that
    opportunity's owner as "Contact – Current Opportunity", out of the calling queues."""
    world = build_opp_world(engine)
    with Session(engine) as session:
        waiting = insert_lead(
            session, contact_id=world.jane, status=CONTACT_NO_OPP, owner_id=world.rep
        )
        pooled = insert_lead(session, contact_id=world.jane, status=CONTACT_NO_OPP)
        elsewhere = insert_lead(
            session, contact_id=world.globex_contact, status=CONTACT_NO_OPP, owner_id=world.rep
        )
        session.commit()
    opp = new_opportunity(engine, contact_ids=[world.jane], rep_id=world.rep, at=NOW)
    with Session(engine) as session:
        leads = {i: session.get(Lead, i) for i in (waiting, pooled, elsewhere)}
        moved = {i: (lead.status, lead.is_open, lead.owner_id) for i, lead in leads.items()}
    assert moved == {
        waiting: (CONTACT_CURRENT_OPP, False, world.rep),
        pooled: (CONTACT_CURRENT_OPP, False, world.rep),
        elsewhere: (CONTACT_NO_OPP, True, world.rep),
    }
    assert history(engine, "lead", waiting, "status") == [
        (
            CONTACT_NO_OPP,
            CONTACT_CURRENT_OPP,
            f"new opportunity {opp.id} for contact(s) {world.jane}",
        )
    ]
