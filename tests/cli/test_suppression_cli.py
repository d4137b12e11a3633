"""`workstation export suppression`: the list marketing excludes, as a user runs it, on the
clock the command is given and the window the settings give."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import timedelta

from openpyxl import load_workbook

from tests.cli.test_cli import run
from tests.factories import NOW
from workstation.store.marketing.suppression import SUPPRESSION_COLUMNS


def _demo(capsys, url: str) -> None:
    code, _, err = run(capsys, "--db", url, "demo", "--leads", "300")
    assert code == 0, err


def test_the_list_to_a_file_in_each_format(capsys, sqlite_url, tmp_path):
    _demo(capsys, sqlite_url)
    db = ("--db", sqlite_url)
    code, out, err = run(capsys, *db, "export", "suppression", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and list(rows[0]) == SUPPRESSION_COLUMNS
    assert {row["ObjectType"] for row in rows} <= {"Lead", "Contact"}
    recent = [row for row in rows if "Recent Activity" in row["SuppressionReason"]]
    assert recent and all(row["SuppressedUntil"] > str(NOW.date()) for row in recent)

    target = tmp_path / "suppression.csv"
    code, _, err = run(capsys, *db, "export", "suppression", "-o", str(target))
    assert code == 0, err
    assert f"{len(rows):,} people to suppress written to {target}" in err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text(encoding="utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text)))) == len(rows)
    code, _, err = run(capsys, *db, "export", "suppression", "-o", str(target))
    assert code == 0, err  # an export written before may be written over

    book = tmp_path / "suppression.xlsx"
    code, _, err = run(capsys, *db, "export", "suppression", "--format", "xlsx", "-o", str(book))
    assert code == 0, err
    sheet = load_workbook(book).active
    assert sheet.max_row == len(rows) + 1


def test_the_window_follows_the_clock_and_the_setting(capsys, sqlite_url, monkeypatch):
    _demo(capsys, sqlite_url)
    db = ("--db", sqlite_url)

    def recent(*argv: str, **kwargs) -> int:
        code, out, err = run(capsys, *db, "export", "suppression", "--format", "json", **kwargs)
        assert code == 0, err
        return sum("Recent Activity" in row["SuppressionReason"] for row in json.loads(out))

    now = recent()
    assert recent(at=NOW + timedelta(days=31)) < now
    monkeypatch.setenv("WORKSTATION_RECENT_ACTIVITY_DAYS", "3")
    assert recent() < now


def test_refusals_are_one_line_and_write_nothing(capsys, sqlite_url, tmp_path):
    db = ("--db", sqlite_url)
    code, _, err = run(capsys, *db, "export", "suppression", "--for", "salesforce")
    assert code == 1 and "--for salesforce exports" in err and err.count("\n") == 1
    code, _, err = run(capsys, *db, "export", "suppression", "--format", "xlsx")
    assert code == 1 and "name its file with -o FILE" in err
    mine = tmp_path / "notes.txt"
    mine.write_text("my notes\n", encoding="utf-8")
    code, _, err = run(capsys, *db, "export", "suppression", "-o", str(mine))
    assert code == 1 and mine.read_text(encoding="utf-8") == "my notes\n"
    database = sqlite_url.removeprefix("sqlite:///")
    code, _, err = run(capsys, *db, "export", "suppression", "-o", database)
    assert code == 1 and "database" in err
