"""Loading the demo data set into SQLite.

NULLs travel as 0 / "" and the INSERT turns them back with NULLIF: the sqlite3 driver binds
None several times slower than an int. Foreign keys and CHECK constraints are not evaluated per
row (a CHECK with an IN list costs more than the insert itself; the generator keeps both right
and the tests run `foreign_key_check` and `integrity_check`). No fsync during the load: it goes
into an empty file, and a crash leaves the rollback journal that undoes it.

With worker processes, each builds a group of chunks into a scratch SQLite file of its own, and
the one writing connection copies them in with INSERT … SELECT, about three times cheaper for
it than `executemany` of the same rows. The writing connection is the bottleneck: it also
builds every index.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import pairwise
from multiprocessing import get_context

from sqlalchemy import Engine

from workstation.store.demo_load import COLUMNS, TABLES, Loader, columns

# Rows per INSERT statement into a scratch file.
SCRATCH_ROWS = 20
# Memory for SQLite's page cache and index sorter during the load; released afterwards.
SQLITE_CACHE_KIB = 256 * 1024
# Scratch files attached at once; SQLite's default limit is 10 attached databases.
SQLITE_SCRATCH_FILES = 10


class SqliteLoader(Loader):
    def __init__(self, engine: Engine, workers: int) -> None:
        super().__init__(engine)
        self.workers = workers
        self.scratch: tempfile.TemporaryDirectory | None = None
        self.attached: list[str] = []
        self.slots: list[str] = []  # attached scratch files not used yet
        self.journal: str | None = None  # the journal mode to go back to
        self.pool: ProcessPoolExecutor | None = None

    def begin(self) -> None:
        db = self.db
        self.saved = {
            p: db.execute(f"PRAGMA {p}").fetchone()[0]
            for p in (
                "foreign_keys",
                "ignore_check_constraints",
                "synchronous",
                "cache_size",
                "threads",
            )
        }
        # None of these can change inside a transaction: set before BEGIN.
        db.execute("PRAGMA foreign_keys=OFF")
        db.execute("PRAGMA ignore_check_constraints=ON")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        db.execute("PRAGMA threads=2")  # the index sorter's helper threads
        # In WAL mode every page of the load would be written twice (log, then checkpoint);
        # a rollback journal over a nearly empty file holds next to nothing. Only possible
        # while no other connection has the file open; otherwise the load stays in WAL.
        self.journal = db.execute("PRAGMA journal_mode").fetchone()[0]
        if self.journal == "wal":
            try:
                switched = db.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
            except sqlite3.OperationalError:
                switched = False
            if not switched:
                self.journal = None
        if self.workers:
            self.scratch = tempfile.TemporaryDirectory(prefix="workstation-demo-")
            # Attaching is impossible inside a transaction: every scratch file now.
            for i in range(SQLITE_SCRATCH_FILES):
                self.attached.append(f"scratch{i}")
                db.execute(f'ATTACH DATABASE ? AS "scratch{i}"', (self._path(f"scratch{i}"),))
            self.slots = list(self.attached)
        # Deferred: IMMEDIATE would lock the scratch files the workers are about to write.
        # The first DROP INDEX takes the write lock, before anything is read.
        db.execute("BEGIN")
        marks = ", ".join("?" * len(TABLES))
        self.drop_indexes(
            "SELECT tbl_name, name, sql FROM main.sqlite_master WHERE type = 'index' "
            f"AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY tbl_name, name",
            TABLES,
        )
        nulls = {None: "?", 0: "NULLIF(?, 0)", "": "NULLIF(?, '')"}
        self.sql = {}
        for table in TABLES:
            cols = columns(table)
            names = ", ".join(c for c, _ in cols)
            values = ", ".join(nulls[null] for _, null in cols)
            self.sql[table] = f'INSERT INTO main."{table}" ({names}) VALUES ({values})'

    def end(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if not self.db.in_transaction:
            for slot in self.attached:
                self.db.execute(f'DETACH DATABASE "{slot}"')
            if self.journal == "wal":
                self.db.execute("PRAGMA journal_mode=WAL")
        for pragma, value in getattr(self, "saved", {}).items():
            self.db.execute(f"PRAGMA {pragma}={value}")
        if self.scratch is not None:
            self.scratch.cleanup()

    def write(self, table: str, rows: list[tuple]) -> None:
        self.db.executemany(self.sql[table], rows)

    def load(self, function, context, jobs, groups=None):
        if not self.workers:
            return super().load(function, context, jobs)
        # The jobs go to the workers now, so they work while this connection does other
        # things (builds indexes) before it reads the first result.
        slots = self.slots[: groups or len(self.slots)]
        del self.slots[: len(slots)]
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
        futures = [
            self.pool.submit(write_scratch, function, context, part, self._path(slot))
            for part, slot in zip(_split(jobs, len(slots)), slots, strict=False)
        ]
        return self._copy_all(futures, slots)

    def _copy_all(self, futures, slots) -> Iterator:
        for future, slot in zip(futures, slots, strict=False):
            results, counts = future.result()
            for table in TABLES:
                if counts[table]:
                    self._copy(slot, table)
            self.counts.update(counts)
            yield from results

    def _path(self, slot: str) -> str:
        return f"{self.scratch.name}/{slot.removeprefix('scratch')}.db"

    def _copy(self, slot: str, table: str) -> None:
        cols = columns(table)
        values = ", ".join(c if null is None else f"NULLIF({c}, {null!r})" for c, null in cols)
        self.db.execute(
            f'INSERT INTO main."{table}" ({", ".join(c for c, _ in cols)}) '
            f'SELECT {values} FROM "{slot}"."{table}" ORDER BY rowid'
        )


def _split(jobs: list[tuple], parts: int) -> list[list[tuple]]:
    """Consecutive groups of jobs. Beyond two, the first are small, so the writer starts
    copying early; with two they are equal, so both workers finish together."""
    weights = [1] * parts if parts <= 2 else [min(2**i, 8) for i in range(parts)]
    bounds = [0]
    for i in range(parts):
        bounds.append(round(len(jobs) * sum(weights[: i + 1]) / sum(weights)))
    return [jobs[a:b] for a, b in pairwise(bounds) if b > a]


def write_scratch(function, context, jobs: list[tuple], path: str):
    """In a worker process: build the rows of `jobs` into a new SQLite file at `path`.

    Returns the results with their rows taken out, and the rows written per table.
    """
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    counts: Counter[str] = Counter()
    results = []
    for job in jobs:
        result = function(context, *job)
        for table, rows in result.rows.items():
            if rows:
                _append(db, table, rows, table not in counts)
                counts[table] += len(rows)
        result.rows = {}
        results.append(result)
    db.execute("COMMIT")
    db.close()
    return results, counts


def _append(db: sqlite3.Connection, table: str, rows: list[tuple], create: bool) -> None:
    """Rows into a plain table of the scratch file, SCRATCH_ROWS to a statement: binding is
    per value either way, but each statement costs the driver a fixed amount."""
    names = [spec.rstrip("?") for spec in COLUMNS[table].split()]
    if create:
        db.execute(f'CREATE TABLE "{table}" ({", ".join(names)})')
    row = f"({', '.join('?' * len(names))})"
    whole = len(rows) - len(rows) % SCRATCH_ROWS
    many = f'INSERT INTO "{table}" VALUES {", ".join([row] * SCRATCH_ROWS)}'
    db.executemany(
        many, (sum(rows[i : i + SCRATCH_ROWS], ()) for i in range(0, whole, SCRATCH_ROWS))
    )
    db.executemany(f'INSERT INTO "{table}" VALUES {row}', rows[whole:])
