"""Editing fields: validation, history, and no lost update when two reps save at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.factories import make_lead, make_rep
from workstation.store.calling.edits import InvalidValue, StaleRecord, save_fields
from workstation.store.models import Contact, History, Lead


@pytest.fixture
def lead(engine):
    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, owner_id=rep.id, first_name="Ann", email="ann@old.example")
        session.commit()
        return rep.id, lead.id


def test_save_validates_normalises_and_logs(engine, lead):
    rep, lead_id = lead
    saved = save_fields(
        engine,
        rep_id=rep,
        kind="lead",
        record_id=lead_id,
        expected_version=1,
        changes={"email": " Ann@New.Example ", "phone": "(415) 555-0100", "first_name": "Anne"},
    )
    assert saved.version == 2 and saved.changed == ["email", "first_name", "phone", "time_zone"]
    with Session(engine) as session:
        row = session.get(Lead, lead_id)
        assert (row.email, row.phone, row.time_zone) == (
            "ann@new.example",
            "+14155550100",
            "America/Los_Angeles",
        )
        fields = (
            session.execute(select(History.field).where(History.entity_id == lead_id))
            .scalars()
            .all()
        )
        assert sorted(fields) == ["email", "first_name", "phone", "time_zone"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, "email 'not-an-email' is not valid"),
        ({"phone": "12"}, "phone '12'"),
        ({"company": "   "}, "company cannot be empty"),
        ({"status": "Bad Data"}, "'status' cannot be edited here"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(engine, lead, changes, message):
    rep, lead_id = lead
    with pytest.raises(InvalidValue, match=message):
        save_fields(
            engine, rep_id=rep, kind="lead", record_id=lead_id, expected_version=1, changes=changes
        )
    with Session(engine) as session:
        assert session.get(Lead, lead_id).version == 1


def test_second_save_from_a_stale_read_is_refused(engine, lead):
    rep, lead_id = lead
    save_fields(
        engine,
        rep_id=rep,
        kind="lead",
        record_id=lead_id,
        expected_version=1,
        changes={"title": "CFO"},
    )
    with pytest.raises(StaleRecord, match="saved by someone else"):
        save_fields(
            engine,
            rep_id=rep,
            kind="lead",
            record_id=lead_id,
            expected_version=1,
            changes={"title": "CEO"},
        )
    with Session(engine) as session:
        assert session.get(Lead, lead_id).title == "CFO"


@pytest.fixture
def brisbane(engine):
    """An Australian lead in Queensland (no daylight saving), called on its Brisbane line."""
    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(
            session,
            owner_id=rep.id,
            phone="+61731213085",
            state="QLD",
            country="AU",
            time_zone="Australia/Brisbane",
        )
        session.commit()
        return rep.id, lead.id


def _saved(engine, rep_id, lead_id, changes, version=1):
    save_fields(
        engine,
        rep_id=rep_id,
        kind="lead",
        record_id=lead_id,
        expected_version=version,
        changes=changes,
    )
    with Session(engine) as session:
        row = session.get(Lead, lead_id)
        return row.phone, row.time_zone


def test_a_phone_is_read_as_the_records_country_writes_it(engine, brisbane):
    rep, lead_id = brisbane
    phone, zone = _saved(engine, rep, lead_id, {"phone": "07 3121 3085"})
    assert (phone, zone) == ("+61731213085", "Australia/Brisbane")


def test_the_time_zone_follows_the_address_before_the_phone(engine, brisbane):
    rep, lead_id = brisbane
    # Clearing the phone keeps Queensland's zone (Sydney is an hour off in December).
    assert _saved(engine, rep, lead_id, {"phone": ""}) == (None, "Australia/Brisbane")
    # A move to Victoria takes Melbourne's zone, typed however the rep types it.
    _, zone = _saved(engine, rep, lead_id, {"state": "Victoria"}, version=2)
    assert zone == "Australia/Melbourne"
    # With no state, a one-zone country gives its zone, else the phone's does.
    _, zone = _saved(engine, rep, lead_id, {"state": "", "country": "Germany"}, version=3)
    assert zone == "Europe/Berlin"


def test_the_record_fields_are_edited_as_an_import_reads_them(engine, lead):
    rep, lead_id = lead
    with Session(engine) as session:
        contact = Contact(last_name="Doe", owner_id=rep)
        session.add(contact)
        session.commit()
        contact_id = contact.id
    changes = {"phone": "(415) 555-0100 x972", "mobile_phone": "415.555.0199",
               "street": "1 Main St", "city": "Austin", "postal_code": "78701",
               "description": "Wants a demo.\r\nCall after 3pm."}  # fmt: skip
    save_fields(
        engine, rep_id=rep, kind="lead", record_id=lead_id, expected_version=1,
        changes=changes | {"account_type": "Prospect"},
    )  # fmt: skip
    save_fields(
        engine, rep_id=rep, kind="contact", record_id=contact_id, expected_version=1,
        changes=changes | {"phone_extension": "12"},  # an extension typed wins
    )  # fmt: skip
    with Session(engine) as session:
        for record, extension in ((session.get(Lead, lead_id), "972"),
                                  (session.get(Contact, contact_id), "12")):  # fmt: skip
            assert (record.phone, record.phone_extension, record.mobile_phone) == (
                "+14155550100",
                extension,
                "+14155550199",
            )
            assert (record.street, record.city, record.postal_code) == (
                "1 Main St",
                "Austin",
                "78701",
            )
            assert record.description == "Wants a demo.\nCall after 3pm."
        assert session.get(Lead, lead_id).account_type == "Prospect"
    with pytest.raises(InvalidValue, match="postal code is 21 characters long; at most 20"):
        save_fields(
            engine, rep_id=rep, kind="contact", record_id=contact_id, expected_version=2,
            changes={"postal_code": "9" * 21},
        )  # fmt: skip
    with pytest.raises(InvalidValue, match="not a phone number"):
        save_fields(
            engine, rep_id=rep, kind="contact", record_id=contact_id, expected_version=2,
            changes={"mobile_phone": "call me"},
        )  # fmt: skip


def test_an_edit_the_score_does_not_read_leaves_the_score_alone(engine, lead):
    """Correcting an email reads no score rule: only the fields the score reads (title,
    industry, size, place, source, type) rescore the record."""
    from sqlalchemy import event

    rep, lead_id = lead
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, sql, *_a: sent.append(sql))
    save_fields(engine, rep_id=rep, kind="lead", record_id=lead_id, expected_version=1,
                changes={"email": "fixed@example.com"})  # fmt: skip
    assert sent and not [sql for sql in sent if "FROM score_rule" in sql]
