"""`workstation import`, run as a user would: summaries, JSON, dry runs, mistakes reported
as one line, --assign, and a Salesforce export."""

from __future__ import annotations

import json
import shutil
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


@pytest.fixture
def export(tmp_path) -> Path:
    """A copy of the shared Salesforce export: an import writes Lead.errors.csv beside it."""
    if not SALESFORCE.is_dir():
        pytest.skip(f"the Salesforce export is not at {SALESFORCE.resolve()}")
    return Path(shutil.copytree(SALESFORCE, tmp_path / "salesforce-export"))


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
    assert "created            10" in out and "rejected            2" in out
    assert f"{tmp_path / 'leads.errors.csv'}" in out
    assert "Campaign: Spring (new)" in out and "Ignored columns" not in out
    assert "Notes→Description" in out
    assert "E-mail→Email" in out
    code, out, _ = run(capsys, "--db", db, "export", "leads", "--format", "json")
    assert {datetime.fromisoformat(lead["CreatedDate"]) for lead in json.loads(out)} == {NOW}
    code, out, _ = run(capsys, "--db", db, "import", str(source), "--campaign", "Spring", "--json")
    summary = json.loads(out)
    assert (summary["created"], summary["unchanged"], summary["rejected"]) == (0, 14, 2)
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
        (("leads.csv", "--status-map", "hot=Fire"), "--status-map 'hot=Fire': no lead status"),
        (("leads.csv", "--status-map", "hot"), "write each pair as FROM=TO"),
        (("leads.csv", "--date-format", "day/month"), "--date-format 'day/month' names no day"),
        (("latin.csv",), "latin.csv, header line, column 2 (Soci\\xe9t\\xe9)"),
        (("--salesforce", "nolead", "--map", "Cell=Phone"), "--map is for the export's Lead.csv"),
    ],
)
def test_mistakes_are_one_line_and_exit_1(capsys, db, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "latin.csv").write_bytes(
        "Nom,Soci\xe9t\xe9,Email\nCaf\xe9,Crème,a@b.fr\n".encode("latin-1").replace(
            "Crème".encode("latin-1"), "Crème".encode()
        )
    )
    (tmp_path / "nolead").mkdir()
    (tmp_path / "nolead" / "Account.csv").write_text("Id,Name\n001A,Acme\n")
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
    assert "Assigned 5 new leads by open capacity; 5 stay in the pool." in out
    with Session(engine) as session:
        owners = dict(
            session.execute(select(Lead.owner_id, func.count()).group_by(Lead.owner_id)).all()
        )
    assert owners == {ria: 3, sam: 2, None: 5}
    engine.dispose()


def test_a_salesforce_export(capsys, db, export):
    code, out, err = run(capsys, "--db", db, "import", "--salesforce", str(export))
    assert code == 0, err
    assert "Lead                 60 read       60 created" in out
    assert "Opportunity stage: 'Discovery' → 'Needs Analysis'" in out
    code, out, _ = run(capsys, "--db", db, "import", "--salesforce", str(export), "--json")
    report = json.loads(out)
    assert {o["name"]: o["created"] for o in report["objects"]}["Task"] == 0


def test_encoding_names_the_files_encoding(capsys, db, tmp_path):
    source = tmp_path / "kontakty.csv"
    source.write_bytes(
        "FirstName,LastName,Company,Phone\nОлег,Бык,Ёж и Ко,+7 495 123 4567\n".encode("koi8-r")
    )
    code, out, err = run(capsys, "--db", db, "import", str(source), "--encoding", "koi8-r")
    assert code == 0, err
    assert "(koi8-r, ','" in out and "created             1" in out
    code, out, _ = run(capsys, "--db", db, "export", "leads", "--format", "json")
    assert [lead["LastName"] for lead in json.loads(out)] == ["Бык"]
    code, out, err = run(capsys, "--db", db, "import", str(source), "--encoding", "klingon")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "unknown encoding 'klingon'" in err


@pytest.mark.parametrize("target", ["", "-wal"])
def test_nothing_written_can_overwrite_the_database(capsys, tmp_path, target):
    db = f"sqlite:///{tmp_path / 'cli.db'}"  # a database that is a file
    source = write_nasty_file(tmp_path / "leads.csv")
    assert run(capsys, "--db", db, "import", str(source))[0] == 0
    database = Path(db.removeprefix("sqlite:///"))
    make_engine(db).dispose()
    before = database.read_bytes()
    for argv in (
        ("export", "leads", "-o", f"{database}{target}"),
        ("import", str(source), "--errors", f"{database}{target}"),
        ("import", str(source), "--errors", f"{database}{target}", "--dry-run"),
    ):
        code, _, err = run(capsys, "--db", db, *argv)
        assert code == 1 and len(err.strip().splitlines()) == 1, (argv, err)
        assert str(database) in err
    assert database.read_bytes() == before


@pytest.mark.postgres
def test_export_to_a_file_of_the_users_is_refused_on_postgresql(capsys, pg_url, tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text("my,own\n")
    code, _, err = run(capsys, "--db", pg_url, "export", "leads", "-o", str(mine))
    assert code == 1 and "not a file this app wrote" in err and mine.read_text() == "my,own\n"
    fresh = tmp_path / "fresh.csv"
    assert run(capsys, "--db", pg_url, "export", "leads", "-o", str(fresh))[0] == 0
    assert oct(fresh.stat().st_mode & 0o777) == "0o600"


def _counts(url: str) -> dict[str, int]:
    from workstation.store.models import Account, Activity, Campaign, CampaignMember, Contact

    engine = make_engine(url)
    with Session(engine) as session:
        counts = {
            model.__name__: session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Account, Activity, Campaign, CampaignMember, Contact, Lead)
        }
    engine.dispose()
    return counts


def test_a_salesforce_dry_run_writes_nothing(capsys, db, export):
    assert run(capsys, "--db", db, "db", "upgrade")[0] == 0
    before = _counts(db)
    code, out, err = run(capsys, "--db", db, "import", "--salesforce", str(export), "--dry-run")
    assert code == 0, err
    assert "Dry run, nothing written" in out and "60 created" in out
    assert _counts(db) == before


def test_salesforce_takes_source_campaign_and_assign(capsys, db, export):
    engine = make_engine(db)
    from workstation.store.schema import upgrade

    upgrade(engine)
    with Session(engine) as session:
        make_rep(session, "Mo Manager", role="manager")
        make_rep(session, "Ria Rep", capacity=40)
        session.commit()
    engine.dispose()
    code, out, err = run(
        capsys, "--db", db, "--as", "Mo Manager", "import", "--salesforce", str(export),
        "--source", "Trade Show", "--campaign", "Org Move", "--assign",
    )  # fmt: skip
    assert code == 0, err
    assert "Assigned 40 new leads by open capacity" in out
    engine = make_engine(db)
    with Session(engine) as session:
        sources = set(session.execute(select(Lead.lead_source)).scalars())
        from workstation.store.models import Campaign, CampaignMember

        campaign = session.execute(select(Campaign).where(Campaign.name == "Org Move")).scalar_one()
        members = session.execute(
            select(func.count()).where(CampaignMember.campaign_id == campaign.id)
        ).scalar_one()
    engine.dispose()
    from workstation.store.imports.picklists import lead_source

    assert sources == {lead_source("Trade Show")} and members == 60


def test_export_writes_a_workbook_and_a_csv_excel_reads(capsys, db_url, tmp_path):
    from openpyxl import load_workbook

    source = write_nasty_file(tmp_path / "leads.csv")
    assert run(capsys, "--db", db_url, "import", str(source))[0] == 0
    code, out, err = run(capsys, "--db", db_url, "export", "leads", "--format", "xlsx")
    assert code == 1 and out == "" and "name its file with -o" in err
    book = tmp_path / "leads.xlsx"
    code, _, err = run(
        capsys, "--db", db_url, "export", "leads", "--format", "xlsx", "-o", str(book)
    )
    assert code == 0 and "10 leads written" in err
    assert oct(book.stat().st_mode & 0o777) == "0o600"
    rows = list(load_workbook(book).active.iter_rows(values_only=True))
    assert len(rows) == 11 and "+14155552671" in {row[rows[0].index("Phone")] for row in rows}
    text = tmp_path / "leads.csv.out"
    assert run(capsys, "--db", db_url, "export", "leads", "-o", str(text))[0] == 0
    assert text.read_bytes().startswith(b"\xef\xbb\xbfId,")
    assert run(capsys, "--db", db_url, "export", "leads", "-o", str(text))[0] == 0  # ours again


def test_statuses_regions_and_numbers_as_the_file_means_them(capsys, db, tmp_path):
    source = tmp_path / "liste.csv"
    source.write_text(
        "Last Name;Company;Phone;Employees;Status\n"
        "Bauer;Acme GmbH;030 1234567;1.200;hot\n"
        "Meier;Beta AG;0301234568;12;lukewarm\n",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, "--db", db, "import", str(source), "--region", "DE", "--status-map", "hot=Working"
    )
    assert code == 0, err
    assert "created             2" in out
    assert (
        "Statuses that are none of ours, kept in SourceStatus, imported as Open: 'lukewarm' (1)"
        in out
    )
    code, out, _ = run(capsys, "--db", db, "export", "leads", "--format", "json")
    leads = {lead["LastName"]: lead for lead in json.loads(out)}
    assert leads["Bauer"]["Country"] == "DE" and leads["Bauer"]["NumberOfEmployees"] == 1200
    assert leads["Bauer"]["Status"].startswith("Working")
    assert (leads["Meier"]["Status"], leads["Meier"]["SourceStatus"]) == ("Open", "lukewarm")
    code, out, _ = run(capsys, "--db", db, "import", str(source), "--region", "DE", "--json")
    again = json.loads(out)
    assert again["created"] == 0 and again["kept_statuses"] == {"hot": 1, "lukewarm": 1}


def test_a_salesforce_export_takes_map_errors_and_status_map(capsys, db, export, tmp_path):
    errors = tmp_path / "lead-errors.csv"
    code, out, err = run(
        capsys, "--db", db, "import", "--salesforce", str(export), "--errors", str(errors),
        "--map", "Home_Phone__c=Phone", "--status-map", "Qualified=Contacted", "--dry-run",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("Dry run, nothing written") and "Lead                 60 read" in out
    assert "Statuses that are none of ours" not in out  # Qualified mapped
    assert "Home_Phone__c" not in out.split("Ignored columns")[-1]
    assert errors.exists() and not (export / "Lead.errors.csv").exists()
