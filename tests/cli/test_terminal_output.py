"""No escape or control character reaches the terminal from a command (#23 items 1 and 5).

Hostile text goes in by every way the command line has (CSV cells, `--source`, `--campaign`,
`--notes`, `--reason`, rep names, a Salesforce export's picklists, script files) and is
cleaned at the door; and text an older version stored raw is neutralised on the way out,
whatever command prints it. Exports written to files keep the data as they are.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.cli.test_cli import run
from workstation.cli import main
from workstation.store.db import make_engine

# What must never reach a terminal: C0 controls but tab and newline (ESC and BEL among them),
# DEL, C1 controls, and the bidi overrides and isolates that reorder a line.
BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OSC_TITLE = "\x1b]0;PWNED\x07"
OSC_52 = "\x1b]52;c;aGk=\x07"
HOSTILE = f"Evil{OSC_TITLE}\x1b[31mCorp\x9b31m\x07\x7f{OSC_52}\u202e\x08"
MANAGER, REP = "Morgan Manager", "Rita Rep"


def assert_safe(output: str, where: str) -> None:
    found = sorted({hex(ord(char)) for char in BAD.findall(output)})
    assert not found, f"{where} sent {found} to the terminal: {output!r}"


class Terminal(io.StringIO):
    """Standard output as a terminal (what `isatty()` says decides how exports are written)."""

    def isatty(self) -> bool:
        return True


def to_terminal(monkeypatch, capsys, *argv: str) -> tuple[int, str, str]:
    """A command run with its standard output on a terminal."""
    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    code, _, err = run(capsys, *argv)
    monkeypatch.undo()
    return code, screen.getvalue(), err


def checked(capsys, *argv: str) -> tuple[int, str, str]:
    """A command run and its output (standard output and error) checked."""
    code, out, err = run(capsys, *argv)
    assert_safe(out + err, " ".join(argv[2:4]))
    return code, out, err


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _setup_team(capsys, url: str) -> None:
    assert checked(capsys, "--db", url, "reps", "add", MANAGER, "--role", "manager")[0] == 0
    assert checked(capsys, "--db", url, "--as", MANAGER, "reps", "add", REP)[0] == 0


def _lead_ids(capsys, url: str) -> list[int]:
    code, out, _ = run(capsys, "--db", url, "export", "leads", "--format", "json")
    assert code == 0
    return [lead["Id"] for lead in json.loads(out)]


def _stored(url: str, query: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return [row[0] for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def test_hostile_values_are_cleaned_at_every_door_and_never_printed(
    capsys, monkeypatch, db_url, tmp_path
):
    url = db_url
    _setup_team(capsys, url)
    leads = _write_csv(
        tmp_path / "leads.csv",
        [
            {
                "FirstName": f"Ann{OSC_TITLE}",
                "LastName": "Lee\x1b[2J",
                "Company": HOSTILE,
                "Email": "ann@example.com",
                "LeadSource": "",
            },
            {"FirstName": "Bo", "LastName": "Ng", "Company": "Plain", "Email": "bo@example.com"},
        ],
    )
    code, _, err = checked(
        capsys,
        "--db",
        url,
        "--as",
        MANAGER,
        "import",
        str(leads),
        "--source",
        HOSTILE,
        "--campaign",
        f"Spring{OSC_52}",
        "--assign",
    )
    assert code == 0, err
    first = _lead_ids(capsys, url)[0]
    code, _, err = checked(capsys, "--db", url, "--as", REP, "next")
    assert code == 0, err
    code, _, err = checked(
        capsys,
        "--db",
        url,
        "--as",
        MANAGER,
        "log",
        str(first),
        "5",
        "--notes",
        f"first line{OSC_52}\r\nsecond\tline\x9d0;x\x9c",
    )
    assert code == 0, err
    code, _, err = checked(
        capsys, "--db", url, "--as", MANAGER, "reassign", str(first), "--to", REP,
        "--reason", f"moved{OSC_TITLE}",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = checked(
        capsys, "--db", url, "--as", MANAGER, "reject", str(first), "--reason", HOSTILE
    )
    assert code == 1 and "unknown reason" in err  # refused, and the echo is neutralised
    code, _, err = checked(capsys, "--db", url, "--as", MANAGER, "convert", str(first), "--dry-run")
    assert code == 0, err
    for argv in (("reps",), ("untouched", "--hours", "0"), ("funnel",), ("scripts", "list")):
        code, _, err = checked(capsys, "--db", url, "--as", MANAGER, *argv)
        assert code == 0, err
    for kind in ("leads", "activities", "campaigns", "history"):
        code, out, err = to_terminal(monkeypatch, capsys, "--db", url, "export", kind)
        assert code == 0, err
        assert_safe(out + err, f"export {kind}")

    # Nothing hostile was stored: every door cleaned what came in (a note keeps its lines).
    for query in (
        "SELECT lead_source FROM lead",
        "SELECT company FROM lead",
        "SELECT first_name FROM lead",
        "SELECT name FROM campaign",
        "SELECT channel FROM campaign",
        "SELECT reason FROM history WHERE reason IS NOT NULL",
    ):
        for value in _stored(url, query):
            assert_safe(value or "", query)
    notes = _stored(url, "SELECT notes FROM activity WHERE notes <> ''")
    assert notes == ["first line\nsecond\tline"]


def test_a_salesforce_exports_picklists_and_fields_are_cleaned(capsys, db_url, tmp_path):
    url = db_url
    _setup_team(capsys, url)
    export = tmp_path / "export"
    export.mkdir()
    _write_csv(export / "Campaign.csv", [{"Id": "701X", "Name": f"Fair{OSC_52}", "Type": HOSTILE}])
    _write_csv(
        export / "Lead.csv",
        [
            {
                "Id": "00QL",
                "LastName": f"Doe{OSC_TITLE}",
                "Company": "Acme",
                "Status": f"Hot{OSC_TITLE}\x1b[31m",
                "LeadSource": f"Fax\x9b31m{OSC_52}",
                "Phone": "030 1234567",
                "Country": "DE",
            }
        ],
    )
    _write_csv(
        export / "Opportunity.csv",
        [{"Id": "006O", "Name": "Deal", "StageName": f"Legal{OSC_52}", "CloseDate": ""}],
    )
    _write_csv(
        export / "CampaignMember.csv",
        [{"Id": "00vM", "CampaignId": "701X", "LeadId": "00QL", "Status": "Came\x1b[5m"}],
    )
    _write_csv(
        export / "Task.csv",
        [{"Id": "00T1", "WhoId": "00QL", "Subject": f"Call{OSC_TITLE}",
          "Description": f"line one\x1b[31m\r\nline\ttwo{OSC_52}"}],
    )  # fmt: skip
    code, _, err = checked(
        capsys, "--db", url, "--as", MANAGER, "import", "--salesforce", str(export)
    )
    assert code == 0, err
    for query in (
        "SELECT name FROM lead_status",
        "SELECT name FROM opportunity_stage",
        "SELECT label FROM campaign_member_status",
        "SELECT channel FROM campaign",
        "SELECT name FROM campaign",
        "SELECT lead_source FROM lead",
        "SELECT status FROM lead",
        "SELECT last_name FROM lead",
        "SELECT subject FROM activity",
    ):
        for value in _stored(url, query):
            assert_safe(value or "", query)
    assert _stored(url, "SELECT notes FROM activity") == ["line one\nline\ttwo"]
    code, _, err = checked(capsys, "--db", url, "--as", MANAGER, "log", "1", "5")
    assert code == 0, err


def _store_raw(url: str, statements: list[tuple[str, dict]]) -> None:
    """Values written past the door, as an older version of the app stored them."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for statement, values in statements:
                connection.execute(text(statement), values)
    finally:
        engine.dispose()


def test_values_an_older_version_stored_raw_are_neutralised_on_the_way_out(
    capsys, monkeypatch, db_url, tmp_path
):
    url = db_url
    _setup_team(capsys, url)
    leads = _write_csv(
        tmp_path / "leads.csv",
        [{"FirstName": "Ann", "LastName": "Lee", "Company": "Acme", "Email": "a@example.com"}],
    )
    assert checked(capsys, "--db", url, "--as", MANAGER, "import", str(leads), "--assign")[0] == 0
    (lead,) = _lead_ids(capsys, url)
    _store_raw(
        url,
        [
            (
                "INSERT INTO lead_status (name, sort_order, is_default, is_closed, is_converted,"
                " description) VALUES (:name, 99, false, false, false, '')",
                {"name": f"Working{OSC_TITLE}"},
            ),
            (
                "UPDATE lead SET company = :v, first_name = :v, lead_source = :v, status = :s",
                {"v": HOSTILE, "s": f"Working{OSC_TITLE}"},
            ),
            ("UPDATE rep SET email = :v WHERE name = :n", {"v": HOSTILE, "n": REP}),
            (
                "INSERT INTO call_script (name, body, questions, updated_at)"
                " VALUES (:v, 'Hi', '[]', '2026-01-01')",
                {"v": HOSTILE},
            ),
        ],
    )
    for argv in (
        ("--as", REP, "next"),
        ("--as", MANAGER, "convert", str(lead), "--dry-run"),
        ("--as", MANAGER, "log", str(lead), "5", "--notes", "ok"),
        ("--as", MANAGER, "reps"),
        ("--as", MANAGER, "untouched", "--hours", "0", "--rep", REP),
        ("--as", MANAGER, "funnel"),
        ("--as", MANAGER, "scripts", "list"),
        ("--as", MANAGER, "reassign", str(lead), "--to", MANAGER),
    ):
        code, _, err = checked(capsys, "--db", url, *argv)
        assert code == 0, (argv, err)
    for argv in (
        ("export", "leads"),
        ("export", "leads", "--format", "json"),
        ("--as", MANAGER, "untouched", "--format", "csv"),
        ("--as", MANAGER, "scripts", "list", "--json"),
    ):
        code, out, err = to_terminal(monkeypatch, capsys, "--db", url, *argv)
        assert code == 0, (argv, err)
        assert_safe(out + err, " ".join(argv))


def test_an_export_keeps_the_data_in_a_file_and_in_a_pipe(capsys, sqlite_url, tmp_path):
    _setup_team(capsys, sqlite_url)
    leads = _write_csv(
        tmp_path / "leads.csv",
        [{"FirstName": "Ann", "LastName": "Lee", "Company": "Acme", "Email": "a@example.com"}],
    )
    assert checked(capsys, "--db", sqlite_url, "--as", MANAGER, "import", str(leads))[0] == 0
    _store_raw(sqlite_url, [("UPDATE lead SET company = :v", {"v": HOSTILE})])
    target = tmp_path / "out.csv"
    code, out, err = checked(capsys, "--db", sqlite_url, "export", "leads", "-o", str(target))
    assert code == 0, err
    assert HOSTILE in target.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "--db", sqlite_url, "export", "leads")  # a pipe: the data
    assert code == 0 and HOSTILE in out


def _on_a_pty(argv: list[str]) -> bytes:
    """What a command sends to a real terminal (a pseudo-terminal), in a process of its own."""
    main_fd, terminal_fd = pty.openpty()
    env = os.environ | {"PYTHONPATH": str(Path(__file__).parents[2]), "COLUMNS": "200"}
    process = subprocess.Popen(
        [sys.executable, "-m", "workstation", *argv],
        stdin=subprocess.DEVNULL,
        stdout=terminal_fd,
        stderr=terminal_fd,
        env=env,
    )
    os.close(terminal_fd)
    received = b""
    while True:
        ready, _, _ = select.select([main_fd], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # the command ended and closed the terminal
            break
        if not chunk:
            break
        received += chunk
    process.wait(timeout=60)
    os.close(main_fd)
    return received


def test_export_to_a_real_terminal_sends_no_escape(capsys, sqlite_url, tmp_path):
    """The issue's case: `export leads` at a terminal wrote the clipboard (OSC 52)."""
    _setup_team(capsys, sqlite_url)
    leads = _write_csv(
        tmp_path / "leads.csv",
        [{"FirstName": "Ann", "LastName": "Lee", "Company": "Acme", "Email": "a@example.com"}],
    )
    assert checked(capsys, "--db", sqlite_url, "--as", MANAGER, "import", str(leads))[0] == 0
    _store_raw(sqlite_url, [("UPDATE lead SET company = :v, title = :v", {"v": HOSTILE})])
    shown = _on_a_pty(["--db", sqlite_url, "export", "leads"])
    assert b"Acme" not in shown and b"Evil" in shown  # the export ran
    assert_safe(shown.decode("utf-8").replace("\r\n", "\n"), "export leads at a terminal")


@pytest.mark.parametrize(
    "argv",
    [
        ["untouched", f"extra{OSC_52}"],  # argparse quotes what it does not know as it is
        ["next", "--", f"extra{OSC_TITLE}"],
        ["reps", "add", "X", "--role", f"boss{OSC_52}"],  # ... an invalid choice in repr
        ["import", "x.csv", "--map", f"A{OSC_TITLE}"],  # a refusal quoting what was typed
        ["export", f"leads{OSC_52}"],
    ],
)
def test_mistakes_quoting_what_was_typed_are_neutralised(capsys, sqlite_url, argv):
    try:
        main(["--db", sqlite_url, *argv])
    except SystemExit as exit:
        assert exit.code == 2
    out, err = capsys.readouterr()
    assert err
    assert_safe(out + err, argv[0])
