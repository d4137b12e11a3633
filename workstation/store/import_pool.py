"""Cleansing rows on every core, in order, and writing the rows refused to the errors file.

Validation (libphonenumber, email-validator) costs far more than the database writes, so
chunks of rows go to a pool of worker processes while this process writes earlier batches.
At most a few chunks are in flight, so memory stays flat however large the file, and
results come back in file order. Workers are spawned, not forked: the import may run in a
thread of the TUI, and forking a threaded process is unsafe. Small files skip the pool.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain
from pathlib import Path
from typing import TextIO

from workstation.store.errors import StoreError
from workstation.store.exports import FORMULA_PREFIXES
from workstation.store.import_rows import (
    Outcome,
    Row,
    RowRules,
    clean_chunk,
    clean_rows,
    init_worker,
)

CHUNK_ROWS = 1000
# Enough chunks in flight that the workers are still busy while this process writes a
# batch (5 chunks of the default 5000 rows), yet a bounded few.
IN_FLIGHT_PER_WORKER = 6
POOL_FROM_BYTES = 512 * 1024  # below this, starting workers costs more than it saves


def worker_count(size: int, workers: int | None) -> int:
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2
    return workers if size >= POOL_FROM_BYTES else 1


def _chunks(rows: Iterable[Row]) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def cleaned_chunks(
    rows: Iterable[Row], rules: RowRules, workers: int
) -> Iterator[tuple[list[Row], list[Outcome]]]:
    """(rows, their outcomes) chunk by chunk, in the order of the file.

    Should the workers fail or not start (spawning needs a main module that can be
    imported again and a standard error with a file behind it, which a TUI replaces; or a
    worker is killed), the chunks not yet cleaned are cleaned here instead. A row that
    breaks cleansing itself then fails here too, so nothing is hidden.
    """
    chunks = _chunks(rows)
    if workers < 2:
        for chunk in chunks:
            yield chunk, clean_rows(chunk, rules)
        return
    pending: deque[list] = deque()  # [chunk, its future], oldest first
    pool: ProcessPoolExecutor | None = None
    try:
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(workers, context, initializer=init_worker, initargs=(rules,))
        for chunk in chunks:
            pending.append([chunk, None])
            pending[-1][1] = pool.submit(clean_chunk, chunk)
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield pending[0][0], pending[0][1].result()
                pending.popleft()
        while pending:
            yield pending[0][0], pending[0][1].result()
            pending.popleft()
    except (BrokenProcessPool, OSError, ValueError, RuntimeError):
        for chunk in chain([c for c, _ in pending], chunks):
            yield chunk, clean_rows(chunk, rules)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _escaped(cell: str) -> str:
    # The file is for people to fix in a spreadsheet: keep formulas inert, as exports do.
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


class ErrorsFile:
    """Rows that could not be imported: their line, the reason, and the row as it was.

    The file is (re)written by every run, so it holds exactly that run's refusals. Its
    columns are the input's, after Line and Reason: fixed, it can be imported as it is.
    Bytes the input's encoding could not read are written back unchanged.
    """

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self.count = 0
        try:
            self._file: TextIO = path.open(
                "w", encoding="utf-8", errors="surrogateescape", newline=""
            )
        except OSError as error:
            raise StoreError(
                f"cannot write the errors file {path}: {error.strerror or error}; "
                "name another with --errors FILE"
            ) from None
        self._writer = csv.writer(self._file)
        self._writer.writerow(["Line", "Reason", *header])

    def add(self, line: int, reason: str, cells: list[str]) -> None:
        self._writer.writerow([line, reason, *map(_escaped, cells)])
        self.count += 1

    def close(self) -> None:
        self._file.close()
