"""Next lead: priority, every skip rule (with a frozen clock), claims from the pool up to
capacity, and lapsed claims going back to the pool."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.factories import make_lead, make_rep
from workstation.store.calling.next_lead import LEASE, next_lead
from workstation.store.models import History, Lead
from workstation.store.values.rules import CallingHours

# 15:00 UTC = 10:00 in New York, 07:00 in Los Angeles, 16:00 in Berlin, 02:00 in Sydney.
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def _rep(engine, **kwargs) -> int:
    with Session(engine) as session:
        rep = make_rep(session, **kwargs)
        session.commit()
        return rep.id


def _lead(engine, **values) -> int:
    values.setdefault("time_zone", "America/New_York")
    with Session(engine) as session:
        lead = make_lead(session, **values)
        session.commit()
        return lead.id


def test_priority_callback_due_then_score_then_oldest_assignment(engine):
    rep = _rep(engine)
    old_low = _lead(engine, owner_id=rep, score=10, assigned_at=NOW - timedelta(days=5))
    new_high = _lead(engine, owner_id=rep, score=90, assigned_at=NOW - timedelta(days=1))
    old_high = _lead(engine, owner_id=rep, score=90, assigned_at=NOW - timedelta(days=2))
    due = _lead(engine, owner_id=rep, score=1, callback_at=NOW - timedelta(minutes=5))
    assert next_lead(engine, rep_id=rep, now=NOW).lead_id == due
    with Session(engine) as session:
        session.get(Lead, due).callback_at = None
        session.get(Lead, due).is_open = False
        session.commit()
    result = next_lead(engine, rep_id=rep, now=NOW)
    assert (result.lead_id, result.source) == (old_high, "queue")
    assert {old_low, new_high} - {result.lead_id} == {old_low, new_high}


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"callback_at": NOW + timedelta(hours=2)}, "callback set for"),
        ({"last_activity_at": NOW - timedelta(minutes=30)}, "called in the last hour"),
        ({"attempt_count": 6}, "attempt cap reached"),
        ({"time_zone": "America/Los_Angeles"}, "07:00 where they are"),
        ({"time_zone": None, "phone": "+61291234567"}, "where they are (Australia/Sydney)"),
        ({"time_zone": None, "state": "CA", "country": "US"}, "America/Los_Angeles"),
    ],
)
def test_each_skip_rule_is_applied_and_explained(engine, values, reason):
    rep = _rep(engine)
    skipped_id = _lead(engine, owner_id=rep, score=99, **values)
    callable_id = _lead(engine, owner_id=rep, score=1)
    result = next_lead(engine, rep_id=rep, now=NOW)
    assert result.lead_id == callable_id
    assert [s.record_id for s in result.skipped] == [skipped_id]
    assert reason in result.skipped[0].reason


def test_do_not_call_closed_and_converted_never_come_up(engine):
    rep = _rep(engine)
    _lead(engine, owner_id=rep, score=99, do_not_call=True)
    _lead(engine, owner_id=rep, score=98, status="Bad Data", is_open=False)
    _lead(
        engine,
        owner_id=rep,
        score=97,
        is_converted=True,
        is_open=False,
        status="Qualified – Turned into Opportunity",
    )
    result = next_lead(engine, rep_id=rep, now=NOW)
    assert result.lead_id is None and result.skipped == []


def test_a_lead_with_no_known_zone_is_callable(engine):
    rep = _rep(engine)
    lead = _lead(engine, owner_id=rep, time_zone=None, phone=None, country=None)
    assert next_lead(engine, rep_id=rep, now=NOW).lead_id == lead


def test_empty_queue_claims_the_best_pool_lead_with_a_lease(engine):
    rep = _rep(engine)
    _lead(engine, score=5)
    best = _lead(engine, score=50)
    result = next_lead(engine, rep_id=rep, now=NOW)
    assert (result.lead_id, result.source) == (best, "pool")
    with Session(engine) as session:
        lead = session.get(Lead, best)
        assert lead.owner_id == rep and lead.assigned_at == NOW
        assert lead.claimed_until == NOW + LEASE
        reasons = (
            session.execute(select(History.reason).where(History.entity_id == best)).scalars().all()
        )
        assert reasons == ["claimed from the pool"]
    # Now the claimed lead is the rep's own: the next call finds it in the queue.
    assert next_lead(engine, rep_id=rep, now=NOW).source == "queue"


def test_no_claim_beyond_capacity(engine):
    rep = _rep(engine, capacity=1)
    _lead(engine, owner_id=rep, last_activity_at=NOW - timedelta(minutes=5))  # held, not due
    pool = _lead(engine, score=50)
    result = next_lead(engine, rep_id=rep, now=NOW)
    assert result.lead_id is None and "capacity of 1" in result.message
    with Session(engine) as session:
        assert session.get(Lead, pool).owner_id is None


def test_a_lapsed_claim_returns_to_the_pool(engine):
    first, second = _rep(engine), _rep(engine)
    lead = _lead(engine, score=50)
    assert next_lead(engine, rep_id=first, now=NOW).lead_id == lead
    later = NOW + LEASE + timedelta(minutes=1)
    result = next_lead(engine, rep_id=second, now=later)
    assert (result.lead_id, result.source) == (lead, "pool")
    with Session(engine) as session:
        assert session.get(Lead, lead).owner_id == second
        reasons = (
            session.execute(
                select(History.reason).where(History.entity_id == lead).order_by(History.id)
            )
            .scalars()
            .all()
        )
        assert reasons == [
            "claimed from the pool",
            "claim lapsed: no call logged",
            "claimed from the pool",
        ]


def test_the_walk_goes_on_page_after_page_to_the_first_callable_lead(engine):
    """The first page asks for one lead, the next ones for a batch: 30 leads that cannot be
    called now (02:00 in Sydney) come before the one that can, whatever the paging."""
    rep = _rep(engine)
    asleep = [
        _lead(engine, owner_id=rep, score=90, time_zone="Australia/Sydney") for _ in range(30)
    ]
    awake = _lead(engine, owner_id=rep, score=10)
    result = next_lead(engine, rep_id=rep, now=NOW)
    assert (result.lead_id, result.source) == (awake, "queue")
    assert [skip.record_id for skip in result.skipped] == sorted(asleep)


def test_the_calling_hours_set_decide_who_is_callable_in_the_queue_and_the_pool(engine):
    """10:00 in New York: inside the default hours, outside 11:00–19:00, and the reason
    names the hours in effect; the pool claim (one SQL statement on PostgreSQL) keeps to
    them too."""
    late = CallingHours.parse("11:00-19:00")
    rep = _rep(engine)
    own = _lead(engine, owner_id=rep, score=99)
    result = next_lead(engine, rep_id=rep, now=NOW, hours=late)
    assert result.lead_id is None  # the pool is empty
    assert [s.record_id for s in result.skipped] == [own]
    assert "call 11:00–19:00" in result.skipped[0].reason
    pool = _lead(engine, score=50)
    assert next_lead(engine, rep_id=rep, now=NOW, hours=late).lead_id is None
    with Session(engine) as session:
        assert session.get(Lead, pool).owner_id is None
    assert next_lead(engine, rep_id=rep, now=NOW).lead_id == own  # 08:00–21:00


def test_the_attempt_cap_set_decides_when_a_lead_is_spent(engine):
    rep = _rep(engine)
    lead = _lead(engine, owner_id=rep, attempt_count=3)
    result = next_lead(engine, rep_id=rep, now=NOW, attempt_cap=3)
    assert "attempt cap reached (3 of 3)" in result.skipped[0].reason
    assert next_lead(engine, rep_id=rep, now=NOW).lead_id == lead
