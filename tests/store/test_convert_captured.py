"""The conversion reuses what the rep captured: the contact role from the script's
Authority answer, a new opportunity's typed terms, bulk conversion naming the leads and
those never qualified, and the records a conversion made, read back to open them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from tests.convert_factories import add, build_world
from tests.factories import NOW
from workstation.store.conversion.captured import never_qualified, role_from_answers
from workstation.store.conversion.convert import bulk_convert, convert_lead
from workstation.store.conversion.plan import plan_conversion
from workstation.store.conversion.records import converted_records
from workstation.store.conversion.rules import ConversionChoices, ConversionRefused
from workstation.store.conversion.terms import parse_amount, parse_close_date
from workstation.store.models import Activity, Opportunity, OpportunityContactRole

TODAY = NOW.date()


def _answered(engine, lead_id: int, rep_id: int, *answers: dict | None, reversed_last=False):
    with Session(engine) as session:
        calls = [
            add(
                session,
                Activity(
                    lead_id=lead_id, rep_id=rep_id, disposition="Connected – Qualified",
                    answers=given, occurred_at=NOW - timedelta(minutes=10 - n),
                ),
            )
            for n, given in enumerate(answers)
        ]  # fmt: skip
        if reversed_last:
            add(session, Activity(lead_id=lead_id, kind="note", reverses_id=calls[-1].id))
        session.commit()


@pytest.mark.parametrize(
    ("said", "role"),
    [("Decision maker", "Decision Maker"), ("influencer", "Influencer"), ("End user", "Other"),
     ("Someone", None)],
)  # fmt: skip
def test_the_role_is_the_one_the_latest_authority_answer_names(engine, said, role):
    world = build_world(engine)
    _answered(engine, world.lead, world.rep, {"authority": "Influencer"}, {"authority": said})
    with Session(engine) as session:
        assert role_from_answers(session, world.lead) == role


def test_an_undone_call_s_answer_and_a_lead_without_one_name_no_role(engine):
    world = build_world(engine)
    _answered(
        engine, world.lead, world.rep, {"authority": "Influencer"},
        {"authority": "Decision maker", "budget": True}, reversed_last=True,
    )  # fmt: skip
    with Session(engine) as session:
        assert role_from_answers(session, world.lead) == "Influencer"
        assert role_from_answers(session, world.fresh_lead) is None


def test_a_new_opportunity_takes_the_terms_typed(engine):
    world = build_world(engine)
    choices = ConversionChoices(
        opportunity_name="Acme – 40 seats", amount_cents=1_250_050, close_date=date(2027, 3, 1)
    )
    with Session(engine) as session:
        plan = plan_conversion(session, lead_id=world.lead, choices=choices, today=TODAY)
    opp = plan.opportunity
    assert (opp.name, opp.amount_cents, opp.close_date) == (
        "Acme – 40 seats", 1_250_050, date(2027, 3, 1),
    )  # fmt: skip
    result = convert_lead(engine, lead_id=world.lead, choices=choices, rep_id=world.rep, at=NOW)
    with Session(engine) as session:
        made = session.get(Opportunity, result.opportunity_id)
        assert (made.name, made.amount_cents, made.close_date) == (
            "Acme – 40 seats", 1_250_050, date(2027, 3, 1),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("choices", "said"),
    [
        (ConversionChoices(opportunity_name="  "), "needs a name"),
        (ConversionChoices(amount_cents=-1), r"\$0 to"),
        (ConversionChoices(close_date=TODAY - timedelta(days=1)), "has passed"),
        (ConversionChoices(close_date=TODAY + timedelta(days=4000)), "ten years"),
    ],
)
def test_terms_no_opportunity_can_have_are_refused(engine, choices, said):
    world = build_world(engine)
    with Session(engine) as session, pytest.raises(ConversionRefused, match=said):
        plan_conversion(session, lead_id=world.lead, choices=choices, today=TODAY)


@pytest.mark.parametrize(
    ("typed", "cents"), [("0", 0), ("1250", 125_000), ("$1,250.5", 125_050), (" 99.99 ", 9999)]
)
def test_amounts_read_as_typed(typed, cents):
    assert parse_amount(typed) == cents


@pytest.mark.parametrize("typed", ["", "-5", "1.234", "1,25", "ten", "$"])
def test_amounts_that_are_no_amount_are_refused(typed):
    with pytest.raises(ConversionRefused):
        parse_amount(typed)


def test_close_dates_read_as_typed():
    assert parse_close_date(" 2027-01-31 ", today=TODAY) == date(2027, 1, 31)
    with pytest.raises(ConversionRefused, match="not a date"):
        parse_close_date("31/01/2027", today=TODAY)


def test_bulk_conversion_names_the_leads_and_those_never_qualified(engine):
    world = build_world(engine)
    _answered(engine, world.fresh_lead, world.rep, {"authority": "Decision maker"})
    with Session(engine) as session:
        assert never_qualified(session, [world.lead, world.fresh_lead]) == [world.fresh_lead]
    summary = bulk_convert(
        engine, lead_ids=[world.lead, world.fresh_lead], rep_id=world.rep, at=NOW
    )
    assert summary.never_qualified == (world.fresh_lead,)
    assert summary.names == {
        world.lead: "Jane Doe (Acme)", world.fresh_lead: "Zed Quill (Initech LLC)",
    }  # fmt: skip
    fresh = next(r for r in summary.converted if r.lead_id == world.fresh_lead)
    with Session(engine) as session:
        role = session.exec(
            select(OpportunityContactRole).where(
                OpportunityContactRole.opportunity_id == fresh.opportunity_id
            )
        ).one()
        assert role.role == "Decision Maker"


def test_the_records_a_conversion_made_read_back_with_their_fields(engine):
    world = build_world(engine)
    choices = ConversionChoices(account="new", amount_cents=90_000, role="Evaluator")
    convert_lead(engine, lead_id=world.fresh_lead, choices=choices, rep_id=world.rep, at=NOW)
    with Session(engine) as session:
        views = converted_records(session, world.fresh_lead)
        assert converted_records(session, world.lead) == []  # not converted
    assert [v.kind for v in views] == ["account", "contact", "opportunity"]
    account, contact, opportunity = (dict(v.fields) for v in views)
    assert (account["Name"], account["Owner"]) == ("Initech LLC", "Riley Rep")
    assert (contact["Name"], contact["Email"], contact["Account"]) == (
        "Zed Quill", "zed@gmail.com", "Initech LLC",
    )  # fmt: skip
    assert (opportunity["Amount"], opportunity["Contact roles"]) == (
        "$900.00", "Zed Quill (Evaluator, primary)",
    )  # fmt: skip
