"""A campaign response from a person named by email or phone (issue 21): someone unknown
becomes a Name, marketing's, a responded member of the campaign with the move in the
history; someone known (the import's matching: email, then phone) responds as today, and a
rejected or nurtured one is reopened for sales."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.reject import reject
from workstation.store.lifecycle.campaigns import CampaignChanges, add_campaign
from workstation.store.marketing.responders import (
    Responder,
    ResponderRefused,
    record_person_response,
)
from workstation.store.models import CampaignMember, Contact, History, Lead


def _setup(engine) -> tuple[int, int]:
    with Session(engine) as session:
        manager = make_rep(session, "Mia Manager", role="manager")
        rep = make_rep(session, "Riley Rep")
        session.commit()
        manager_id, rep_id = manager.id, rep.id
    add_campaign(engine, changes=CampaignChanges(name="Expo"), rep_id=manager_id)
    return manager_id, rep_id


def _respond(engine, rep: int, **person):
    return record_person_response(
        engine, campaign="Expo", person=Responder(**person), status=None, rep_id=rep, at=NOW
    )


def test_an_unknown_person_who_responds_becomes_a_name(engine):
    manager, rep = _setup(engine)
    done = _respond(
        engine, rep, email="Nia@Newco.example", first_name="Nia", last_name="New",
        company="Newco", phone="+1 617 555 0199",
    )  # fmt: skip
    assert (done.kind, done.created, done.status, done.new_response, done.reopened) == (
        "lead", True, "Responded", True, False,
    )  # fmt: skip
    assert done.lifecycle_stage == "Name"
    with Session(engine) as session:
        lead = session.get(Lead, done.id)
        assert (lead.email, lead.phone, lead.first_name, lead.company) == (
            "nia@newco.example", "+16175550199", "Nia", "Newco",
        )  # fmt: skip
        assert (lead.lifecycle_stage, lead.is_open, lead.owner_id) == ("Name", False, None)
        member = session.execute(select(CampaignMember)).scalar_one()
        assert (member.lead_id, member.status, member.has_responded) == (done.id, "Responded", True)
        assert member.responded_at is not None
        history = session.execute(
            select(History.field, History.new_value, History.reason).where(
                History.entity == "lead", History.entity_id == done.id
            )
        ).all()
    assert history == [
        ("lifecycle_stage", "Name", "responded to campaign Expo (Responded): a new Name")
    ]
    # The same person again, by email in other letters, then by phone alone: no second Name
    # (the pool's: a manager logs those, as for any pool lead).
    again = _respond(engine, manager, email="NIA@newco.example")
    by_phone = _respond(engine, manager, phone="(617) 555-0199")
    assert (again.id, again.created, again.new_response) == (done.id, False, False)
    assert (by_phone.id, by_phone.created) == (done.id, False)
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Lead)).scalar() == 1


def test_a_name_needs_no_last_name_but_an_email_or_phone(engine):
    _, rep = _setup(engine)
    done = _respond(engine, rep, email="anon@example.com")
    with Session(engine) as session:
        assert session.get(Lead, done.id).last_name == "[not provided]"
    with pytest.raises(ResponderRefused, match="an email or a phone"):
        _respond(engine, rep, first_name="Nobody")
    with pytest.raises(ResponderRefused, match="not logged"):
        _respond(engine, rep, email="not an email")


def test_a_known_person_responds_as_before_and_comes_back(engine):
    manager, rep = _setup(engine)
    with Session(engine) as session:
        lead = make_lead(session, owner_id=rep, email="kim@acme.example", phone="+16175550100")
        contact = Contact(last_name="Doe", email="doe@acme.example", lifecycle_stage="Nurture")
        session.add(contact)
        session.commit()
        lead_id, contact_id = lead.id, contact.id
    reject(engine, kind="lead", record_id=lead_id, reason="No need right now", rep_id=rep, at=NOW)
    came = _respond(engine, rep, phone="617-555-0100", last_name="Someone Else")
    assert (came.kind, came.id, came.created, came.reopened) == ("lead", lead_id, False, True)
    assert came.lifecycle_stage == "Marketing Qualified"
    known = _respond(engine, manager, email="DOE@acme.example")
    assert (known.kind, known.id, known.created, known.reopened) == (
        "contact", contact_id, False, True,
    )  # fmt: skip
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Lead)).scalar() == 1
        assert session.get(Lead, lead_id).last_name != "Someone Else"  # nothing merged
