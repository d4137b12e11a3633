"""Two reps never get the same lead: many claimers at once, on SQLite (separate
processes, one file) and on PostgreSQL (50 connections)."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import insert, select
from sqlmodel import Session

from tests.factories import NOW
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.next_lead import next_lead
from workstation.store.db import make_engine
from workstation.store.models import Lead, Rep


def _fill(engine, reps: int, leads: int) -> list[int]:
    with Session(engine) as session:
        rep_ids = []
        for n in range(reps):
            rep = Rep(name=f"Claimer {n}", capacity=10_000)
            session.add(rep)
            session.flush()
            rep_ids.append(rep.id)
        session.execute(
            insert(Lead),
            [
                {
                    "last_name": f"L{n}",
                    "company": f"C{n}",
                    "score": n % 97,
                    "created_at": NOW,
                    "updated_at": NOW,
                    "time_zone": "America/New_York",
                }
                for n in range(leads)
            ],
        )
        session.commit()
    return rep_ids


def claim_many(url: str, rep_id: int, count: int) -> list[int]:
    """Claim `count` pool leads one after another, closing each with a call."""
    engine = make_engine(url)
    claimed = []
    for _ in range(count):
        result = next_lead(engine, rep_id=rep_id, now=NOW)
        if result.lead_id is None:
            break
        assert result.source == "pool"
        claimed.append(result.lead_id)
        log_call(engine, rep_id=rep_id, lead_id=result.lead_id, disposition="2", now=NOW)
    engine.dispose()
    return claimed


def _check(engine, claims: dict[int, list[int]], expected_total: int) -> None:
    everything = [lead for ids in claims.values() for lead in ids]
    duplicates = [lead for lead, n in Counter(everything).items() if n > 1]
    assert duplicates == []
    assert len(everything) == expected_total
    with Session(engine) as session:
        owners = dict(
            session.execute(select(Lead.id, Lead.owner_id).where(Lead.id.in_(everything))).all()
        )
    for rep_id, ids in claims.items():
        assert all(owners[lead] == rep_id for lead in ids)


def test_four_processes_on_one_sqlite_file(sqlite_url, sqlite_engine):
    reps = _fill(sqlite_engine, reps=4, leads=200)
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        results = pool.starmap(claim_many, [(sqlite_url, rep, 25) for rep in reps])
    _check(sqlite_engine, dict(zip(reps, results, strict=True)), 100)


@pytest.mark.postgres
def test_fifty_claimers_on_postgresql(pg_url, pg_engine):
    reps = _fill(pg_engine, reps=50, leads=600)
    with ThreadPoolExecutor(max_workers=50) as workers:
        results = list(workers.map(lambda rep: claim_many(pg_url, rep, 10), reps))
    _check(pg_engine, dict(zip(reps, results, strict=True)), 500)
