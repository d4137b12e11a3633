"""The shell commands, run as a user would: demo, export, db, errors."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime

import pytest

from tests.factories import NOW
from workstation.cli import main, open_tui, parse_args


def run(capsys, *argv: str, at: datetime = NOW) -> tuple[int, str, str]:
    """The command as a user runs it, with its clock stopped `at` (tests/factories.py's NOW):
    records pinned to dates around NOW meet that same "now" whatever the date of the run."""
    code = main(list(argv), clock=lambda: at)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def fresh_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'fresh.db'}"


def test_demo_then_export_leads_as_json(capsys, fresh_url, tmp_path):
    code, _, err = run(capsys, "--db", fresh_url, "demo", "--leads", "2000")
    assert code == 0, err
    assert "2,000 lead" in err
    code, out, _ = run(capsys, "--db", fresh_url, "export", "leads", "--format", "json")
    assert code == 0
    leads = json.loads(out)
    assert len(leads) == 2000
    for field in (
        "Id",
        "FirstName",
        "LastName",
        "Company",
        "Title",
        "Email",
        "Phone",
        "LeadSource",
        "Status",
        "OwnerId",
        "CreatedDate",
        "LastActivityDate",
        "IsConverted",
        "ConvertedAccountId",
        "ConvertedContactId",
        "ConvertedOpportunityId",
        "LifecycleStage",
        "AssignedDate",
        "CallbackDate",
        "AttemptCount",
        "Score",
        "DoNotCall",
    ):
        assert field in leads[0], field
    path = tmp_path / "fresh.db"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_demo_refuses_a_database_that_has_leads(capsys, fresh_url):
    assert run(capsys, "--db", fresh_url, "demo", "--leads", "50")[0] == 0
    code, _, err = run(capsys, "--db", fresh_url, "demo", "--leads", "50")
    assert code == 1
    assert "workstation:" in err and "Traceback" not in err
    code, out, _ = run(capsys, "--db", fresh_url, "export", "leads")
    assert len(list(csv.DictReader(io.StringIO(out)))) == 50


def test_export_to_a_file(capsys, fresh_url, tmp_path):
    run(capsys, "--db", fresh_url, "demo", "--leads", "60")
    target = tmp_path / "accounts.csv"
    code, _, err = run(capsys, "--db", fresh_url, "export", "accounts", "-o", str(target))
    assert code == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert rows and f"{len(rows):,} accounts written" in err
    for bad, why in (
        (tmp_path / "no" / "such.csv", "cannot write {}: No such file"),
        (tmp_path, "{} is a folder"),
    ):
        code, _, err = run(capsys, "--db", fresh_url, "export", "accounts", "-o", str(bad))
        assert code == 1 and why.format(bad) in err and "Traceback" not in err


def test_db_upgrade_and_current(capsys, fresh_url):
    code, _, err = run(capsys, "--db", fresh_url, "db", "current")
    assert code == 3 and "there is no workstation database at" in err
    code, out, _ = run(capsys, "--db", fresh_url, "db", "upgrade")
    assert code == 0 and "upgraded to revision" in out
    code, out, _ = run(capsys, "--db", fresh_url, "db", "upgrade")
    assert "already at revision" in out


def test_unknown_rep_is_a_clear_error(capsys, fresh_url):
    run(capsys, "--db", fresh_url, "demo", "--leads", "20")
    code, _, err = run(capsys, "--db", fresh_url, "--as", "Nobody Here")
    assert code == 1
    assert "no rep named 'Nobody Here'" in err


def test_unreachable_database_never_shows_the_password(capsys):
    code, _, err = run(capsys, "--db", "postgresql://crm:hunter2@127.0.0.1:1/crm", "db", "upgrade")
    assert code == 3  # an unusable database, apart from refusals (1) and usage (2)
    assert "hunter2" not in err
    assert "cannot use the database" in err


def test_unsupported_database_is_refused(capsys):
    code, _, err = run(capsys, "--db", "mysql://u:pw@h/db", "db", "current")
    assert code == 3 and "unsupported database" in err and "pw@" not in err


def test_with_json_an_error_is_a_json_object_with_its_exit_code(capsys, fresh_url):
    run(capsys, "--db", fresh_url, "demo", "--leads", "20")
    code, out, err = run(capsys, "--db", fresh_url, "reassign", "999999", "--pool", "--json")
    assert code == 1 and out == ""
    said = json.loads(err)
    assert said["exit_code"] == 1 and "999999" in said["error"]
    url = "postgresql://crm:hunter2@127.0.0.1:1/crm"
    code, out, err = run(capsys, "--db", url, "untouched", "--format", "json")
    assert code == 3 and out == ""
    assert json.loads(err)["exit_code"] == 3 and "hunter2" not in err


def test_module_entry_point_prints_help():
    result = subprocess.run(
        [sys.executable, "-m", "workstation", "--help"], capture_output=True, text=True, check=True
    )
    assert "WORKSTATION_DB" in result.stdout and "export" in result.stdout


@pytest.mark.postgres
def test_demo_and_export_on_postgresql(capsys, pg_url):
    assert run(capsys, "--db", pg_url, "demo", "--leads", "2000")[0] == 0
    code, out, _ = run(capsys, "--db", pg_url, "export", "leads", "--format", "json")
    assert code == 0
    assert len(json.loads(out)) == 2000


def test_the_tui_runs_on_the_clock_the_command_is_given(monkeypatch):
    opened = {}

    class App:
        return_code = None

        def run(self) -> None:
            opened["ran"] = True

    def start_app(settings, clock):
        opened["now"] = clock()
        return App()

    monkeypatch.setattr("workstation.app.start_app", start_app)
    assert main(["--db", "sqlite:////tmp/x.db"], clock=lambda: NOW) == 0
    assert opened == {"now": NOW, "ran": True}


def test_opening_the_tui_parses_without_the_subcommands(monkeypatch):
    """The options alone open the TUI, and no subcommand's module is loaded for them."""
    for module in [m for m in sys.modules if m.startswith("workstation.subcommands.")]:
        monkeypatch.delitem(sys.modules, module)
    args = parse_args(["--db", "sqlite:////tmp/x.db", "--as", "demo"])
    assert (args.handler, args.db, args.rep, args.command) == (
        open_tui,
        "sqlite:////tmp/x.db",
        "demo",
        None,
    )
    assert not [m for m in sys.modules if m.startswith("workstation.subcommands.")]
    args = parse_args(["--as", "Dana", "demo", "--leads", "5000"])
    assert (args.command, args.rep, args.leads) == ("demo", "Dana", 5000)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--db"], "argument --db: expected one argument"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--as", "Dana", "dmeo"], "invalid choice: 'dmeo'"),
    ],
)
def test_a_mistaken_command_line_gets_the_full_usage(capsys, argv, said):
    with pytest.raises(SystemExit) as exit_:
        parse_args(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "COMMAND ..." in err


@pytest.mark.parametrize(
    ("argv", "command", "rep", "db"),
    [
        (["next", "--as", "Dana", "--json"], "next", "Dana", None),
        (
            ["reps", "add", "Bob", "--as=Dana", "--db", "sqlite:///x.db"],
            "reps",
            "Dana",
            "sqlite:///x.db",
        ),
        (["--as", "Ann", "next", "--as", "Dana"], "next", "Dana", None),
        (["import", "f.csv", "--assign", "--as", "Dana"], "import", "Dana", None),
    ],
)
def test_db_and_as_may_follow_the_command_name(argv, command, rep, db):
    args = parse_args(argv)
    assert (args.command, args.rep, args.db) == (command, rep, db)


def test_as_without_a_name_after_the_command_is_an_error(capsys):
    with pytest.raises(SystemExit):
        parse_args(["next", "--as"])
    assert "argument --as: expected one argument" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["convert", "99999999999999999999"], "ids run from 1 to 9223372036854775807"),
        (["reject", "18446744073709551616", "--reason", "x"], "ids run from 1 to"),
        (["reassign", "1", "99999999999999999999", "--pool"], "ids run from 1 to"),
        (["reject", "0", "--reason", "x"], "ids run from 1 to"),
        (["log", "99999999999999999999", "5"], "ids run from 1 to"),
        (["log", "0", "5"], "ids run from 1 to"),
        (["untouched", "--hours", "nan"], "a number of hours from 0 to 87,840"),
        (["untouched", "--hours", "inf"], "a number of hours from 0 to 87,840"),
        (["untouched", "--hours", "1e9"], "a number of hours from 0 to 87,840"),
        (["untouched", "--hours", "soon"], "'soon' is not a number of hours"),
    ],
)
def test_out_of_range_arguments_are_one_usage_line_not_a_traceback(capsys, tmp_path, argv, says):
    with pytest.raises(SystemExit) as exit_:
        main(["--db", f"sqlite:///{tmp_path / 'none.db'}", *argv])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert not (tmp_path / "none.db").exists()  # refused before any database is touched


READING = [
    ["db", "current"],
    ["reps"],
    ["next"],
    ["export", "leads"],
    ["untouched"],
    ["funnel"],
    ["log", "1", "5"],
    ["scripts", "list"],
]
MAKING = [["db", "upgrade"], ["demo", "--leads", "50"], ["import", "{csv}"]]


@pytest.mark.parametrize("argv", READING)
def test_a_mistyped_path_is_refused_and_no_database_is_made(capsys, tmp_path, argv):
    path = tmp_path / "typo.db"
    code, _, err = run(capsys, "--db", f"sqlite:///{path}", *argv)
    assert code == 3 and f"there is no workstation database at {path}" in err
    assert not path.exists()


@pytest.mark.parametrize("argv", [*READING, *MAKING])
def test_a_file_that_is_not_ours_is_never_touched(capsys, tmp_path, argv):
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text("LastName,Company\nLee,Lee Co\n")
    argv = [arg.format(csv=csv_file) for arg in argv]
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    notes.chmod(0o644)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE recipe (name TEXT)")
    other.chmod(0o644)
    before = other.read_bytes()
    for path, says in ((notes, "is not a SQLite database"), (other, "is not a workstation's")):
        code, _, err = run(capsys, "--db", f"sqlite:///{path}", *argv)
        assert code == 3 and says in err and "nothing was changed" in err
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert notes.read_text() == "my notes\n" and other.read_bytes() == before
    assert not any(p.name.endswith(("-wal", "-shm")) for p in tmp_path.iterdir())


@pytest.mark.parametrize("argv", MAKING)
def test_the_commands_that_make_a_database_make_it_private(capsys, tmp_path, argv):
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text("LastName,Company\nLee,Lee Co\n")
    path = tmp_path / "new.db"
    code, _, err = run(capsys, "--db", f"sqlite:///{path}", *[a.format(csv=csv_file) for a in argv])
    assert code == 0, err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("argv", [[], ["--db", "sqlite:///x.db"], ["--as", "Ann"]])
def test_options_alone_open_the_tui(argv):
    """`workstation` with nothing after it (the README's first command) opens the TUI."""
    from workstation.cli import open_tui, parse_args, wants_json

    assert not wants_json(argv)
    assert parse_args(argv).handler is open_tui
