"""Records that refuse a call: rejected, converted and closed ones, and do-not-call people
without an explicit confirmation. A refused call writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store import reference
from workstation.store.calling.dispositions import CallRefused, DoNotCallRefused, log_call
from workstation.store.calling.reject import reject
from workstation.store.conversion.convert import convert_lead
from workstation.store.models import Activity, Contact, Lead


@pytest.fixture
def rep_and_lead(engine):
    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, owner_id=rep.id)
        session.commit()
        return rep.id, lead.id


def _calls(engine) -> int:
    with Session(engine) as session:
        return session.execute(
            select(func.count()).select_from(Activity).where(Activity.kind == "call")
        ).scalar_one()


def _lead(engine, lead_id) -> Lead:
    with Session(engine) as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        return lead


def test_a_rejected_lead_refuses_a_call(engine, rep_and_lead):
    rep, lead_id = rep_and_lead
    reject(engine, kind="lead", record_id=lead_id, reason="Bogus form fill", rep_id=rep, at=NOW)
    before = _lead(engine, lead_id)
    with pytest.raises(CallRefused, match=r"rejected by sales \(Bogus form fill\)"):
        log_call(engine, rep_id=rep, lead_id=lead_id, disposition="5", now=NOW)
    after = _lead(engine, lead_id)
    assert _calls(engine) == 0
    assert (after.status, after.attempt_count, after.version) == (
        before.status,
        before.attempt_count,
        before.version,
    )


def test_a_converted_lead_refuses_a_call(engine, rep_and_lead):
    rep, lead_id = rep_and_lead
    contact = convert_lead(engine, lead_id=lead_id, rep_id=rep, at=NOW).contact_id
    with pytest.raises(CallRefused, match=f"on contact {contact}"):
        log_call(engine, rep_id=rep, lead_id=lead_id, disposition="1", now=NOW)
    assert _calls(engine) == 0


@pytest.mark.parametrize("closing", ["2", "7", "8"])
def test_a_closed_lead_refuses_every_call_even_confirmed(engine, rep_and_lead, closing):
    """Not interested, bad data and do-not-call close the lead: a later call (a Qualified
    one reopened it before, do-not-call or not) is refused, confirmation or none."""
    rep, lead_id = rep_and_lead
    log_call(engine, rep_id=rep, lead_id=lead_id, disposition=closing, now=NOW)
    closed = _lead(engine, lead_id)
    qualified = {"rep_id": rep, "lead_id": lead_id, "disposition": "1", "now": NOW}
    for confirmed in (False, True):
        with pytest.raises(CallRefused, match=f"is closed \\({closed.status}\\)"):
            log_call(engine, **qualified, confirm_do_not_call=confirmed)
    after = _lead(engine, lead_id)
    assert (after.status, after.is_open, after.version) == (
        closed.status,
        False,
        closed.version,
    )
    assert _calls(engine) == 1


def test_a_do_not_call_lead_needs_the_callers_confirmation(engine, rep_and_lead):
    rep, lead_id = rep_and_lead
    with Session(engine) as session:
        session.get(Lead, lead_id).do_not_call = True
        session.commit()
    with pytest.raises(DoNotCallRefused, match="do-not-call: confirm"):
        log_call(engine, rep_id=rep, lead_id=lead_id, disposition="1", now=NOW)
    assert _calls(engine) == 0 and _lead(engine, lead_id).status == reference.DEFAULT_STATUS
    logged = log_call(
        engine, rep_id=rep, lead_id=lead_id, disposition="1", now=NOW, confirm_do_not_call=True
    )
    assert logged.do_not_call and logged.status == reference.CONTACTED
    assert _calls(engine) == 1


def _contact(engine, rep_id: int, **values) -> int:
    with Session(engine) as session:
        contact = Contact(last_name="Known", owner_id=rep_id, **values)
        session.add(contact)
        session.commit()
        assert contact.id is not None
        return contact.id


@pytest.mark.parametrize(
    ("values", "why"),
    [
        ({"lifecycle_stage": "Rejected", "rejected_reason": "Student, not a business"},
         r"rejected by sales \(Student, not a business\)"),
        ({"lifecycle_stage": "Inactive"}, "is inactive"),
        ({"active": False}, "is inactive"),
    ],
)  # fmt: skip
def test_a_rejected_or_inactive_contact_refuses_a_call(engine, values, why):
    with Session(engine) as session:
        rep = make_rep(session).id
        session.commit()
    contact = _contact(engine, rep, **values)
    with pytest.raises(CallRefused, match=why):
        log_call(engine, rep_id=rep, contact_id=contact, disposition="5", now=NOW)
    assert _calls(engine) == 0


def test_a_do_not_call_contact_needs_the_callers_confirmation(engine):
    with Session(engine) as session:
        rep = make_rep(session).id
        session.commit()
    contact = _contact(engine, rep)
    log_call(engine, rep_id=rep, contact_id=contact, disposition="8", now=NOW)  # sets it
    with pytest.raises(DoNotCallRefused, match=f"contact {contact} is do-not-call"):
        log_call(engine, rep_id=rep, contact_id=contact, disposition="5", now=NOW)
    assert _calls(engine) == 1
    log_call(
        engine,
        rep_id=rep,
        contact_id=contact,
        disposition="5",
        now=NOW,
        confirm_do_not_call=True,
    )
    assert _calls(engine) == 2
