"""Lifecycle moves a person makes (DESIGN.md "Lifecycle stage"): forward free, backward
with a reason, the same rules for leads and contacts, contacts-only stages, detours reached
by their own actions, a put-aside person reopened with a reason; history for each."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.reject import reject
from workstation.store.changes import ChangeRefused
from workstation.store.conversion.rules import LeadReadOnly
from workstation.store.lifecycle.stages import StageRefused, funnel_stages, move_stage
from workstation.store.models import Contact, History, Lead
from workstation.store.permissions import PermissionDenied


def _people(engine, **lead_values):
    with Session(engine) as session:
        rep = make_rep(session, "Riley Rep")
        other = make_rep(session, "Other Rep")
        lead = make_lead(
            session, owner_id=rep.id, lifecycle_stage="Marketing Qualified", **lead_values
        )
        contact = Contact(last_name="Doe", owner_id=rep.id, lifecycle_stage="Sales Accepted")
        session.add(contact)
        session.commit()
        return rep.id, other.id, lead.id, contact.id


def _history(engine, entity, entity_id):
    with Session(engine) as session:
        return session.execute(
            select(History.field, History.old_value, History.new_value, History.reason)
            .where(History.entity == entity, History.entity_id == entity_id)
            .order_by(History.id)
        ).all()


def test_accepting_and_qualifying_a_lead_moves_it_forward_with_history(engine):
    rep, _, lead, _ = _people(engine)
    accepted = move_stage(
        engine, kind="lead", record_id=lead, stage="sales accepted", reason=None, rep_id=rep, at=NOW
    )
    assert (accepted.old_stage, accepted.new_stage) == ("Marketing Qualified", "Sales Accepted")
    move_stage(
        engine,
        kind="lead",
        record_id=lead,
        stage="Sales Qualified",
        reason=None,
        rep_id=rep,
        at=NOW,
    )
    assert _history(engine, "lead", lead) == [
        ("lifecycle_stage", "Marketing Qualified", "Sales Accepted", None),
        ("lifecycle_stage", "Sales Accepted", "Sales Qualified", None),
    ]


@pytest.mark.parametrize("kind", ["lead", "contact"])
def test_a_backward_move_needs_a_reason_for_leads_and_contacts(engine, kind):
    rep, _, lead, contact = _people(engine)
    record = lead if kind == "lead" else contact
    move_stage(
        engine,
        kind=kind,
        record_id=record,
        stage="Sales Qualified",
        reason=None,
        rep_id=rep,
        at=NOW,
    )
    with pytest.raises(ChangeRefused, match="needs a reason"):
        move_stage(
            engine, kind=kind, record_id=record, stage="Lead", reason="  ", rep_id=rep, at=NOW
        )
    moved = move_stage(
        engine,
        kind=kind,
        record_id=record,
        stage="Lead",
        reason="no project after all",
        rep_id=rep,
        at=NOW,
    )
    assert moved.new_stage == "Lead"
    assert _history(engine, kind, record)[-1] == (
        "lifecycle_stage",
        "Sales Qualified",
        "Lead",
        "no project after all",
    )


def test_only_contacts_reach_opportunity_customer_and_reference(engine):
    rep, _, lead, contact = _people(engine)
    with Session(engine) as session:
        assert "Opportunity" not in funnel_stages(session, kind="lead")
        assert funnel_stages(session, kind="contact")[-3:] == [
            "Opportunity",
            "Customer",
            "Reference",
        ]
    with pytest.raises(StageRefused, match="only contacts"):
        move_stage(
            engine, kind="lead", record_id=lead, stage="Customer", reason=None, rep_id=rep, at=NOW
        )
    assert (
        move_stage(
            engine,
            kind="contact",
            record_id=contact,
            stage="Opportunity",
            reason=None,
            rep_id=rep,
            at=NOW,
        ).new_stage
        == "Opportunity"
    )


def test_detours_unknown_stages_and_no_moves_are_refused_and_change_nothing(engine):
    rep, _, lead, _ = _people(engine)
    for stage, message in [
        ("Rejected", "reject it"),
        ("Nurture", "detour"),
        ("Shortlisted", "unknown"),
        ("Marketing Qualified", "already"),
    ]:
        with pytest.raises(StageRefused, match=message):
            move_stage(
                engine, kind="lead", record_id=lead, stage=stage, reason="x", rep_id=rep, at=NOW
            )
    assert _history(engine, "lead", lead) == []


def test_a_rep_moves_only_their_own_people_and_never_a_converted_lead(engine):
    rep, other, lead, _ = _people(engine)
    with pytest.raises(PermissionDenied):
        move_stage(
            engine,
            kind="lead",
            record_id=lead,
            stage="Sales Accepted",
            reason=None,
            rep_id=other,
            at=NOW,
        )
    with Session(engine) as session:
        converted = make_lead(
            session,
            owner_id=rep,
            is_converted=True,
            status="Qualified – Turned into Opportunity",
            is_open=False,
        )
        session.commit()
        converted_id = converted.id
    with pytest.raises(LeadReadOnly):
        move_stage(
            engine,
            kind="lead",
            record_id=converted_id,
            stage="Sales Accepted",
            reason=None,
            rep_id=rep,
            at=NOW,
        )


def test_moving_a_rejected_lead_back_reopens_it_with_the_reason(engine):
    rep, _, lead, _ = _people(engine)
    reject(engine, kind="lead", record_id=lead, reason="No need right now", rep_id=rep, at=NOW)
    with pytest.raises(StageRefused, match="needs a reason"):
        move_stage(
            engine,
            kind="lead",
            record_id=lead,
            stage="Sales Accepted",
            reason=None,
            rep_id=rep,
            at=NOW,
        )
    moved = move_stage(
        engine,
        kind="lead",
        record_id=lead,
        stage="Sales Accepted",
        reason="budget approved",
        rep_id=rep,
        at=NOW,
    )
    assert (moved.old_stage, moved.new_stage, moved.status) == (
        "Rejected",
        "Sales Accepted",
        "Open",
    )
    with Session(engine) as session:
        row = session.get(Lead, lead)
        assert (row.is_open, row.rejected_reason, row.attempt_count) == (True, None, 0)
    assert _history(engine, "lead", lead)[-2:] == [
        ("status", "Archived – Developing / Nurturing", "Open", "reopened: budget approved"),
        ("lifecycle_stage", "Rejected", "Sales Accepted", "reopened: budget approved"),
    ]
