"""Conversions that must be refused with a clear message and write nothing (every row of
every table compared), the read-only rule for converted leads, and bulk conversion."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from tests.convert_factories import build_world, snapshot
from tests.factories import make_lead
from workstation.store.conversion.convert import ConversionResult, bulk_convert, convert_lead
from workstation.store.conversion.rules import (
    DEFAULTS,
    NEW,
    ConversionChoices,
    ConversionRefused,
    LeadReadOnly,
    ensure_editable,
)
from workstation.store.models import Lead, OpportunityContactRole
from workstation.store.reference import BAD_DATA


def _refused(engine, lead_id, choices=DEFAULTS, match=""):
    before = snapshot(engine)
    with pytest.raises(ConversionRefused, match=match):
        convert_lead(engine, lead_id=lead_id, choices=choices, rep_id=None)
    assert snapshot(engine) == before


def test_converting_twice_is_refused_and_changes_nothing(engine):
    world = build_world(engine)
    convert_lead(engine, lead_id=world.lead, rep_id=world.rep)
    _refused(engine, world.lead, match=f"lead {world.lead} is already converted")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"status": BAD_DATA, "is_open": False}, "was marked Bad Data"),
        (
            {"lifecycle_stage": "Rejected", "rejected_reason": "Bogus form fill"},
            "rejected by sales: Bogus form fill",
        ),
    ],
)
def test_a_lead_rejected_as_bogus_is_refused(engine, values, message):
    world = build_world(engine)
    with Session(engine) as session:
        lead = session.get(Lead, world.lead)
        for field, value in values.items():
            setattr(lead, field, value)
        session.commit()
    _refused(engine, world.lead, match=message)


def test_a_do_not_call_lead_needs_the_reps_confirmation(engine):
    world = build_world(engine)
    with Session(engine) as session:
        session.get(Lead, world.lead).do_not_call = True
        session.commit()
    _refused(engine, world.lead, match="is do-not-call: confirm")
    result = convert_lead(
        engine,
        lead_id=world.lead,
        choices=ConversionChoices(confirm_do_not_call=True),
        rep_id=world.rep,
    )
    assert result.contact_id == world.jane
    assert "do_not_call" in result.contact_filled  # the contact inherits the request


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        (
            lambda w: ConversionChoices(contact=w.other_contact, account=w.acme),
            "belongs to account",
        ),
        (lambda w: ConversionChoices(contact=w.jane, account=NEW), "not to the new account"),
        (lambda w: ConversionChoices(opportunity=w.closed_opportunity), "is closed"),
        (
            lambda w: ConversionChoices(account=w.other_account, opportunity=w.open_opportunity),
            "not to the chosen account",
        ),
        (
            lambda w: ConversionChoices(opportunity=w.open_opportunity, primary=True),
            "already has a primary contact \\(Bob Stone\\)",
        ),
        (lambda w: ConversionChoices(role="Chief Vibes Officer"), "unknown contact role"),
        (lambda w: ConversionChoices(campaign="Nope"), "no campaign 'Nope'"),
        (lambda w: ConversionChoices(account=99_999), "no account 99999"),
        (lambda w: ConversionChoices(opportunity="maybe"), "opportunity must be"),
    ],
)
def test_choices_that_break_a_rule_are_refused(engine, choices, message):
    world = build_world(engine)
    _refused(engine, world.lead, choices(world), match=message)


def test_an_unknown_lead_is_refused(engine):
    build_world(engine)
    _refused(engine, 424_242, match="no lead 424242")


def test_the_database_also_refuses_a_second_primary(engine):
    world = build_world(engine)
    with Session(engine) as session:
        session.add(
            OpportunityContactRole(
                opportunity_id=world.open_opportunity, contact_id=world.jane, is_primary=True
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()


def test_two_reps_converting_one_lead_convert_it_once(engine):
    world = build_world(engine)
    before = snapshot(engine)
    start = threading.Barrier(2)
    outcomes: list = []

    def convert_as(rep_id: int) -> None:
        start.wait()
        try:
            outcomes.append(convert_lead(engine, lead_id=world.lead, rep_id=rep_id))
        except ConversionRefused as refused:
            outcomes.append(refused)

    threads = [threading.Thread(target=convert_as, args=(r,)) for r in (world.rep, world.other_rep)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    converted = [o for o in outcomes if isinstance(o, ConversionResult)]
    refused = [str(o) for o in outcomes if isinstance(o, ConversionRefused)]
    assert len(converted) == 1 and len(refused) == 1
    assert "already converted" in refused[0]
    after = snapshot(engine)
    assert len(after["opportunity"]) == len(before["opportunity"]) + 1
    assert len(after["opportunity_contact_role"]) == len(before["opportunity_contact_role"]) + 1


def test_a_converted_lead_is_read_only(engine):
    world = build_world(engine)
    with Session(engine) as session:
        ensure_editable(session.get(Lead, world.lead))  # not converted yet: fine
    result = convert_lead(engine, lead_id=world.lead, rep_id=world.rep)
    with Session(engine) as session:
        lead = session.get(Lead, world.lead)
        with pytest.raises(LeadReadOnly, match=f"edit contact {result.contact_id} instead"):
            ensure_editable(lead)


def test_bulk_conversion_converts_each_lead_on_its_own(engine):
    world = build_world(engine)
    with Session(engine) as session:
        dnc = make_lead(session, company="Quiet Ltd", do_not_call=True, owner_id=world.rep).id
        session.commit()
    convert_lead(engine, lead_id=world.fresh_lead, rep_id=world.rep)
    summary = bulk_convert(
        engine, lead_ids=[world.lead, world.fresh_lead, dnc, world.lead], rep_id=world.rep
    )
    assert [r.lead_id for r in summary.converted] == [world.lead]
    assert [lead_id for lead_id, _ in summary.refused] == [world.fresh_lead, dnc]
    assert "already converted" in summary.refused[0][1]
    assert "do-not-call" in summary.refused[1][1]
    with Session(engine) as session:
        assert not session.get(Lead, dnc).is_converted
    confirmed = bulk_convert(engine, lead_ids=[dnc], rep_id=world.rep, confirm_do_not_call=True)
    assert [r.lead_id for r in confirmed.converted] == [dnc] and not confirmed.refused
