"""Parsing and cleansing on every core, in order, and writing the rows refused to the
errors file.

Parsing and validation (libphonenumber, email-validator) cost far more than the database
writes, so blocks of the file's bytes (`CsvBlocks`) go to a pool of worker processes that
parse and cleanse them while this process writes earlier batches: this process only finds
where records end, and reads the results back. At most a few blocks are in flight, so
memory stays flat however large the file, and results come back in file order. When a
block turns out not to end between records (a stray quote misled the split), it and
everything after it are read here record by record and sent to the workers as rows.
Workers are spawned, not forked: the import may run in a thread of the TUI, and forking a
threaded process is unsafe. Small files skip the pool.
"""

from __future__ import annotations

import csv
import marshal
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path
from typing import Any

from workstation.store.errors import StoreError
from workstation.store.exports.formulas import escape_as_read
from workstation.store.imports.reader import CsvBlocks, CsvRows
from workstation.store.imports.rows import (
    BlockCleaner,
    Row,
    clean_block,
    clean_chunk,
    init_worker,
)
from workstation.store.outputs import OutputFile, RefusedOutput, first_line_starting, refuse

CHUNK_ROWS = 1000  # rows a worker is sent at a time, when they are sent parsed
# Enough blocks in flight that the workers are still busy while this process writes a
# batch, yet a bounded few.
IN_FLIGHT_PER_WORKER = 6
WARM_ITEMS = 16  # blocks this process cleans itself while the workers start (~1 s here)
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


class _Workers:
    """Runs jobs on the pool, or here when it cannot: results in the order jobs came.

    Should the workers fail or not start (spawning needs a main module that can be
    imported again and a standard error with a file behind it, which a TUI replaces; or a
    worker is killed), the jobs not yet done are done here instead. A row that breaks
    cleansing itself then fails here too, so nothing is hidden.
    """

    def __init__(self, cleaner: BlockCleaner, workers: int) -> None:
        self.cleaner, self.workers = cleaner, workers
        self.pool: ProcessPoolExecutor | None = None
        self.broken = workers < 2

    def _here(self, job: Callable[[bytes], bytes] | Callable, item: Any) -> Any:
        if job is clean_block:
            return self.cleaner.block(item.data)
        return self.cleaner.rows(item)

    def map(
        self, job: Callable, items: Iterable[Any], arg=lambda item: item
    ) -> Generator[tuple[Any, Any], None, None]:
        """(item, result) for each item, in order; `arg(item)` is what the job is given.

        Workers take a second or two to start (a new interpreter each, importing the
        validators): while they do, this process does the first `WARM_ITEMS` itself.
        """
        items = iter(items)
        pending: deque[list] = deque()  # [item, its future], oldest first
        head: list = []
        failures = (BrokenProcessPool, OSError, ValueError, RuntimeError)
        try:
            if not self.broken:
                if self.pool is None:
                    head = list(islice(items, WARM_ITEMS))
                    context = multiprocessing.get_context("spawn")
                    self.pool = ProcessPoolExecutor(
                        self.workers,
                        context,
                        initializer=init_worker,
                        initargs=(self.cleaner, os.getpid()),
                    )
                depth = self.workers * IN_FLIGHT_PER_WORKER
                for item in items:
                    pending.append([item, self.pool.submit(job, arg(item))])
                    if len(pending) >= depth:
                        break
        except failures:
            self.broken = True
        try:
            for item in head:
                yield item, self._here(job, item)
            try:
                if not self.broken:
                    pool = self.pool
                    assert pool is not None  # started above, or it would be broken
                    for item in items:
                        pending.append([item, pool.submit(job, arg(item))])
                        result = marshal.loads(pending[0][1].result())
                        yield pending.popleft()[0], result
                    while pending:
                        result = marshal.loads(pending[0][1].result())
                        yield pending.popleft()[0], result
                    return
            except failures:
                self.broken = True
        finally:
            for _, future in pending:
                future.cancel()
        for item, _ in pending:
            yield item, self._here(job, item)
        for item in items:
            yield item, self._here(job, item)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def cleaned(
    source: CsvBlocks | CsvRows, cleaner: BlockCleaner, workers: int
) -> Iterator[tuple[int, list, list[int]]]:
    """(line base, outcomes, ignored cells) in the order of the file: each outcome a cleaned
    row, or [line, reason, cells] for a row refused, its line counted after the base; the
    cells not empty in each ignored column of those rows."""
    runner = _Workers(cleaner, workers)
    try:
        if isinstance(source, CsvRows):
            for _, (outcomes, ignored) in runner.map(clean_chunk, _chunks(source)):
                yield 0, outcomes, ignored
            return
        base, resume = source.lines, None
        blocks = runner.map(clean_block, source.blocks(), lambda block: block.data)
        for block, (whole, lines, outcomes, ignored) in blocks:
            if not whole:
                resume = block.start
                break
            yield base, outcomes, ignored
            base += lines
        blocks.close()
        resume = source.stopped_at if resume is None else resume
        if resume is None:
            return
        with CsvRows(source.path, source.form, start=resume, lines=base) as rows:
            for _, (outcomes, ignored) in runner.map(clean_chunk, _chunks(rows)):
                source.bytes_read = rows.bytes_read
                yield 0, outcomes, ignored
    finally:
        runner.close()


_OURS = first_line_starting("Line,Reason")
_ADVICE = "name another errors file with --errors FILE"


class ErrorsFile:
    """Rows that could not be imported: their line, the reason, and the row as it was.

    The file is (re)written by every run, so it holds exactly that run's refusals, and the
    rows imported without a value that could not be read (their Reason starts "kept
    without"). Its columns are the input's, after Line and Reason: fixed, it can be
    imported as it is (a kept row then fills in the value it lacked). Bytes the input's
    encoding could not read are written back unchanged.
    """

    def __init__(
        self,
        path: Path,
        header: list[str],
        *,
        protect: Iterable[Path] = (),
        lazy: bool = False,
    ) -> None:
        """`protect`: the database's files, which it may not be written over. `lazy`: the
        file is written only when a row is listed (or an earlier run's is there to empty):
        a Salesforce export's folder gets none when every lead came in whole."""
        self.path = path
        self.count = 0  # rows refused
        self.kept = 0  # rows imported without a bad value, listed for it to be fixed
        self._header, self._protect = header, tuple(protect)
        self._output: OutputFile | None = None
        if lazy:  # a path it may never write is refused now all the same, before any work
            try:
                refuse(path, _OURS, self._protect)
            except RefusedOutput as error:
                raise RefusedOutput(f"{error}: {_ADVICE}") from None
        else:
            self._open()

    def _open(self) -> None:
        self._output = OutputFile(
            self.path, _OURS, protect=self._protect, errors="surrogateescape", advice=_ADVICE
        )
        self._writer = csv.writer(self._output.file)
        self._write(0, ["Line", "Reason", *map(escape_as_read, self._header)])

    def add(self, line: int, reason: str, cells: list[str], *, kept: bool = False) -> None:
        if self._output is None:
            self._open()
        self._write(line, [line, reason, *map(escape_as_read, cells)])
        if kept:
            self.kept += 1
        else:
            self.count += 1

    def _write(self, line: int, row: list) -> None:
        try:
            self._writer.writerow(row)
        except OSError as error:
            assert self._output is not None
            failed = self._output.failed(error)
            self.discard()
            where = f" at line {line:,}" if line else ""
            raise StoreError(
                f"{failed}: the import stopped{where}; what it wrote before "
                "is in the database, and running it again finishes it (nothing is made twice)"
            ) from None

    @property
    def written(self) -> bool:
        return self._output is not None

    def close(self) -> None:
        """The file complete: this run's refusals, under its name (a lazy one that listed
        nothing only empties an earlier run's)."""
        if self._output is None:
            if not self.path.is_file() or self.path.is_symlink():
                return
            try:
                self._open()
            except RefusedOutput:  # not an errors file of ours: nothing of ours to empty
                return
        assert self._output is not None
        try:
            self._output.commit()
        except StoreError as error:
            raise StoreError(
                f"{error}: the rows were imported, but not the list of those refused; run the "
                "import again with --errors FILE elsewhere to get it (nothing is made twice)"
            ) from None

    def discard(self) -> None:
        if self._output is not None:
            self._output.discard()
