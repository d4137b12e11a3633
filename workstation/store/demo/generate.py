"""`generate_demo`: fill an empty database with a realistic, deterministic demo data set.

The same seed, size and `now` give identical rows, on SQLite and PostgreSQL alike, however
many processes build them. Rows come from `plan`, `accounts` and `leads` (pure
Python, in chunks of a fixed size) and reach the database through `load`, in ONE
transaction: the ORM would take minutes for data set L (1M leads, 5M activities).

Worker processes are started with "spawn" for large data sets: a script that calls this
function must guard its entry point with `if __name__ == "__main__":`, as multiprocessing
requires (the `workstation` command does).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine

from workstation.store.db import refuse_if_read_only
from workstation.store.demo.accounts import AccountChunk, Conversion, account_chunk
from workstation.store.demo.leads import FORCED, LeadContext, lead_chunk
from workstation.store.demo.load import TABLES, Loader, PostgresLoader
from workstation.store.demo.plan import (
    CHUNK,
    DAY,
    MIN_LEADS,
    SPAN_DAYS,
    clock_for,
    make_plan,
    reference_rows,
)
from workstation.store.demo.sqlite_load import SqliteLoader
from workstation.store.errors import StoreError
from workstation.store.models import BUSINESS_TABLES
from workstation.store.reference import SEED_ROWS
from workstation.store.scoring.everyone import rescore_all
from workstation.store.tables import table_of

Progress = Callable[[str, int, int], None]

STAGE_SETUP = "Reps and campaigns"
STAGE_ACCOUNTS = "Accounts and contacts"
STAGE_LEADS = "Leads and activities"
STAGE_INDEXES = "Building indexes"

# Tables the accounts stage completes: their indexes are built before the leads arrive.
ACCOUNT_TABLES = ("account", "opportunity", "contact", "opportunity_contact_role")
# Below this many leads, worker processes cost more than they save (spawning them, the
# scratch files): measured on a busy 2-core machine, one process was faster at 200k leads,
# two workers at 1M (168 s against 210 s).
PARALLEL_FROM = 250_000


class DemoError(StoreError):
    """Demo data cannot be written here (the database holds records already, …)."""


def generate_demo(
    engine: Engine,
    *,
    leads: int = 3000,
    seed: int = 7,
    now: datetime | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> dict[str, int]:
    """Write a demo data set of `leads` leads into an empty database; rows per table.

    `workers` is the number of processes building rows for SQLite (None: chosen from the
    size and the machine; 0: none; PostgreSQL builds in this process); it changes how fast
    the rows come, never the rows.
    """
    if leads < MIN_LEADS:
        raise DemoError(f"a demo data set needs at least {MIN_LEADS} leads, not {leads}")
    refuse_if_read_only(engine)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    report = progress or (lambda _stage, _done, _total: None)
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if leads >= PARALLEL_FROM else 0
    plan = make_plan(leads, seed, int(now.timestamp()))

    chunks = -(-plan.accounts // CHUNK) + -(-plan.leads // CHUNK)
    _refuse_held(engine)
    with loader_for(engine, workers, chunks) as loader:
        _refuse_unless_empty(loader.count)  # again, inside the load's transaction
        _refuse_changed_reference(loader)
        report(STAGE_SETUP, 0, 1)
        loader.write_all(reference_rows(plan, clock_for(plan)))
        report(STAGE_SETUP, 1, 1)

        customers: list[tuple] = []
        known: tuple[list[tuple], list[tuple]] = ([], [])
        conversions: list[Conversion] = []
        jobs: list[tuple] = [(c,) for c in range(-(-plan.accounts // CHUNK))]
        accounts = loader.load(account_chunk, plan, jobs, 2)
        result: AccountChunk
        for done, result in enumerate(accounts.results(), start=1):
            customers += result.customers
            known[0].extend(result.known_contacts[0])
            known[1].extend(result.known_contacts[1])
            conversions += result.conversions
            report(STAGE_ACCOUNTS, min(done * CHUNK, plan.accounts), plan.accounts)

        context = LeadContext(plan, customers, known)
        by_chunk = _place_conversions(conversions, plan.leads, plan.start)
        jobs = [(c, by_chunk.get(c, {})) for c in range(-(-plan.leads // CHUNK))]
        # The leads are built meanwhile (by worker processes, if any).
        lead_batch = loader.load(lead_chunk, context, jobs)
        accounts.write()
        indexes = len(loader.indexes)
        built = loader.create_indexes(
            ACCOUNT_TABLES, lambda done: report(STAGE_INDEXES, done, indexes)
        )
        for done, _ in enumerate(lead_batch.results(), start=1):
            lead_batch.write()
            report(STAGE_LEADS, min(done * CHUNK, plan.leads), plan.leads)
        lead_batch.write()
        loader.create_indexes(TABLES, lambda done: report(STAGE_INDEXES, built + done, indexes))
    # The scores the rules give (not drawn at random): what the card explains is true.
    rescore_all(engine, now=now, progress=report)
    return {table: loader.counts[table] for table in TABLES}


def loader_for(engine: Engine, workers: int, chunks: int) -> Loader:
    if engine.dialect.name == "postgresql":
        return PostgresLoader(engine)
    return SqliteLoader(engine, workers, chunks)


def _refuse_held(engine: Engine) -> None:
    """A database holding records is refused before the loader opens it: the loader's
    settings (its journal mode) would change the file even on the way out."""
    with engine.connect() as connection:
        _refuse_unless_empty(
            lambda table: connection.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar()
        )


def _refuse_unless_empty(count: Callable[[str], int | None]) -> None:
    held = [f"{n:,} {t.replace('_', ' ')}" for t in BUSINESS_TABLES if (n := count(t))]
    if held:
        listed = ", ".join(held[:3]) + (", …" if len(held) > 3 else "")
        raise DemoError(
            f"demo data goes into an empty database only, and this one holds {listed}: "
            "use a new database instead"
        )


def _refuse_changed_reference(loader: Loader) -> None:
    for model, seeded in SEED_ROWS.items():
        table = table_of(model).name
        present = loader.reference(table)
        changed = [row["name"] for row in seeded if present.get(row["name"]) != _flags(row)]
        if changed:
            raise DemoError(
                f"the demo data needs the {table.replace('_', ' ')} rows a new database "
                f"starts with, and these are missing or changed: {', '.join(changed)}"
            )


def _flags(row: dict) -> tuple[bool, ...]:
    """The flags of a seeded reference row that the demo data relies on."""
    return tuple(bool(row.get(f)) for f in ("is_closed", "is_converted", "is_won"))


def _place_conversions(
    conversions: list[Conversion], leads: int, start: int
) -> dict[int, dict[int, Conversion]]:
    """Give each converted lead an index whose arrival time is close to its own.

    Returns chunk → {lead index: conversion}. The first leads are kept for FORCED.
    """
    span, first = SPAN_DAYS * DAY, len(FORCED)
    taken: set[int] = set()
    by_chunk: dict[int, dict[int, Conversion]] = defaultdict(dict)
    for conversion in conversions[: leads - first]:
        i = min(leads - 1, max(first, (conversion.lead_created - start) * leads // span))
        while i in taken:
            i = i + 1 if i + 1 < leads else first
        taken.add(i)
        by_chunk[i // CHUNK][i] = conversion
    return by_chunk
