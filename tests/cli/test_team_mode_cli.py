"""Team mode from the shell: the owner and managers give reps logins, and a rep logged in
as themselves cannot act as anyone else, `--as` or not."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from tests.cli.test_cli import run
from tests.factories import make_lead
from tests.store.test_team_logins import login_url, team  # noqa: F401  (the fixture)
from workstation.store.db import make_engine
from workstation.store.models import Account, Contact, Lead


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


@pytest.mark.postgres
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_reps_import_of_other_reps_people_makes_no_second_person(
    capsys,
    team,  # noqa: F811
    tmp_path,
    dry_run,
):
    """Riley's file names Sam's lead and Sam's contact, whom Riley may read but not change
    (row-level security): neither becomes a second person; the lead is left as it is, the
    contact's inquiry is a lead linked to it, in the pool for a manager to give Sam."""
    owner, sam = team["engines"]["owner"], team["sam"].id
    with Session(owner) as session:
        session.get(Lead, team["sams"]).email = "kim@sam.example"
        account = Account(name="Acme", domain="acme.com")
        session.add(account)
        session.flush()
        contact = Contact(
            last_name="Doe", email="jane@acme.com", account_id=account.id, owner_id=sam
        )
        session.add(contact)
        session.commit()
        contact_id = contact.id
    source = tmp_path / "leads.csv"
    source.write_text(
        "Last Name,Company,Email,Title\n"
        "Kim,Sam's Co,kim@sam.example,CEO\n"
        "Doe,Acme,jane@acme.com,CTO\n"
        "New,Fresh Co,new@fresh.example,\n"
    )
    riley = login_url(team["url"], team["riley"].login)
    argv = ["--db", riley, "import", str(source), *(["--dry-run"] if dry_run else [])]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "created             2" in out and "unchanged           1" in out
    assert (
        "Other reps' people: 1 row matched their lead, left as it is; "
        "1 row their contact, a new lead linked to it in the pool for a manager to give."
    ) in out.splitlines()
    with Session(owner) as session:
        lead = session.get(Lead, team["sams"])
        assert (lead.owner_id, lead.title) == (sam, None)
        assert len(session.exec(select(Lead).where(Lead.email == "kim@sam.example")).all()) == 1
        assert len(session.exec(select(Contact)).all()) == 1
        inquiries = session.exec(select(Lead).where(Lead.email == "jane@acme.com")).all()
        if dry_run:
            assert inquiries == []
        else:
            assert [(i.contact_id, i.status, i.owner_id) for i in inquiries] == [
                (contact_id, "Contact – No Opportunity", None)
            ]
