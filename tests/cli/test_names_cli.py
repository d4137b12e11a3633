"""`workstation recycle`, `workstation names` and `import --as-names` as a user runs them
(clock pinned), on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlmodel import Session

from tests.cli.test_cli import run
from tests.factories import NOW, make_lead, make_rep
from tests.store.test_recycle import _expected, build
from workstation.store.calling.queues import queue_count
from workstation.store.db import make_engine
from workstation.store.models import History, Lead


def _ok(capsys, *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, (argv, err, out)
    return out


def test_recycle_dry_run_lists_the_predicted_moves_then_makes_them_once(capsys, db_url):
    engine = make_engine(db_url)
    world = build(engine)
    db = ("--db", db_url, "--as", "Marketing Manager")
    dry = json.loads(_ok(capsys, *db, "recycle", "--dry-run", "--json"))
    assert dry == _expected(world)
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(History)).scalar_one() == 2
    made = json.loads(_ok(capsys, *db, "recycle", "--json"))
    assert made == dry
    with Session(engine) as session:
        reasons = session.execute(
            select(History.entity_id, History.reason).where(
                History.field == "lifecycle_stage", History.at == NOW
            )
        ).all()
    moved_stage = [m for m in dry if m["from"] != m["to"]]  # a nurtured lead leaves its owner
    assert sorted(reasons) == sorted((m["id"], m["reason"]) for m in moved_stage)
    assert json.loads(_ok(capsys, *db, "recycle", "--json")) == []
    assert "Recycling moved 0 people." in _ok(capsys, *db, "recycle")
    engine.dispose()


def test_a_rep_may_not_recycle_or_promote(capsys, db_url):
    engine = make_engine(db_url)
    world = build(engine)
    engine.dispose()
    code, _, err = run(capsys, "--db", db_url, "--as", "Riley Rep", "recycle", "--dry-run")
    assert code == 1 and "only managers may recycle" in err
    promote = ("names", "promote", str(world.ids["promote_hot"]))
    code, _, err = run(capsys, "--db", db_url, "--as", "Riley Rep", *promote)
    assert code == 1 and "only managers may promote Names" in err


def test_names_list_promote_deactivate_and_activate(capsys, db_url):
    engine = make_engine(db_url)
    world = build(engine)
    db = ("--db", db_url, "--as", "Marketing Manager")
    listed = json.loads(_ok(capsys, *db, "names", "--json"))
    ids = world.ids
    assert [(n["kind"], n["name"], n["score"]) for n in listed] == [
        ("lead", "returned_unchanged", 80), ("lead", "name_bad_data", 80),
        ("lead", "returned_then_responded", 75), ("lead", "promote_hot", 70),
        ("contact", "contact_name_hot", 60), ("lead", "promote_at_threshold", 50),
        ("lead", "name_cold", 49), ("contact", "contact_name_cold", 10),
    ]  # fmt: skip
    everyone = json.loads(_ok(capsys, *db, "names", "list", "--inactive", "--json"))
    assert {n["name"] for n in everyone} - {n["name"] for n in listed} == {"name_inactive"}
    off = json.loads(_ok(capsys, *db, "names", "deactivate", str(ids["promote_hot"]), "--json"))
    assert off["active"] is False
    assert "promote_hot" not in {n["name"] for n in json.loads(_ok(capsys, *db, "names", "--json"))}
    assert json.loads(_ok(capsys, *db, "names", "activate", str(ids["promote_hot"]), "--json"))[
        "active"
    ]
    moved = json.loads(_ok(capsys, *db, "names", "promote", str(ids["name_cold"]), "--json"))
    assert (moved["from"], moved["to"], moved["reason"]) == (
        "Name", "Marketing Qualified", "promoted to sales by marketing"
    )  # fmt: skip
    with Session(engine) as session:
        assert session.get(Lead, ids["name_cold"]).is_open
    code, _, err = run(capsys, *db, "names", "promote", str(ids["name_cold"]))
    assert code == 1 and "is not a Name (it is at Marketing Qualified)" in err
    engine.dispose()


def test_import_as_names_lands_in_marketings_pool_and_dedups(capsys, db_url, tmp_path):
    engine = make_engine(db_url)
    with Session(engine) as session:
        make_rep(session, "Morgan Manager", role="manager")
        known = make_lead(session, last_name="Known", email="known@example.com").id
        session.commit()
    source = tmp_path / "expo.csv"
    source.write_text(
        "FirstName,LastName,Company,Email\n"
        "Ada,Lovelace,Analytical Engines,ada@engines.example\n"
        "Kim,Known,Known Inc,known@example.com\n",
        encoding="utf-8",
    )
    db = ("--db", db_url)
    done = json.loads(_ok(capsys, *db, "import", str(source), "--as-names", "--json"))
    assert (done["created"], done["updated"] + done["unchanged"]) == (1, 1)
    names = json.loads(_ok(capsys, *db, "names", "--json"))
    assert [(n["name"], n["company"]) for n in names] == [("Ada Lovelace", "Analytical Engines")]
    with Session(engine) as session:
        assert session.get(Lead, known).lifecycle_stage == "Lead"  # matched: left alone
        assert queue_count(session, "pool", rep_id=None, now=NOW) == 1  # the known lead only
        stages = session.execute(select(Lead.lifecycle_stage, Lead.is_open)).all()
    assert sorted(stages) == [("Lead", True), ("Name", False)]
    code, _, err = run(capsys, *db, "import", str(source), "--as-names", "--assign")
    assert code == 1 and "--as-names and --assign do not go together" in err
    engine.dispose()
