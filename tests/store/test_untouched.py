"""The untouched-leads report: on demo data it equals what one computes by hand from the
leads and activities exports; buckets, thresholds, worst-first order, key paging, and the
partial index behind it."""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.demo.generate import generate_demo
from workstation.store.exports.stream import export_records
from workstation.store.reports.untouched import (
    _PAGE_FIRST,
    _PAGE_NEXT,
    _SUMMARY,
    ReportError,
    bucket_of,
    iter_untouched,
    untouched_page,
    untouched_summary,
)
from workstation.store.reps import working_rep


def _export(engine, kind: str) -> list[dict]:
    out = io.StringIO()
    export_records(engine, kind, out, fmt="json")
    return json.loads(out.getvalue())


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def untouched_by_hand(engine, now: datetime, hours: float) -> dict[int, tuple[int, timedelta]]:
    """Lead id → (owner, age) from the exports alone: owned, open, assigned before the
    threshold, and no activity logged on the lead since it was assigned (an undone call and
    its compensating entry are no activity)."""
    activities = _export(engine, "activities")
    undone = {a["ReversesActivityId"] for a in activities if a["ReversesActivityId"]}
    latest: dict[int, datetime] = {}
    for a in activities:
        if a["LeadId"] is None or a["ReversesActivityId"] or a["Id"] in undone:
            continue
        at = _time(a["ActivityDate"])
        latest[a["LeadId"]] = max(at, latest.get(a["LeadId"], at))
    found = {}
    for lead in _export(engine, "leads"):
        if lead["OwnerId"] is None or not lead["IsOpen"]:
            continue
        assigned = _time(lead["AssignedDate"])
        last = latest.get(lead["Id"])
        if assigned < now - timedelta(hours=hours) and (last is None or last < assigned):
            found[lead["Id"]] = (lead["OwnerId"], now - assigned)
    return found


@pytest.mark.parametrize("hours", [24, 0, 24 * 5])
def test_equals_the_hand_computation_on_demo_data(engine, hours):
    generate_demo(engine, leads=1500, seed=11, now=NOW)
    expected = untouched_by_hand(engine, NOW, hours)
    assert len(expected) > 50  # the demo leaves plenty untouched
    with Session(engine) as session:
        manager = working_rep(session, None).id  # the demo's manager
        summary = untouched_summary(session, acting_rep_id=manager, hours=hours, now=NOW)
        listed = list(iter_untouched(session, acting_rep_id=manager, hours=hours, now=NOW))
    assert {row.id: (row.owner_id, row.age) for row in listed} == expected
    assert len(listed) == len(expected) == summary.total
    buckets: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for owner, age in expected.values():
        buckets[owner][bucket_of(age)] += 1
    assert {r.rep_id: list(r.buckets) for r in summary.reps if r.count} == dict(buckets)


@pytest.fixture
def desk(engine):
    """A manager; Ann's leads aged 2 h, 1 d, 2 d, 3 d, 6 d, 7 d and 30 d since assignment
    (untouched), and leads that are not untouched; Bob's one lead 8 days old."""
    with Session(engine) as session:
        boss = make_rep(session, "Boss", role="manager")
        ann, bob = make_rep(session, "Ann"), make_rep(session, "Bob")
        ages = [timedelta(hours=2)] + [timedelta(days=d) for d in (1, 2, 3, 6, 7, 30)]
        ann_leads = [make_lead(session, owner_id=ann.id, assigned_at=NOW - a).id for a in ages]
        touched_at = NOW - timedelta(days=4)
        make_lead(
            session,
            owner_id=ann.id,
            assigned_at=NOW - timedelta(days=5),
            last_activity_at=touched_at,
        )
        make_lead(session, owner_id=ann.id, status="Bad Data", is_open=False)
        # Reassigned after its last call: untouched again, for its new owner.
        make_lead(
            session,
            owner_id=bob.id,
            assigned_at=NOW - timedelta(days=8),
            last_activity_at=NOW - timedelta(days=9),
        )
        make_lead(session, score=5)  # the pool is nobody's neglect
        session.commit()
        return boss.id, ann.id, bob.id, ann_leads


def test_buckets_threshold_and_worst_first(engine, desk):
    boss, _, bob, _ = desk
    with Session(engine) as session:
        summary = untouched_summary(session, acting_rep_id=boss, now=NOW)
        # 2 h is too fresh and 1 d is not *older* than 24 h; a bucket starts at its edge.
        assert [(r.name, r.count, r.buckets) for r in summary.reps] == [
            ("Ann", 5, (0, 1, 2, 2)),  # 2 d | 3 d, 6 d | 7 d, 30 d
            ("Bob", 1, (0, 0, 0, 1)),
            ("Boss", 0, (0, 0, 0, 0)),
        ]
        assert summary.reps[0].oldest_assigned_at == NOW - timedelta(days=30)
        assert summary.total == 6
        everything = untouched_summary(session, acting_rep_id=boss, hours=0, now=NOW)
        assert everything.reps[0].buckets == (1, 2, 2, 2)
        week = untouched_summary(session, acting_rep_id=boss, hours=24 * 7, now=NOW)
        assert [(r.name, r.count) for r in week.reps] == [("Ann", 1), ("Bob", 1), ("Boss", 0)]
        only_bob = untouched_summary(session, acting_rep_id=boss, rep_id=bob, now=NOW)
        assert [r.name for r in only_bob.reps] == ["Bob"]
        with pytest.raises(ReportError, match="0 hours or more"):
            untouched_summary(session, acting_rep_id=boss, hours=-1, now=NOW)


def test_worst_means_oldest_bucket_first():
    from workstation.store.reports.untouched import RepUntouched

    many_fresh = RepUntouched(1, "a", True, 40, (0, 40, 0, 0), None)
    one_old = RepUntouched(2, "b", True, 1, (0, 0, 0, 1), None)
    assert sorted([many_fresh, one_old], key=lambda r: r.worst_key) == [one_old, many_fresh]


@pytest.mark.parametrize("limit", [1, 2, 4, 5, 10])
def test_a_reps_list_pages_oldest_first_and_covers_each_lead_once(engine, desk, limit):
    boss, ann, _, ann_leads = desk
    seen, after = [], None
    with Session(engine) as session:
        while True:
            page = untouched_page(
                session, acting_rep_id=boss, rep_id=ann, now=NOW, after=after, limit=limit
            )
            seen.extend(page.rows)
            if page.next_after is None:
                break
            after = page.next_after
    assert [row.id for row in seen] == list(reversed(ann_leads[2:]))
    assert [row.age.days for row in seen] == [30, 7, 6, 3, 2]
    assert Counter(row.bucket for row in seen) == {1: 1, 2: 2, 3: 2}


def test_queries_use_the_untouched_partial_index(sqlite_engine):
    params = {"cutoff": NOW, "rep": 1, "limit": 10, "k0": NOW, "k1": 1}
    params |= {f"edge{d}": NOW for d in (1, 3, 7)}
    with sqlite_engine.connect() as connection:
        for statement in (_SUMMARY, _PAGE_FIRST, _PAGE_NEXT):
            compiled = statement.compile(connection)
            values = compiled.construct_params(params)
            plan = " ".join(
                row[3]
                for row in connection.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {compiled}",
                    tuple(values[name] for name in compiled.positiontup),
                )
            )
            assert "ix_lead_untouched" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
