"""P5 (TARGETS.md): how long one whole conversion takes, on a demo-sized database.

Each run converts a different open, owned, callable lead with the wizard's defaults (so
duplicate matching is part of it) in its own transaction, and is timed against an empty
write transaction (BEGIN IMMEDIATE + COMMIT on SQLite) taken right after it, so the ratio
holds on a busy machine. The conversions are real: run this on a scratch copy.
"""

from __future__ import annotations

import statistics
import time

from sqlalchemy import Engine, bindparam, event, select, text
from sqlmodel import col

from workstation.bench.stats import median_and_p95, ms_since
from workstation.store.conversion.convert import convert_lead
from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.models import OWNED, Lead

# The queue index's predicate, literally, so picking the leads is an index walk.
_CANDIDATES = select(col(Lead.id)).where(text(OWNED)).limit(bindparam("n"))
TARGET_MS = 5.0


def _count_statements(engine: Engine, lead_id: int) -> int:
    """Statements one conversion sends (BEGIN and the reads included)."""
    sent = []

    def count(*_args) -> None:
        sent.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        convert_lead(engine, lead_id=lead_id, rep_id=None)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(sent)


def measure_conversion(engine: Engine, runs: int) -> dict:
    """Median and p95 milliseconds of one conversion, beside an empty write transaction.

    Returns runs (conversions timed), median_ms, p95_ms, cpu_median_ms (this thread's CPU
    time: what a busy machine inflates least), baseline_median_ms, baseline_p95_ms, ratio
    (median over baseline median), statements (per conversion), refused (leads the rules
    turned down, not timed) and target_ms.
    """
    with engine.connect() as connection:
        found = connection.execute(_CANDIDATES, {"n": runs + 1}).scalars()
        lead_ids = [lead_id for lead_id in found if lead_id is not None]
    if len(lead_ids) < 2:
        raise StoreError("P5 needs at least two open, owned leads: run `workstation demo` first")
    statements = _count_statements(engine, lead_ids[0])  # also warms the statement cache
    timings, cpu, baseline, refused = [], [], [], 0
    for lead_id in lead_ids[1:]:
        started, started_cpu = time.perf_counter(), time.thread_time()
        try:
            convert_lead(engine, lead_id=lead_id, rep_id=None)
        except StoreError:
            refused += 1
            continue
        timings.append(ms_since(started))
        cpu.append((time.thread_time() - started_cpu) * 1000)
        started = time.perf_counter()
        with write_session(engine):
            pass
        baseline.append(ms_since(started))
    if not timings:
        raise StoreError("P5: every lead picked was refused; nothing was timed")
    (median, p95), (base, base_p95) = median_and_p95(timings), median_and_p95(baseline)
    return {
        "runs": len(timings),
        "median_ms": round(median, 3),
        "p95_ms": round(p95, 3),
        "cpu_median_ms": round(statistics.median(cpu), 3),
        "baseline_median_ms": round(base, 3),
        "baseline_p95_ms": round(base_p95, 3),
        "ratio": round(median / base, 2) if base else None,
        "statements": statements,
        "refused": refused,
        "target_ms": TARGET_MS,
    }
