"""A real Salesforce data export moves in whole: every record of the seven files, every
relationship between them, the org's picklist values mapped or added; a second run changes
nothing. Also a small export written here, for what the real one lacks (a converted lead,
a member status and a stage of the org's own)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from workstation.store.db import make_engine
from workstation.store.exports.stream import EXPORT_KINDS, export_records
from workstation.store.imports.salesforce.importer import import_salesforce
from workstation.store.models import (
    Account,
    Activity,
    Campaign,
    CampaignMember,
    CampaignMemberStatus,
    Contact,
    Lead,
    Opportunity,
)
from workstation.store.reference import LeadStatus, OpportunityStage

EXPORT = Path(__file__).parents[2] / ".." / "shared" / "testdata" / "salesforce-export"
FILES = ("Account", "Campaign", "CampaignMember", "Contact", "Lead", "Opportunity", "Task")


def read(name: str, directory: Path = EXPORT) -> list[dict[str, str]]:
    with (directory / f"{name}.csv").open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def ids(session: Session, model) -> dict[str, int]:
    """Salesforce Id → our id, for every row of `model` that has one."""
    rows = session.execute(select(model.external_id, model.id)).all()
    return {external: ours for external, ours in rows if external}


def everything(engine) -> dict[str, str]:
    out = {}
    for kind in EXPORT_KINDS:
        text = io.StringIO()
        export_records(engine, kind, text)
        out[kind] = text.getvalue()
    return out


@pytest.fixture
def export_dir(tmp_path) -> Path:
    """A copy of the shared export: an import may write the Lead file's errors file there."""
    if not EXPORT.is_dir():
        pytest.skip(f"the Salesforce export is not at {EXPORT.resolve()}")
    return Path(shutil.copytree(EXPORT, tmp_path / "salesforce-export"))


def test_the_real_export_imports_whole(engine, export_dir):
    report = import_salesforce(engine, export_dir)
    counts = {o.name: (o.read, o.created, o.already_here) for o in report.objects}
    for name in FILES:
        rows = len(read(name))
        assert counts[name] == (rows, rows, 0), name

    with Session(engine) as session:
        accounts, contacts = ids(session, Account), ids(session, Contact)
        leads, opportunities = ids(session, Lead), ids(session, Opportunity)
        campaigns, members = ids(session, Campaign), ids(session, CampaignMember)
        tasks = ids(session, Activity)
        for name, mapped in (
            ("Account", accounts),
            ("Contact", contacts),
            ("Lead", leads),
            ("Opportunity", opportunities),
            ("Campaign", campaigns),
            ("CampaignMember", members),
            ("Task", tasks),
        ):
            assert set(mapped) == {row["Id"] for row in read(name)}, name

        for row in read("Contact"):
            contact = session.get(Contact, contacts[row["Id"]])
            assert contact.account_id == accounts.get(row["AccountId"]), row["Id"]
            assert contact.email == row["Email"].lower()
        for row in read("Opportunity"):
            opportunity = session.get(Opportunity, opportunities[row["Id"]])
            assert opportunity.account_id == accounts[row["AccountId"]]
            assert opportunity.campaign_id == campaigns.get(row["CampaignId"])
            assert opportunity.amount_cents == round(float(row["Amount"]) * 100)
        for row in read("CampaignMember"):
            member = session.get(CampaignMember, members[row["Id"]])
            assert member.campaign_id == campaigns[row["CampaignId"]]
            assert member.lead_id == leads.get(row["LeadId"])
            assert member.contact_id == contacts.get(row["ContactId"])
        for row in read("Task"):
            task = session.get(Activity, tasks[row["Id"]])
            who = (task.lead_id, task.contact_id)
            assert who == (leads.get(row["WhoId"]), contacts.get(row["WhoId"])), row["Id"]
            assert None in who and who != (None, None)
            assert task.account_id == accounts.get(row["WhatId"]) or accounts.get(row["AccountId"])
            assert task.subject == row["Subject"]
        for row in read("Lead"):
            lead = session.get(Lead, leads[row["Id"]])
            account = accounts.get(row["Company"])
            assert lead.existing_account_id == account
            assert lead.company == session.get(Account, account).name
            assert lead.owner_id is None and lead.lifecycle_stage == "Lead"
        # Each lead that is a campaign member has its most recent campaign.
        assert all(
            session.get(Lead, leads[row["LeadId"]]).campaign_id is not None
            for row in read("CampaignMember")
            if row["LeadId"]
        )

        statuses = {
            row["Status"]: session.get(Lead, leads[row["Id"]]).status for row in read("Lead")
        }
        assert statuses["New"] == "Open"
        assert statuses["Working"].startswith("Working")
        # "Qualified" means converted in a new org, and these leads were not converted:
        # they are Open, their status kept as it came, and no status is ever added.
        assert statuses["Qualified"] == "Open"
        assert session.get(LeadStatus, "Qualified") is None
        kept = {
            session.get(Lead, leads[row["Id"]]).source_status
            for row in read("Lead")
            if row["Status"] == "Qualified"
        }
        assert kept == {"Qualified"}
        stages = {
            row["StageName"]: session.get(Opportunity, opportunities[row["Id"]]).stage
            for row in read("Opportunity")
        }
        assert stages["Discovery"] == "Needs Analysis"
        assert stages["Proposal/Quote"] == "Proposal"
        assert stages["Closed Won"] == "Closed Won"
    hows = {(m.picklist, m.theirs): (m.ours, m.how) for m in report.mappings}
    qualified = sum(row["Status"] == "Qualified" for row in read("Lead"))
    # Every lead is in; those whose phone is no valid number where they are came in
    # without it (reachable by email), each listed with its row in Lead.errors.csv.
    assert report.leads.rejected == 0
    listed = read("Lead.errors", export_dir)
    assert len(listed) == report.leads.kept_without_bad_values > 0
    assert all(row["Reason"].startswith("kept without its phone") for row in listed)
    assert any(
        f"'Qualified' (means converted) ({qualified})" in note for note in report.leads.notes
    )
    assert hows[("Opportunity stage", "Discovery")] == ("Needs Analysis", "mapped")
    assert hows[("Lead source", "Online Form")] == ("Web", "mapped")
    assert any("named 'Home Loan Special - July 2023 (2)'" in note for note in report.notes)

    before = everything(engine)
    again = import_salesforce(engine, export_dir)
    assert all(o.created == 0 and o.already_here == o.read for o in again.objects)
    assert again.mappings == []
    assert everything(engine) == before


def _write(directory: Path, name: str, rows: list[dict[str, str]]) -> None:
    with (directory / f"{name}.csv").open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_a_converted_lead_keeps_its_links_and_org_values_are_added(engine, tmp_path):
    _write(tmp_path, "Account", [{"Id": "001A", "Name": "Acme", "BillingCountry": "Germany"}])
    _write(tmp_path, "Contact", [{"Id": "003C", "AccountId": "001A", "LastName": "Doe"}])
    _write(
        tmp_path,
        "Opportunity",
        [
            {
                "Id": "006O",
                "AccountId": "001A",
                "Name": "Acme deal",
                "StageName": "Id. Decision Makers",
                "Amount": "10.05",
                "Probability": "",
                "CloseDate": "2025-03-31",
            },
            {
                "Id": "006P",
                "AccountId": "",
                "Name": "Orphan",
                "StageName": "Waiting on Legal",
                "Amount": "",
                "Probability": "35",
                "CloseDate": "",
            },
        ],
    )
    _write(
        tmp_path,
        "Lead",
        [
            {
                "Id": "00QL",
                "LastName": "Doe",
                "Company": "Acme",
                "Status": "Closed - Converted",
                "IsConverted": "true",
                "ConvertedDate": "2025-01-02",
                "ConvertedAccountId": "001A",
                "ConvertedContactId": "003C",
                "ConvertedOpportunityId": "006O",
                "Phone": "030 1234567",
                "Country": "DE",
            }
        ],
    )
    _write(tmp_path, "Campaign", [{"Id": "701X", "Name": "Fair", "Type": "Trade Show"}])
    _write(
        tmp_path,
        "CampaignMember",
        [
            {
                "Id": "00vM",
                "CampaignId": "701X",
                "ContactId": "003C",
                "Status": "Attended",
                "HasResponded": "1",
            }
        ],
    )
    report = import_salesforce(engine, tmp_path)
    assert "no Task.csv: none imported" in report.notes
    with Session(engine) as session:
        lead = session.execute(select(Lead)).scalar_one()
        assert lead.is_converted and not lead.is_open
        assert lead.status == "Qualified – Turned into Opportunity"
        assert (lead.converted_account_id, lead.converted_contact_id) == (
            ids(session, Account)["001A"],
            ids(session, Contact)["003C"],
        )
        assert lead.converted_opportunity_id == ids(session, Opportunity)["006O"]
        assert (lead.phone, lead.time_zone) == ("+49301234567", "Europe/Berlin")
        deal = session.get(Opportunity, ids(session, Opportunity)["006O"])
        assert (deal.stage, deal.amount_cents, deal.probability) == ("Needs Analysis", 1005, 20)
        orphan = session.get(Opportunity, ids(session, Opportunity)["006P"])
        added = session.get(OpportunityStage, "Waiting on Legal")
        assert (added.probability, added.is_closed) == (35, False)
        assert session.get(Account, orphan.account_id).name.startswith("(Salesforce")
        campaign = session.execute(select(Campaign)).scalar_one()
        assert campaign.channel == "Event"
        labels = session.execute(
            select(CampaignMemberStatus.label, CampaignMemberStatus.has_responded).where(
                CampaignMemberStatus.campaign_id == campaign.id
            )
        ).all()
        assert sorted(labels) == [("Attended", True), ("Responded", True), ("Sent", False)]
        member = session.execute(select(CampaignMember)).scalar_one()
        assert (member.status, member.has_responded) == ("Attended", True)
    assert import_salesforce(engine, tmp_path).mappings == []


@pytest.fixture
def original_engine(tmp_path, migrated_template):
    """A second database, for the export as Salesforce wrote it."""
    path = tmp_path / "original.db"
    shutil.copyfile(migrated_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


_NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
_STAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):\d{2}\.000\+0000)?$")


def _resave(source: Path, target: Path, cell) -> Path:
    """The export as another tool saves it back: each cell through `cell`."""
    target.mkdir()
    for name in FILES:
        rows = read(name, source)
        with (target / f"{name}.csv").open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows({key: cell(value) for key, value in row.items()} for row in rows)
    return target


def _excel(value: str) -> str:
    """Excel in the US: 02/24/26 02:18 AM, 02/23/26, TRUE and FALSE."""
    if value in ("true", "false"):
        return value.upper()
    match = _STAMP.match(value)
    if match is None:
        return value
    year, month, day, hour, minute = match.groups()
    if hour is None:
        return f"{month}/{day}/{year[2:]}"
    half = "AM" if int(hour) < 12 else "PM"
    return f"{month}/{day}/{year[2:]} {int(hour) % 12 or 12:02d}:{minute} {half}"


def _counts(report) -> dict[str, tuple[int, int]]:
    return {o.name: (o.read, o.created) for o in report.objects}


def test_an_export_resaved_in_excel_imports_whole(
    export_dir, sqlite_engine, tmp_path, original_engine
):
    original = import_salesforce(original_engine, export_dir)
    resaved = _resave(export_dir, tmp_path / "excel", _excel)
    report = import_salesforce(sqlite_engine, resaved)
    assert _counts(report) == _counts(original)
    assert not any("not dates" in note for note in report.notes)
    with Session(sqlite_engine) as a, Session(original_engine) as b:
        ours = {lead.external_id: lead for lead in a.execute(select(Lead)).scalars()}
        theirs = {lead.external_id: lead for lead in b.execute(select(Lead)).scalars()}
        for key, lead in theirs.items():
            assert ours[key].created_at == lead.created_at.replace(second=0, microsecond=0)
            assert (ours[key].do_not_call, ours[key].is_converted) == (
                lead.do_not_call,
                lead.is_converted,
            )


@pytest.mark.parametrize("zone", ["Z", "+00:00", ""])
def test_timestamps_without_milliseconds(
    export_dir, sqlite_engine, tmp_path, original_engine, zone
):
    import_salesforce(original_engine, export_dir, now=_NOW)
    resaved = _resave(export_dir, tmp_path / "plain", lambda v: v.replace(".000+0000", zone))
    import_salesforce(sqlite_engine, resaved, now=_NOW)
    assert _as_read(sqlite_engine) == _as_read(original_engine)


def _as_read(engine) -> dict[str, list[dict[str, str]]]:
    """Every export, without the time each record was last written."""
    return {
        kind: [
            {key: value for key, value in row.items() if key != "LastModifiedDate"}
            for row in csv.DictReader(io.StringIO(text))
        ]
        for kind, text in everything(engine).items()
    }


def test_a_cell_that_is_no_date_is_left_empty_and_counted(export_dir, sqlite_engine, tmp_path):
    def broken(value: str) -> str:
        return "31/31/26" if _STAMP.match(value) and "T" not in value else value

    report = import_salesforce(sqlite_engine, _resave(export_dir, tmp_path / "broken", broken))
    assert any("values that are not dates, left empty" in note for note in report.notes)
    assert sum(o.created for o in report.objects) > 0


def test_a_person_without_a_phone_is_called_on_their_mobile(
    export_dir, sqlite_engine, tmp_path, original_engine
):
    contacts = {row["Id"]: row for row in read("Contact", export_dir)}
    mobiles = {key for key, row in contacts.items() if row["Phone"].strip()}
    assert mobiles
    target = tmp_path / "mobile"
    target.mkdir()
    for name in FILES:
        rows = read(name, export_dir)
        if name in ("Contact", "Lead"):
            for row in rows:  # each direct line moved to the mobile column
                row["MobilePhone"] = row.get("MobilePhone") or row["Phone"]
                row["Phone"] = ""
        with (target / f"{name}.csv").open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    import_salesforce(sqlite_engine, target)
    import_salesforce(original_engine, export_dir)
    with Session(sqlite_engine) as session:
        phones = dict(session.execute(select(Contact.external_id, Contact.phone)).all())
        leads = dict(session.execute(select(Lead.external_id, Lead.phone)).all())
    with Session(original_engine) as session:
        direct = dict(session.execute(select(Lead.external_id, Lead.phone)).all())
    assert all(phones[key] for key in mobiles)
    assert leads == direct and any(leads.values())  # the same numbers, from the mobile column


def test_a_number_that_is_not_valid_where_the_record_is_is_never_rewritten(sqlite_engine, tmp_path):
    contacts = [
        {"Id": "003A", "LastName": "Uk", "Phone": "(510) 395-3694", "MailingCountry": "UK"},
        {"Id": "003B", "LastName": "Us", "Phone": "(033) 452-1299", "MailingCountry": "US"},
        {"Id": "003C", "LastName": "Ok", "Phone": "020 7946 0018", "MailingCountry": "UK"},
    ]
    _write(tmp_path, "Contact", contacts)
    report = import_salesforce(sqlite_engine, tmp_path)
    with Session(sqlite_engine) as session:
        phones = dict(session.execute(select(Contact.last_name, Contact.phone)).all())
    assert phones == {"Uk": "(510) 395-3694", "Us": "(033) 452-1299", "Ok": "+442079460018"}
    assert any("kept as written" in note and note.startswith("2 ") for note in report.notes)


def test_leads_are_matched_not_duplicated_and_must_be_reachable(sqlite_engine, tmp_path):
    """The Lead file takes the pipeline a CSV file of leads takes: matched by email, then
    phone, against the leads and contacts here and its own earlier rows; a row that
    matches a contact is a new inquiry from a known person, a lead linked to the contact
    (never a second contact), and takes its membership; a row nobody can reach is refused
    to Lead.errors.csv with its line; a second run makes nothing."""
    from workstation.store.imports.leads import import_leads

    listed = tmp_path / "list.csv"
    listed.write_text("LastName,Company,Email\nCsv,Acme,csv@acme.com\n", encoding="utf-8")
    import_leads(sqlite_engine, listed, errors_path=tmp_path / "e.csv")
    with Session(sqlite_engine) as session:
        account = Account(name="Known Co")
        session.add(account)
        session.flush()
        session.add(Contact(account_id=account.id, last_name="Known", phone="+14155550123"))
        session.commit()
    export = tmp_path / "export"
    export.mkdir()
    _write(export, "Campaign", [{"Id": "701A", "Name": "Spring"}])
    _write(
        export,
        "Lead",
        [
            dict(zip(("Id", "LastName", "Company", "Email", "Phone"), row, strict=True))
            for row in (
                ("00Q1", "Csv", "Acme", "CSV@acme.com", ""),
                ("00Q2", "Twin", "Acme", "twin@acme.com", ""),
                ("00Q3", "Twin", "Acme", "twin@acme.com", ""),
                ("00Q4", "Ghost", "Acme", "", ""),
                ("00Q5", "Known", "", "", "(415) 555-0123"),
            )
        ],
    )
    _write(
        export,
        "CampaignMember",
        [
            {"Id": "00v1", "CampaignId": "701A", "LeadId": "00Q3", "Status": "Sent"},
            {"Id": "00v2", "CampaignId": "701A", "LeadId": "00Q4", "Status": "Sent"},
            {"Id": "00v3", "CampaignId": "701Z", "LeadId": "00Q2", "Status": "Sent"},
            {"Id": "00v4", "CampaignId": "701A", "LeadId": "00Q5", "Status": "Sent"},
        ],
    )
    report = import_salesforce(sqlite_engine, export)
    with Session(sqlite_engine) as session:
        leads = session.execute(select(Lead.last_name, Lead.external_id)).all()
        twin = session.execute(select(Lead.id).where(Lead.external_id == "00Q2")).scalar()
        known = session.execute(select(Contact.id)).scalar_one()  # no second contact
        linked = session.execute(
            select(Lead.id).where(Lead.external_id == "00Q5", Lead.contact_id == known)
        ).scalar_one()
        members = session.execute(select(CampaignMember.lead_id, CampaignMember.contact_id)).all()
    assert sorted(leads) == [("Csv", "00Q1"), ("Known", "00Q5"), ("Twin", "00Q2")]
    # 00Q3's membership is on the Twin it matched, 00Q5's on the lead linked to the contact.
    assert sorted(members, key=str) == sorted([(twin, None), (linked, None)], key=str)
    notes = " | ".join(report.notes)
    assert "2 Lead records matched a lead already here" in notes
    assert "matched a contact" not in notes
    assert "2 CampaignMember rows naming a campaign, lead or contact that was not" in notes
    assert report.leads.rejected == 1
    refused = read("Lead.errors", export)
    assert [(row["Line"], row["Id"]) for row in refused] == [("5", "00Q4")]
    assert "no Email or Phone" in refused[0]["Reason"]
    assert "Lead rows refused: 1" in report.describe()
    again = import_salesforce(sqlite_engine, export)  # a second run changes nothing
    assert sum(o.created for o in again.objects) == 0
