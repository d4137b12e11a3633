"""Assignment by open capacity: in proportion to free room, never beyond it, every owner change
in history; reassigning to a rep, spreading, returning to the pool."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, insert, select
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.models import History, Lead, Rep
from workstation.store.reference import BAD_DATA, CONVERTED
from workstation.store.team.assign import (
    CHUNK,
    AssignmentRefused,
    assign_pool_by_capacity,
    reassign,
    rep_capacities,
    return_to_pool,
    set_capacity,
)
from workstation.store.team.assign_plan import RepCapacity, distribute


def test_distribute_fills_everyone_when_the_batch_outgrows_the_room():
    reps = [RepCapacity(1, "a", 10, 8), RepCapacity(2, "b", 10, 4), RepCapacity(3, "c", 5, 9)]
    placed, unplaced = distribute(list(range(100, 112)), reps)
    # b has 6 free, a 2, c none (over capacity): both are filled, dealt out interleaved
    # (b's share is three times a's), and the rest stays.
    assert [placed[i] for i in range(100, 108)] == [2, 2, 1, 2, 2, 2, 1, 2]
    assert Counter(placed.values()) == {2: 6, 1: 2}
    assert unplaced == list(range(108, 112))


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        # A new rep with 150 free beside one with 400: both get a share, by free room.
        (20, {1: 15, 2: 5}),
        (22, {1: 16, 2: 6}),
        (5, {1: 4, 2: 1}),
        (2, {1: 1, 2: 1}),
        (1, {1: 1}),  # one lead: the rep with the most room
        (550, {1: 400, 2: 150}),  # everyone filled, never beyond capacity
    ],
)
def test_a_batch_is_spread_in_proportion_to_free_room(count, expected):
    reps = [RepCapacity(1, "veteran", 500, 100), RepCapacity(2, "new", 150, 0)]
    placed, unplaced = distribute(list(range(count)), reps)
    assert Counter(placed.values()) == expected
    assert len(unplaced) == count - sum(expected.values())


def test_every_rep_with_room_gets_a_share_and_the_best_leads_are_shared_too():
    reps = [
        RepCapacity(1, "a", 300, 0),
        RepCapacity(2, "b", 100, 0),
        RepCapacity(3, "c", 10, 0),
        RepCapacity(4, "full", 5, 5),
    ]
    placed, _ = distribute(list(range(40)), reps)
    counts = Counter(placed.values())
    assert counts[4] == 0 and all(counts[rep] >= 1 for rep in (1, 2, 3))
    assert sum(counts.values()) == 40 and counts[1] > counts[2] > counts[3]
    assert {placed[i] for i in range(6)} >= {1, 2}  # the top leads are not one rep's alone


def test_distribute_skips_the_current_owner_and_roomless_leads_take_no_room():
    reps = [RepCapacity(1, "a", 3, 0), RepCapacity(2, "b", 1, 0)]
    placed, unplaced = distribute([10, 11, 12], reps, current={10: 1, 11: 2, 12: 1})
    assert placed == {10: 2, 11: 1} and unplaced == [12]  # b is full, a owns 12 already
    full = [RepCapacity(1, "a", 1, 1)]
    assert distribute([5, 6], full, roomless={6}) == ({6: 1}, [5])


@pytest.fixture
def floor(engine):
    """A manager (capacity 0), reps with 3, 5 and 1 free, an inactive rep, and a pool of 12
    open callable leads (scores 0–11) plus leads that must never be handed out."""
    with Session(engine) as session:
        boss = make_rep(session, "Boss", role="manager", capacity=0)
        ann = make_rep(session, "Ann", capacity=5)
        bob = make_rep(session, "Bob", capacity=6)
        cat = make_rep(session, "Cat", capacity=2)
        gone = make_rep(session, "Gone", capacity=50)
        gone.active = False
        for rep, holding in ((ann, 2), (bob, 1), (cat, 1)):
            for _ in range(holding):
                make_lead(session, owner_id=rep.id)
        make_lead(session, owner_id=ann.id, status=BAD_DATA, is_open=False)  # takes no room
        pool = [make_lead(session, score=n).id for n in range(12)]
        odd = [
            make_lead(session, do_not_call=True).id,
            make_lead(session, status=BAD_DATA, is_open=False).id,
        ]
        session.commit()
        ids = {"boss": boss.id, "ann": ann.id, "bob": bob.id, "cat": cat.id, "gone": gone.id}
        return ids, pool, odd


def _owners(engine, lead_ids):
    with Session(engine) as session:
        rows = session.execute(select(Lead.id, Lead.owner_id).where(Lead.id.in_(lead_ids)))
        return dict(rows.all())


def _owner_history(engine, lead_id):
    with Session(engine) as session:
        return session.execute(
            select(History.old_value, History.new_value, History.rep_id, History.reason)
            .where(History.entity == "lead", History.entity_id == lead_id)
            .where(History.field == "owner_id")
            .order_by(History.id)
        ).all()


def test_pool_goes_to_the_most_free_capacity_first(engine, floor):
    ids, pool, odd = floor
    summary = assign_pool_by_capacity(engine, acting_rep_id=ids["boss"], at=NOW)
    assert summary.left_in_pool == 12 - 9  # free room: Ann 3, Bob 5, Cat 1
    assert {r.name: r.free for r in summary.reps} == {"Ann": 3, "Bob": 5, "Cat": 1}
    counts = {name: summary.count_for(ids[name]) for name in ("ann", "bob", "cat")}
    assert counts == {"ann": 3, "bob": 5, "cat": 1}
    # Best leads first: the pool's top scores went out, the three lowest stayed.
    assert sorted(summary.assigned) == sorted(pool[3:])
    assert _owners(engine, pool[:3]) == dict.fromkeys(pool[:3])
    assert _owners(engine, odd) == dict.fromkeys(odd)
    # The best lead went to Bob (most room), and its history says who and why.
    assert summary.assigned[pool[11]] == ids["bob"]
    assert _owner_history(engine, pool[11]) == [
        (None, str(ids["bob"]), ids["boss"], "assigned by open capacity")
    ]
    with Session(engine) as session:
        assert all(rep.free == 0 for rep in rep_capacities(session))
        assert session.get(Lead, pool[11]).assigned_at == NOW
    again = assign_pool_by_capacity(engine, acting_rep_id=ids["boss"])
    assert again.assigned == {} and again.left_in_pool == 3


def test_given_ids_and_a_limit(engine, floor):
    ids, pool, odd = floor
    with Session(engine) as session:
        owned = session.execute(select(Lead.id).where(Lead.owner_id == ids["ann"])).scalars()
        owned_id = next(iter(owned))
    asked = [pool[0], pool[1], pool[2], *odd, owned_id, 123456]
    summary = assign_pool_by_capacity(engine, acting_rep_id=ids["boss"], lead_ids=asked, limit=2)
    assert sorted(summary.assigned) == [pool[1], pool[2]]  # the two best of those asked
    assert summary.left_in_pool == 1
    assert summary.skipped == tuple(sorted([*odd, owned_id, 123456]))


def test_reassign_to_one_rep(engine, floor):
    ids, pool, _ = floor
    assign_pool_by_capacity(engine, acting_rep_id=ids["boss"])
    chosen = [lead_id for lead_id, owner in _owners(engine, pool).items() if owner == ids["bob"]]
    with pytest.raises(AssignmentRefused, match=r"Cat has room for 0 more open leads"):
        reassign(engine, chosen[:1], acting_rep_id=ids["boss"], to_rep_id=ids["cat"])
    set_capacity(engine, ids["cat"], 5, acting_rep_id=ids["boss"])
    result = reassign(
        engine, chosen[:3], acting_rep_id=ids["boss"], to_rep_id=ids["cat"], reason="Bob is out"
    )
    assert result.moved == dict.fromkeys(chosen[:3], ids["cat"])
    assert _owner_history(engine, chosen[0])[-1] == (
        str(ids["bob"]),
        str(ids["cat"]),
        ids["boss"],
        "Bob is out",
    )
    again = reassign(engine, chosen[:3], acting_rep_id=ids["boss"], to_rep_id=ids["cat"])
    assert again.moved == {} and set(again.unchanged) == set(chosen[:3])
    with Session(engine) as session:
        capacity_log = session.execute(
            select(History.old_value, History.new_value).where(History.entity == "rep")
        ).all()
    assert capacity_log == [("2", "5")]


def test_spread_never_returns_a_lead_to_its_owner(engine, floor):
    ids, _, _ = floor
    with Session(engine) as session:
        anns = list(
            session.execute(
                select(Lead.id).where(Lead.owner_id == ids["ann"]).order_by(Lead.id)
            ).scalars()
        )
    result = reassign(engine, anns, acting_rep_id=ids["boss"], spread=True)
    # Ann's two open leads go to Bob (5 free) and Bob again (4 free vs Ann's own 3); her
    # closed lead takes no room and goes to whoever has the most.
    assert result.moved == dict.fromkeys(anns, ids["bob"])
    assert ids["ann"] not in _owners(engine, anns).values()


def test_spread_leaves_what_nobody_has_room_for(engine, floor):
    ids, pool, _ = floor
    assign_pool_by_capacity(engine, acting_rep_id=ids["boss"])
    bobs = [lead_id for lead_id, owner in _owners(engine, pool).items() if owner == ids["bob"]]
    result = reassign(engine, bobs, acting_rep_id=ids["boss"], spread=True)
    assert result.moved == {} and sorted(result.unplaced) == sorted(bobs)


def test_refusals_change_nothing(engine, floor):
    ids, pool, _ = floor
    with pytest.raises(AssignmentRefused, match="no lead with Id 999999"):
        reassign(engine, [pool[0], 999999], acting_rep_id=ids["boss"], to_rep_id=ids["ann"])
    with pytest.raises(AssignmentRefused, match="say where"):
        reassign(engine, [pool[0]], acting_rep_id=ids["boss"])
    with pytest.raises(AssignmentRefused, match="no active rep"):
        reassign(engine, [pool[0]], acting_rep_id=ids["boss"], to_rep_id=ids["gone"])
    with Session(engine) as session:
        converted = make_lead(session, status=CONVERTED, is_open=False, is_converted=True).id
        session.commit()
    with pytest.raises(AssignmentRefused, match="converted and read-only"):
        return_to_pool(engine, [converted], acting_rep_id=ids["boss"])
    with pytest.raises(AssignmentRefused, match="capacity must be between 0 and 1,000,000"):
        set_capacity(engine, ids["ann"], -1, acting_rep_id=ids["boss"])
    assert _owners(engine, [pool[0]]) == {pool[0]: None}
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(History)).scalar_one() == 0


def test_return_to_pool(engine, floor):
    ids, pool, _ = floor
    assign_pool_by_capacity(engine, acting_rep_id=ids["boss"])
    result = return_to_pool(engine, pool[9:], acting_rep_id=ids["boss"])
    assert set(result.moved) == set(pool[9:]) and not result.unchanged
    with Session(engine) as session:
        lead = session.get(Lead, pool[11])
        assert lead.owner_id is None and lead.assigned_at is None
    assert _owner_history(engine, pool[11])[-1][1:] == (None, ids["boss"], "returned to the pool")


def test_a_big_batch_is_loaded_in_chunks_and_logged_per_lead(engine):
    with Session(engine) as session:
        boss = make_rep(session, "Boss", role="manager").id
        rep_ids = [make_rep(session, f"R{n}", capacity=400).id for n in range(3)]
        row = {"company": "C", "created_at": NOW, "updated_at": NOW}
        session.execute(
            insert(Lead), [row | {"last_name": f"L{n}"} for n in range(2 * CHUNK + 300)]
        )
        session.commit()
    summary = assign_pool_by_capacity(engine, acting_rep_id=boss)
    assert len(summary.assigned) == 1200 and summary.left_in_pool == 2 * CHUNK + 300 - 1200
    with Session(engine) as session:
        logged = session.execute(
            select(History.entity_id).where(History.field == "owner_id")
        ).scalars()
        assert Counter(Counter(logged).values()) == {1: 1200}
        held = session.execute(
            select(Lead.owner_id, func.count())
            .where(Lead.owner_id.is_not(None))
            .group_by(Lead.owner_id)
        ).all()
    assert dict(held) == dict.fromkeys(rep_ids, 400)


def test_concurrent_assigners_never_overfill_a_rep(db_url, engine):
    from workstation.store.db import make_engine

    with Session(engine) as session:
        boss = make_rep(session, "Boss", role="manager")
        for n in range(4):
            session.add(Rep(name=f"R{n}", capacity=25))
        row = {"company": "C", "created_at": NOW, "updated_at": NOW}
        session.execute(insert(Lead), [row | {"last_name": f"L{n}"} for n in range(300)])
        session.commit()
        boss_id = boss.id
    engines = [make_engine(db_url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(4) as pool:
            summaries = list(
                pool.map(
                    lambda e: assign_pool_by_capacity(e, acting_rep_id=boss_id, limit=40), engines
                )
            )
    finally:
        for e in engines:
            e.dispose()
    handed = [lead_id for s in summaries for lead_id in s.assigned]
    assert len(handed) == len(set(handed)) == 100
    with Session(engine) as session:
        assert all(rep.free == 0 and rep.open_leads == 25 for rep in rep_capacities(session))
