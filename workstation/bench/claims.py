"""P8: reps claiming from one PostgreSQL pool at once, each rep its own process.

A scratch schema is made on the server, migrated, and filled with the reps and a pool of
leads. The claimer processes (`claimers.py`) then run four phases in step, each for the
same number of seconds: the raw-SQL baseline at saturation, the app's claim at saturation,
a rep's whole turn (next lead, then the call), and the app's claim paced at half the rate
it reached. Reported: claims per second and p50/p95 of each, beside the baseline, and how
many leads were handed out twice over the whole run (the target is zero). The schema is
dropped afterwards.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.engine import make_url

from workstation.bench.claimers import PHASES, PhaseResult, Plan, claimer_main
from workstation.bench.errors import BenchError
from workstation.bench.stats import median_and_p95
from workstation.store.access import drop_team_roles
from workstation.store.db import make_engine
from workstation.store.models import Lead, Rep
from workstation.store.schema import upgrade
from workstation.store.tables import table_of

CLAIMERS = 50
SECONDS = 5.0
# Leads enough for every phase at the rate one server reaches, with room to spare.
LEADS_PER_SECOND = 4000
# Connections the bench leaves the server for everyone else.
SPARE_CONNECTIONS = 10


def _fill(engine: Engine, claimers: int, leads: int) -> list[int]:
    now = datetime.now(UTC)
    with engine.begin() as connection:
        reps = connection.execute(
            insert(Rep).returning(table_of(Rep).c.id),
            [{"name": f"Bench rep {n}", "capacity": 10_000_000} for n in range(claimers)],
        )
        rep_ids = sorted(reps.scalars())
        for first in range(0, leads, 10_000):
            connection.execute(insert(Lead), [
                {"last_name": f"Bench {n}", "company": f"Company {n}", "score": n % 100,
                 "created_at": now, "updated_at": now}
                for n in range(first, min(leads, first + 10_000))
            ])  # fmt: skip
        connection.exec_driver_sql("ANALYZE lead")
    return rep_ids


def _free_connections(engine: Engine) -> int:
    with engine.connect() as connection:
        allowed = int(connection.exec_driver_sql("SHOW max_connections").scalar_one())
        reserved = int(
            connection.exec_driver_sql("SHOW superuser_reserved_connections").scalar_one()
        )
        used = connection.exec_driver_sql("SELECT count(*) FROM pg_stat_activity").scalar_one()
    return allowed - reserved - int(used) - SPARE_CONNECTIONS


def _scratch_url(url: str, schema: str) -> str:
    """The server's URL with the scratch schema first on the search path; its connections
    are named after it (`application_name`), so that the run can count them."""
    parsed = make_url(url)
    query = {**parsed.query, "options": f"-csearch_path={schema}", "application_name": schema}
    return parsed.set(query=query).render_as_string(hide_password=False)


def _plans(url: str, reps: list[int], processes: int, seconds: float) -> list[Plan]:
    """The reps dealt out over the processes, in turn, so that each holds a run of them."""
    share, extra = divmod(len(reps), processes)
    plans, start = [], 0
    for n in range(processes):
        count = share + (1 if n < extra else 0)
        plans.append(Plan(url, tuple(reps[start : start + count]), start, len(reps), seconds))
        start += count
    return plans


def _summary(results: list[PhaseResult]) -> dict[str, float]:
    claims = sum(len(r.claimed) for r in results)
    seconds = max(r.ended for r in results) - min(r.started for r in results)
    latencies = [ms for r in results for ms in r.latencies]
    p50, p95 = median_and_p95(latencies) if latencies else (0.0, 0.0)
    return {"claims": claims, "per_second": claims / seconds, "p50_ms": p50, "p95_ms": p95}


def _collect(results: Any, processes: list, count: int, phase: str) -> list[PhaseResult]:
    got: list[PhaseResult] = []
    while len(got) < count:
        try:
            kind, value = results.get(timeout=5)
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                raise BenchError("a claimer process died: P8 stopped") from None
            continue
        if kind == "error":
            raise BenchError(f"a claimer failed: {value}")
        if kind != phase:
            raise BenchError(f"a claimer reported phase {kind} during {phase}")
        got.append(value)
    return got


def _between_phases(url: str) -> int:
    """Close the leads a phase claimed, so that the next starts with every rep's own queue
    empty (each of its turns is then a claim from the pool); and count the claimers'
    connections, open while they wait for the next phase."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "UPDATE lead SET is_open = false, claimed_until = NULL "
                "WHERE owner_id IS NOT NULL AND is_open"
            )
            return connection.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = current_setting('application_name') "
                "AND pid <> pg_backend_pid()"
            ).scalar_one()
    finally:
        engine.dispose()


def _first_error(results: Any) -> str:
    try:
        kind, value = results.get(timeout=5)
    except queue.Empty:
        return "the claimer processes did not start"
    return value if kind == "error" else "a claimer stopped"


def _run_phases(
    plans: list[Plan], say: Callable[[str], None]
) -> tuple[dict[str, Any], list[int], list[int]]:
    # fork starts fifty claimers in a blink; the parent holds no connection when it forks.
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork") if fork else multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(plans) + 1)
    rate = context.Value("d", 0.0)
    results = context.Queue()
    processes = [
        context.Process(target=claimer_main, args=(plan, barrier, rate, results), daemon=True)
        for plan in plans
    ]
    for process in processes:
        process.start()
    figures: dict[str, Any] = {}
    claimed: list[int] = []
    connections = 0
    try:
        for phase in PHASES:
            if phase == "half":
                rate.value = figures["claim"]["per_second"] / 2
            say(f"P8: {phase} …")
            try:
                barrier.wait(timeout=120)
            except threading.BrokenBarrierError:
                raise BenchError(f"P8 stopped: {_first_error(results)}") from None
            got = _collect(results, processes, len(plans), phase)
            figures[phase] = _summary(got)
            claimed += [lead for r in got for lead in (*r.warmup, *r.claimed)]
            connections = max(connections, _between_phases(plans[0].url))
            barrier.wait(timeout=120)
        figures["half"]["asked_per_second"] = rate.value
        figures["connections_seen"] = connections
    finally:
        barrier.abort()
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    return figures, claimed, [p.pid or 0 for p in processes]


def measure_claims(
    url: str,
    *,
    claimers: int = CLAIMERS,
    connections: int | None = None,
    seconds: float = SECONDS,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """P8 with `claimers` reps on `connections` connections (default: one each)."""
    admin = make_engine(url)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    processes = min(claimers, connections or claimers)
    free = _free_connections(admin)
    if processes > free:
        admin.dispose()
        raise BenchError(
            f"P8 needs {processes} connections and the server has {free} to spare "
            f"(max_connections less those in use): give --pg-connections {max(free, 1)} "
            "to share them, as a transaction pooler would"
        )
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    scratch = _scratch_url(url, schema)
    try:
        engine = make_engine(scratch)
        try:
            upgrade(engine)
            leads = int(LEADS_PER_SECOND * seconds * len(PHASES)) + claimers
            say(f"P8: {claimers} reps and {leads:,} pool leads …")
            reps = _fill(engine, claimers, leads)
        finally:
            engine.dispose()  # the claimers fork with no connection of ours in them
        figures, claimed, pids = _run_phases(_plans(scratch, reps, processes, seconds), say)
    finally:
        roles = make_engine(scratch)
        with roles.begin() as connection:  # roles outlive the schema: theirs go first
            drop_team_roles(connection)
        roles.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    twice = sum(1 for count in Counter(claimed).values() if count > 1)
    return {
        "claimers": claimers,
        "connections": processes,
        "seconds": seconds,
        "duplicates": twice,
        "pids": pids,
        **figures,
    }
