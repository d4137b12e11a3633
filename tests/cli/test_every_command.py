"""Every command of the CLI, run as a user runs it, on a SQLite file and on PostgreSQL alike.

One story per database walks through every command and action; a guard test keeps the
story complete, so that a command added later is run on both databases too (`bench` has
its PostgreSQL part in tests/bench/test_claims.py, and its SQLite part in test_run.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import json

from tests.cli.test_cli import run
from workstation.cli import build_parser

# (command, action) pairs the story below runs; an action of None: the command alone.
RUN_HERE = {
    ("db", "current"), ("db", "upgrade"), ("demo", None), ("reps", None), ("reps", "add"),
    ("reps", "set"), ("next", None), ("log", None), ("duration", None), ("undo", None),
    ("convert", None), ("opportunity", "new"), ("opportunity", "stage"),
    ("opportunity", "reject"), ("opportunity", "role"), ("reference", None),
    ("reject", None), ("untouched", None), ("funnel", None), ("reassign", None),
    ("assign", None), ("import", None), ("scripts", "export"), ("scripts", "import"),
    ("scripts", "list"), ("export", None), ("filter", "add"), ("filter", "list"),
    ("filter", "archive"), ("search", None), ("stage", None), ("campaign", "add"),
    ("campaign", "set"), ("campaign", "list"), ("campaign", "respond"), ("config", None),
    ("names", None), ("names", "list"), ("names", "promote"), ("names", "deactivate"),
    ("names", "activate"), ("recycle", None),
    ("campaign", "add-members"), ("lead", "new"), ("sources", None),
}  # fmt: skip
# `serve` runs forever: tests/ui/test_serve_browser.py serves on both databases and reads
# the queue in a headless browser.
RUN_ELSEWHERE = {("bench", None), ("serve", None)}


def _commands() -> set[tuple[str, str | None]]:
    """(command, action) for every command; its actions are its sub-commands or the
    choices of its positional argument (`db upgrade`)."""

    def actions(parser: argparse.ArgumentParser) -> tuple[list[str], bool]:
        """Its actions, and whether it runs with none (`reps` alone lists the reps)."""
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                return list(action.choices), not action.required
            if not action.option_strings and action.choices:
                return list(action.choices), action.nargs in ("?", "*")
        return [], True

    found: set[tuple[str, str | None]] = set()
    top = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in top.choices.items():
        subs, alone = actions(command)
        found |= {(name, sub) for sub in subs}
        if alone:
            found.add((name, None))
    return found


def test_the_story_runs_every_command():
    assert _commands() == RUN_HERE | RUN_ELSEWHERE


def _ok(capsys, *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, (argv, err, out)
    return out


def test_every_command_on_this_database(capsys, db_url, tmp_path):
    db = ("--db", db_url)
    shown = json.loads(_ok(capsys, *db, "config", "--json"))["settings"]
    assert shown["database_url"]["source"] == "flag"
    assert "revision" in _ok(capsys, *db, "db", "current")
    _ok(capsys, *db, "db", "upgrade")
    _ok(capsys, *db, "demo", "--leads", "300")
    reps = json.loads(_ok(capsys, *db, "reps", "--json"))
    rep = next(r["Name"] for r in reps if r["Role"] == "rep" and r["Active"])
    as_rep = (*db, "--as", rep)
    _ok(capsys, *db, "reps", "add", "Both Databases", "--capacity", "5")
    _ok(capsys, *db, "reps", "set", "Both Databases", "--capacity", "6")
    assert any(
        r["Name"] == "Both Databases" and r["Capacity"] == 6
        for r in json.loads(_ok(capsys, *db, "reps", "--json"))
    )

    saved = ("filter", "add", "Open web", "--source", "Web", "--status", "Open", "--json")
    assert json.loads(_ok(capsys, *as_rep, *saved))["queue"].startswith("filter:")
    assert json.loads(_ok(capsys, *as_rep, "next", "--queue", "open web", "--json"))
    assert [f["name"] for f in json.loads(_ok(capsys, *as_rep, "filter", "list", "--json"))]
    _ok(capsys, *as_rep, "filter", "archive", "Open web")
    lead = json.loads(_ok(capsys, *as_rep, "next", "--json"))["lead"]["Id"]
    _ok(capsys, *as_rep, "log", str(lead), "5", "--json")
    assert json.loads(_ok(capsys, *as_rep, "duration", "1:05", "--json"))["seconds"] == 65
    assert json.loads(_ok(capsys, *as_rep, "undo", "--json"))
    converted = json.loads(_ok(capsys, *as_rep, "convert", str(lead), "--json"))
    assert converted["lead_id"] == lead and converted["opportunity_created"]
    opp, contact = converted["opportunity_id"], converted["contact_id"]
    won = ("opportunity", "stage", str(opp), "Closed Won", "--amount", "10", "--json")
    _ok(capsys, *as_rep, *won)
    _ok(capsys, *as_rep, "reference", str(contact), "--set", "private", "--json")
    _ok(capsys, *as_rep, "reference", str(contact), "--use", "A call", "--json")
    new = ("opportunity", "new", "--contact", str(contact), "--json")
    again = json.loads(_ok(capsys, *as_rep, *new))["id"]
    role = ("opportunity", "role", str(again), "--contact", str(contact), "--role", "Evaluator")
    _ok(capsys, *as_rep, *role, "--json")
    _ok(capsys, *as_rep, "opportunity", "reject", str(again), "--reason", "Bogus", "--json")
    other = json.loads(_ok(capsys, *as_rep, "next", "--json"))["lead"]["Id"]
    _ok(capsys, *as_rep, "reject", str(other), "--reason", "Bogus form fill", "--json")

    template = tmp_path / "email.txt"
    template.write_text("Subject: {first_name}, your trial\n\nHi {first_name}", encoding="utf-8")
    made = json.loads(
        _ok(capsys, *db, "campaign", "add", "Both DBs Expo", "--channel", "Event", "--offer",
            "Trial", "--budget", "1000", "--email-template", str(template), "--json")
    )  # fmt: skip
    assert (made["channel"], made["budget_cents"]) == ("Event", 100_000)
    changed = json.loads(
        _ok(capsys, *db, "campaign", "set", str(made["id"]), "--actual-cost", "900",
            "--status", "Attended:responded", "--json")
    )  # fmt: skip
    assert changed["actual_cost_cents"] == 90_000 and len(changed["statuses"]) == 3
    assert "Both DBs Expo" in {
        c["name"] for c in json.loads(_ok(capsys, *db, "campaign", "list", "--json"))
    }
    back = json.loads(
        _ok(capsys, *as_rep, "campaign", "respond", "Both DBs Expo", str(other), "--status",
            "Attended", "--json")
    )  # fmt: skip
    assert back["reopened"] and back["lifecycle_stage"] == "Marketing Qualified"
    _ok(capsys, *db, "filter", "add", "Pool web", "--owner", "pool", "--source", "Web")
    joined = json.loads(
        _ok(capsys, *db, "campaign", "add-members", "Both DBs Expo", "--filter", "pool web",
            "--json")
    )  # fmt: skip
    assert joined["added"] == joined["matched"] > 0 and joined["status"] == "Sent"
    rerun = _ok(capsys, *db, "campaign", "add-members", str(made["id"]), "--filter", "Pool web")
    assert f"0 added as Sent, {joined['matched']} already members" in rerun
    typed = (
        "lead", "new", "--last-name", "Byron", "--company", "Poets", "--phone", "020 7946 0001",
        "--region", "GB", "--campaign", "Both DBs Expo", "--mine",
    )  # fmt: skip
    entered = json.loads(_ok(capsys, *as_rep, *typed, "--json"))
    assert entered["created"] and entered["owner_id"] is not None
    assert entered["campaign"] == "Both DBs Expo"
    code, out, err = run(capsys, *as_rep, "lead", "new", "--last-name", "Nobody")
    assert (code, out) == (1, "") and len(err.strip().splitlines()) == 1, err
    moved = json.loads(_ok(capsys, *as_rep, "stage", str(other), "sales accepted", "--json"))
    assert (moved["old_stage"], moved["new_stage"]) == ("Marketing Qualified", "Sales Accepted")

    for form in ("json", "csv", "table"):
        _ok(capsys, *db, "untouched", "--format", form)
    assert "no policy stored yet" in _ok(capsys, *db, "sources")
    policies = json.loads(_ok(capsys, *db, "sources", "--refresh", "--json"))
    assert policies and {p["attempt_cap_from"] for p in policies} <= {
        "measured", "floor", "ceiling", "default",
    }  # fmt: skip
    assert [p["lead_source"] for p in json.loads(_ok(capsys, *db, "sources", "--json"))] == [
        p["lead_source"] for p in policies
    ]
    assert "Hours apart" in _ok(capsys, *db, "sources")
    funnel = json.loads(_ok(capsys, *db, "funnel", "--format", "json"))
    assert funnel
    assert _ok(capsys, *db, "funnel")
    untouched = json.loads(_ok(capsys, *db, "untouched", "--format", "json"))
    assert untouched is not None
    pool = json.loads(_ok(capsys, *db, "export", "leads", "--format", "json"))
    owned = [row["Id"] for row in pool if row["OwnerId"] and row["Status"] != "Closed"]
    _ok(capsys, *db, "reassign", str(owned[0]), "--pool", "--json")
    _ok(capsys, *db, "assign", "--limit", "5", "--json")

    source = tmp_path / "leads.csv"
    source.write_text(
        "FirstName,LastName,Company,Phone,Email\n"
        "Ada,Lovelace,Analytical Engines,+44 20 7946 0000,ada@engines.example\n"
        "Grace,Hopper,Navy,,grace@navy.example\n",
        encoding="utf-8",
    )
    dry = json.loads(_ok(capsys, *db, "import", str(source), "--dry-run", "--json"))
    done = json.loads(_ok(capsys, *db, "import", str(source), "--json"))
    assert dry["created"] == done["created"] == 2
    expo = tmp_path / "expo.csv"
    expo.write_text("LastName,Company,Email\nNewname,Expo Co,new@expo.example\n", encoding="utf-8")
    assert json.loads(_ok(capsys, *db, "import", str(expo), "--as-names", "--json"))["created"]
    names = json.loads(_ok(capsys, *db, "names", "--json"))
    name = next(n["id"] for n in names if n["name"] == "Newname")
    assert json.loads(_ok(capsys, *db, "names", "list", "--inactive", "--json"))
    _ok(capsys, *db, "names", "deactivate", str(name), "--json")
    _ok(capsys, *db, "names", "activate", str(name), "--json")
    moves = json.loads(_ok(capsys, *db, "recycle", "--dry-run", "--json"))
    assert json.loads(_ok(capsys, *db, "recycle", "--json")) == moves
    assert json.loads(_ok(capsys, *db, "recycle", "--json")) == []
    promoted = json.loads(_ok(capsys, *db, "names", "promote", str(name), "--json"))
    assert promoted["to"] == "Marketing Qualified"
    found = json.loads(_ok(capsys, *db, "search", "7946 0000", "--json", "--limit", "5"))
    assert [(hit["kind"], hit["name"], hit["why"]) for hit in found] == [
        ("lead", "Ada Lovelace", "phone")
    ]
    assert "Grace Hopper  (name, email)" in _ok(capsys, *db, "search", "grac hop")

    scripts = tmp_path / "scripts"
    _ok(capsys, *db, "scripts", "export", str(scripts), "--json")
    _ok(capsys, *db, "scripts", "import", str(scripts), "--json")
    assert _ok(capsys, *db, "scripts", "list")

    for kind in (
        "leads", "contacts", "accounts", "opportunities", "opportunity-contact-roles",
        "campaigns", "campaign-members", "activities", "history",
    ):  # fmt: skip
        assert json.loads(_ok(capsys, *db, "export", kind, "--format", "json")), kind
        assert list(csv.DictReader(io.StringIO(_ok(capsys, *db, "export", kind)))), kind
    for kind in ("leads", "contacts", "accounts", "opportunities", "activities"):
        for_salesforce = _ok(
            capsys, *db, "export", kind, "--for", "salesforce", "--status-map", "Open=New"
        )
        rows = list(csv.DictReader(io.StringIO(for_salesforce)))
        assert rows and "Id" not in rows[0], kind
