"""On SQLite a long read never holds the write lock: a rep's call is logged while a manager
dry-runs an import of a large file (and while reports or exports read), and a writer that
meets a busy database retries within a bound, then says so in one line.

Events, not sleeps: the long read is stopped halfway (between two batches) until the rep's
call has been logged."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.dispositions import log_call
from workstation.store.imports.leads import import_leads
from workstation.store.models import Activity, Campaign, Lead

WAIT = 30  # seconds an event may take before the test fails (never slept)


def _big_file(path: Path, rows: int) -> Path:
    lines = ["FirstName,LastName,Company,Email,Phone"]
    lines += [
        f"Ann{n},Lee{n},Firm {n % 97},ann{n}@firm{n % 97}.example,+1212555{n % 10000:04d}"
        for n in range(rows)
    ]
    # Every tenth row again: the dry run must count them as matches of earlier rows.
    lines += [lines[1 + n] for n in range(0, rows, 10)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rep_and_lead(engine) -> tuple[int, int]:
    with Session(engine) as session:
        rep = make_rep(session, "Riley Rep")
        lead = make_lead(session, owner_id=rep.id, time_zone="America/New_York")
        session.commit()
        return rep.id, lead.id


def test_a_call_is_logged_while_an_import_dry_run_reads(sqlite_engine, tmp_path):
    rep, lead = _rep_and_lead(sqlite_engine)
    source = _big_file(tmp_path / "big.csv", 3000)
    reading, logged = threading.Event(), threading.Event()

    def halfway() -> bool:
        reading.set()
        assert logged.wait(WAIT), "the rep's call never got through"
        return False

    outcome: dict = {}

    def dry_run() -> None:
        outcome["summary"] = import_leads(
            sqlite_engine, source, dry_run=True, campaign="Brand New", batch_size=500,
            should_stop=halfway, workers=1,
        )  # fmt: skip

    reader = threading.Thread(target=dry_run)
    reader.start()
    try:
        assert reading.wait(WAIT)
        result = log_call(sqlite_engine, rep_id=rep, lead_id=lead, disposition="5", now=NOW)
        assert result.record_id == lead
    finally:
        logged.set()
        reader.join(WAIT)
    summary = outcome["summary"]
    assert (summary.created, summary.unchanged + summary.updated) == (3000, 300)
    with Session(sqlite_engine) as session:
        assert session.execute(select(func.count()).select_from(Lead)).scalar() == 1
        assert session.execute(select(func.count()).select_from(Campaign)).scalar() == 0
        assert session.execute(select(func.count()).select_from(Activity)).scalar() == 1


@pytest.mark.parametrize("batch_size", [7, 5000])
def test_a_dry_run_counts_as_the_import_then_does(engine, tmp_path, batch_size):
    """Matches across batches (rows repeated far apart in the file, records already stored)
    come out the same whether the batches were written or only read."""
    source = _big_file(tmp_path / "big.csv", 400)
    with Session(engine) as session:
        make_lead(session, email="ann3@firm3.example")  # stored: row 3 merges into it
        session.commit()
    dry = import_leads(engine, source, dry_run=True, campaign="Fall", batch_size=batch_size)
    real = import_leads(engine, source, campaign="Fall", batch_size=batch_size)
    assert (dry.created, dry.updated, dry.unchanged, dry.rejected) == (
        real.created, real.updated, real.unchanged, real.rejected,
    )  # fmt: skip
    assert dry.campaign_created and real.campaign_created


class _Paused:
    """An output that stops at its first write until `go` is set (an export mid-stream)."""

    def __init__(self, started: threading.Event, go: threading.Event) -> None:
        self.started, self.go, self.parts = started, go, []

    def write(self, text: str) -> int:
        if not self.started.is_set():
            self.started.set()
            assert self.go.wait(WAIT), "the rep's call never got through"
        self.parts.append(text)
        return len(text)


def test_a_call_is_logged_while_an_export_reads(sqlite_engine):
    from workstation.store.exports.stream import export_records

    rep, lead = _rep_and_lead(sqlite_engine)
    started, logged = threading.Event(), threading.Event()
    out = _Paused(started, logged)
    counted: dict = {}
    reader = threading.Thread(
        target=lambda: counted.update(n=export_records(sqlite_engine, "leads", out, batch_size=1))
    )
    reader.start()
    try:
        assert started.wait(WAIT)
        log_call(sqlite_engine, rep_id=rep, lead_id=lead, disposition="5", now=NOW)
    finally:
        logged.set()
        reader.join(WAIT)
    assert counted["n"] == 1


def _hold_the_write_lock(url: str):
    import sqlite3

    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_writer_that_meets_a_busy_database_retries(sqlite_url, monkeypatch):
    """The first wait runs out; the backoff that follows sees the lock gone and retries."""
    from workstation.store import db

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 20)
    engine = db.make_engine(sqlite_url)
    rep, lead = _rep_and_lead(engine)
    holder = _hold_the_write_lock(sqlite_url)
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        holder.rollback()  # the other writer is done

    monkeypatch.setattr(db, "_pause", pause)
    try:
        result = log_call(engine, rep_id=rep, lead_id=lead, disposition="5", now=NOW)
    finally:
        holder.close()
        engine.dispose()
    assert result.record_id == lead and len(pauses) == 1


def test_a_writer_gives_up_within_its_bound_in_one_clear_line(sqlite_url, monkeypatch):
    from workstation.store import db

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 20)
    engine = db.make_engine(sqlite_url)
    rep, lead = _rep_and_lead(engine)
    holder = _hold_the_write_lock(sqlite_url)
    waited: list[float] = []
    monkeypatch.setattr(db, "_pause", waited.append)
    try:
        with pytest.raises(db.DatabaseBusy) as refused:
            log_call(engine, rep_id=rep, lead_id=lead, disposition="5", now=NOW)
    finally:
        holder.close()
        engine.dispose()
    message = str(refused.value)
    assert "\n" not in message and "busy" in message and "nothing was changed" in message
    # Backing off longer each time, and never past the bound.
    assert waited == sorted(waited) and sum(waited) <= db.WRITE_WAIT_SECONDS
    assert len(waited) >= 3
    with Session(make_engine_for(sqlite_url)) as session:
        assert session.execute(select(func.count()).select_from(Activity)).scalar() == 0


def make_engine_for(url: str):
    from workstation.store.db import make_engine

    return make_engine(url)
