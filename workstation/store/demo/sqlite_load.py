"""Loading the demo data set into SQLite.

NULLs travel as 0 / "" and the INSERT turns them back with NULLIF: the sqlite3 driver binds
None several times slower than an int. Foreign keys and CHECK constraints are not evaluated per
row (a CHECK with an IN list costs more than the insert itself; the generator keeps both right
and the tests run `foreign_key_check` and `integrity_check`). No fsync during the load: it goes
into an empty file, and a crash leaves the rollback journal that undoes it.

With worker processes, the workers build the rows into scratch SQLite files, a table per
chunk (`scratch`), and the one writing connection copies each chunk's tables in with
`INSERT INTO t SELECT * FROM scratch.t_17`: SQLite's transfer optimisation copies the raw
records, several times cheaper than inserting the same rows. It works because, during the
load, the tables have no triggers (the no-delete guards), no UNIQUE index and only indexes
the chunk tables carry too; guards and indexes come back, as they were, at the end.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import pairwise
from multiprocessing import get_context

from sqlalchemy import Engine

from workstation.store.demo.load import EXPLICIT_IDS, TABLES, Batch, Loader, columns
from workstation.store.demo.scratch import IdChain, Shipped, adopt, build_chunks
from workstation.store.search.index import SQLITE_REBUILD

# Memory for SQLite's page cache and index sorter during the load; released afterwards.
SQLITE_CACHE_KIB = 256 * 1024
# Page cache while indexes are built: it also bounds the sorter's runs.
SQLITE_SORT_CACHE_KIB = 2 * 1024
# Helper threads of the index sorter once the workers are done.
SORT_THREADS = 2
# Scratch files attached at once; SQLite's default limit is 10 attached databases.
SQLITE_SCRATCH_FILES = 10
# Tables whose rows get their ids from the order they are written in.
ASSIGNED_IDS = tuple(t for t in TABLES if t not in EXPLICIT_IDS)


class SqliteLoader(Loader):
    def __init__(self, engine: Engine, workers: int, chunks: int = 0) -> None:
        """`chunks`: how many jobs all the parallel loads hold together."""
        super().__init__(engine)
        self.workers = workers
        self.chunks = chunks
        self.seq = 0  # chunks handed to workers so far, over every load
        self.scratch: tempfile.TemporaryDirectory | None = None
        self.attached: list[str] = []
        self.slots: list[str] = []  # attached scratch files not used yet
        self.journal: str | None = None  # the journal mode to go back to
        self.pool: ProcessPoolExecutor | None = None
        self.ids: IdChain | None = None
        self.futures: list = []  # every task handed to the workers
        self.triggers: list[str] = []

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
        # The first DROP takes the write lock, before anything is read.
        db.execute("BEGIN")
        marks = ", ".join("?" * len(TABLES))
        # The raw-record copy is off for a table with triggers: the guards go for the load.
        guards = self.fetch(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' "
            f"AND tbl_name IN ({marks}) ORDER BY name",
            TABLES,
        )
        for name, _sql in guards:
            db.execute(f'DROP TRIGGER "{name}"')
        self.triggers = [sql for _name, sql in guards]
        self.drop_indexes(
            "SELECT tbl_name, name, sql FROM main.sqlite_master WHERE type = 'index' "
            f"AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY tbl_name, name",
            TABLES,
        )
        dropped = {name for _table, name, _sql in self.indexes}
        self.schema = {
            table: (
                self.fetch(
                    "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?",
                    (table,),
                )[0][0],
                [
                    sql
                    for name, sql in self.fetch(
                        "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' "
                        "AND sql IS NOT NULL AND tbl_name = ? ORDER BY name",
                        (table,),
                    )
                    if name not in dropped
                ],
            )
            for table in TABLES
        }
        nulls = {None: "?", 0: "NULLIF(?, 0)", "": "NULLIF(?, '')"}
        self.sql = {}
        for table in TABLES:
            cols = columns(table)
            names = ", ".join(c for c, _ in cols)
            values = ", ".join(nulls[null] for _, null in cols)
            self.sql[table] = f'INSERT INTO main."{table}" ({names}) VALUES ({values})'

    def finish(self) -> None:
        for sql in self.triggers:
            self.db.execute(sql)
        for sql in SQLITE_REBUILD:  # the search index's triggers were off too
            self.db.execute(sql)

    def end(self) -> None:
        if self.ids is not None:
            self.ids.stop()  # a worker waiting for an id gives up instead of waiting forever
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

    def create_indexes(self, tables, progress) -> int:
        # The sorter then writes small sorted runs and merges them, which measured 40%
        # cheaper than one sort of everything in a large cache (it stays in the CPU
        # caches). Its helper threads take a quarter off the time, for more CPU: worth it
        # only once the workers are done and leave a core idle.
        idle = all(future.done() for future in self.futures)
        if idle and self.pool is not None:  # the workers exit while the indexes are built
            self.pool.shutdown(wait=False)
            self.pool = None
        self.db.execute(f"PRAGMA cache_size=-{SQLITE_SORT_CACHE_KIB}")
        self.db.execute(f"PRAGMA threads={SORT_THREADS if idle else 0}")
        try:
            return super().create_indexes(tables, progress)
        finally:
            self.db.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")

    def load(self, function, context, jobs, groups=None) -> Batch:
        if not self.workers:
            return super().load(function, context, jobs)
        # The jobs go to the workers now, so they work while this connection does other
        # things (copies earlier rows, builds indexes).
        slots = self.slots[: groups or len(self.slots)]
        del self.slots[: len(slots)]
        numbered = list(enumerate(jobs, start=self.seq))
        if self.pool is None:
            context_mp = get_context("spawn")
            self.ids = IdChain(context_mp, max(self.chunks, self.seq + len(jobs)), ASSIGNED_IDS)
            first = {t: self.fetch(f'SELECT coalesce(max(id), 0) + 1 FROM "{t}"')[0][0]
                     for t in ASSIGNED_IDS}  # fmt: skip
            self.ids.start(self.seq, first)
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=context_mp, initializer=adopt, initargs=(self.ids,)
            )
        self.seq += len(jobs)
        shipped = Shipped(context)
        rounds = []
        for part in _rounds(numbered, max(1, len(slots) // self.workers)):
            # Alternate chunks: the next chunk's ids wait only for the chunk beside it.
            tasks = [part[k :: self.workers] for k in range(self.workers) if part[k:]]
            futures = []
            for task in tasks:
                path = self._path(slot := slots.pop(0))
                future = self.pool.submit(build_chunks, function, shipped, task, path, self.schema)
                futures.append((slot, future))
                self.futures.append(future)
            rounds.append(futures)
        return ScratchBatch(self, rounds)

    def _path(self, slot: str) -> str:
        assert self.scratch is not None  # made in `begin` when there are workers
        return f"{self.scratch.name}/{slot.removeprefix('scratch')}.db"


class ScratchBatch(Batch):
    """Jobs in rounds of scratch files: a round's results come when its files are written;
    `write()` copies the rounds whose results were given."""

    def __init__(self, loader: SqliteLoader, rounds: list) -> None:
        self.loader = loader
        self.rounds = rounds
        self.built: list[list[tuple]] = []  # (seq, slot, counts) of the rounds given
        self.copied = 0

    def results(self) -> Iterator:
        for futures in self.rounds:
            built = sorted(
                (seq, slot, result, counts)
                for slot, future in futures
                for seq, result, counts in future.result()
            )
            self.built.append([(seq, slot, counts) for seq, slot, _result, counts in built])
            for _seq, _slot, result, _counts in built:
                yield result

    def write(self) -> None:
        db, counts = self.loader.db, self.loader.counts
        for built in self.built[self.copied :]:
            for seq, slot, chunk_counts in built:
                for table in TABLES:
                    if chunk_counts[table]:
                        db.execute(
                            f'INSERT INTO main."{table}" SELECT * FROM "{slot}"."{table}_{seq}"'
                        )
                counts.update(chunk_counts)
            # Copied, and never read again: emptied and removed now, so the system neither
            # writes them out to disk nor frees their pages at the end (this connection
            # keeps them open until then).
            for slot in {slot for _seq, slot, _counts in built}:
                os.truncate(self.loader._path(slot), 0)
                os.remove(self.loader._path(slot))
            self.copied += 1


def _rounds(jobs: list, rounds: int) -> list[list]:
    """Consecutive groups of jobs, copied one after the other. The first is small, so the
    writer starts copying early; then each is half the one before (at least the last
    two are), so the writer copies one while the workers build the next, and has little
    left to copy once they are done."""
    if rounds <= 2:
        weights = [1] * rounds
    else:
        weights = [1] + [min(4, 2 ** (rounds - 2 - i)) for i in range(rounds - 2)] + [1]
    bounds = [0]
    for i in range(rounds):
        bounds.append(round(len(jobs) * sum(weights[: i + 1]) / sum(weights)))
    return [jobs[a:b] for a, b in pairwise(bounds) if b > a]
