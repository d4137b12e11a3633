"""Queues page by key: every row exactly once, in priority order, through the partial
indexes (checked with EXPLAIN QUERY PLAN on SQLite)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.queues import _FIRST, _NEXT, QUEUES, queue_count, queue_page


@pytest.fixture
def filled(engine):
    """Two reps; rep A owns 23 open leads with tied scores, plus closed, do-not-call and
    pool leads that must not show in A's queue."""
    with Session(engine) as session:
        a, b = make_rep(session, "A"), make_rep(session, "B")
        for n in range(23):
            make_lead(
                session,
                owner_id=a.id,
                score=n % 4,
                assigned_at=NOW - timedelta(hours=n % 5),
                callback_at=NOW + timedelta(hours=n) if n % 3 == 0 else None,
            )
        make_lead(session, owner_id=a.id, status="Bad Data", is_open=False)
        make_lead(session, owner_id=a.id, do_not_call=True)
        make_lead(session, owner_id=b.id)
        for n in range(7):
            make_lead(session, score=n)
        session.commit()
        return a.id, b.id


def _walk(session, key, rep_id, limit):
    rows, after, pages = [], None, 0
    while True:
        page = queue_page(session, key, rep_id=rep_id, after=after, limit=limit)
        rows.extend(page.rows)
        pages += 1
        if page.next_after is None:
            return rows, pages
        after = page.next_after


@pytest.mark.parametrize("limit", [1, 4, 23, 100])
def test_my_leads_pages_cover_every_row_once_in_priority_order(engine, filled, limit):
    rep_a, _ = filled
    with Session(engine) as session:
        rows, pages = _walk(session, "my-leads", rep_a, limit)
        assert len(rows) == 23 == queue_count(session, "my-leads", rep_id=rep_a)
    assert len({row.id for row in rows}) == 23
    keys = [(-row.score, row.assigned_at, row.id) for row in rows]
    assert keys == sorted(keys)
    assert pages == -(-23 // limit)  # a full last page needs no empty page after it


def test_callbacks_are_soonest_first(engine, filled):
    rep_a, _ = filled
    with Session(engine) as session:
        due = _walk_at(session, "callbacks", rep_a, 3)
        upcoming = _walk_at(session, "callbacks-upcoming", rep_a, 3)
    assert (len(due), len(upcoming)) == (1, 7)  # the first is due at exactly NOW
    for rows in (due, upcoming):
        assert [row.callback_at for row in rows] == sorted(row.callback_at for row in rows)


def test_only_callbacks_due_now_count_as_due(engine):
    """Due means due now: a callback at exactly now is due, one tomorrow is upcoming."""
    with Session(engine) as session:
        rep = make_rep(session, "R")
        for name, when in (
            ("Overdue", NOW - timedelta(hours=3)),
            ("Now", NOW),
            ("Tomorrow", NOW + timedelta(days=1)),
            ("Soon", NOW + timedelta(seconds=1)),
        ):
            make_lead(session, last_name=name, owner_id=rep.id, callback_at=when)
        session.commit()
        names = {
            key: [row.name for row in _walk_at(session, key, rep.id, 1)]
            for key in ("callbacks", "callbacks-upcoming")
        }
        counts = {key: queue_count(session, key, rep_id=rep.id, now=NOW) for key in names}
    assert names == {"callbacks": ["Overdue", "Now"], "callbacks-upcoming": ["Soon", "Tomorrow"]}
    assert counts == {"callbacks": 2, "callbacks-upcoming": 2}


def test_pool_holds_only_unowned_open_leads(engine, filled):
    with Session(engine) as session:
        rows, _ = _walk(session, "pool", None, 2)
        assert queue_count(session, "pool", rep_id=None) == 7
    assert [row.score for row in rows] == [6, 5, 4, 3, 2, 1, 0]


def test_each_queue_query_uses_its_partial_index(sqlite_engine):
    expected = {
        "my-leads": "ix_lead_queue",
        "callbacks": "ix_lead_callback",
        "callbacks-upcoming": "ix_lead_callback",
        "pool": "ix_lead_pool",
        "contacts": "ix_contact_owner_active",
        "nurture": "ix_lead_nurture",
        "contacted": "ix_lead_owner_status",
    }
    assert set(expected) == set(QUEUES)
    with sqlite_engine.connect() as connection:
        for key, index in expected.items():
            for statement in (_FIRST[key], _NEXT[key]):
                compiled = statement.compile(connection)
                sql = f"EXPLAIN QUERY PLAN {compiled}"
                keys = {f"k{i}": 1 for i in range(3)}
                params = {"rep_id": 1, "limit": 10, "since": NOW, "now": NOW, **keys}
                plan = " ".join(
                    row[3]
                    for row in connection.exec_driver_sql(
                        sql,
                        tuple(
                            compiled.construct_params(params).get(name)
                            for name in compiled.positiontup
                        ),
                    )
                )
                assert index in plan, (key, plan)
                assert "TEMP B-TREE" not in plan, (key, plan)


def test_contacts_nurture_and_recently_contacted_queues(engine):
    from datetime import date

    from workstation.store.models import Account, Contact, Opportunity
    from workstation.store.reference import CONTACTED, NURTURING

    with Session(engine) as session:
        rep = make_rep(session, "Q")
        busy, idle = Account(name="Busy Co"), Account(name="Idle Co")
        session.add_all([busy, idle])
        session.flush()
        session.add(
            Opportunity(account_id=busy.id, name="Open deal", close_date=date(2026, 12, 31))
        )
        session.add(
            Opportunity(
                account_id=idle.id,
                name="Lost deal",
                stage="Closed Lost",
                is_closed=True,
                close_date=date(2026, 1, 31),
            )
        )
        session.add_all(
            [
                Contact(last_name="AtBusy", account_id=busy.id, owner_id=rep.id),
                Contact(last_name="AtIdle", account_id=idle.id, owner_id=rep.id),
                Contact(last_name="NoAccount", owner_id=rep.id),
                Contact(last_name="Inactive", account_id=idle.id, owner_id=rep.id, active=False),
            ]
        )
        make_lead(session, last_name="Recycled", owner_id=rep.id, status=NURTURING, is_open=False)
        make_lead(
            session,
            last_name="Fresh",
            owner_id=rep.id,
            status=CONTACTED,
            last_activity_at=NOW - timedelta(days=2),
        )
        make_lead(
            session,
            last_name="Fresher",
            owner_id=rep.id,
            status=CONTACTED,
            last_activity_at=NOW - timedelta(hours=2),
        )
        make_lead(
            session,
            last_name="Stale",
            owner_id=rep.id,
            status=CONTACTED,
            last_activity_at=NOW - timedelta(days=45),
        )
        session.commit()
        names = {
            key: [r.name for r in _walk_at(session, key, rep.id, 1)]
            for key in ("contacts", "nurture", "contacted")
        }
        counts = {key: queue_count(session, key, rep_id=rep.id, now=NOW) for key in names}
    assert names == {
        "contacts": ["AtIdle", "NoAccount"],
        "nurture": ["Recycled"],
        "contacted": ["Fresher", "Fresh"],
    }
    assert counts == {"contacts": 2, "nurture": 1, "contacted": 2}


def _walk_at(session, key, rep_id, limit):
    rows, after = [], None
    while True:
        page = queue_page(session, key, rep_id=rep_id, after=after, limit=limit, now=NOW)
        rows.extend(page.rows)
        if page.next_after is None:
            return rows
        after = page.next_after


def test_literal_predicates_name_real_statuses():
    from workstation.store.models import NURTURE
    from workstation.store.reference import NURTURING

    assert f"'{NURTURING}'" in NURTURE


def test_rejected_contacts_leave_the_contact_queue(engine):
    from workstation.store.models import Contact

    with Session(engine) as session:
        rep = make_rep(session, "R")
        session.add_all(
            [
                Contact(last_name="Keep", owner_id=rep.id),
                Contact(last_name="Bogus", owner_id=rep.id, lifecycle_stage="Rejected"),
            ]
        )
        session.commit()
        rows = queue_page(session, "contacts", rep_id=rep.id).rows
    assert [row.name for row in rows] == ["Keep"]
