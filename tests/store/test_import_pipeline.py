"""One pipeline behind both imports, on SQLite files and PostgreSQL: a CSV file and a
Salesforce export's Lead file are cleansed, matched and reported alike; statuses from other
CRMs are mapped or kept, never added; values are read as the file writes them; files in
the shapes real tools write (BOM, CR-only line ends, every cell quoted, Excel dates,
European numbers, bad bytes) import whole, and nothing is written before a bad header."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from workstation.store.imports.columns import parse_map_options
from workstation.store.imports.leads import import_leads
from workstation.store.imports.reader import UnreadableFile
from workstation.store.imports.salesforce.importer import import_salesforce
from workstation.store.imports.statuses import StatusMapError
from workstation.store.models import Campaign, Contact, Lead, Opportunity
from workstation.store.reference import LeadStatus
from workstation.store.values.formats import Formats


def _leads(engine) -> dict[str, Lead]:
    with Session(engine) as session:
        return {lead.last_name: lead for lead in session.execute(select(Lead)).scalars()}


def _count(engine, model) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _export(directory: Path, name: str, rows: list[dict[str, str]]) -> None:
    directory.mkdir(exist_ok=True)
    with (directory / f"{name}.csv").open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)


def test_a_csv_then_the_same_orgs_export_makes_no_duplicate(engine, tmp_path):
    listed = tmp_path / "report.csv"  # a report export of the org: labels, not API names
    listed.write_text(
        "Lead ID,First Name,Last Name,Company / Account,Email,Phone,Lead Status\n"
        "00Q1,Ann,Lee,Acme,ann@acme.com,(415) 555-2671,Open - Not Contacted\n"
        "00Q2,Bob,Ray,Beta,,+1 212 555 0134,Working - Contacted\n",
        encoding="utf-8",
    )
    first = import_leads(engine, listed, errors_path=tmp_path / "e.csv")
    assert first.created == 2
    export = tmp_path / "export"
    _export(
        export,
        "Lead",
        [
            {"Id": "00Q1", "FirstName": "Ann", "LastName": "Lee", "Company": "Acme",
             "Email": "ANN@acme.com", "Phone": "4155552671", "Status": "Open - Not Contacted",
             "Title": "VP Sales"},
            {"Id": "00Q2", "FirstName": "Bob", "LastName": "Ray", "Company": "Beta",
             "Email": "bob@beta.com", "Phone": "212-555-0134", "Status": "Working - Contacted",
             "Title": ""},
            {"Id": "00Q3", "FirstName": "Cy", "LastName": "New", "Company": "Gamma",
             "Email": "cy@gamma.io", "Phone": "", "Status": "New", "Title": ""},
        ],
    )  # fmt: skip
    report = import_salesforce(engine, export)
    assert [(o.read, o.created, o.already_here) for o in report.objects] == [(3, 1, 2)]
    leads = _leads(engine)
    assert len(leads) == 3
    assert leads["Lee"].title == "VP Sales"  # the export filled what the list lacked
    assert leads["Ray"].email == "bob@beta.com"  # matched by phone, email filled
    assert {lead.external_id for lead in leads.values()} == {"00Q1", "00Q2", "00Q3"}
    for again in (import_salesforce(engine, export), import_salesforce(engine, export)):
        assert sum(o.created for o in again.objects) == 0
    assert import_leads(engine, listed, errors_path=tmp_path / "e.csv").created == 0
    assert _count(engine, Lead) == 3


def test_statuses_from_elsewhere_are_mapped_or_kept_never_added(engine, tmp_path):
    source = tmp_path / "hubspot.csv"
    source.write_text(
        "First Name,Last Name,Company Name,Email,Lead Status\n"
        "A,Hot,Co,a@co.com,hot\n"
        "B,Warm,Co,b@co.com,warm\n"
        "C,Cold,Co,c@co.com,cold\n"
        "D,Tried,Co,d@co.com,ATTEMPTED_TO_CONTACT\n"  # HubSpot's, built in
        "E,Timing,Co,e@co.com,Bad Timing\n"
        "F,Won,Co,f@co.com,Closed Won\n"  # a deal stage: none of ours
        "G,Hot2,Co,g@co.com,HOT\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "statuses.txt"
    mapping.write_text("# ours for theirs\ncold = Nurturing\n", encoding="utf-8")
    summary = import_leads(
        engine,
        source,
        errors_path=tmp_path / "e.csv",
        status_map=("hot=Working,warm=Contacted", str(mapping)),
    )
    assert (summary.created, summary.rejected) == (7, 0)
    leads = _leads(engine)
    status = {name: (lead.status, lead.source_status) for name, lead in leads.items()}
    assert status["Hot"] == status["Hot2"] == ("Working – Deduped and attempted contact", None)
    assert status["Warm"] == ("Contacted – Recent Activity", None)
    assert status["Cold"] == ("Archived – Developing / Nurturing", None)
    assert status["Tried"] == ("Working – Deduped and attempted contact", None)
    assert status["Timing"] == ("Archived – Developing / Nurturing", None)
    assert status["Won"] == ("Open", "Closed Won")
    assert leads["Won"].is_open and not leads["Cold"].is_open
    assert summary.kept_statuses == {"Closed Won": 1}
    with Session(engine) as session:
        names = set(session.execute(select(LeadStatus.name)).scalars())
    assert "Closed Won" not in names and "hot" not in names


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("hot=Fire", "no lead status 'Fire'"),
        ("hot=Qualified", "means converted"),
        ("hot", "FROM=TO"),
    ],
)
def test_a_status_map_that_cannot_be_used_is_refused_before_anything(
    sqlite_engine, tmp_path, option, message
):
    source = tmp_path / "leads.csv"
    source.write_text("LastName,Company,Email,Status\nLee,Co,a@co.com,hot\n", encoding="utf-8")
    with pytest.raises(StatusMapError, match=message):
        import_leads(
            sqlite_engine,
            source,
            campaign="Never Made",
            errors_path=tmp_path / "e.csv",
            status_map=(option,),
        )
    assert _count(sqlite_engine, Lead) == _count(sqlite_engine, Campaign) == 0


def test_region_sets_the_country_of_rows_without_one(engine, tmp_path):
    source = tmp_path / "liste.csv"
    source.write_text(
        "Last Name;Company;Phone;Email;Country\n"
        "Bauer;Acme GmbH;030 1234567;;\n"  # a German number: Germany
        "Meier;Beta AG;;meier@beta.de;\n"  # no phone: the region's country
        "Smith;Gamma Inc;+1 415 555 2671;;\n"  # an American number: no country invented
        "Dupont;Delta SA;+33 1 42 68 53 00;;France\n",
        encoding="utf-8",
    )
    import_leads(engine, source, region="DE", country="DE", errors_path=tmp_path / "e.csv")
    countries = {name: lead.country for name, lead in _leads(engine).items()}
    assert countries == {"Bauer": "DE", "Meier": "DE", "Smith": None, "Dupont": "FR"}
    assert _leads(engine)["Bauer"].phone == "+49301234567"


def test_a_header_that_is_not_text_is_refused_before_anything_is_written(sqlite_engine, tmp_path):
    source = tmp_path / "export.csv"
    # UTF-8 throughout (so it is read as UTF-8), but for one column name in Latin-1.
    source.write_bytes(
        "Nom,Société,Pr\xe9nom,Email\n".encode().replace(b"Pr\xc3\xa9nom", b"Pr\xe9nom")
        + "Dupont,Café Crème,Jean,jean@cafe.fr\nMüller,Bäckerei,Anna,anna@b.de\n".encode()
    )
    with pytest.raises(UnreadableFile) as refused:
        import_leads(sqlite_engine, source, campaign="Never Made", errors_path=tmp_path / "e.csv")
    message = str(refused.value)
    assert "header line, column 3 (Pr\\xe9nom)" in message and "--encoding" in message
    assert "\n" not in message
    assert _count(sqlite_engine, Lead) == _count(sqlite_engine, Campaign) == 0
    assert not (tmp_path / "e.csv").exists()


def test_a_utf8_file_with_a_few_bad_bytes_is_utf8_with_the_lines_named(engine, tmp_path):
    source = tmp_path / "mostly.csv"
    # Fewer UTF-8 bytes (José's é) than bad ones: the detector alone would say cp1252.
    rows = ["LastName,FirstName,Company,Email", "Lee,José,Cafe SA,jose@cafe.com"]
    rows += ["Bad,Ren\xe9e,Acme,renee@acme.com", "Ok,Zoe,Acme,zoe@acme.com"]
    rows += ["Worse,Fran\xe7ois\xff,Acme,f@acme.com"]
    data = "\n".join(rows).encode("utf-8")
    for bad in (b"Ren\xe9e", b"Fran\xe7ois\xff"):  # those lines in Latin-1
        data = data.replace(bad.decode("latin-1").encode(), bad)
    source.write_bytes(data + b"\n")
    summary = import_leads(engine, source, errors_path=tmp_path / "e.csv")
    assert summary.encoding == "utf-8"  # not a silent cp1252 read: José stays José
    assert _leads(engine)["Lee"].first_name == "José"
    assert summary.undecodable_lines == (3, 5)
    assert any(
        note.startswith("Warning: 2 lines hold bytes that are not utf-8: 3, 5")
        for note in summary.notes
    )
    listed = (tmp_path / "e.csv").read_bytes()
    assert b"Ren\xe9e" in listed and b"Fran\xe7ois\xff" in listed  # kept as they were


def test_a_file_without_company_gets_not_provided(engine, tmp_path):
    source = tmp_path / "people.csv"
    source.write_text("Name,Email\nAnn Lee,ann@x.com\n", encoding="utf-8")
    summary = import_leads(engine, source, errors_path=tmp_path / "e.csv")
    assert summary.created == 1
    assert _leads(engine)["Lee"].company == "[not provided]"


def test_the_shapes_spreadsheets_write(engine, tmp_path):
    """A European Excel file: BOM, `;`, CR-only line ends (old Mac Excel), every cell
    quoted, numbers with a decimal comma, flags as WAHR-free usual spellings."""
    source = tmp_path / "excel.csv"
    lines = [
        '"Last Name";"Company";"Email";"Employees";"Do Not Call";"Email Opt Out";"Met At"',
        '"Lee";"Acme";"lee@acme.com";"1.200";"TRUE";"no";"met at the fair"',
        '"Ray";"Beta";"ray@beta.com";"12";"x";"Y";""',
        '"Fox";"Gamma";"fox@gamma.com";"lots";"maybe";"0";"call after 5"',
        '"Kim";"Delta";"kim@delta.com";"1.234.567";"";"";""',
    ]
    source.write_bytes(b"\xef\xbb\xbf" + "\r".join(lines).encode("utf-8") + b"\r")
    errors = tmp_path / "e.csv"
    summary = import_leads(engine, source, errors_path=errors)
    assert (summary.rows, summary.created, summary.rejected) == (4, 4, 0)
    assert summary.kept_without_bad_values == 1
    leads = _leads(engine)
    assert (leads["Lee"].employees, leads["Lee"].do_not_call, leads["Lee"].email_opt_out) == (
        1200,
        True,
        False,
    )
    assert (leads["Ray"].do_not_call, leads["Ray"].email_opt_out) == (True, True)
    assert leads["Kim"].employees == 1234567
    # Fox's count is no number (left out) and DoNotCall unreadable (true: no call is safer).
    assert (leads["Fox"].employees, leads["Fox"].do_not_call) == (None, True)
    (reason,) = [row["Reason"] for row in csv.DictReader(errors.open(encoding="utf-8"))]
    assert "without its NumberOfEmployees" in reason and "with DoNotCall true" in reason
    assert summary.ignored_values == {"Met At": 2}
    assert "Ignored columns (values left out): Met At (2)" in summary.notes


def test_a_us_file_reads_1_200_as_twelve_hundred_and_a_european_one_as_told(
    sqlite_engine, tmp_path
):
    source = tmp_path / "us.csv"
    source.write_text('LastName,Company,Email,Employees\nLee,Co,a@co.com,"1,200"\n')
    import_leads(sqlite_engine, source, errors_path=tmp_path / "e.csv")
    assert _leads(sqlite_engine)["Lee"].employees == 1200
    told = tmp_path / "told.csv"
    told.write_text("LastName,Company,Email,Employees\nRay,Co,b@co.com,1.200\n")
    import_leads(sqlite_engine, told, errors_path=tmp_path / "e2.csv", formats=Formats(decimal=","))
    assert _leads(sqlite_engine)["Ray"].employees == 1200


def test_the_salesforce_lead_file_takes_map_errors_statuses_and_formats(engine, tmp_path):
    """A re-saved export (day-first dates, a decimal comma, an org's own status and a
    custom phone column): the Lead file takes --map, --errors, --status-map and the
    formats as a CSV file does, and a dry run writes nothing but the errors file."""
    export = tmp_path / "export"
    _export(
        export,
        "Lead",
        [
            {"Id": "00Q1", "LastName": "Lee", "Company": "Acme", "Email": "", "Phone": "",
             "Home_Phone__c": "+44 20 7946 0958", "Status": "Sleeping", "IsConverted": "FALSE",
             "CreatedDate": "03/04/2024 09:15", "NumberOfEmployees": "1.200"},
            {"Id": "00Q2", "LastName": "Ray", "Company": "Beta", "Email": "ray@beta.com",
             "Phone": "12", "Home_Phone__c": "", "Status": "Hot", "IsConverted": "no",
             "CreatedDate": "45345", "NumberOfEmployees": ""},
            {"Id": "00Q3", "LastName": "Fox", "Company": "Gamma", "Email": "", "Phone": "",
             "Home_Phone__c": "", "Status": "Open", "IsConverted": "", "CreatedDate": "",
             "NumberOfEmployees": ""},
        ],
    )  # fmt: skip
    _export(
        export,
        "Opportunity",
        [{"Id": "006A", "Name": "Big", "StageName": "Prospecting", "Amount": "1.234.567,89",
          "Probability": "10%", "CloseDate": "31/12/2024"}],
    )  # fmt: skip
    errors = tmp_path / "lead-errors.csv"
    options = dict(
        mapping=parse_map_options(["Home_Phone__c=Phone"]),
        errors_path=errors,
        status_map=("Hot=Working",),
        formats=Formats(date_format="%d/%m/%Y", decimal=","),
    )
    dry = import_salesforce(engine, export, dry_run=True, **options)
    assert dry.dry_run and _count(engine, Lead) == _count(engine, Opportunity) == 0
    assert dry.leads.rejected == 1 and errors.exists()
    report = import_salesforce(engine, export, **options)
    assert [(o.name, o.created) for o in report.objects] == [("Opportunity", 1), ("Lead", 2)]
    leads = _leads(engine)
    lee, ray = leads["Lee"], leads["Ray"]
    assert (lee.phone, lee.status, lee.source_status) == ("+442079460958", "Open", "Sleeping")
    assert lee.employees == 1200 and lee.external_id == "00Q1"
    assert (lee.created_at.month, lee.created_at.day, lee.created_at.hour) == (4, 3, 9)
    assert (ray.phone, ray.status) == (None, "Working – Deduped and attempted contact")
    assert (ray.created_at.year, ray.created_at.month, ray.created_at.day) == (2024, 2, 23)
    listed = {row["Id"]: row["Reason"] for row in csv.DictReader(errors.open(encoding="utf-8"))}
    assert listed["00Q2"].startswith("kept without its phone")
    assert "no Email or Phone" in listed["00Q3"]
    assert report.leads.errors_path == str(errors)
    assert any("'Sleeping' (1)" in note for note in report.leads.notes)
    with Session(engine) as session:
        deal = session.execute(select(Opportunity)).scalar_one()
    assert (deal.amount_cents, deal.probability, deal.close_date.isoformat()) == (
        123456789,
        10,
        "2024-12-31",
    )
    again = import_salesforce(engine, export, **options)
    assert sum(o.created for o in again.objects) == 0
    assert _count(engine, Contact) == 0


def test_the_lead_files_errors_file_is_never_the_database(sqlite_engine, sqlite_url, tmp_path):
    from workstation.store.outputs import RefusedOutput

    export = tmp_path / "export"
    _export(export, "Lead", [{"Id": "00Q1", "LastName": "Lee", "Company": "A", "Email": ""}])
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    before = database.read_bytes()
    with pytest.raises(RefusedOutput, match="--errors FILE"):
        import_salesforce(sqlite_engine, export, errors_path=database)
    assert database.read_bytes() == before and _count(sqlite_engine, Lead) == 0
