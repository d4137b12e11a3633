"""`workstation import FILE`: leads from a CSV file, cleansed, deduplicated, nothing lost.

`import_leads` reads the file (`reader`), maps its columns (`columns`),
parses and cleanses its rows on all cores (`rows`, `pool`; the rules and the tally are the
ones a Salesforce export's Lead file goes through too, `pipeline`) and writes
batches of `BATCH` rows (growing to `MOST_BATCH` in a big file), each in one transaction
(`upsert`): a kill at any moment leaves whole batches only, and running the import
again finishes the job, because every row already written now matches its record and
changes nothing. Rows that cannot be imported go to the errors file with their line and
reason; the summary counts every row once: created, updated (filled empty fields or
joined the campaign), unchanged, or rejected.

`--campaign NAME` makes every row a member of that campaign (made, with its default member
statuses, when missing); `--assign` then spreads the new leads over the reps by open
capacity. `--as-names` lands the new rows at lifecycle stage Name: marketing's pool, in no
sales queue (rows that match a stored person still fill it and leave its stage alone). A
dry run does all of it in one transaction and rolls it back (on SQLite it holds
the write lock while it runs).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from workstation.store.clock import Clock, utcnow
from workstation.store.collector import collector_paused
from workstation.store.db import begin_writing, database_files
from workstation.store.errors import StoreError
from workstation.store.imports.campaigns import CampaignInfo, ensure_campaign
from workstation.store.imports.columns import plan_columns
from workstation.store.imports.picklists import lead_source
from workstation.store.imports.pipeline import (
    LeadOptions,
    LeadTally,
    describe_columns,
    describe_tally,
    errors_path_for,
    lead_statuses,
)
from workstation.store.imports.pool import ErrorsFile, cleaned, worker_count
from workstation.store.imports.reader import CsvBlocks, CsvFormat, CsvRows, check_header, sniff
from workstation.store.imports.rows import LEAD_VALUES, BlockCleaner, Cleaned, RowRules
from workstation.store.imports.salesforce import ours
from workstation.store.imports.salesforce.leads import export_columns
from workstation.store.imports.upsert import BatchWriter
from workstation.store.models import Campaign, Lead
from workstation.store.permissions import ensure_active
from workstation.store.reference import LeadStatus
from workstation.store.sales_hands import NAME, open_statuses
from workstation.store.tables import table_of
from workstation.store.values.formats import Formats
from workstation.store.values.text import BadValue, clean_text

BATCH = 5000
# Batches grow to a quarter of the rows written so far, up to this: each commit rewrites
# every page of the email and phone indexes its rows touched, nearly all of them in a big
# file, so bigger batches write far less (a kill still loses one batch at most).
MOST_BATCH = 20_000
# SQLite checkpoints the WAL after a commit that leaves it longer than this (the default
# is 1,000 pages): every 4 MB, a big import would copy and sync pages batch after batch.
IMPORT_CHECKPOINT_PAGES = 16_384
IMPORT_CACHE_KIB = -65536  # SQLite's cache_size: negative numbers are KiB
IMPORT_LOCK = int.from_bytes(b"import", "big")  # PostgreSQL advisory lock key for imports

Progress = Callable[[int, int], None]  # rows done, rows expected in all (an estimate)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    path: str
    rows: int  # data rows read (blank lines aside)
    created: int
    updated: int
    unchanged: int
    rejected: int
    kept_without_bad_values: int  # rows imported without a value that could not be read
    errors_path: str
    encoding: str
    delimiter: str
    columns: dict[str, str]  # file column → the Salesforce name of the field it feeds
    unmapped: tuple[str, ...]
    campaign: str | None
    campaign_created: bool
    dry_run: bool
    seconds: float
    cancelled: bool = False
    assigned: int = 0
    left_in_pool: int = 0
    kept_statuses: dict[str, int] = field(default_factory=dict)  # in SourceStatus, by count
    ignored_values: dict[str, int] = field(default_factory=dict)  # ignored column → cells
    undecodable_lines: tuple[int, ...] = ()  # lines with bytes that are not text
    notes: tuple[str, ...] = ()  # the report's lines on the above

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@contextmanager
def _batches(engine: Engine, dry_run: bool) -> Iterator[Callable[[], AbstractContextManager]]:
    """A maker of one transaction per batch on one connection: a write transaction (BEGIN
    IMMEDIATE on SQLite, as `write_session` takes), or in a dry run a short read, rolled
    back, that never takes the write lock (the batch writer keeps what it would have
    written in memory), so nobody's call waits on a dry run.

    On SQLite the connection gets a 64 MB page cache while the import runs: the email and
    phone indexes take random inserts, and the default 2 MB cache makes each a page miss;
    and it checkpoints the WAL less often (`IMPORT_CHECKPOINT_PAGES`).
    On PostgreSQL each write transaction first takes the imports' advisory lock: two
    imports at once would each miss the other's uncommitted leads and create them twice;
    SQLite's BEGIN IMMEDIATE already lets one writer in at a time.
    """
    with engine.connect() as plain:
        connection = plain if dry_run else plain.execution_options(write_lock=True)
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            cache = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
            checkpoint = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()
            connection.exec_driver_sql(f"PRAGMA cache_size={IMPORT_CACHE_KIB}")
            connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint={IMPORT_CHECKPOINT_PAGES}")
            connection.commit()
        try:
            yield lambda: _read(connection) if dry_run else _committed(connection)
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
                connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint={int(checkpoint)}")
                connection.commit()


@contextmanager
def _read(connection: Connection) -> Iterator[Connection]:
    with connection.begin() as transaction:
        yield connection
        transaction.rollback()


@contextmanager
def _committed(connection: Connection) -> Iterator[Connection]:
    with begin_writing(connection.begin, connection.rollback):
        _take_import_lock(connection)
        yield connection


def _take_import_lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({IMPORT_LOCK})")


class _Run:
    """The counting and batching of one import."""

    def __init__(
        self,
        writer: BatchWriter,
        transaction,
        progress: Progress | None,
        *,
        keep_ids: bool,
        clock: Clock,
    ) -> None:
        self.writer, self.transaction, self.progress = writer, transaction, progress
        self.clock = clock  # read per batch: a batch is stamped with when it is written
        self.created = self.updated = self.unchanged = 0
        self.tally = LeadTally()
        self.keep_ids = keep_ids  # the new leads' ids, for --assign: 36 MB a million
        self.new_ids: list[int] = []
        self.pending: list[Cleaned] = []

    def flush(self) -> None:
        if not self.pending:
            return
        with self.transaction() as connection:
            result = self.writer.write(connection, self.pending, now=self.clock())
        self.created += result.created
        self.updated += result.updated
        self.unchanged += result.unchanged
        if self.keep_ids:
            self.new_ids.extend(result.new_lead_ids)
        self.pending = []


def _prepare(
    connection: Connection, *, campaign: str | None, source: str | None, dry_run: bool
) -> tuple[CampaignInfo | None, list[LeadStatus]]:
    """The campaign (made when missing, unless in a dry run) and the lead statuses, in the
    caller's transaction."""
    with Session(bind=connection) as session:
        info = (
            ensure_campaign(session, campaign, channel=source, dry_run=dry_run)
            if campaign
            else None
        )
        session.flush()
    return info, lead_statuses(connection)


_SOURCE_LIMIT = table_of(Lead).c["lead_source"].type.length  # type: ignore[attr-defined]
_CAMPAIGN_LIMIT = table_of(Campaign).c["name"].type.length  # type: ignore[attr-defined]


def _typed(value: str | None, label: str, limit: int) -> str | None:
    """A value typed for every row, cleaned as a cell is; refused when too long."""
    try:
        return clean_text(value, limit, label) if value else None
    except BadValue as error:
        raise StoreError(str(error)) from None


def import_leads(
    engine: Engine,
    path: Path | str,
    *,
    campaign: str | None = None,
    source: str | None = None,
    region: str = "US",
    mapping: Mapping[str, str | None] | None = None,
    dry_run: bool = False,
    errors_path: Path | str | None = None,
    assign_as: int | None = None,
    acting_rep_id: int | None = None,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    workers: int | None = None,
    batch_size: int = BATCH,
    clock: Clock = utcnow,
    encoding: str | None = None,
    status_map: tuple[str, ...] = (),
    formats: Formats | None = None,
    country: str | None = None,
    as_names: bool = False,
) -> ImportSummary:
    """Import the leads of a CSV file (in `encoding`, else as it tells); see the module
    docstring. `status_map`: --status-map options (`statuses`); `formats`: how the file
    writes numbers and dates (by default: a decimal comma in a file separated by `;`);
    `country`: the Country of rows without one whose phone is of that country."""
    ensure_active(engine, acting_rep_id, "import leads")
    if as_names and assign_as is not None:
        raise StoreError("--as-names and --assign do not go together: Names are not for sales")
    started = time.perf_counter()
    path = Path(path)
    form = sniff(path, encoding)
    blocks = CsvBlocks(path, form)
    with nullcontext(blocks) if blocks.header is not None else CsvRows(path, form) as reader:
        header = reader.header
        assert header is not None
        check_header(path, header, form)
        # Our Data Loader Lead file is read as `import --salesforce` reads it (`ours`).
        names = [clean_text(cell) or "" for cell in header]
        ours_unescaped = ours.dialect(names) == ours.DATA_LOADER
        if ours_unescaped:
            mapping = export_columns(names) | dict(mapping or {})
        plan = plan_columns(header, mapping, path)
        source = _typed(source, "--source", _SOURCE_LIMIT)
        source = lead_source(source) if source else None
        campaign = _typed(campaign, "--campaign", _CAMPAIGN_LIMIT)
        options = LeadOptions(
            region=region,
            country=country,
            source=source,
            status_map=status_map,
            formats=formats or Formats(decimal="," if form.delimiter == ";" else "."),
        )
        with engine.connect() as connection:  # a map that cannot be used stops it here
            options.check(lead_statuses(connection))
        errors = ErrorsFile(
            errors_path_for(path, errors_path), header, protect=database_files(engine)
        )
        try:
            with _batches(engine, dry_run) as transaction:
                with transaction() as connection:
                    info, statuses = _prepare(
                        connection, campaign=campaign, source=source, dry_run=dry_run
                    )
                rules = options.rules(
                    plan,
                    statuses,
                    undecodable=form.errors != "strict",
                    campaign=info,
                    as_written=ours_unescaped,
                )
                writer = BatchWriter(
                    campaign=info,
                    default_status=next(s.name for s in statuses if s.is_default),
                    open_statuses=open_statuses(statuses),
                    dry_run=dry_run,
                    rep_id=acting_rep_id,
                    lifecycle_stage=NAME if as_names else None,
                )
                run = _Run(
                    writer, transaction, progress, keep_ids=assign_as is not None, clock=clock
                )
                with collector_paused():
                    cancelled = _read_all(
                        reader,
                        form,
                        blocks.encoding,
                        rules,
                        run,
                        errors,
                        workers,
                        batch_size,
                        should_stop,
                    )
        except BaseException:
            errors.discard()
            raise
        errors.close()
    assigned = left = 0
    if assign_as is not None and run.new_ids and not dry_run and not cancelled:
        from workstation.store.team.assign import assign_pool_by_capacity

        assignment = assign_pool_by_capacity(
            engine, acting_rep_id=assign_as, lead_ids=run.new_ids, at=clock()
        )
        assigned, left = len(assignment.assigned), assignment.left_in_pool
    tally = run.tally
    return ImportSummary(
        path=str(path),
        rows=tally.rows,
        created=run.created,
        updated=run.updated,
        unchanged=run.unchanged,
        rejected=errors.count,
        kept_without_bad_values=errors.kept,
        errors_path=str(errors.path),
        encoding=form.encoding,
        delimiter=form.delimiter,
        columns=describe_columns(plan),
        unmapped=plan.unmapped,
        campaign=info.name if info else None,
        campaign_created=bool(info and info.created),
        dry_run=dry_run,
        seconds=time.perf_counter() - started,
        cancelled=cancelled,
        assigned=assigned,
        left_in_pool=left,
        kept_statuses=dict(tally.kept_statuses.most_common()),
        ignored_values=dict(tally.ignored),
        undecodable_lines=tuple(tally.undecodable),
        notes=tuple(
            describe_tally(
                tally,
                unmapped=plan.unmapped,
                statuses=rules.statuses,
                default_status=next(s.name for s in statuses if s.is_default),
                encoding=form.encoding,
            )
        ),
    )


def _read_all(
    reader: CsvBlocks | CsvRows,
    form: CsvFormat,
    encoding: str,
    rules: RowRules,
    run: _Run,
    errors: ErrorsFile,
    workers: int | None,
    batch_size: int,
    should_stop: Callable[[], bool] | None,
) -> bool:
    """Feed every row through cleansing into batches; True when stopped early."""
    cleaner = BlockCleaner(rules, form.delimiter, encoding, form.errors)
    pending, limit, tally = run.pending, batch_size, run.tally
    take, plan = tally.take, rules.plan
    for base, outcomes, ignored in cleaned(reader, cleaner, worker_count(form.size, workers)):
        if any(ignored):
            tally.count_ignored(plan, ignored)
        for outcome in outcomes:
            if outcome.__class__ is list or outcome[_SOURCE_STATUS] is not None:
                outcome = take(outcome, base, errors)
                if outcome is None:
                    continue
            else:
                tally.rows += 1
            pending.append(outcome)
            if len(pending) < limit:
                continue
            run.flush()
            pending = run.pending
            limit = max(batch_size, min(MOST_BATCH, tally.rows // 4))
            if run.progress:
                read = max(reader.bytes_read, 1)
                run.progress(tally.rows, max(tally.rows, tally.rows * form.size // read))
            if should_stop and should_stop():
                return True
    run.flush()
    if run.progress:
        run.progress(tally.rows, tally.rows)
    return False


_SOURCE_STATUS = LEAD_VALUES.index("source_status")
