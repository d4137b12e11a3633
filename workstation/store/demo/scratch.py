"""The worker side of the parallel SQLite demo load: chunks of rows into scratch files.

Each chunk's rows go into tables of their own in the worker's scratch file ("activity_17"),
defined exactly like the database's tables and carrying the same kept indexes, with real
NULLs and final ids. The writing connection then copies them with
`INSERT INTO activity SELECT * FROM scratch.activity_17`, which SQLite runs as a copy of the
raw records (its transfer optimisation): nothing is decoded, checked or encoded again.

Tables whose ids follow insertion order (activities, history, campaign members, contact
roles) number a chunk's rows right after the previous chunk's, whichever process built that
one: `IdChain` hands the next id on from chunk to chunk through shared memory. The two
workers take alternate chunks, so each waits at most for the other to finish the chunk it
started at the same time.
"""

from __future__ import annotations

import os
import pickle
import re
import sqlite3
from collections import Counter
from itertools import chain, count

from workstation.store.collector import collector_paused
from workstation.store.demo.load import columns

# Rows per INSERT statement: binding is per value either way, but each statement costs
# the driver a fixed amount.
SCRATCH_ROWS = 50
# Bytes per page of a scratch file (a fifth less CPU writing it than with 4 KiB pages).
SCRATCH_PAGE_SIZE = 65536
# How much lower the workers' priority is than the writing process's.
WORKER_NICENESS = 10
# Seconds between looks at whether another worker gave up, while waiting for an id.
WAIT_STEP = 1.0

_ids: IdChain | None = None  # set in each worker process by `adopt`


class WorkerStopped(RuntimeError):
    """Another worker failed, so the id this one waits for will never come."""


class IdChain:
    """First ids of each chunk's rows, per table, shared by the worker processes.

    Created in the writing process and handed to the workers when they start (shared
    memory cannot travel with a task).
    """

    def __init__(self, context, chunks: int, tables: tuple[str, ...]) -> None:
        self.tables = tables
        self.first = context.Array("q", [-1] * ((chunks + 1) * len(tables)), lock=False)
        self.changed = context.Condition()
        self.stopped = context.Value("b", 0, lock=False)

    def start(self, seq: int, first: dict[str, int]) -> None:
        """The first ids of chunk `seq`, where numbering begins."""
        with self.changed:
            for i, table in enumerate(self.tables):
                self.first[seq * len(self.tables) + i] = first[table]
            self.changed.notify_all()

    def take(self, seq: int, counts: Counter[str]) -> dict[str, int]:
        """The first ids of chunk `seq` (waiting for the chunk before it); the ids after
        its `counts` rows go to the next chunk."""
        n = len(self.tables)
        with self.changed:
            while self.first[seq * n] < 0:
                if self.stopped.value:
                    raise WorkerStopped("another worker stopped: demo data left unfinished")
                self.changed.wait(WAIT_STEP)
            first = {t: self.first[seq * n + i] for i, t in enumerate(self.tables)}
            for i, table in enumerate(self.tables):
                self.first[(seq + 1) * n + i] = first[table] + counts[table]
            self.changed.notify_all()
        return first

    def stop(self) -> None:
        with self.changed:
            self.stopped.value = 1
            self.changed.notify_all()


def adopt(ids: IdChain) -> None:
    """Worker process initialiser."""
    global _ids
    _ids = ids
    # The writing process is the one to wait for (every row passes through it, and it
    # alone builds the indexes at the end): when the cores are short, it goes first.
    os.nice(WORKER_NICENESS)


def chunk_table(sql: str, seq: int) -> str:
    """A CREATE TABLE or CREATE INDEX statement of the database, for chunk `seq`'s table."""
    if sql.startswith("CREATE TABLE"):
        renamed, found = re.subn(r'^CREATE TABLE "?(\w+)"? \(', rf'CREATE TABLE "\1_{seq}" (', sql)
    else:
        pattern = r'^CREATE (UNIQUE )?INDEX "?(\w+)"? ON "?(\w+)"? ?\('
        renamed, found = re.subn(pattern, rf'CREATE \1INDEX "\2_{seq}" ON "\3_{seq}" (', sql)
    if found != 1:
        raise ValueError(f"unexpected schema statement: {sql[:60]}")
    return renamed


class Shipped:
    """A large argument pickled once in the writing process and unpickled once per worker,
    however many tasks carry it (the lead context is several megabytes)."""

    def __init__(self, value) -> None:
        self.data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        self.key = next(_keys)  # unique in the writing process, where every one is made

    def value(self):
        if self.key not in _unpacked:
            _unpacked.clear()
            _unpacked[self.key] = pickle.loads(self.data)
        return _unpacked[self.key]


_keys = count()
_unpacked: dict[int, object] = {}


def build_chunks(function, context: Shipped, jobs: list[tuple[int, tuple]], path: str, schema):
    """In a worker process: run function(context, *job) for each (seq, job) and write the
    rows into chunk seq's tables of a new SQLite file at `path`. `schema` holds, per table,
    the database's CREATE TABLE statement and those of the indexes it keeps during the load.

    Returns (seq, the result with its rows taken out, rows written per table) per job.
    """
    assert _ids is not None, "build_chunks runs in a worker started with adopt()"
    try:
        with collector_paused():  # millions of new tuples, no cycles among them
            db = sqlite3.connect(path, isolation_level=None)
            # Large pages: fewer to allocate and write here, and to read for the writer.
            db.execute(f"PRAGMA page_size={SCRATCH_PAGE_SIZE}")
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            # CHECK constraints are kept by the generator (the database checks its file
            # afterwards); evaluating them per row would cost more than the insert.
            db.execute("PRAGMA ignore_check_constraints=ON")
            db.execute("BEGIN")
            done = []
            for seq, job in jobs:
                result = function(context.value(), *job)
                counts = Counter({t: len(rows) for t, rows in result.rows.items() if rows})
                first = _ids.take(seq, counts)
                for table, rows in result.rows.items():
                    if rows:
                        _write(db, table, seq, rows, schema[table], first.get(table))
                result.rows = {}
                done.append((seq, result, counts))
            db.execute("COMMIT")
            db.close()
            return done
    except BaseException:
        _ids.stop()
        raise


def _write(db, table: str, seq: int, rows: list[tuple], schema, first_id: int | None) -> None:
    """Rows into chunk seq's table; without ids of their own, the first gets `first_id`
    and the others follow it (SQLite gives a new row the largest id plus one)."""
    create, indexes = schema
    db.execute(chunk_table(create, seq))
    for sql in indexes:  # before the rows: they arrive nearly in index order
        db.execute(chunk_table(sql, seq))
    names, values = _columns(table)
    into = f'INSERT INTO "{table}_{seq}"'
    if first_id is not None:
        db.execute(f"{into} (id, {names}) VALUES (?, {values})", (first_id, *rows[0]))
        rows = rows[1:]
    whole = len(rows) - len(rows) % SCRATCH_ROWS
    many = ", ".join([f"({values})"] * SCRATCH_ROWS)
    db.executemany(
        f"{into} ({names}) VALUES {many}",
        (
            tuple(chain.from_iterable(rows[i : i + SCRATCH_ROWS]))
            for i in range(0, whole, SCRATCH_ROWS)
        ),
    )
    db.executemany(f"{into} ({names}) VALUES ({values})", rows[whole:])


def _columns(table: str) -> tuple[str, str]:
    """Column names and value placeholders of the generated rows (a generated 0 or "" in a
    nullable column stands for NULL)."""
    nulls = {None: "?", 0: "NULLIF(?, 0)", "": "NULLIF(?, '')"}
    cols = columns(table)
    return ", ".join(c for c, _ in cols), ", ".join(nulls[null] for _, null in cols)
