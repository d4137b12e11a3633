"""`workstation reps`: a database filled by an import gets its team from the shell."""

from __future__ import annotations

import json

from tests.cli.test_cli import run
from tests.store.test_imports import write_nasty_file


def test_an_imported_database_gets_a_manager_and_reps_who_then_work_its_leads(capsys, tmp_path):
    db = f"sqlite:///{tmp_path / 'team.db'}"
    source = write_nasty_file(tmp_path / "leads.csv")
    assert run(capsys, "--db", db, "import", str(source))[0] == 0
    code, out, _ = run(capsys, "--db", db, "reps")
    assert code == 0 and 'reps add "NAME" --role manager' in out
    code, _, err = run(capsys, "--db", db, "next")
    assert code == 1 and 'reps add "NAME" --role manager' in err
    code, _, err = run(capsys, "--db", db, "reps", "add", "Dana Reyes")
    assert code == 1 and "no manager yet" in err
    assert run(capsys, "--db", db, "reps", "add", "Dana Reyes", "--role", "manager")[0] == 0
    code, out, _ = run(capsys, "--db", db, "reps", "add", "Riley Rep", "--capacity", "3")
    assert code == 0 and out == "Added Riley Rep: rep, capacity 3.\n"
    code, out, _ = run(capsys, "--db", db, "assign", "--json")
    assert code == 0 and json.loads(out)["assigned"] == 3
    code, out, _ = run(capsys, "--db", db, "reps", "set", "riley rep", "--inactive")
    assert code == 0 and out == "Changed Riley Rep: rep, capacity 3, inactive.\n"
    code, _, err = run(capsys, "--db", db, "--as", "Riley Rep", "log", "1", "2")
    assert code == 1 and "Riley Rep is no longer an active rep" in err
    code, out, _ = run(capsys, "--db", db, "reps", "--json")
    assert [(r["Name"], r["Role"], r["Active"]) for r in json.loads(out)] == [
        ("Dana Reyes", "manager", True),
        ("Riley Rep", "rep", False),
    ]
    code, _, err = run(capsys, "--db", db, "reps", "set", "Dana Reyes")
    assert code == 1 and "nothing to change" in err


def test_the_team_list_shows_each_reps_email(capsys, tmp_path):
    db = f"sqlite:///{tmp_path / 'team.db'}"
    assert run(capsys, "--db", db, "db", "upgrade")[0] == 0
    add = ("--db", db, "reps", "add")
    assert (
        run(capsys, *add, "Dana Reyes", "--role", "manager", "--email", "dana@example.com")[0] == 0
    )
    assert run(capsys, *add, "Riley Rep")[0] == 0
    code, out, _ = run(capsys, "--db", db, "reps")
    assert code == 0
    dana, riley = out.splitlines()
    assert "Dana Reyes" in dana and "dana@example.com" in dana and "manager" in dana
    assert "Riley Rep" in riley and "@" not in riley
    code, out, _ = run(capsys, "--db", db, "reps", "--json")
    assert [(r["Name"], r["Email"]) for r in json.loads(out)] == [
        ("Dana Reyes", "dana@example.com"),
        ("Riley Rep", None),
    ]
