"""Issue 20's "Done when", from the command line, on SQLite and PostgreSQL: convert a lead,
give its contact a second opportunity, close one Won at $1,000 (the account is a customer
and its contacts Customers in the exports), make the contact a reference and log two uses,
close the other Lost, reject a third; the funnel shows all of it."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import run


def _ok(capsys, *argv: str):
    code, out, err = run(capsys, *argv)
    assert code == 0, (argv, err, out)
    return json.loads(out) if "--json" in argv or "json" in argv else out


def _refused(capsys, *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == "", (argv, out, err)
    return err


def _by_id(rows: list[dict]) -> dict[int, dict]:
    return {row["Id"]: row for row in rows}


def test_the_whole_lifecycle_from_the_shell(capsys, db_url, tmp_path):
    db = ("--db", db_url)
    _ok(capsys, *db, "reps", "add", "Dana Reyes", "--role", "manager")
    source = tmp_path / "lead.csv"
    source.write_text(
        "FirstName,LastName,Company,Email\nAda,Lovelace,Analytical Engines,ada@engines.example\n",
        encoding="utf-8",
    )
    _ok(capsys, *db, "import", str(source), "--json")
    lead = _ok(capsys, *db, "export", "leads", "--format", "json")[0]["Id"]
    converted = _ok(capsys, *db, "convert", str(lead), "--json")
    contact, first = converted["contact_id"], converted["opportunity_id"]

    second = _ok(
        capsys,
        *db,
        "opportunity",
        "new",
        "--contact",
        str(contact),
        "--name",
        "Engines – Expansion",
        "--amount",
        "2,500",
        "--json",
    )
    assert (second["stage"], second["amount_cents"], second["contact_ids"]) == (
        "Qualification",
        250_000,
        [contact],
    )
    _ok(
        capsys,
        *db,
        "opportunity",
        "role",
        str(second["id"]),
        "--contact",
        str(contact),
        "--role",
        "Decision Maker",
        "--json",
    )

    won = _ok(
        capsys,
        *db,
        "opportunity",
        "stage",
        str(first),
        "Closed Won",
        "--amount",
        "1000",
        "--reason",
        "Signed",
        "--json",
    )
    assert won["account_is_customer"] and won["is_won"]
    assert (
        _by_id(_ok(capsys, *db, "export", "contacts", "--format", "json"))[contact][
            "LifecycleStage"
        ]
        == "Customer"
    )
    account = _by_id(_ok(capsys, *db, "export", "accounts", "--format", "json"))
    assert account[converted["account_id"]]["IsCustomer"] is True

    _ok(capsys, *db, "reference", str(contact), "--set", "public", "--json")
    for note in ("Call with Globex", "Quote for a case study"):
        used = _ok(
            capsys,
            *db,
            "reference",
            str(contact),
            "--use",
            note,
            "--opportunity",
            str(second["id"]),
            "--json",
        )
    assert (used["uses"], used["uses_this_quarter"], used["warning"]) == (2, 2, None)

    assert "needs a reason" in _refused(
        capsys, *db, "opportunity", "stage", str(second["id"]), "Closed Lost"
    )
    _ok(
        capsys,
        *db,
        "opportunity",
        "stage",
        str(second["id"]),
        "Closed Lost",
        "--reason",
        "No budget this year",
        "--json",
    )
    third = _ok(capsys, *db, "opportunity", "new", "--contact", str(contact), "--json")
    rejected = _ok(
        capsys,
        *db,
        "opportunity",
        "reject",
        str(third["id"]),
        "--reason",
        "Duplicate of a won deal",
        "--json",
    )
    assert rejected["is_rejected"] and rejected["stage"] == "Closed Lost"

    opportunities = _by_id(_ok(capsys, *db, "export", "opportunities", "--format", "json"))
    assert [
        (
            o["StageName"],
            o["IsClosed"],
            o["IsWon"],
            o["Amount"],
            o["Probability"],
            o["IsRejected"],
            o["ClosedReason"],
        )
        for o in opportunities.values()
    ] == [
        ("Closed Won", True, True, 1000, 100, False, "Signed"),
        ("Closed Lost", True, False, 2500, 0, False, "No budget this year"),
        ("Closed Lost", True, False, 0, 0, True, "Duplicate of a won deal"),
    ]
    person = _by_id(_ok(capsys, *db, "export", "contacts", "--format", "json"))[contact]
    assert (
        person["LifecycleStage"],
        person["IsReference"],
        person["ReferenceType"],
        person["ReferenceUseCount"],
    ) == ("Reference", True, "public", 2)

    funnel = _ok(capsys, *db, "funnel", "--format", "json")["opportunities"]
    assert funnel == {
        "open": 0,
        "open_cents": 0,
        "weighted_cents": 0,
        "won": 1,
        "won_cents": 100_000,
        "lost": 1,
        "lost_cents": 250_000,
        "rejected": 1,
        "rejected_by_reason": [["Duplicate of a won deal", 1]],
    }
    table = _ok(capsys, *db, "funnel")
    assert "Rejected by sales" in table and "Duplicate of a won deal" in table


def test_the_commands_say_what_they_did_and_refuse_in_one_line(capsys, sqlite_url, tmp_path):
    db = ("--db", sqlite_url)
    _ok(capsys, *db, "reps", "add", "Dana Reyes", "--role", "manager")
    source = tmp_path / "lead.csv"
    source.write_text("LastName,Company,Email\nHopper,Navy,grace@navy.example\n", encoding="utf-8")
    _ok(capsys, *db, "import", str(source), "--json")
    lead = _ok(capsys, *db, "export", "leads", "--format", "json")[0]["Id"]
    converted = _ok(capsys, *db, "convert", str(lead), "--json")
    contact, opp = converted["contact_id"], converted["opportunity_id"]
    said = _ok(capsys, *db, "opportunity", "stage", str(opp), "proposal", "--next-step", "Demo")
    assert said.startswith(f"Opportunity {opp} 'Navy': Proposal, 50%, $0.00")
    assert "only a customer's contact" in _refused(
        capsys, *db, "reference", str(contact), "--set", "private"
    )
    assert "is not a reference" in _refused(capsys, *db, "reference", str(contact), "--use", "x")
    assert "not an amount" in _refused(
        capsys, *db, "opportunity", "stage", str(opp), "--amount", "lots"
    )
    said = _ok(capsys, *db, "opportunity", "reject", str(opp), "--reason", "Test order")
    assert "nothing was deleted" in said
    with pytest.raises(SystemExit) as stopped:
        run(capsys, *db, "opportunity", "stage", str(opp), "--close-date", "soon")
    assert stopped.value.code == 2
    assert "not a date like 2026-12-31" in capsys.readouterr().err
