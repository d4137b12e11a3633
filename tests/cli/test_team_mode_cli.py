"""Team mode from the shell: the owner and managers give reps logins, and a rep logged in
as themselves cannot act as anyone else, `--as` or not."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from tests.cli.test_cli import run
from tests.factories import make_lead
from tests.store.test_team_logins import login_url
from workstation.store.db import make_engine


@pytest.mark.postgres
def test_reps_get_logins_and_work_as_themselves_only(capsys, pg_url, monkeypatch):
    tag = pg_url.rsplit("search_path%3D", 1)[1][-8:]
    boss, riley = f"boss_{tag}", f"riley_{tag}"
    code, out, err = run(
        capsys,
        "--db",
        pg_url,
        "reps",
        "add",
        "Morgan Boss",
        "--role",
        "manager",
        "--login",
        boss,
        "--no-password",
    )
    assert (code, err) == (0, "") and f"database login {boss}" in out
    monkeypatch.setenv("WORKSTATION_LOGIN_PASSWORD", "s3cret")
    as_boss = login_url(pg_url, boss)
    code, out, err = run(capsys, "--db", as_boss, "reps", "add", "Riley Rep", "--login", riley)
    assert (code, err) == (0, "") and f"database login {riley}" in out
    monkeypatch.delenv("WORKSTATION_LOGIN_PASSWORD")
    code, _, err = run(capsys, "--db", as_boss, "reps", "add", "Sam Seller", "--login")
    assert code == 1 and "WORKSTATION_LOGIN_PASSWORD" in err  # no terminal to ask at
    code, out, _ = run(capsys, "--db", as_boss, "reps", "--json")
    assert [(r["Name"], r["Login"]) for r in json.loads(out)] == [
        ("Morgan Boss", boss),
        ("Riley Rep", riley),
    ]
    owner = make_engine(pg_url)
    with Session(owner) as session:
        bosses = make_lead(session, owner_id=1).id
        session.commit()
    owner.dispose()
    as_riley = login_url(pg_url, riley)
    code, out, err = run(
        capsys,
        "--db",
        as_riley,
        "--as",
        "Morgan Boss",
        "reassign",
        str(bosses),
        "--to",
        "Riley Rep",
    )
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert f"logged in to the database as {riley}, who is Riley Rep" in err
    code, _, err = run(capsys, "--db", as_riley, "reassign", str(bosses), "--to", "Riley Rep")
    assert code == 1 and "Riley Rep is a rep, not a manager" in err
    code, out, err = run(capsys, "--db", as_riley, "--as", "riley rep", "reps", "--json")
    assert code == 0 and len(json.loads(out)) == 2
    code, out, err = run(capsys, "--db", as_boss, "reassign", str(bosses), "--to", "Riley Rep")
    assert (code, err) == (0, "")


def test_sqlite_has_no_logins(capsys, sqlite_url):
    code, _, err = run(
        capsys,
        "--db",
        sqlite_url,
        "reps",
        "add",
        "Dana",
        "--role",
        "manager",
        "--login",
        "--no-password",
    )
    assert code == 1 and "logins are for a team's PostgreSQL database" in err
