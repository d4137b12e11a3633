"""The pool claim at database speed: on PostgreSQL one statement (SKIP LOCKED pick, owner
and lease, history row) in one round trip, the rep's own queue read without locks; the
same rules as the step-by-step claim on SQLite (tests/store/test_next_lead.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select, text
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.next_lead import LEASE, next_lead
from workstation.store.db import make_engine
from workstation.store.models import History, Lead


def _rep(engine, **values) -> int:
    with Session(engine) as session:
        rep = make_rep(session, **values)
        session.commit()
        return rep.id


def _lead(engine, **values) -> int:
    values.setdefault("time_zone", "America/New_York")
    with Session(engine) as session:
        lead = make_lead(session, **values)
        session.commit()
        return lead.id


class Statements:
    """Every statement an engine's connections send through the driver, SQLAlchemy's and
    the claim's own, and whether the driver was in autocommit (no transaction around the
    statement, nothing held after it)."""

    def __init__(self, engine) -> None:
        import psycopg

        self.sent: list[tuple[str, bool]] = []
        sent = self.sent

        class Recording(psycopg.Cursor):
            def execute(self, query, params=None, **options):
                sent.append((" ".join(str(query).split()).upper(), self.connection.autocommit))
                return super().execute(query, params, **options)

        engine.dispose()  # connections made from here on record what they send
        event.listen(
            engine, "connect", lambda driver, _record: setattr(driver, "cursor_factory", Recording)
        )


@pytest.mark.postgres
def test_a_pool_claim_is_one_statement_and_the_own_queue_takes_no_lock(pg_url):
    engine = make_engine(pg_url)
    rep = _rep(engine)
    best = _lead(engine, score=50)
    _lead(engine, score=5)
    watch = Statements(engine)
    result = next_lead(engine, rep_id=rep, now=NOW)
    engine.dispose()
    assert (result.lead_id, result.source) == (best, "pool")
    locking = [s for s, _ in watch.sent if "FOR UPDATE" in s]
    # The own queue's reads lock nothing; the claim is one statement holding the pick, the
    # update and the history row, sent with no transaction around it.
    assert len(locking) == 1, watch.sent
    claim = locking[0]
    assert "SKIP LOCKED" in claim and "UPDATE LEAD" in claim and "INSERT INTO HISTORY" in claim
    assert [s for s, _ in watch.sent if not s.startswith("SELECT")] == [claim]
    assert all(autocommit for _, autocommit in watch.sent), watch.sent


@pytest.mark.postgres
def test_the_claim_passes_over_a_row_another_claimer_holds(pg_url):
    """SKIP LOCKED: a pool lead locked by another transaction is not waited for."""
    engine = make_engine(pg_url)
    rep = _rep(engine)
    held = _lead(engine, score=90)
    free = _lead(engine, score=10)
    with engine.connect() as other:
        other.execute(text("SELECT id FROM lead WHERE id = :id FOR UPDATE"), {"id": held})
        result = next_lead(engine, rep_id=rep, now=NOW)
        other.rollback()
    engine.dispose()
    assert (result.lead_id, result.source) == (free, "pool")


@pytest.mark.parametrize(
    "values",
    [
        {"callback_at": NOW + timedelta(hours=2)},
        {"last_activity_at": NOW - timedelta(minutes=30)},
        {"attempt_count": 6},
        {"time_zone": "America/Los_Angeles"},  # 07:00 there
        {"do_not_call": True},
        {"is_open": False, "status": "Bad Data"},
    ],
)
def test_the_claim_passes_over_pool_leads_that_cannot_be_called(engine, values):
    rep = _rep(engine)
    _lead(engine, score=99, **values)
    callable_id = _lead(engine, score=1)
    result = next_lead(engine, rep_id=rep, now=NOW)
    assert (result.lead_id, result.source) == (callable_id, "pool")


def test_a_due_callback_and_an_old_call_do_not_stop_a_claim(engine):
    rep = _rep(engine)
    due = _lead(engine, score=50, callback_at=NOW, last_activity_at=NOW - timedelta(hours=1))
    assert next_lead(engine, rep_id=rep, now=NOW).lead_id == due


def test_a_pool_lead_whose_zone_is_not_a_zone_is_callable(engine):
    rep = _rep(engine)
    odd = _lead(engine, score=50, time_zone="Mars/Olympus_Mons")
    assert next_lead(engine, rep_id=rep, now=NOW).lead_id == odd


def test_an_inactive_rep_or_a_full_one_claims_nothing(engine):
    idle = _rep(engine)
    with Session(engine) as session:
        session.execute(text("UPDATE rep SET active = false WHERE id = :id"), {"id": idle})
        session.commit()
    pool = _lead(engine, score=50)
    result = next_lead(engine, rep_id=idle, now=NOW)
    assert result.lead_id is None and "inactive" in result.message
    full = _rep(engine, capacity=0)
    result = next_lead(engine, rep_id=full, now=NOW)
    assert result.lead_id is None and "capacity of 0" in result.message
    empty = _rep(engine)
    with Session(engine) as session:
        session.execute(text("UPDATE lead SET is_open = false WHERE id = :id"), {"id": pool})
        session.commit()
    result = next_lead(engine, rep_id=empty, now=NOW)
    assert result.lead_id is None and result.message == "nothing callable in your queue or the pool"


def test_lapsed_claims_return_to_the_pool_touched_ones_keep_their_owner(engine):
    first, second = _rep(engine), _rep(engine)
    untouched = _lead(engine, score=90)
    worked = _lead(engine, score=80)
    assert next_lead(engine, rep_id=first, now=NOW).lead_id == untouched
    # The second claim, by a rep with capacity for one more, after a call on it.
    assert next_lead(engine, rep_id=second, now=NOW).lead_id == worked
    with Session(engine) as session:
        session.get(Lead, worked).last_activity_at = NOW + timedelta(minutes=1)
        session.commit()
    later = NOW + LEASE + timedelta(minutes=1)
    third = _rep(engine)
    result = next_lead(engine, rep_id=third, now=later)
    with Session(engine) as session:
        owners = {lead: session.get(Lead, lead).owner_id for lead in (untouched, worked)}
        lease = session.get(Lead, worked).claimed_until
        lapsed = session.execute(
            select(History.entity_id, History.old_value, History.rep_id).where(
                History.reason == "claim lapsed: no call logged"
            )
        ).all()
    assert owners[worked] == second and lease is None
    assert lapsed == [(untouched, str(first), None)]
    # Released in the claim's own step or before the next one: either way it is claimable.
    if result.lead_id != untouched:
        result = next_lead(engine, rep_id=third, now=later)
    assert result.lead_id == untouched and owners[untouched] in (None, third)


@pytest.mark.postgres
def test_the_pick_walks_the_pool_index_and_looks_up_the_source_policy_by_key(pg_url):
    """The source's cap and spacing cost a primary-key lookup per candidate row: the pick
    still walks ix_lead_pool in its order, with no sort."""
    from datetime import UTC, datetime

    from workstation.store.calling import pool_claim

    engine = make_engine(pg_url)
    pick = pool_claim._CLAIM_SQL.split("pick AS (")[1].split("),\nclaimed AS")[0]
    pick = pick.replace("(SELECT active AND held < capacity FROM me)", "true")
    now = datetime(2026, 11, 23, 15, tzinfo=UTC)
    values = {"now": now, "retry_hours": 1.0, "attempt_cap": 6, "closed_zones": "{}",
              "apart": "{}"}  # fmt: skip
    with engine.connect() as connection:
        connection.exec_driver_sql("SET enable_seqscan = off")  # an empty table's plan
        plan = " ".join(row[0] for row in connection.execute(text(f"EXPLAIN {pick}"), values))
    engine.dispose()
    assert "Index Scan using ix_lead_pool" in plan, plan
    assert plan.count("source_policy_pkey") == 2 and "Sort" not in plan, plan
