"""`workstation bench` as a user runs it: the figures with their baselines, a data set kept
and reused, and the mistakes it refuses."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.cli.test_cli import run
from workstation.bench import run as bench
from workstation.cli import main


@pytest.mark.no_faketime  # waits on its probes with a timeout, which sleeps; times frames
def test_json_gives_every_figure_with_its_baseline_and_ratio(capsys, tmp_path):
    kept = tmp_path / "bench.db"
    code, out, err = run(
        capsys, "bench", "--leads", "3000", "--runs", "1", "--import-rows", "500",
        "--keep", str(kept), "--json",
    )  # fmt: skip
    assert code == 0, err
    figures = json.loads(out)
    for id_ in (
        "P1", "P1-store", "P2", "P2-card", "P3", "P3-untouched", "P4", "P5", "P6", "P7",
        "P9-email", "P9-name", "P9-phone", "P10",
    ):  # fmt: skip
        assert figures[id_]["value"] > 0, id_
    for id_ in (
        "P1",
        "P2",
        "P4",
        "P7",
        "P9-email",
        "P9-name",
        "P9-phone",
    ):  # measured beside a baseline from the same run
        figure = figures[id_]
        assert figure["baseline"] > 0 and figure["ratio"] == round(
            figure["value"] / figure["baseline"], 3
        ), id_
    assert figures["P6"]["unit"] == "s" and "s of CPU" in figures["P6"]["what"]
    assert "µs of CPU a row" in figures["P4"]["what"]
    assert "leads" in figures["P10"]["what"] and figures["P10"]["unit"] == "s"
    with sqlite3.connect(kept) as connection:  # kept, with its 3,000 leads
        assert connection.execute("SELECT count(*) FROM lead").fetchone() == (3000,)


def test_a_kept_data_set_is_reused_and_not_generated_again(capsys, tmp_path, monkeypatch):
    # Only the data set is of interest here: the timings are left out.
    def timed(id_: str) -> bench.Figure:
        return bench.Figure(id_, "left out", 1.0, "ms", "—")

    monkeypatch.setattr(
        bench, "measure_start", lambda *_: (timed("P2"), timed("P2-card"), timed("P7"))
    )
    monkeypatch.setattr(bench, "measure_queue", lambda *_, **__: [])
    monkeypatch.setattr(bench, "measure_reports_and_conversion", lambda *_: [])
    monkeypatch.setattr(bench, "measure_search_speed", lambda *_: [])
    monkeypatch.setattr(bench, "measure_import_speed", lambda *_: timed("P4"))
    kept = tmp_path / "bench.db"
    figures = bench.run_bench(leads=3000, keep=kept, say=print)
    assert "P6" in [f.id for f in figures]
    assert "generating 3,000 leads" in capsys.readouterr().out
    figures = bench.run_bench(leads=3000, keep=kept, say=print)
    assert "P6" not in [f.id for f in figures]
    assert f"reusing the data set in {kept}" in capsys.readouterr().out


def test_keep_refuses_a_database_the_bench_did_not_make(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'work.db'}"
    assert run(capsys, "--db", url, "demo", "--leads", "100")[0] == 0
    with sqlite3.connect(tmp_path / "work.db") as connection:
        before = connection.execute("SELECT count(*), max(id) FROM activity").fetchone()
    code, _, err = run(capsys, "bench", "--leads", "3000", "--keep", str(tmp_path / "work.db"))
    assert code == 1
    assert "was not made by the bench" in err and "Traceback" not in err
    with sqlite3.connect(tmp_path / "work.db") as connection:  # no lead claimed, no call logged
        assert connection.execute("SELECT count(*), max(id) FROM activity").fetchone() == before
    (tmp_path / "notes.txt").write_text("not a database, " * 100)
    code, _, err = run(capsys, "bench", "--leads", "3000", "--keep", str(tmp_path / "notes.txt"))
    assert code == 1 and "not a SQLite database" in err


def test_a_data_set_too_small_for_the_key_timings_is_refused(capsys):
    try:
        main(["bench", "--leads", "200"])
    except SystemExit as stop:
        assert stop.code == 2
    else:
        raise AssertionError("bench --leads 200 ran")
    assert "must be 3000 or more" in capsys.readouterr().err
