"""P8's claimers: one process per connection, each working the reps it hosts.

A process runs the phases in step with the others (a barrier starts each one):
- `raw`: the baseline, the bare one-statement claim (SKIP LOCKED pick, owner, history
  row) through psycopg alone, as fast as it goes;
- `claim`: the app's claim (`pool_claim.claim_from_pool`), as fast as it goes;
- `claim_call`: what a rep does, `next_lead` and then `log_call`, as fast as it goes;
- `half`: the app's claim, paced so that all claimers together ask for the rate the
  parent sets (half the `claim` phase's).
With as many connections as reps (the default), each rep is its own process with its own
connection; with fewer, a process's reps take turns on its one connection, as they would
behind a transaction pooler.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

PHASES = ("raw", "claim", "claim_call", "half")

RAW_CLAIM = """
WITH pick AS (
    SELECT id FROM lead
    WHERE owner_id IS NULL AND is_open AND NOT do_not_call
    ORDER BY score DESC, created_at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
),
claimed AS (
    UPDATE lead SET owner_id = %(rep)s, assigned_at = now(),
                    claimed_until = now() + interval '30 minutes'
    FROM pick WHERE lead.id = pick.id
    RETURNING lead.id
),
logged AS (
    INSERT INTO history (entity, entity_id, field, new_value, rep_id, reason, at)
    SELECT 'lead', id, 'owner_id', %(rep_text)s, %(rep)s, 'claimed from the pool', now()
    FROM claimed
)
SELECT id FROM claimed
"""


@dataclass
class PhaseResult:
    """What one process saw in one phase: the leads its reps got (and those of the untimed
    first turns), each claim's
    milliseconds, and when the phase started and ended there (the monotonic clock, which
    is the machine's, so processes compare)."""

    claimed: list[int] = field(default_factory=list)
    warmup: list[int] = field(default_factory=list)  # claimed, not timed
    latencies: list[float] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0


@dataclass(frozen=True)
class Plan:
    url: str  # the scratch schema's URL
    reps: tuple[int, ...]  # the reps this process hosts
    first_index: int  # the first rep's place among all claimers (spreads the paced starts)
    claimers: int
    seconds: float


def _run_reps(reps: tuple[int, ...], work) -> None:
    """`work(rep, index)` for each hosted rep, in a thread each (one rep: in this thread)."""
    if len(reps) == 1:
        work(reps[0], 0)
        return
    threads = [threading.Thread(target=work, args=(rep, i)) for i, rep in enumerate(reps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Claimer:
    """One process's reps and its one connection."""

    def __init__(self, plan: Plan) -> None:
        from workstation.store.db import make_engine

        self.plan = plan
        # One connection, which the baseline too uses (through the driver alone). No ping
        # before each use: the bench's connections are minutes old at most.
        self.engine = make_engine(plan.url, pool_size=1, max_overflow=0, pool_pre_ping=False)
        self.raw: Any = None
        self.raw_lock = threading.Lock()
        self.lock = threading.Lock()
        from workstation.store.calling.dispositions import log_call  # noqa: F401
        from workstation.store.calling.pool_claim import closed_zones
        from workstation.store.clock import utcnow

        closed_zones(utcnow())  # the zones' files read before any phase starts

    def close(self) -> None:
        self.engine.dispose()

    def run(self, phase: str, rate: float) -> PhaseResult:
        if phase != "raw":
            return self._run(phase, rate)
        pooled = self.engine.raw_connection()
        self.raw = pooled.driver_connection
        assert self.raw is not None
        self.raw.autocommit = True
        try:
            return self._run(phase, rate)
        finally:
            self.raw.autocommit = False
            self.raw = None
            pooled.close()  # back to the pool, for the app's phases

    def _run(self, phase: str, rate: float) -> PhaseResult:
        step = getattr(self, f"_{phase}")
        turns = {rep: step(rep) for rep in self.plan.reps}
        # One turn each before the clock starts: the first compiles and caches statements.
        warm = [lead for lead in (turn() for turn in turns.values()) if lead is not None]
        interval = self.plan.claimers / rate if rate > 0 else 0.0
        result = PhaseResult(warmup=warm, started=time.monotonic())
        deadline = result.started + self.plan.seconds

        def work(rep: int, index: int) -> None:
            turn = turns[rep]
            place = self.plan.first_index + index
            due = result.started + interval * place / self.plan.claimers
            while True:
                if interval:
                    wait = due - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
                    due += interval
                sent = time.monotonic()
                if sent >= deadline:
                    return
                lead = turn()
                took = (time.monotonic() - sent) * 1000
                if lead is None:
                    return
                with self.lock:
                    result.claimed.append(lead)
                    result.latencies.append(took)

        _run_reps(self.plan.reps, work)
        result.ended = time.monotonic()
        return result

    def _raw(self, rep: int):
        params = {"rep": rep, "rep_text": str(rep)}

        def claim() -> int | None:
            with self.raw_lock:
                row = self.raw.execute(RAW_CLAIM, params, prepare=True).fetchone()
            return None if row is None else row[0]

        return claim

    def _claim(self, rep: int):
        from workstation.store.calling.next_lead import LEASE
        from workstation.store.calling.pool_claim import claim_from_pool
        from workstation.store.clock import utcnow
        from workstation.store.values.rules import ATTEMPT_CAP, RETRY_HOURS

        def claim() -> int | None:
            with self.engine.connect() as connection:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                return claim_from_pool(
                    connection,
                    rep_id=rep,
                    now=utcnow(),
                    lease=LEASE,
                    retry_hours=RETRY_HOURS,
                    attempt_cap=ATTEMPT_CAP,
                ).lead_id

        return claim

    _half = _claim

    def _claim_call(self, rep: int):
        from workstation.store.calling.dispositions import log_call
        from workstation.store.calling.next_lead import next_lead

        def claim() -> int | None:  # timed together: a rep's turn, next lead and the call
            lead = next_lead(self.engine, rep_id=rep).lead_id
            if lead is not None:
                log_call(self.engine, rep_id=rep, lead_id=lead, disposition="2")
            return lead

        return claim


def claimer_main(plan: Plan, barrier: Any, rate: Any, results: Any) -> None:
    """A claimer process: connect, then for each phase wait at the barrier, run it, and
    put (phase, PhaseResult) on `results`. An error is put there too, as its text."""
    try:
        claimer = Claimer(plan)
    except Exception as error:
        results.put(("error", f"{type(error).__name__}: {error}"))
        barrier.abort()
        return
    try:
        for phase in PHASES:
            barrier.wait()
            results.put((phase, claimer.run(phase, rate.value if phase == "half" else 0.0)))
            barrier.wait()  # the parent reads the results and sets the next rate
    except threading.BrokenBarrierError:
        pass
    except Exception as error:
        results.put(("error", f"{type(error).__name__}: {error}"))
        barrier.abort()
    finally:
        claimer.close()
