"""Working the queue on screen (#17 item 11): `next_lead` walks the queue it is given, contacts
are worked like leads (skip rules, attempt cap, callbacks, undo), and leads recycled to
Nurture are callable from the Nurture queue with a fresh set of attempts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store import reference
from workstation.store.calling.dispositions import CallRefused, log_call
from workstation.store.calling.next_lead import next_lead
from workstation.store.calling.undo import undo_last_call
from workstation.store.models import Contact, History, Lead
from workstation.store.values.rules import ATTEMPT_CAP

ZONE = "America/New_York"  # 10:00 there at NOW


def _rep(engine, **values) -> int:
    with Session(engine) as session:
        rep = make_rep(session, **values)
        session.commit()
        return rep.id


def _lead(engine, **values) -> int:
    values.setdefault("time_zone", ZONE)
    with Session(engine) as session:
        lead = make_lead(session, **values)
        session.commit()
        return lead.id


def _contact(engine, **values) -> int:
    values.setdefault("time_zone", ZONE)
    values.setdefault("last_name", "Contact")
    values.setdefault("assigned_at", NOW - timedelta(days=5))
    with Session(engine) as session:
        contact = Contact(**values)
        session.add(contact)
        session.commit()
        assert contact.id is not None
        return contact.id


def _recycled(engine, rep: int, **values) -> int:
    """A lead the attempt cap sent to Nurture."""
    values = {
        "attempt_count": ATTEMPT_CAP,
        "last_activity_at": NOW - timedelta(days=3),
        "status": reference.NURTURING,
        "is_open": False,
        "lifecycle_stage": "Nurture",
        **values,
    }
    return _lead(engine, owner_id=rep, **values)


@pytest.fixture
def every_queue(engine):
    """One rep with one record in each queue, and a pool lead better than all of them."""
    rep = _rep(engine)
    ids = {
        "my-leads": _lead(engine, owner_id=rep, score=10),
        "callbacks": _lead(engine, owner_id=rep, score=1, callback_at=NOW - timedelta(hours=1)),
        "callbacks-upcoming": _lead(
            engine, owner_id=rep, score=1, callback_at=NOW + timedelta(hours=3)
        ),
        "pool": _lead(engine, score=99),
        "contacts": _contact(engine, owner_id=rep),
        "nurture": _recycled(engine, rep),
        "contacted": _lead(
            engine,
            owner_id=rep,
            score=5,
            status=reference.CONTACTED,
            last_activity_at=NOW - timedelta(days=2),
        ),
    }
    return rep, ids


@pytest.mark.parametrize(
    ("queue", "kind"),
    [
        ("callbacks", "lead"),
        ("callbacks-upcoming", "lead"),
        ("pool", "lead"),
        ("contacts", "contact"),
        ("nurture", "lead"),
        ("contacted", "lead"),
    ],
)
def test_next_comes_from_the_queue_asked_for(engine, every_queue, queue, kind):
    rep, ids = every_queue
    result = next_lead(engine, rep_id=rep, queue=queue, now=NOW)
    assert (result.kind, result.record_id, result.queue) == (kind, ids[queue], queue)


def test_my_leads_stays_the_default_callback_due_first_then_pool(engine, every_queue):
    rep, ids = every_queue
    first = next_lead(engine, rep_id=rep, now=NOW)
    assert (first.record_id, first.source, first.queue) == (
        ids["callbacks"],
        "callback",
        "my-leads",
    )
    assert first.lead_id == ids["callbacks"]


def test_a_worked_out_queue_says_so_and_claims_nothing(engine):
    rep = _rep(engine)
    pool = _lead(engine, score=50)
    for queue in ("callbacks", "callbacks-upcoming", "contacts", "nurture", "contacted"):
        result = next_lead(engine, rep_id=rep, queue=queue, now=NOW)
        assert result.record_id is None
        assert result.message.startswith("nothing callable in ")
    with Session(engine) as session:
        assert session.get(Lead, pool).owner_id is None


def test_the_pool_queue_claims_from_the_pool_though_the_rep_holds_callable_leads(engine):
    rep = _rep(engine)
    _lead(engine, owner_id=rep, score=90)
    pool = _lead(engine, score=10)
    result = next_lead(engine, rep_id=rep, queue="pool", now=NOW)
    assert (result.record_id, result.source) == (pool, "pool")
    with Session(engine) as session:
        assert session.get(Lead, pool).owner_id == rep


def test_an_unknown_queue_is_refused_with_the_choices(engine):
    rep = _rep(engine)
    from workstation.store.calling.next_lead import QueueRefused

    with pytest.raises(QueueRefused, match=r"unknown queue 'later'.*my-leads.*contacts"):
        next_lead(engine, rep_id=rep, queue="later", now=NOW)


def test_upcoming_callbacks_may_be_called_early_but_not_outside_the_window(engine):
    rep = _rep(engine)
    asleep = _lead(
        engine, owner_id=rep, callback_at=NOW + timedelta(hours=1), time_zone="Australia/Sydney"
    )
    later = _lead(engine, owner_id=rep, callback_at=NOW + timedelta(hours=2))
    result = next_lead(engine, rep_id=rep, queue="callbacks-upcoming", now=NOW)
    assert result.record_id == later
    assert [(s.record_id, s.kind) for s in result.skipped] == [(asleep, "lead")]
    assert "where they are" in result.skipped[0].reason


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"do_not_call": True}, "do not call"),
        ({"callback_at": NOW + timedelta(hours=2)}, "callback set for"),
        ({"last_activity_at": NOW - timedelta(minutes=30)}, "called in the last hour"),
        ({"attempt_count": ATTEMPT_CAP}, "attempt cap reached"),
        ({"time_zone": "America/Los_Angeles"}, "07:00 where they are"),
        ({"time_zone": None, "phone": "+61291234567"}, "where they are (Australia/Sydney)"),
    ],
)
def test_every_skip_rule_applies_to_contacts(engine, values, reason):
    rep = _rep(engine)
    skipped = _contact(engine, owner_id=rep, **values)
    callable_ = _contact(engine, owner_id=rep)
    result = next_lead(engine, rep_id=rep, queue="contacts", now=NOW)
    assert (result.kind, result.record_id) == ("contact", callable_)
    assert [(s.kind, s.record_id) for s in result.skipped] == [("contact", skipped)]
    assert reason in result.skipped[0].reason


def test_a_contact_takes_attempts_a_callback_and_undo_like_a_lead(engine):
    rep = _rep(engine)
    contact = _contact(engine, owner_id=rep)
    logged = log_call(engine, rep_id=rep, contact_id=contact, disposition="5", now=NOW)
    assert (logged.record, logged.attempt_count) == ("contact", 1)
    # Called in the last hour: `n` passes over it now, and offers it again later.
    assert next_lead(engine, rep_id=rep, queue="contacts", now=NOW).record_id is None
    later = NOW + timedelta(hours=2)
    assert next_lead(engine, rep_id=rep, queue="contacts", now=later).record_id == contact
    callback = later + timedelta(days=1)
    log_call(
        engine, rep_id=rep, contact_id=contact, disposition="3", callback_at=callback, now=later
    )
    due = next_lead(engine, rep_id=rep, queue="contacts", now=callback)
    assert due.record_id == contact
    undone = undo_last_call(engine, rep_id=rep, now=later + timedelta(minutes=1))
    assert (undone.record, undone.record_id) == ("contact", contact)
    with Session(engine) as session:
        back = session.get(Contact, contact)
        assert (back.callback_at, back.attempt_count) == (None, 1)


def test_a_contact_that_reaches_the_cap_is_passed_over_and_keeps_its_stage(engine):
    """A contact has no status to recycle: its lifecycle stage says where the relationship
    stands, which unanswered calls don't change. The cap keeps `n` off it."""
    rep = _rep(engine)
    contact = _contact(engine, owner_id=rep, attempt_count=ATTEMPT_CAP - 1)
    logged = log_call(engine, rep_id=rep, contact_id=contact, disposition="5", now=NOW)
    assert (logged.attempt_count, logged.lifecycle_stage, logged.recycled) == (
        ATTEMPT_CAP,
        "Sales Accepted",
        False,
    )
    result = next_lead(engine, rep_id=rep, queue="contacts", now=NOW + timedelta(hours=2))
    assert result.record_id is None
    assert [(s.record_id, s.reason) for s in result.skipped] == [
        (contact, f"attempt cap reached ({ATTEMPT_CAP} of {ATTEMPT_CAP})")
    ]


def test_the_nurture_queue_skips_what_refuses_a_call_and_not_the_spent_attempts(engine):
    rep = _rep(engine)
    spent = _recycled(engine, rep)  # the oldest: the queue is newest first
    bogus = _recycled(engine, rep, lifecycle_stage="Rejected", rejected_reason="No need right now")
    dnc = _recycled(engine, rep, do_not_call=True)
    fresh = _recycled(engine, rep, last_activity_at=NOW - timedelta(minutes=10))
    result = next_lead(engine, rep_id=rep, queue="nurture", now=NOW)
    assert result.record_id == spent
    reasons = {s.record_id: s.reason for s in result.skipped}
    assert reasons[bogus].startswith("rejected by sales (No need right now)")
    assert reasons[dnc] == "do not call"
    assert reasons[fresh] == "called in the last hour"


def test_a_call_on_a_recycled_lead_reopens_it_with_a_fresh_set_of_attempts(engine):
    rep = _rep(engine)
    lead = _recycled(engine, rep)
    logged = log_call(engine, rep_id=rep, lead_id=lead, disposition="5", now=NOW)
    assert (logged.status, logged.lifecycle_stage, logged.attempt_count, logged.recycled) == (
        reference.WORKING,
        "Sales Accepted",
        1,
        False,
    )
    with Session(engine) as session:
        reopened = session.get(Lead, lead)
        assert reopened.is_open
        reasons = set(
            session.execute(
                select(History.reason).where(History.entity == "lead", History.entity_id == lead)
            ).scalars()
        )
    assert reasons == {"reopened from nurture: call: No Answer"}
    # Back in My Leads now, and `u` sends it back to Nurture with its spent attempts.
    assert next_lead(engine, rep_id=rep, now=NOW + timedelta(hours=2)).record_id == lead
    undo_last_call(engine, rep_id=rep, now=NOW)
    with Session(engine) as session:
        back = session.get(Lead, lead)
        assert (back.status, back.lifecycle_stage, back.attempt_count, back.is_open) == (
            reference.NURTURING,
            "Nurture",
            ATTEMPT_CAP,
            False,
        )


def test_a_recycled_lead_qualified_on_the_call_is_contacted_and_sales_qualified(engine):
    rep = _rep(engine)
    lead = _recycled(engine, rep)
    logged = log_call(engine, rep_id=rep, lead_id=lead, disposition="1", now=NOW)
    assert (logged.status, logged.lifecycle_stage, logged.attempt_count) == (
        reference.CONTACTED,
        "Sales Qualified",
        1,
    )


@pytest.mark.parametrize(
    ("values", "why"),
    [
        ({"lifecycle_stage": "Rejected", "rejected_reason": "No need right now"}, "rejected"),
        ({"do_not_call": True}, "do-not-call"),
        ({"status": reference.NO_INTEREST}, "is closed"),
    ],
)
def test_nurture_reopens_nothing_that_refuses_a_call(engine, values, why):
    rep = _rep(engine)
    lead = _recycled(engine, rep, **values)
    with pytest.raises(CallRefused, match=why):
        log_call(engine, rep_id=rep, lead_id=lead, disposition="5", now=NOW)
    with Session(engine) as session:
        assert not session.get(Lead, lead).is_open
