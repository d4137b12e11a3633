"""`workstation import`, run as a user would: summaries, JSON, dry runs, mistakes reported
as one line, --assign, and a Salesforce export."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.cli.test_cli import run
from tests.factories import NOW, make_rep
from tests.store.test_imports import write_nasty_file
from workstation.store.db import make_engine
from workstation.store.models import Lead

SALESFORCE = Path(__file__).parents[2] / ".." / "shared" / "testdata" / "salesforce-export"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, tmp_path) -> str:
    """A new SQLite file (the import makes the database), or a PostgreSQL schema."""
    if request.param == "postgres":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_import_prints_a_summary_and_json_on_a_second_run(capsys, db, tmp_path):
    source = write_nasty_file(tmp_path / "leads.csv")
    code, out, err = run(capsys, "--db", db, "import", str(source), "--campaign", "Spring")
    assert code == 0, err
    assert "created             7" in out and "rejected            5" in out
    assert f"{tmp_path / 'leads.errors.csv'}" in out
    assert "Campaign: Spring (new)" in out and "Ignored columns: Notes" in out
    assert "E-mail→Email" in out
    code, out, _ = run(capsys, "--db", db, "export", "leads", "--format", "json")
    assert {datetime.fromisoformat(lead["CreatedDate"]) for lead in json.loads(out)} == {NOW}
    code, out, _ = run(capsys, "--db", db, "import", str(source), "--campaign", "Spring", "--json")
    summary = json.loads(out)
    assert (summary["created"], summary["unchanged"], summary["rejected"]) == (0, 11, 5)
    assert summary["campaign_created"] is False and summary["rows_per_second"] > 0


def test_a_dry_run_says_so_and_writes_nothing(capsys, db, tmp_path):
    source = write_nasty_file(tmp_path / "leads.csv")
    code, out, _ = run(capsys, "--db", db, "import", str(source), "--dry-run")
    assert code == 0 and out.startswith("Dry run, nothing written")
    engine = make_engine(db)
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Lead)).scalar() == 0
    engine.dispose()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "name a CSV FILE, or a Salesforce export"),
        (("leads.csv", "--region", "XX"), "--region 'XX' is not a country code"),
        (("missing.csv",), "cannot read"),
        (("leads.csv", "--map", "Cell"), 'write it as "Column=Field"'),
        (("noname.csv",), "no column for LastName"),
        (("binary.csv",), "binary.csv is not a CSV file: its first line holds NUL bytes"),
        (("leads.csv", "--salesforce", "."), "not both"),
        (("escapes.csv",), "the columns are: Name␛[2J, Co␇"),
    ],
)
def test_mistakes_are_one_line_and_exit_1(capsys, db, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    write_nasty_file(tmp_path / "leads.csv")
    (tmp_path / "noname.csv").write_text("Company,Email\nAcme,a@acme.com\n", encoding="utf-8")
    (tmp_path / "binary.csv").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\n\x00\x03")
    # A header that would clear the screen and ring the bell, were it echoed as it is.
    (tmp_path / "escapes.csv").write_bytes(b"Name\x1b[2J,Co\x07\nA,B\n")
    code, _, err = run(capsys, "--db", db, "import", *argv)
    assert code == 1
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert "\x1b" not in err and "\x07" not in err


@pytest.mark.parametrize("dry_run", [(), ("--dry-run",)])
def test_the_errors_file_cannot_be_the_file_being_imported(capsys, db, tmp_path, dry_run):
    source = write_nasty_file(tmp_path / "leads.csv")
    (tmp_path / "link.csv").symlink_to(source)
    before = source.read_bytes()
    for errors in (source, tmp_path / "link.csv"):
        code, _, err = run(capsys, "--db", db, "import", str(source), "--errors", str(errors),
                           *dry_run)  # fmt: skip
        assert code == 1 and "is the file being imported" in err
    assert source.read_bytes() == before


def test_assign_spreads_the_new_leads_by_capacity(capsys, db, tmp_path):
    engine = make_engine(db)
    from workstation.store.schema import upgrade

    upgrade(engine)
    with Session(engine) as session:
        make_rep(session, "Mo Manager", role="manager")
        ria = make_rep(session, "Ria Rep", capacity=3).id
        sam = make_rep(session, "Sam Rep", capacity=2).id
        session.commit()
    source = write_nasty_file(tmp_path / "leads.csv")
    code, _, err = run(capsys, "--db", db, "--as", "Ria Rep", "import", str(source), "--assign")
    assert code == 1 and "--assign takes a manager" in err
    code, out, err = run(
        capsys, "--db", db, "--as", "Mo Manager", "import", str(source), "--assign"
    )
    assert code == 0, err
    assert "Assigned 5 new leads by open capacity; 2 stay in the pool." in out
    with Session(engine) as session:
        owners = dict(
            session.execute(select(Lead.owner_id, func.count()).group_by(Lead.owner_id)).all()
        )
    assert owners == {ria: 3, sam: 2, None: 2}
    engine.dispose()


def test_a_salesforce_export(capsys, db):
    if not SALESFORCE.is_dir():
        pytest.skip(f"the Salesforce export is not at {SALESFORCE.resolve()}")
    code, out, err = run(capsys, "--db", db, "import", "--salesforce", str(SALESFORCE))
    assert code == 0, err
    assert "Lead                 60 read       60 created" in out
    assert "Opportunity stage: 'Discovery' → 'Needs Analysis'" in out
    code, out, _ = run(capsys, "--db", db, "import", "--salesforce", str(SALESFORCE), "--json")
    report = json.loads(out)
    assert {o["name"]: o["created"] for o in report["objects"]}["Task"] == 0
