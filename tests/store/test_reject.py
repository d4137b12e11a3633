"""Rejecting by sales (seed 001): a reason from the list, out of the sales queues, into the
Rejected detour with the reason in the history, and nothing deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.convert_factories import build_world, snapshot
from tests.factories import NOW
from workstation.store.calling.queues import queue_count
from workstation.store.calling.reject import (
    REJECT_REASONS,
    RejectRefused,
    find_reason,
    reject,
)
from workstation.store.conversion.convert import convert_lead
from workstation.store.conversion.rules import ConversionRefused, LeadReadOnly
from workstation.store.models import Contact, History, Lead
from workstation.store.reference import BAD_DATA, NO_INTEREST, NURTURING


def test_every_reason_leads_to_a_closed_status():
    assert len({r.label.casefold() for r in REJECT_REASONS}) == len(REJECT_REASONS)
    assert {r.lead_status for r in REJECT_REASONS} == {BAD_DATA, NO_INTEREST, NURTURING}
    assert find_reason("  bogus FORM fill ").lead_status == BAD_DATA
    assert find_reason("No need right now").lead_status == NURTURING


@pytest.mark.parametrize(
    ("reason", "status"),
    [("Bogus form fill", BAD_DATA), ("No need right now", NURTURING)],
)
def test_a_rejected_lead_leaves_the_queue_and_keeps_its_history(engine, reason, status):
    world = build_world(engine)
    with Session(engine) as session:
        in_queue = queue_count(session, "my-leads", rep_id=world.rep)
        history_before = session.execute(select(func.count()).select_from(History)).scalar()
    result = reject(
        engine, kind="lead", record_id=world.lead, reason=reason, rep_id=world.rep, at=NOW
    )
    assert (result.status, result.lifecycle_stage, result.reason) == (status, "Rejected", reason)
    with Session(engine) as session:
        lead = session.get(Lead, world.lead)
        assert (lead.status, lead.is_open, lead.lifecycle_stage, lead.rejected_reason) == (
            status,
            False,
            "Rejected",
            reason,
        )
        assert queue_count(session, "my-leads", rep_id=world.rep) == in_queue - 1
        rows = session.execute(
            select(History.field, History.old_value, History.new_value, History.reason)
            .where(History.entity == "lead", History.entity_id == world.lead)
            .order_by(History.id)
        ).all()
        assert session.execute(select(func.count()).select_from(History)).scalar() == (
            history_before + 2
        )
    assert [tuple(r) for r in rows] == [
        ("status", "Contacted – Recent Activity", status, f"rejected by sales: {reason}"),
        ("lifecycle_stage", "Sales Qualified", "Rejected", f"rejected by sales: {reason}"),
    ]


def test_a_rejected_contact_keeps_everything_but_its_callback(engine):
    world = build_world(engine)
    with Session(engine) as session:
        jane = session.get(Contact, world.jane)
        jane.callback_at = NOW
        session.commit()
    before = snapshot(engine)
    reject(
        engine,
        kind="contact",
        record_id=world.jane,
        reason="Job seeker, not a buyer",
        rep_id=world.other_rep,  # Jane's owner: a rep rejects only their own records
    )
    after = snapshot(engine)
    assert {t: len(rows) for t, rows in after.items()} == {
        t: len(rows) + (1 if t == "history" else 0) for t, rows in before.items()
    }
    with Session(engine) as session:
        jane = session.get(Contact, world.jane)
        assert (jane.lifecycle_stage, jane.rejected_reason, jane.callback_at, jane.active) == (
            "Rejected",
            "Job seeker, not a buyer",
            None,
            True,
        )
        assert jane.version == 2


def test_refusals_change_nothing(engine):
    world = build_world(engine)
    reject(engine, kind="lead", record_id=world.fresh_lead, reason="Bogus form fill", rep_id=None)
    converted = convert_lead(engine, lead_id=world.lead, rep_id=world.rep)
    before = snapshot(engine)
    with pytest.raises(RejectRefused, match="unknown reason 'meh'; pick one of: Bogus form fill"):
        reject(engine, kind="lead", record_id=world.lead, reason="meh", rep_id=None)
    with pytest.raises(RejectRefused, match="already rejected \\(Bogus form fill\\)"):
        reject(
            engine, kind="lead", record_id=world.fresh_lead, reason="No need right now", rep_id=None
        )
    with pytest.raises(LeadReadOnly, match="is read-only"):
        reject(engine, kind="lead", record_id=world.lead, reason="No need right now", rep_id=None)
    with pytest.raises(RejectRefused, match="no contact 9999"):
        reject(engine, kind="contact", record_id=9999, reason="No need right now", rep_id=None)
    with pytest.raises(RejectRefused, match="no lead 9999"):
        reject(engine, kind="lead", record_id=9999, reason="No need right now", rep_id=None)
    with pytest.raises(RejectRefused, match="only a lead or a contact"):
        reject(
            engine, kind="account", record_id=world.acme, reason="No need right now", rep_id=None
        )
    assert snapshot(engine) == before
    # Its contact can still be rejected; the converted lead stays as it was.
    reject(
        engine,
        kind="contact",
        record_id=converted.contact_id,
        reason="No need right now",
        rep_id=None,
    )
    with pytest.raises(ConversionRefused, match="rejected by sales"):
        convert_lead(engine, lead_id=world.fresh_lead, rep_id=None)
