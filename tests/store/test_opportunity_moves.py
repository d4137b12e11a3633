"""Opportunities that move (issue 20 item 1, seed 001): stage and probability, amount,
close date, next step, Closed Won / Lost with a reason, reopened with one, rejected by
sales; customers made and unmade by won opportunities; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from tests.factories import NOW
from tests.opportunity_factories import build_opp_world, history, stage_of
from workstation.store.conversion.rules import ConversionRefused
from workstation.store.lifecycle.moves import Move, move_opportunity, reject_opportunity
from workstation.store.lifecycle.new_opportunity import new_opportunity
from workstation.store.lifecycle.rules import OpportunityRefused
from workstation.store.models import Opportunity, Rep
from workstation.store.permissions import PermissionDenied


def _open(engine, world, *contacts, **values):
    return new_opportunity(
        engine, contact_ids=list(contacts) or [world.jane], rep_id=world.rep, at=NOW, **values
    )


def _move(engine, opportunity_id, rep_id, **values):
    version = values.pop("version", None)
    return move_opportunity(
        engine,
        opportunity_id=opportunity_id,
        move=Move(**values),
        rep_id=rep_id,
        version=version,
        at=NOW,
    )


def test_the_probability_follows_the_stage_and_stays_editable(engine):
    world = build_opp_world(engine)
    opp = _open(engine, world)
    moved = _move(engine, opp.id, world.rep, stage="proposal")
    assert (moved.stage, moved.probability, moved.is_closed) == ("Proposal", 50, False)
    moved = _move(engine, opp.id, world.rep, probability=60, next_step="Send the quote")
    assert (moved.stage, moved.probability, moved.next_step) == ("Proposal", 60, "Send the quote")
    moved = _move(engine, opp.id, world.rep, stage="Negotiation", probability=80)
    assert moved.probability == 80
    assert history(engine, "opportunity", opp.id, "stage") == [
        (None, "Qualification", f"new opportunity {opp.id} for contact(s) {world.jane}"),
        ("Qualification", "Proposal", None),
        ("Proposal", "Negotiation", None),
    ]
    assert [h[:2] for h in history(engine, "opportunity", opp.id, "probability")] == [
        ("0", "50"),
        ("50", "60"),
        ("60", "80"),
    ]
    assert history(engine, "opportunity", opp.id, "next_step") == [(None, "Send the quote", None)]


def test_amount_close_date_and_next_step_move_with_history(engine):
    world = build_opp_world(engine)
    opp = _open(engine, world)
    later = NOW.date() + timedelta(days=40)
    moved = _move(engine, opp.id, world.rep, amount_cents=125_050, close_date=later, next_step="")
    assert (moved.amount_cents, moved.close_date) == (125_050, later)
    assert history(engine, "opportunity", opp.id, "amount_cents") == [("0", "125050", None)]
    with pytest.raises(ConversionRefused, match=r"\$0 to"):
        _move(engine, opp.id, world.rep, amount_cents=-1)
    with pytest.raises(OpportunityRefused, match="ten years"):
        _move(engine, opp.id, world.rep, close_date=date(2040, 1, 1))
    with pytest.raises(OpportunityRefused, match="nothing to change"):
        _move(engine, opp.id, world.rep, amount_cents=125_050)
    with pytest.raises(OpportunityRefused, match="unknown stage 'Won'; stages: Qualification"):
        _move(engine, opp.id, world.rep, stage="Won")
    with pytest.raises(OpportunityRefused, match="0 to 100"):
        _move(engine, opp.id, world.rep, probability=101)


def test_closed_lost_needs_a_reason_and_a_closed_stage_keeps_its_probability(engine):
    world = build_opp_world(engine)
    opp = _open(engine, world)
    with pytest.raises(OpportunityRefused, match="Closed Lost needs a reason"):
        _move(engine, opp.id, world.rep, stage="Closed Lost")
    with pytest.raises(OpportunityRefused, match="Closed Won opportunity's probability is 100"):
        _move(engine, opp.id, world.rep, stage="Closed Won", probability=50)
    lost = _move(engine, opp.id, world.rep, stage="Closed Lost", reason="Went with a rival")
    assert (lost.is_closed, lost.is_won, lost.probability, lost.closed_reason) == (
        True,
        False,
        0,
        "Went with a rival",
    )
    with pytest.raises(OpportunityRefused, match="reopening a Closed Lost opportunity needs"):
        _move(engine, opp.id, world.rep, stage="Proposal")
    back = _move(engine, opp.id, world.rep, stage="Proposal", reason="They called back")
    assert (back.is_closed, back.closed_reason, back.probability) == (False, None, 50)
    assert history(engine, "opportunity", opp.id, "closed_reason") == [
        (None, "Went with a rival", "Went with a rival"),
        ("Went with a rival", None, "They called back"),
    ]


def test_won_at_a_dollar_makes_a_customer_and_reopening_takes_it_back(engine):
    world = build_opp_world(engine, kim=False)
    opp = _open(engine, world, world.jane)  # Jane moves on to Opportunity
    assert (stage_of(engine, world.jane), stage_of(engine, world.bob)) == (
        "Opportunity",
        "Sales Accepted",
    )
    won_free = _move(engine, opp.id, world.rep, stage="Closed Won")
    assert not won_free.account_is_customer and won_free.contacts_moved == ()  # $0 is no sale
    won = _move(engine, opp.id, world.rep, amount_cents=100_000)
    assert won.account_is_customer
    assert {(m.contact_id, m.old, m.new) for m in won.contacts_moved} == {
        (world.jane, "Opportunity", "Customer"),
        (world.bob, "Sales Accepted", "Customer"),
    }
    assert stage_of(engine, world.globex_contact) == "Sales Accepted"  # another account
    reopened = _move(engine, opp.id, world.rep, stage="Negotiation", reason="Contract voided")
    assert not reopened.account_is_customer
    assert (stage_of(engine, world.jane), stage_of(engine, world.bob)) == (
        "Opportunity",
        "Sales Accepted",
    )
    assert history(engine, "contact", world.bob, "lifecycle_stage")[-2:] == [
        (
            "Sales Accepted",
            "Customer",
            f"account {world.acme} became a customer: opportunity {opp.id} won",
        ),
        (
            "Customer",
            "Sales Accepted",
            f"account {world.acme} is no longer a customer: "
            f"opportunity {opp.id} is Negotiation now",
        ),
    ]


def test_another_won_opportunity_keeps_the_account_a_customer(engine):
    world = build_opp_world(engine, kim=False)
    first, second = _open(engine, world), _open(engine, world, world.bob)
    for opp in (first, second):
        _move(engine, opp.id, world.rep, stage="Closed Won", amount_cents=500)
    still = _move(engine, first.id, world.rep, stage="Proposal", reason="Reopened")
    assert still.account_is_customer and still.contacts_moved == ()
    assert stage_of(engine, world.jane) == "Customer"


def test_a_rep_whose_win_would_move_another_reps_contact_is_refused(engine):
    world = build_opp_world(engine)  # Kim, at Acme, is Pat's
    opp = _open(engine, world)
    with pytest.raises(OpportunityRefused, match=r"contacts \d+ are other reps'.*nothing"):
        _move(engine, opp.id, world.rep, stage="Closed Won", amount_cents=100)
    with Session(engine) as session:
        assert session.get(Opportunity, opp.id).stage == "Qualification"
    won = _move(engine, opp.id, world.manager, stage="Closed Won", amount_cents=100)
    assert stage_of(engine, world.kim) == "Customer" and won.account_is_customer


def test_rejected_by_sales_is_kept_flagged_and_frozen(engine):
    world = build_opp_world(engine, kim=False)
    opp = _open(engine, world)
    _move(engine, opp.id, world.rep, stage="Closed Won", amount_cents=100)
    with pytest.raises(OpportunityRefused, match="reason for rejecting it is needed"):
        reject_opportunity(engine, opportunity_id=opp.id, reason="  ", rep_id=world.rep, at=NOW)
    rejected = reject_opportunity(
        engine, opportunity_id=opp.id, reason="Bogus order", rep_id=world.rep, at=NOW
    )
    assert (rejected.is_rejected, rejected.stage, rejected.is_closed, rejected.is_won) == (
        True,
        "Closed Lost",
        True,
        False,
    )
    # A rejected won deal makes no customer.
    assert not rejected.account_is_customer and stage_of(engine, world.jane) == "Opportunity"
    assert history(engine, "opportunity", opp.id, "is_rejected") == [
        ("False", "True", "rejected by sales: Bogus order")
    ]
    for action in (
        lambda: _move(engine, opp.id, world.rep, stage="Proposal", reason="x"),
        lambda: reject_opportunity(
            engine, opportunity_id=opp.id, reason="again", rep_id=world.rep, at=NOW
        ),
    ):
        with pytest.raises(OpportunityRefused, match="rejected by sales \\(Bogus order\\)"):
            action()
    with pytest.raises(DBAPIError, match="never removed"), engine.begin() as connection:
        connection.execute(text("DELETE FROM opportunity"))


def test_a_stale_move_is_refused(engine):
    world = build_opp_world(engine)
    opp = _open(engine, world)
    _move(engine, opp.id, world.rep, stage="Proposal", version=1)
    with pytest.raises(OpportunityRefused, match="changed meanwhile"):
        _move(engine, opp.id, world.rep, amount_cents=5, version=1)


def test_reps_move_their_own_opportunities_and_inactive_reps_nothing(engine):
    world = build_opp_world(engine)
    opp = _open(engine, world)
    with pytest.raises(PermissionDenied, match="only managers may move other reps' opport"):
        _move(engine, opp.id, world.other_rep, stage="Proposal")
    assert _move(engine, opp.id, world.manager, stage="Proposal").stage == "Proposal"
    with Session(engine) as session:
        session.get(Rep, world.rep).active = False
        session.commit()
    with pytest.raises(PermissionDenied, match="no longer an active rep"):
        _move(engine, opp.id, world.rep, stage="Negotiation")
    with pytest.raises(OpportunityRefused, match="no opportunity 999"):
        _move(engine, 999, world.manager, stage="Negotiation")
