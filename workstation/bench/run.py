"""`workstation bench`: the TARGETS.md figures, each beside its baseline from the same run.

It builds a data set of the asked size in a temporary SQLite file and measures:
- P6: generating that demo data set (target ≤ 60 s at L = 1M leads);
- P2: cold start to an interactive queue over it, against a bare Textual hello-world app
  started the same way (separate processes, alternating, median and p95);
- P7: peak RSS of the app with the data set open, against the bare app;
- P1: the n key to the next lead's card on screen, against a bare app repainting a card of
  the same size; and its store part, against one raw SQL statement asking the same;
- P3: the page step (]) to the next page on screen;
- P9: searching a fragment of an email, a name and a phone fragment (the store's part),
  against a prefix query on an indexed column;
- P10: `score --all`, every lead's and contact's score recomputed a day after the data set
  was made (so behaviour has decayed and scores change);
- P8 (with --pg URL): 50 reps claiming at once on PostgreSQL, each its own process,
  beside the same claim as one raw SQL statement.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from workstation.bench.errors import BenchError
from workstation.bench.stats import cpu_seconds, median_and_p95
from workstation.store.db import make_engine
from workstation.store.schema import upgrade

# Stamped on a data set the bench builds (SQLite's application_id, "WSBn"), so that --keep
# reuses only such a file: the bench claims leads and logs calls in it.
BENCH_FILE_ID = 0x5753424E


@dataclass
class Figure:
    id: str
    what: str
    value: float
    unit: str
    target: str
    baseline: float | None = None
    p95: float | None = None
    baseline_p95: float | None = None
    runs: int = 1

    @property
    def ratio(self) -> float | None:
        return None if not self.baseline else self.value / self.baseline

    def as_json(self) -> dict:
        data = {k: v for k, v in asdict(self).items() if v is not None and k != "id"}
        if self.ratio is not None:
            data["ratio"] = round(self.ratio, 3)
        return data


def _probe(*args: str, lines: int = 1) -> tuple[list[float], dict]:
    """Start a probe process; seconds until each of its first `lines` lines (a frame on
    screen each), and what it reported last."""
    # Python as a user runs it: caching the bytecode it compiles. With
    # PYTHONDONTWRITEBYTECODE set (as in some shells and containers), every start of an
    # editable install would compile the workstation's modules again, while the baseline's
    # Textual comes compiled from its wheel.
    # The working rep is the bench data set's first manager, whoever the shell names.
    unset = ("PYTHONDONTWRITEBYTECODE", "WORKSTATION_REP")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "workstation.bench.probe", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    seconds, line = [], ""
    for _ in range(lines):
        line = process.stdout.readline() if process.stdout else ""
        seconds.append(time.perf_counter() - started)
        if not line:
            break
    _, errors = process.communicate(timeout=60)
    if not line:
        raise BenchError(f"bench probe {args[0]} failed: {errors.strip()[-500:]}")
    return seconds, json.loads(line)


def measure_start(url: str, runs: int) -> tuple[Figure, Figure, Figure]:
    """P2 (the first frame with queue rows), the first frame with the record card too, and
    P7, each against a bare Textual app started in turn with it."""
    hello_times, queue_times, card_times, hello_rss, queue_rss = [], [], [], [], []
    _probe("hello"), _probe("queue", url, lines=2)  # warm the OS file cache for both
    for _ in range(runs):
        seconds, report = _probe("hello")
        hello_times.append(seconds[0] * 1000)
        hello_rss.append(report["rss_mb"])
        seconds, report = _probe("queue", url, lines=2)
        if report["rows"] == 0:
            raise BenchError("the queue probe showed no rows: the bench data set is empty")
        queue_times.append(seconds[0] * 1000)
        card_times.append(seconds[1] * 1000)
        queue_rss.append(report["rss_mb"])

    hello_median, hello_p95 = median_and_p95(hello_times)

    def against_hello(id_: str, what: str, times: list[float], target: str) -> Figure:
        median, p95 = median_and_p95(times)
        return Figure(
            id_,
            what,
            median,
            "ms",
            target,
            baseline=hello_median,
            p95=p95,
            baseline_p95=hello_p95,
            runs=runs,
        )

    p2 = against_hello(
        "P2",
        "cold start to an interactive queue",
        queue_times,
        "≤ 1.5× bare Textual app; ≤ 1000 ms",
    )
    card = against_hello(
        "P2-card",
        "cold start until the record card shows too",
        card_times,
        "— (the store loads behind the first frame)",
    )
    p7 = Figure(
        "P7",
        "peak RSS with the data set open",
        max(queue_rss),
        "MB",
        "≤ 150 MB",
        baseline=max(hello_rss),
        runs=runs,
    )
    return p2, card, p7


def measure_queue(url: str, path: Path, presses: int) -> list[Figure]:
    from workstation.bench.keys import measure_keys, measure_store

    engine = make_engine(url)
    try:
        store = measure_store(engine, str(path))
        keys = measure_keys(engine, url, presses)
    finally:
        engine.dispose()
    return [
        Figure("P1", "n: key press to the next lead's card painted", keys["next"][0], "ms",
               "p95 ≤ 1.25× a bare app repainting a card", baseline=keys["baseline"][0],
               p95=keys["next"][1], baseline_p95=keys["baseline"][1], runs=presses),
        Figure("P1-store", "next lead, store part (one transaction)", store["store"][0], "ms",
               "≤ 0.3 ms", baseline=store["raw"][0], p95=store["store"][1],
               baseline_p95=store["raw"][1], runs=300),
        Figure("P3", "page step (]) to the next page painted", keys["page"][0], "ms",
               "≤ 50 ms", p95=keys["page"][1], runs=presses),
    ]  # fmt: skip


def measure_reports_and_conversion(url: str, runs: int = 20) -> list[Figure]:
    """P3 (untouched screen) and P5 (one conversion); P5 converts leads, so it runs last."""
    from workstation.bench.conversion import measure_conversion
    from workstation.bench.untouched import measure_untouched

    engine = make_engine(url)
    try:
        untouched = measure_untouched(engine, runs)
        conversion = measure_conversion(engine, runs)
    finally:
        engine.dispose()
    return [
        Figure("P3-untouched", "untouched-leads screen: open to painted",
               untouched["screen_median_ms"], "ms", "≤ 150 ms",
               baseline=untouched["bare_screen_median_ms"], p95=untouched["screen_p95_ms"],
               baseline_p95=untouched["bare_screen_p95_ms"], runs=runs),
        Figure("P3-report", "untouched-leads aggregate (store)", untouched["store_median_ms"],
               "ms", "part of the 150 ms", p95=untouched["store_p95_ms"], runs=runs),
        Figure("P5", f"one conversion ({conversion['statements']} statements, one transaction)",
               conversion["median_ms"], "ms", "≤ 5 ms",
               baseline=conversion["baseline_median_ms"], p95=conversion["p95_ms"],
               baseline_p95=conversion["baseline_p95_ms"], runs=conversion["runs"]),
    ]  # fmt: skip


def measure_search_speed(url: str, runs: int = 30) -> list[Figure]:
    """P9: the store's search, by what is typed, beside an indexed prefix query."""
    from workstation.bench.search import measure_search

    engine = make_engine(url)
    try:
        result = measure_search(engine, runs)
    finally:
        engine.dispose()
    base, base95 = result["baseline"]
    what = {
        "email": "search: a fragment of an email (store)",
        "name": "search: a name (store)",
        "phone": "search: a phone fragment, its last 7 digits (store)",
    }
    return [
        Figure(f"P9-{kind}", what[kind], result[kind][0], "ms", "≤ 5 ms store; < 100 ms",
               baseline=base, p95=result[kind][1], baseline_p95=base95, runs=runs)
        for kind in ("email", "name", "phone")
    ]  # fmt: skip


def measure_rescore(url: str) -> Figure:
    """P10: `workstation score --all` over the data set, a day after it was generated."""
    from datetime import timedelta

    from workstation.store.clock import utcnow
    from workstation.store.scoring.everyone import rescore_all

    engine = make_engine(url)
    try:
        started, cpu = time.perf_counter(), sum(cpu_seconds())
        done = rescore_all(engine, now=utcnow() + timedelta(days=1))
        seconds, cpu = time.perf_counter() - started, sum(cpu_seconds()) - cpu
    finally:
        engine.dispose()
    return Figure("P10", f"score --all: {done.leads:,} leads, {done.contacts:,} contacts "
                  f"({done.changed:,} changed; {cpu:.3g} s of CPU)", seconds, "s",
                  "≤ 60 s at L")  # fmt: skip


def measure_import_speed(rows: int, workdir: Path) -> Figure:
    from workstation.bench.imports import measure_import

    result = measure_import(rows, workdir)
    # In seconds for the same file, so that the ratio reads as TARGETS.md's "≤ 8× .import".
    cpu = f"{result['writer_us_per_row']:g} + {result['workers_us_per_row']:g} µs of CPU a row"
    return Figure("P4", f"import {rows:,} CSV rows ({result['value']:,} rows/s; {cpu})",
                  result["seconds"], "s", "≥ 30k rows/s; ≤ 8× sqlite3 .import",
                  baseline=result["baseline_seconds"], runs=1)  # fmt: skip


def measure_pg_claims(
    pg_url: str,
    *,
    claimers: int = 50,
    connections: int | None = None,
    seconds: float = 5.0,
    say: Callable[[str], None] = lambda _: None,
) -> list[Figure]:
    """P8: claim-only throughput and latency beside the raw one-statement claim, the
    latency at half that load, and a rep's whole turn (next lead and the call)."""
    from workstation.bench.claims import measure_claims

    result = measure_claims(
        pg_url, claimers=claimers, connections=connections, seconds=seconds, say=say
    )
    raw, claim, half, call = (result[k] for k in ("raw", "claim", "half", "claim_call"))
    who = f"{claimers} reps, each its own process"
    if result["connections"] < claimers:
        who = f"{claimers} reps sharing {result['connections']} processes and connections"
    return [
        Figure("P8", f"claims/s, {who} ({result['duplicates']} duplicates)",
               claim["per_second"], "claims/s", "0 duplicates, ≥ 1,000 claims/s",
               baseline=raw["per_second"], runs=int(claim["claims"])),
        Figure("P8-saturation", "one claim at saturation (median; raw SQL beside)",
               claim["p50_ms"], "ms", "—", baseline=raw["p50_ms"], p95=claim["p95_ms"],
               baseline_p95=raw["p95_ms"], runs=int(claim["claims"])),
        Figure("P8-half", f"one claim at half load ({half['per_second']:,.0f} claims/s)",
               half["p50_ms"], "ms", "p95 ≤ 20 ms", p95=half["p95_ms"],
               runs=int(half["claims"])),
        Figure("P8-call", "a rep's turn: next lead + log call, per second",
               call["per_second"], "turns/s", "—", p95=call["p95_ms"],
               runs=int(call["claims"])),
    ]  # fmt: skip


def _check_kept(path: Path) -> None:
    """A kept data set must be one the bench built, or a file that does not exist yet."""
    import sqlite3

    if not path.exists():
        return
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            stamp = connection.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BenchError(f"--keep {path}: not a SQLite database ({error})") from None
    if stamp != BENCH_FILE_ID:
        raise BenchError(
            f"--keep {path}: this file was not made by the bench, which claims leads and "
            "logs calls in its data set; name a file that does not exist yet"
        )


def _has_leads(engine) -> bool:
    from sqlalchemy import text

    with engine.connect() as connection:
        return connection.execute(text("SELECT EXISTS (SELECT 1 FROM lead)")).scalar() == 1


def run_bench(
    *,
    leads: int,
    runs: int = 7,
    keep: Path | None = None,
    pg_url: str | None = None,
    import_rows: int = 100_000,
    pg: dict | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> list[Figure]:
    """Every figure; `pg` holds P8's options (claimers, connections, seconds)."""
    from workstation.store.demo.generate import generate_demo

    if keep is not None:
        _check_kept(keep)
    with tempfile.TemporaryDirectory(prefix="workstation-bench-") as scratch:
        path = keep or Path(scratch) / "bench.db"
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        upgrade(engine)
        figures: list[Figure] = []
        if _has_leads(engine):  # a kept data set from an earlier run: P6 is not re-measured
            say(f"reusing the data set in {path} …")
        else:
            with engine.begin() as connection:
                connection.exec_driver_sql(f"PRAGMA application_id = {BENCH_FILE_ID}")
            say(f"generating {leads:,} leads of demo data …")
            started, cpu = time.perf_counter(), sum(cpu_seconds())
            generate_demo(engine, leads=leads)
            # The CPU time too: the load keeps both cores busy, so on a machine whose speed
            # wanders it compares runs better than the clock does.
            cpu = sum(cpu_seconds()) - cpu
            figures.append(
                Figure(
                    "P6",
                    f"demo data generated ({leads:,} leads; {cpu:.3g} s of CPU)",
                    time.perf_counter() - started,
                    "s",
                    "≤ 60 s at 1M leads",
                )
            )
        engine.dispose()
        say(f"timing {runs} cold starts of the app and of a bare Textual app …")
        p2, card, p7 = measure_start(url, runs)
        say("timing next lead and page steps, app and baseline …")
        queue = measure_queue(url, path, presses=30)
        say("timing searches by email, name and phone …")
        searches = measure_search_speed(url)
        say("timing the untouched-leads screen and conversions …")
        reports = measure_reports_and_conversion(url)
        say(f"timing an import of {import_rows:,} rows against sqlite3's .import …")
        p4 = measure_import_speed(import_rows, Path(scratch) / "import")
        say("timing score --all over the data set …")
        p10 = measure_rescore(url)
    figures = [*queue, *reports, *searches, p2, card, p4, *figures, p7, p10]
    if pg_url:
        figures.extend(measure_pg_claims(pg_url, say=say, **(pg or {})))
    return figures


def as_json(figures: list[Figure]) -> str:
    return json.dumps({figure.id: figure.as_json() for figure in figures}, indent=2)


def as_table(figures: list[Figure]) -> str:
    lines = [f"{'id':<8} {'what':<46} {'value':>14} {'baseline':>12} {'ratio':>7}  target"]
    for f in figures:
        base = f"{f.baseline:,.2f} {f.unit}" if f.baseline is not None else "—"
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else "—"
        lines.append(
            f"{f.id:<8} {f.what:<46} {f.value:>9,.2f} {f.unit:<4} {base:>12} {ratio:>7}  {f.target}"
        )
        if f.p95 is not None:
            base95 = f"{f.baseline_p95:,.2f} {f.unit}" if f.baseline_p95 is not None else "—"
            lines.append(f"{'':<8} {'  p95':<46} {f.p95:>9,.2f} {f.unit:<4} {base95:>12}")
    return "\n".join(lines)
