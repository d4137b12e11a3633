"""Every disposition's effect, the callback and recycle rules, ownership, and undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.factories import make_lead, make_rep
from workstation.store import reference
from workstation.store.calling.dispositions import CallRefused, log_call
from workstation.store.calling.undo import UndoRefused, undo_last_call
from workstation.store.models import Activity, Contact, History, Lead

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture
def rep_and_lead(engine):
    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, owner_id=rep.id, attempt_count=1)
        session.commit()
        return rep.id, lead.id


def _lead(engine, lead_id) -> Lead:
    with Session(engine) as session:
        return session.get(Lead, lead_id)


EXPECTED = {
    # hotkey: (status, lifecycle, attempts, do_not_call, is_open)
    "1": (reference.CONTACTED, "Sales Qualified", 2, False, True),
    "2": (reference.NO_INTEREST, "Nurture", 2, False, False),
    "3": (reference.CONTACTED, "Lead", 2, False, True),
    "4": (reference.WORKING, "Lead", 2, False, True),
    "5": (reference.WORKING, "Lead", 2, False, True),
    "6": (reference.WORKING, "Lead", 2, False, True),
    "7": (reference.BAD_DATA, "Inactive", 2, False, False),
    "8": (reference.NO_INTEREST, "Lead", 2, True, False),
}


@pytest.mark.parametrize("hotkey", sorted(EXPECTED))
def test_each_disposition(engine, rep_and_lead, hotkey):
    rep, lead_id = rep_and_lead
    callback = NOW + timedelta(hours=1) if hotkey == "3" else None
    logged = log_call(
        engine,
        rep_id=rep,
        lead_id=lead_id,
        disposition=hotkey,
        notes="spoke to PA",
        callback_at=callback,
        now=NOW,
    )
    lead = _lead(engine, lead_id)
    status, stage, attempts, dnc, is_open = EXPECTED[hotkey]
    assert (
        lead.status,
        lead.lifecycle_stage,
        lead.attempt_count,
        lead.do_not_call,
        lead.is_open,
    ) == (status, stage, attempts, dnc, is_open)
    assert lead.last_activity_at == NOW
    assert lead.callback_at == callback
    assert logged.status == status
    with Session(engine) as session:
        activity = session.get(Activity, logged.activity_id)
        assert (activity.kind, activity.lead_id, activity.rep_id, activity.notes) == (
            "call",
            lead_id,
            rep,
            "spoke to PA",
        )
        assert activity.prior_state["status"] == "Open"


def test_call_back_needs_a_future_time_and_writes_nothing_otherwise(engine, rep_and_lead):
    rep, lead_id = rep_and_lead
    with pytest.raises(CallRefused, match="needs a callback time"):
        log_call(engine, rep_id=rep, lead_id=lead_id, disposition="Connected – Call Back", now=NOW)
    with pytest.raises(CallRefused, match="in the past"):
        log_call(
            engine,
            rep_id=rep,
            lead_id=lead_id,
            disposition="3",
            callback_at=NOW - timedelta(minutes=1),
            now=NOW,
        )
    with pytest.raises(CallRefused, match="within a year"):  # the year 6109, say
        log_call(
            engine,
            rep_id=rep,
            lead_id=lead_id,
            disposition="3",
            callback_at=datetime(6109, 1, 1, 9, 0, tzinfo=UTC),
            now=NOW,
        )
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Activity)).scalar() == 0
    assert _lead(engine, lead_id).attempt_count == 1


def test_unanswered_lead_is_recycled_to_nurture_at_the_cap(engine, rep_and_lead):
    rep, lead_id = rep_and_lead
    for minute in range(5):
        logged = log_call(
            engine,
            rep_id=rep,
            lead_id=lead_id,
            disposition="No Answer",
            now=NOW + timedelta(minutes=minute),
        )
    assert logged.attempt_count == 6 and logged.recycled
    lead = _lead(engine, lead_id)
    assert (lead.status, lead.lifecycle_stage, lead.is_open) == (
        reference.NURTURING,
        "Nurture",
        False,
    )


def test_an_unanswered_call_never_moves_a_contacted_lead_back_to_working(engine, rep_and_lead):
    rep, lead_id = rep_and_lead
    log_call(engine, rep_id=rep, lead_id=lead_id, disposition="1", now=NOW)  # qualified
    for minute, disposition in ((1, "5"), (2, "4"), (3, "6")):
        logged = log_call(
            engine, rep_id=rep, lead_id=lead_id, disposition=disposition,
            now=NOW + timedelta(minutes=minute),
        )  # fmt: skip
        assert logged.attempt_count == 2 + minute  # still attempts
    lead = _lead(engine, lead_id)
    assert (lead.status, lead.lifecycle_stage) == (reference.CONTACTED, "Sales Qualified")
    # Only the move to Working is held back: a Working lead still turns to Bad Data.
    with Session(engine) as session:
        other = make_lead(session, owner_id=rep).id
        session.commit()
    log_call(engine, rep_id=rep, lead_id=other, disposition="5", now=NOW)
    assert _lead(engine, other).status == reference.WORKING
    log_call(engine, rep_id=rep, lead_id=other, disposition="7", now=NOW + timedelta(minutes=1))
    assert _lead(engine, other).status == reference.BAD_DATA


def test_another_reps_lead_is_refused(engine, rep_and_lead):
    _, lead_id = rep_and_lead
    with Session(engine) as session:
        other = make_rep(session, "Other Rep").id
        session.commit()
    with pytest.raises(CallRefused, match="only they or a manager"):
        log_call(engine, rep_id=other, lead_id=lead_id, disposition="5", now=NOW)


def test_a_pool_lead_becomes_the_callers(engine):
    with Session(engine) as session:
        rep = make_rep(session).id
        lead_id = make_lead(session).id
        session.commit()
    log_call(engine, rep_id=rep, lead_id=lead_id, disposition="5", now=NOW)
    assert _lead(engine, lead_id).owner_id == rep


def test_unknown_disposition_lists_the_choices(engine, rep_and_lead):
    rep, lead_id = rep_and_lead
    with pytest.raises(CallRefused, match="1 = Connected – Qualified"):
        log_call(engine, rep_id=rep, lead_id=lead_id, disposition="Maybe", now=NOW)


def test_undo_puts_the_lead_back_with_a_compensating_entry(engine, rep_and_lead):
    rep, lead_id = rep_and_lead
    before = _lead(engine, lead_id)
    log_call(engine, rep_id=rep, lead_id=lead_id, disposition="8", now=NOW)
    undone = undo_last_call(engine, rep_id=rep, now=NOW + timedelta(seconds=5))
    after = _lead(engine, lead_id)
    for column in (
        "status",
        "lifecycle_stage",
        "attempt_count",
        "do_not_call",
        "is_open",
        "callback_at",
        "last_activity_at",
        "owner_id",
        "assigned_at",
    ):
        assert getattr(after, column) == getattr(before, column), column
    with Session(engine) as session:
        activities = session.execute(select(Activity).order_by(Activity.id)).scalars().all()
        assert [(a.kind, a.reverses_id) for a in activities] == [
            ("call", None),
            ("note", undone.reversed_id),
        ]
        reasons = (
            session.execute(select(History.reason).where(History.reason.like("undo%")))
            .scalars()
            .all()
        )
        assert reasons  # the status change back is in the history
    with pytest.raises(UndoRefused, match="no call of yours left"):
        undo_last_call(engine, rep_id=rep, now=NOW + timedelta(seconds=9))


def test_calls_on_contacts(engine):
    with Session(engine) as session:
        rep = make_rep(session).id
        contact = Contact(last_name="Known", owner_id=rep, lifecycle_stage="Customer")
        session.add(contact)
        session.commit()
        contact_id = contact.id
    logged = log_call(engine, rep_id=rep, contact_id=contact_id, disposition="1", now=NOW)
    assert logged.record == "contact" and logged.lifecycle_stage == "Customer"
    assert logged.attempt_count == 1


def test_a_call_that_moves_the_lead_writes_the_call_once(engine):
    """Looking up the lead's new status (a reference table) flushes nothing: the call is
    inserted with the state it changed, not inserted and then updated."""
    from sqlalchemy import event

    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, owner_id=rep.id)
        session.commit()
        rep_id, lead_id, status = rep.id, lead.id, lead.status
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, sql, *_a: sent.append(sql))
    done = log_call(engine, rep_id=rep_id, lead_id=lead_id, disposition="No Answer")
    assert done.status != status  # the lead moved
    assert not [sql for sql in sent if sql.startswith("UPDATE activity")]
    assert sum(sql.startswith("UPDATE lead ") for sql in sent) <= 2  # its state, its score
