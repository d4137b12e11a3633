"""Big files. TARGETS.md R2: `kill -9` in the middle of a big import leaves the database
intact with whole batches only, and running the import again gives the database an
uninterrupted run gives, duplicates and all."""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workstation.bench.imports import generate_leads_csv
from workstation.store.db import make_engine
from workstation.store.exports.stream import export_records

ROWS = 25_000
VOLATILE = {"Id", "CreatedDate", "LastModifiedDate", "CampaignId"}


def _import(database: Path, source: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "workstation", "--db", f"sqlite:///{database}", "import"]
    return subprocess.Popen(
        [*command, str(source), "--campaign", "Kill Test", "--errors", f"{database}.errors.csv"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ | {"WORKSTATION_REGION": "US"},
    )


def _leads(database: Path) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as connection:
            return connection.execute("SELECT count(*) FROM lead").fetchone()[0]
    except sqlite3.OperationalError:  # not created or not migrated yet
        return 0


def _children(pid: int) -> set[int]:
    """Processes whose parent is `pid` (Linux /proc; empty elsewhere)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _kill_after(database: Path, source: Path, at_least: int) -> int:
    """Start an import, kill -9 it once `at_least` leads are in; the leads it left. Its
    worker processes must not outlive it."""
    process = _import(database, source)
    deadline = time.monotonic() + 300
    while _leads(database) < at_least:
        assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the import made no progress"
        time.sleep(0.02)
    workers = _children(process.pid)
    assert workers or not Path("/proc").is_dir(), "a file this big is cleansed by a worker pool"
    process.send_signal(signal.SIGKILL)
    process.wait()
    for _ in range(100):
        if not any(Path(f"/proc/{pid}").exists() for pid in workers):
            break
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers), "orphaned workers"
    return _leads(database)


def _state(database: Path) -> tuple[list, int]:
    engine = make_engine(f"sqlite:///{database}")
    out = io.StringIO()
    export_records(engine, "leads", out)
    leads = [
        tuple(sorted((k, v) for k, v in row.items() if k not in VOLATILE))
        for row in csv.DictReader(io.StringIO(out.getvalue()))
    ]
    with engine.connect() as connection:
        members = connection.exec_driver_sql("SELECT count(*) FROM campaign_member").scalar()
    engine.dispose()
    return sorted(leads), members


@pytest.mark.no_faketime  # waits on its imports with a timeout, which sleeps
def test_kill_9_then_a_rerun_gives_what_one_run_gives(tmp_path):
    source = tmp_path / "leads.csv"
    generate_leads_csv(source, ROWS, seed=9)
    whole = tmp_path / "whole.db"
    finished = _import(whole, source)
    assert finished.wait(timeout=600) == 0, finished.stderr.read().decode()  # type: ignore[union-attr]
    expected = _state(whole)
    assert len(expected[0]) == expected[1] > ROWS * 0.9  # every new lead joined the campaign

    killed = tmp_path / "killed.db"
    left = [_kill_after(killed, source, at_least) for at_least in (1, 8_000, 16_000)]
    assert left[0] < left[1] < left[2] < len(expected[0])
    with sqlite3.connect(killed) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        leads, members = connection.execute(
            "SELECT (SELECT count(*) FROM lead), (SELECT count(*) FROM campaign_member)"
        ).fetchone()
        assert leads == members  # whole batches only: no lead without its membership

    rerun = _import(killed, source)
    assert rerun.wait(timeout=600) == 0, rerun.stderr.read().decode()  # type: ignore[union-attr]
    assert _state(killed) == expected
