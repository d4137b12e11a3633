"""P4's measure (`workstation bench`): its generated file holds duplicates and bad rows, every
row is accounted for, and without the sqlite3 shell there is a note instead of a baseline."""

from __future__ import annotations

import csv
import shutil

import pytest

from workstation.bench import imports as import_bench
from workstation.bench.imports import generate_leads_csv, measure_import


def test_the_generated_file_is_realistic_and_repeatable(tmp_path):
    generate_leads_csv(tmp_path / "a.csv", 3000, seed=1)
    generate_leads_csv(tmp_path / "b.csv", 3000, seed=1)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    rows = list(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8", newline="")))
    emails = [row["Email"].lower() for row in rows if row["Email"]]
    assert len(rows) == 3000 and len(set(emails)) < len(emails)  # repeated people
    assert any("@@" in row["Email"] or row["Phone"] == "12345" for row in rows)  # bad rows
    assert any(row["Country"] == "United Kingdom" for row in rows)


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="no sqlite3 shell on PATH")
def test_every_row_is_accounted_for_beside_the_baseline(tmp_path):
    figures = measure_import(2000, tmp_path)
    counted = figures["created"] + figures["updated"] + figures["unchanged"] + figures["rejected"]
    assert figures["rows"] == counted == 2000
    assert figures["rejected"] > 0 and figures["unchanged"] > 0
    assert figures["value"] > 0 and figures["baseline"] > 0 and figures["ratio"] > 0
    assert figures["note"] is None


def test_without_the_sqlite3_shell_there_is_a_note_instead(tmp_path, monkeypatch):
    monkeypatch.setattr(import_bench.shutil, "which", lambda name: None)
    figures = measure_import(300, tmp_path)
    assert figures["baseline"] is None and figures["ratio"] is None
    assert "install it" in figures["note"] and figures["value"] > 0
