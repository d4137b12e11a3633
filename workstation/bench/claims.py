"""P8: fifty reps claiming from one PostgreSQL pool at once.

A scratch schema is made on the server, migrated, filled with 50 reps and a pool of
leads, and 50 threads (one connection each) claim and close leads as fast as they can.
Reported: claims per second, the p95 of one claim, and how many leads were handed out
twice (the target is zero). The schema is dropped afterwards.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import insert, text
from sqlmodel import Session

from workstation.bench.stats import ms_since, p95
from workstation.store.access import drop_team_roles
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.next_lead import next_lead
from workstation.store.db import make_engine
from workstation.store.models import Lead, Rep
from workstation.store.schema import upgrade

CLAIMERS = 50


def _fill(engine, leads: int) -> list[int]:
    now = datetime.now(UTC)
    with Session(engine) as session:
        reps = [Rep(name=f"Bench rep {n}", capacity=1_000_000) for n in range(CLAIMERS)]
        session.add_all(reps)
        session.flush()
        session.execute(insert(Lead), [
            {"last_name": f"Bench {n}", "company": f"Company {n}", "score": n % 100,
             "created_at": now, "updated_at": now}
            for n in range(leads)
        ])  # fmt: skip
        session.commit()
        ids = [rep.id for rep in reps]
        assert None not in ids  # flushed
        return [rep_id for rep_id in ids if rep_id is not None]


def _claimer(engine, rep_id: int, claims: int) -> tuple[list[int], list[float]]:
    got, latencies = [], []
    for _ in range(claims):
        started = time.perf_counter()
        result = next_lead(engine, rep_id=rep_id)
        latencies.append(ms_since(started))
        if result.lead_id is None:
            break
        got.append(result.lead_id)
        log_call(engine, rep_id=rep_id, lead_id=result.lead_id, disposition="2")
    return got, latencies


def measure_claims(url: str, *, claims_each: int = 40) -> dict[str, float]:
    admin = make_engine(url)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    engine = make_engine(
        f"{url}{separator}options=-csearch_path%3D{schema}", pool_size=CLAIMERS, max_overflow=0
    )
    try:
        upgrade(engine)
        reps = _fill(engine, CLAIMERS * claims_each * 2)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CLAIMERS) as workers:
            results = list(workers.map(lambda rep: _claimer(engine, rep, claims_each), reps))
        seconds = time.perf_counter() - started
    finally:
        with engine.begin() as connection:  # roles outlive the schema: theirs go first
            drop_team_roles(connection)
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    claimed = [lead for got, _ in results for lead in got]
    latencies = [ms for _, samples in results for ms in samples]
    twice = sum(1 for count in Counter(claimed).values() if count > 1)
    return {
        "claims": len(claimed),
        "claims_per_second": len(claimed) / seconds,
        "p95_ms": p95(latencies),
        "duplicates": twice,
    }
