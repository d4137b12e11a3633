"""Saved filters: kept per rep (a manager's shared with the team), archived and never
deleted, and worked as queues: pages by key in the queue's order, through the queue's
partial index (EXPLAIN on SQLite and PostgreSQL), with a live count and `n`."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.next_lead import next_lead
from workstation.store.calling.queues import _filter_statements, queue_count, queue_page
from workstation.store.filters.criteria import OWNERS, Criteria, index
from workstation.store.filters.saved import (
    FilterRefused,
    FilterSpec,
    add_filter,
    archive_filter,
    find_filter,
    saved_filters,
)
from workstation.store.models import Campaign, CampaignMember, Lead, SavedFilter
from workstation.store.permissions import PermissionDenied

ZONE = "America/New_York"  # NOW is 10:00 there: callable


@pytest.fixture
def team(engine):
    """A manager and two reps; rep A owns leads of several sources, scores, states and
    last activities; the pool holds a few more."""
    with Session(engine) as session:
        boss = make_rep(session, "Morgan Boss", role="manager")
        a, b = make_rep(session, "Ann A"), make_rep(session, "Bob B")
        webinar = Campaign(name="Spring Webinar", channel="Webinar")
        session.add(webinar)
        session.flush()
        for n in range(30):
            lead = make_lead(
                session,
                owner_id=a.id,
                lead_source=("Web", "Event", "web")[n % 3],
                lead_type="Demo Request" if n % 2 else "Trial",
                industry="Retail" if n % 5 else "Banking",
                state="CA" if n % 4 else "NY",
                country="US",
                score=n % 7 * 10,
                time_zone=ZONE,
                assigned_at=NOW - timedelta(hours=n % 4),
                last_activity_at=None if n % 6 == 0 else NOW - timedelta(days=n),
                campaign_id=webinar.id if n % 10 == 0 else None,
            )
            if n % 10 == 5:
                session.add(CampaignMember(campaign_id=webinar.id, lead_id=lead.id))
        make_lead(session, owner_id=b.id, lead_source="Web", time_zone=ZONE)
        make_lead(session, owner_id=a.id, lead_source="Web", do_not_call=True, time_zone=ZONE)
        for n in range(6):
            make_lead(session, lead_source="Web" if n % 2 else "Event", score=n, time_zone=ZONE)
        session.commit()
        return {"boss": boss.id, "a": a.id, "b": b.id, "campaign": webinar.id}


def _leads(engine, **where) -> list[Lead]:
    with Session(engine) as session:
        return list(session.exec(select(Lead).filter_by(**where)).all())


def _walk(engine, key, rep_id, limit):
    rows, after = [], None
    with Session(engine) as session:
        while True:
            page = queue_page(session, key, rep_id=rep_id, after=after, limit=limit, now=NOW)
            rows.extend(page.rows)
            if page.next_after is None:
                return rows, queue_count(session, key, rep_id=rep_id, now=NOW)
            after = page.next_after


def _expected(engine, rep_id, keep) -> set[int]:
    return {
        lead.id
        for lead in _leads(engine, owner_id=rep_id, is_open=True, do_not_call=False)
        if keep(lead)
    }


CASES = {
    "source": (FilterSpec("web", source="WEB"), lambda lead: lead.lead_source.lower() == "web"),
    "offer and industry": (
        FilterSpec("demos", offer="Demo Request", industry="retail"),
        lambda lead: lead.lead_type == "Demo Request" and lead.industry == "Retail",
    ),
    "state and score": (
        FilterSpec("ny hot", state="ny", country="US", score_min=20, score_max=50),
        lambda lead: lead.state == "NY" and 20 <= lead.score <= 50,
    ),
    "campaign": (FilterSpec("webinar", campaign="Spring Webinar"), None),  # and members
    "gone quiet": (
        FilterSpec("quiet", inactive_days=10),
        lambda lead: (
            lead.last_activity_at is None or lead.last_activity_at < NOW - timedelta(days=10)
        ),
    ),
    "recent": (
        FilterSpec("recent", active_days=10, status="open"),
        lambda lead: (
            lead.last_activity_at is not None and lead.last_activity_at >= NOW - timedelta(days=10)
        ),
    ),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("limit", [1, 4, 100])
def test_a_filter_pages_its_leads_once_each_in_queue_order(engine, team, case, limit):
    spec, keep = CASES[case]
    saved = add_filter(engine, rep_id=team["a"], spec=spec, now=NOW)
    rows, count = _walk(engine, saved.key, team["a"], limit)
    if keep is None:  # the campaign's: its latest campaign's leads, and the members
        with Session(engine) as session:
            members = set(session.exec(select(CampaignMember.lead_id)).all())
        expected = _expected(engine, team["a"], lambda lead: lead.campaign_id or lead.id in members)
    else:
        expected = _expected(engine, team["a"], keep)
    assert expected and [row.id for row in rows if row.id in expected] == [r.id for r in rows]
    assert {row.id for row in rows} == expected and len(rows) == len(expected) == count
    keys = [(-row.score, row.assigned_at, row.id) for row in rows]
    assert keys == sorted(keys)


def test_a_pool_filter_shows_the_pool_and_n_claims_from_it(engine, team):
    saved = add_filter(
        engine, rep_id=team["b"], spec=FilterSpec("pool web", owner="pool", source="web"), now=NOW
    )
    rows, count = _walk(engine, saved.key, team["b"], 2)
    pool_web = {lead.id for lead in _leads(engine, owner_id=None, lead_source="Web")}
    assert {row.id for row in rows} == pool_web and count == 3
    assert [row.score for row in rows] == [5, 3, 1]
    result = next_lead(engine, rep_id=team["b"], queue=saved.key, now=NOW)
    assert result.source == "pool" and result.record_id == rows[0].id
    with Session(engine) as session:
        assert session.get(Lead, result.record_id).owner_id == team["b"]
        assert queue_count(session, saved.key, rep_id=team["b"], now=NOW) == 2


def test_n_works_a_filter_of_ones_own_leads(engine, team):
    saved = add_filter(engine, rep_id=team["a"], spec=FilterSpec("banking", industry="Banking"))
    result = next_lead(engine, rep_id=team["a"], queue=saved.key, now=NOW)
    with Session(engine) as session:
        lead = session.get(Lead, result.record_id)
    assert result.source == "queue" and lead.industry == "Banking" and lead.owner_id == team["a"]
    nothing = add_filter(engine, rep_id=team["a"], spec=FilterSpec("none", industry="Mining"))
    empty = next_lead(engine, rep_id=team["a"], queue=nothing.key, now=NOW)
    assert empty.record_id is None and empty.message == "nothing callable in none right now"


def test_the_days_are_counted_from_the_clock(engine, team):
    saved = add_filter(engine, rep_id=team["a"], spec=FilterSpec("quiet", inactive_days=10))
    with Session(engine) as session:
        now = queue_count(session, saved.key, rep_id=team["a"], now=NOW)
        later = queue_count(session, saved.key, rep_id=team["a"], now=NOW + timedelta(days=20))
    assert now < later == len(_expected(engine, team["a"], lambda lead: True))


def test_filters_are_each_reps_own_and_a_managers_may_be_shared(engine, team):
    add_filter(engine, rep_id=team["a"], spec=FilterSpec("Web", source="web"))
    with pytest.raises(FilterRefused, match="already"):
        add_filter(engine, rep_id=team["a"], spec=FilterSpec(" WEB ", source="event"))
    with pytest.raises(PermissionDenied, match="only a manager shares"):
        add_filter(engine, rep_id=team["a"], spec=FilterSpec("team", shared=True))
    with pytest.raises(PermissionDenied, match="own leads or the pool"):
        add_filter(engine, rep_id=team["a"], spec=FilterSpec("bobs", owner="Bob B"))
    add_filter(engine, rep_id=team["b"], spec=FilterSpec("Web", source="web"))  # B's own
    add_filter(
        engine, rep_id=team["boss"], spec=FilterSpec("Banks", shared=True, industry="banking")
    )
    boss_private = add_filter(engine, rep_id=team["boss"], spec=FilterSpec("Bob's", owner="bob b"))
    assert boss_private.description == "Bob B's leads"
    with Session(engine) as session:
        seen_by_a = [(f.title, f.rep_name) for f in saved_filters(session, rep_id=team["a"])]
        assert seen_by_a == [("Banks", "Morgan Boss"), ("Web", "Ann A")]
        assert find_filter(session, rep_id=team["b"], name="banks").shared
    for bad, match in (
        (FilterSpec(""), "needs a name"),
        (FilterSpec("x", status="Nope"), "no lead status"),
        (FilterSpec("x", campaign="Nope"), "no campaign"),
        (FilterSpec("x", score_min=9, score_max=1), "above the highest"),
        (FilterSpec("x", inactive_days=0), "1 to 3650"),
    ):
        with pytest.raises(FilterRefused, match=match):
            add_filter(engine, rep_id=team["a"], spec=bad)


def test_an_archived_filter_leaves_the_list_and_stays_in_the_database(engine, team):
    add_filter(engine, rep_id=team["boss"], spec=FilterSpec("Banks", shared=True, industry="x"))
    add_filter(engine, rep_id=team["a"], spec=FilterSpec("Mine", source="web"))
    with pytest.raises(PermissionDenied, match="only they archive it"):
        archive_filter(engine, rep_id=team["a"], name="banks")
    archived = archive_filter(engine, rep_id=team["a"], name="MINE", now=NOW)
    assert archived.archived
    # The name is free again.
    add_filter(engine, rep_id=team["a"], spec=FilterSpec("Mine", source="event"))
    archive_filter(engine, rep_id=team["boss"], name="Banks")
    with Session(engine) as session:
        assert [f.title for f in saved_filters(session, rep_id=team["a"])] == ["Mine"]
        assert len(session.exec(select(SavedFilter)).all()) == 3
        archives = text("SELECT count(*) FROM history WHERE entity = 'saved_filter'")
        assert session.exec(archives).one()[0] == 2
    with pytest.raises(DBAPIError, match="never removed"), engine.begin() as connection:
        connection.execute(text("DELETE FROM saved_filter"))
    with pytest.raises(FilterRefused, match="no saved filter named"):
        archive_filter(engine, rep_id=team["a"], name="Banks")


FULL = dict(lead_source="web", lead_type="Trial", campaign_id=1, industry="Retail", state="CA",
            country="US", status="Open", score_min=10, score_max=60, inactive_days=5,
            active_days=50)  # fmt: skip


def _combinations(size: int) -> list[Criteria]:
    """Every owner with each set of `size` criteria (SQLite's planner changed its mind on
    some pairs: a status and a time, both ends of a score), and with all of them."""
    found = []
    for owner in OWNERS:
        rep = {"owner": owner, "owner_rep_id": 2 if owner == "rep" else None}
        for names in [*itertools.combinations(FULL, size), tuple(FULL)]:
            found.append(Criteria(**rep, **{name: FULL[name] for name in names}))
    return found


def _values() -> dict:
    keys = {"k0": 1, "k1": NOW, "k2": 1}
    return {"rep_id": 1, "limit": 10, "now": NOW, "since": NOW, "inactive_before": NOW,
            "active_since": NOW, **keys}  # fmt: skip


def test_filter_pages_walk_the_queue_indexes_in_order_on_sqlite(sqlite_engine):
    with sqlite_engine.connect() as connection:
        for n, criteria in enumerate(_combinations(2)):
            statements = _filter_statements(f"filter:{n}", "x", criteria)
            for statement in (statements.first, statements.following, statements.count):
                compiled = statement.compile(connection)
                values = compiled.construct_params(_values())
                plan = " ".join(
                    row[3]
                    for row in connection.exec_driver_sql(
                        f"EXPLAIN QUERY PLAN {compiled}",
                        tuple(values.get(name) for name in compiled.positiontup),
                    )
                )
                if statement is statements.count:  # no order to keep: any index will do
                    assert "USING INDEX" in plan, (criteria, plan)
                    continue
                assert f"INDEX {index(criteria)}" in plan, (criteria, plan)
                assert "TEMP B-TREE" not in plan, (criteria, plan)


@pytest.mark.postgres
def test_filter_pages_walk_the_queue_indexes_in_order_on_postgresql(pg_engine):
    with pg_engine.connect() as connection:
        # An empty table is cheapest to scan or sort: ask whether the index can serve.
        connection.exec_driver_sql("SET enable_seqscan = off")
        connection.exec_driver_sql("SET enable_sort = off")
        connection.exec_driver_sql("SET enable_bitmapscan = off")
        for n, criteria in enumerate(_combinations(1)):
            statements = _filter_statements(f"filter:{n}", "x", criteria)
            for statement in (statements.first, statements.following):
                compiled = statement.compile(connection)
                plan = "\n".join(
                    row[0]
                    for row in connection.exec_driver_sql(
                        f"EXPLAIN {compiled}", compiled.construct_params(_values())
                    )
                )
                assert f"using {index(criteria)}" in plan, (criteria, plan)
                assert "Sort" not in plan.replace("Sort Key", ""), (criteria, plan)
