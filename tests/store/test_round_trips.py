"""Our exports imported again into a fresh database give the same records, field by field:
the CSV export through `import` (the importer reads CSV only: a workbook is for people),
and the ordinary and the Data Loader export through `import --salesforce`. Country, time
zone, status and notes survive; formula escaping is undone exactly once; a logged call
stays a completed call."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from workstation.store.db import make_engine, write_session
from workstation.store.exports.salesforce import SALESFORCE_KINDS, export_for_salesforce
from workstation.store.exports.stream import export_records
from workstation.store.imports.leads import import_leads
from workstation.store.imports.salesforce.importer import import_salesforce
from workstation.store.models import (
    Account,
    Activity,
    Campaign,
    CampaignMember,
    Contact,
    Lead,
    Opportunity,
)
from workstation.store.reference import CONVERTED, LeadStatus
from workstation.store.schema import upgrade

T0 = datetime(2026, 3, 5, 18, 30, 15, 123000, tzinfo=UTC)
LEAD_FIELDS = (
    "first_name last_name title company email phone website industry employees street city "
    "state postal_code country time_zone lead_source lead_type status do_not_call "
    "email_opt_out"
).split()
CALL_FIELDS = ("kind", "disposition", "subject", "notes", "duration_seconds", "due_at")


def _fill(engine) -> None:
    with write_session(engine) as session:
        boston = Lead(
            first_name="=HYPERLINK(\"http://x\")", last_name="'O'Neil", company="-1+2 Ltd",
            title="@Head of Sales", email="ann@acme.example", phone="+16175550100",
            website="acme.example", industry="Retail", employees=40, street="1 Main St",
            city="Boston", state="MA", postal_code="02110", country="US",
            time_zone="America/New_York", lead_source="Web", lead_type="Trial",
            status="Working – Deduped and attempted contact", created_at=T0, updated_at=T0,
        )  # fmt: skip
        perth = Lead(
            first_name="Ann", last_name="Perth", company="Outback Pty", phone="+61892223333",
            email="ann@outback.example", state="WA", country="AU", time_zone="Australia/Perth",
            status="Open", created_at=T0, updated_at=T0,
        )  # fmt: skip
        vancouver = Lead(
            first_name="山田", last_name="太郎", company="Maple Ltd", phone="+16045550123",
            email="taro@maple.example", state="BC", country="CA", time_zone="America/Vancouver",
            status="Bad Data", is_open=False, do_not_call=True, created_at=T0, updated_at=T0,
        )  # fmt: skip
        account = Account(name="Maple Ltd", country="CA", state="BC", created_at=T0)
        session.add_all([boston, perth, vancouver, account])
        session.flush()
        contact = Contact(
            account_id=account.id, first_name="Jo", last_name="Maple", email="jo@maple.example",
            phone="+16045550199", state="BC", country="CA", time_zone="America/Vancouver",
            created_at=T0, updated_at=T0,
        )  # fmt: skip
        campaign = Campaign(name="Spring Webinar", channel="Webinar", created_at=T0)
        session.add_all([contact, campaign])
        session.flush()
        session.add_all(
            [
                Opportunity(account_id=account.id, name="Maple – Spring Webinar",
                            amount_cents=120050, close_date=date(2026, 6, 30), created_at=T0),
                CampaignMember(campaign_id=campaign.id, lead_id=boston.id, status="Responded",
                               has_responded=True, created_at=T0),
            ]
        )  # fmt: skip
        session.add_all(
            [
                Activity(lead_id=boston.id, kind="call", disposition="No Answer",
                         subject="Call", notes="=1+1 rang out\nsecond line", duration_seconds=42,
                         occurred_at=T0),
                Activity(lead_id=perth.id, kind="call", disposition="Connected – Call Back",
                         subject="Call", notes="-call me back", duration_seconds=300,
                         occurred_at=T0, due_at=T0 + timedelta(days=1)),
                Activity(contact_id=contact.id, account_id=account.id, kind="call",
                         disposition="Left Voicemail", subject="Call", notes="", occurred_at=T0),
            ]
        )  # fmt: skip


ORDINARY = (
    ("accounts", "Account"), ("contacts", "Contact"), ("opportunities", "Opportunity"),
    ("leads", "Lead"), ("campaigns", "Campaign"), ("campaign-members", "CampaignMember"),
    ("activities", "Task"),
)  # fmt: skip


def _others(engine) -> dict[str, list[tuple]]:
    """Opportunities, campaigns and memberships by what names them (not our ids)."""
    with Session(engine) as session:
        return {
            "opportunities": session.execute(
                select(Account.name, Opportunity.name, Opportunity.amount_cents,
                       Opportunity.stage, Opportunity.close_date)
                .join(Account, Opportunity.account_id == Account.id)
            ).all(),
            "members": session.execute(
                select(Campaign.name, Campaign.channel, Lead.email, CampaignMember.status,
                       CampaignMember.has_responded)
                .join(Campaign, CampaignMember.campaign_id == Campaign.id)
                .join(Lead, CampaignMember.lead_id == Lead.id)
            ).all(),
        }  # fmt: skip


def _a_second_run_makes_nothing(engine, folder: Path) -> None:
    again = import_salesforce(engine, folder)
    assert [(o.name, o.created) for o in again.objects if o.created] == []


def _fresh(tmp_path: Path, name: str):
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    upgrade(engine)
    return engine


def _leads(engine) -> dict[str, dict]:
    with Session(engine) as session:
        leads = session.execute(select(Lead)).scalars().all()
        return {lead.email: {f: getattr(lead, f) for f in LEAD_FIELDS} for lead in leads}


def _calls(engine) -> dict[tuple[str | None, str | None], dict]:
    """Each activity by whose it is (the lead's or contact's email) and its notes' start."""
    with Session(engine) as session:
        rows = session.execute(
            select(Activity, Lead.email, Contact.email)
            .outerjoin(Lead, Activity.lead_id == Lead.id)
            .outerjoin(Contact, Activity.contact_id == Contact.id)
        ).all()
        return {
            (lead_email or contact_email, activity.kind): {
                **{f: getattr(activity, f) for f in CALL_FIELDS if f != "due_at"},
                "due_at": activity.due_at and activity.due_at.astimezone(UTC),
                "occurred_at": activity.occurred_at.astimezone(UTC),
                "on_account": activity.account_id is not None,
            }
            for activity, lead_email, contact_email in rows
        }


def test_the_csv_export_imports_as_the_same_leads(engine, tmp_path):
    _fill(engine)
    exported = tmp_path / "leads.csv"
    with exported.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeff")  # as `export -o` writes it
        export_records(engine, "leads", out)
    fresh = _fresh(tmp_path, "fresh.db")
    summary = import_leads(fresh, exported)
    assert (summary.created, summary.rejected) == (3, 0)
    assert _leads(fresh) == _leads(engine)
    fresh.dispose()


def test_the_ordinary_export_through_import_salesforce_gives_the_same_records(engine, tmp_path):
    _fill(engine)
    folder = tmp_path / "ours"
    folder.mkdir()
    for kind, name in ORDINARY:
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as out:
            out.write("\ufeff")
            export_records(engine, kind, out)
    fresh = _fresh(tmp_path, "fresh.db")
    import_salesforce(fresh, folder)
    assert _leads(fresh) == _leads(engine)
    assert _others(fresh) == _others(engine)
    _a_second_run_makes_nothing(fresh, folder)
    calls = _calls(fresh)
    assert calls == _calls(engine)
    assert calls[("ann@acme.example", "call")]["notes"] == "=1+1 rang out\nsecond line"
    assert calls[("ann@acme.example", "call")]["due_at"] is None  # done, not an open task
    with Session(fresh) as session:
        (contact,) = session.execute(select(Contact)).scalars()
        assert contact.account_id is not None and contact.time_zone == "America/Vancouver"
        assert contact.country == "CA"
    fresh.dispose()


def test_the_data_loader_export_through_import_salesforce_gives_the_same_records(engine, tmp_path):
    _fill(engine)
    with Session(engine) as session:
        ours = session.execute(select(LeadStatus.name)).scalars().all()
    same = {status: status for status in ours}  # an org whose statuses are ours
    folder = tmp_path / "for-salesforce"
    folder.mkdir()
    for kind, name in ORDINARY:
        if kind in SALESFORCE_KINDS:
            with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as out:
                export_for_salesforce(engine, kind, out, status_map=same)
    assert not (folder / "Lead.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    fresh = _fresh(tmp_path, "fresh.db")
    import_salesforce(fresh, folder)
    assert _leads(fresh) == _leads(engine)
    assert _calls(fresh) == _calls(engine)
    assert _others(fresh)["opportunities"] == _others(engine)["opportunities"]
    _a_second_run_makes_nothing(fresh, folder)
    fresh.dispose()


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("Open", "Open - Not Contacted"),
        ("Working – Deduped and attempted contact", "Working - Contacted"),
        ("Archived – No Interest", "Closed - Not Converted"),
    ],
)
def test_salesforces_standard_statuses_come_back_as_ours(tmp_path, ours, theirs):
    source = _fresh(tmp_path, "source.db")
    with write_session(source) as session:
        session.add(Lead(last_name="Ray", company="Acme", email="ray@acme.example", status=ours,
                         is_open=ours == "Open" or ours.startswith("Working")))  # fmt: skip
    folder = tmp_path / "org"
    folder.mkdir()
    with (folder / "Lead.csv").open("w", encoding="utf-8", newline="") as out:
        export_for_salesforce(source, "leads", out)
    assert theirs in (folder / "Lead.csv").read_text(encoding="utf-8")
    fresh = _fresh(tmp_path, "fresh.db")
    import_salesforce(fresh, folder)
    assert _leads(fresh)["ray@acme.example"]["status"] == ours
    source.dispose()
    fresh.dispose()


def test_demo_leads_come_back_in_the_same_country(sqlite_engine, tmp_path):
    from tests.factories import NOW
    from workstation.store.demo.generate import generate_demo

    generate_demo(sqlite_engine, leads=300, now=NOW)
    exported = tmp_path / "leads.csv"
    with exported.open("w", encoding="utf-8", newline="") as out:
        export_records(sqlite_engine, "leads", out)
    fresh = _fresh(tmp_path, "fresh.db")
    import_leads(fresh, exported)
    before, after = _leads(sqlite_engine), _leads(fresh)
    assert {lead["country"] for lead in before.values()} <= {"US", "GB", "DE", "CA", "AU", "FR"}
    # Converted leads are refused by a CSV import (only a conversion converts).
    kept = [email for email, lead in before.items() if email in after]
    assert len(kept) > 250
    for email in kept:
        assert after[email]["country"] == before[email]["country"], email
        assert after[email]["time_zone"] == before[email]["time_zone"], email
    fresh.dispose()


def test_a_converted_lead_of_our_export_comes_back_once_linked_to_what_it_became(engine, tmp_path):
    _fill(engine)
    with write_session(engine) as session:
        account = session.execute(select(Account)).scalars().one()
        contact = session.execute(select(Contact)).scalars().one()
        opportunity = session.execute(select(Opportunity)).scalars().one()
        session.add(
            Lead(first_name="Jo", last_name="Maple", company="Maple Ltd", phone="+16045550199",
                 email="jo@maple.example", country="CA", status=CONVERTED, is_open=False,
                 is_converted=True, converted_at=T0, converted_account_id=account.id,
                 converted_contact_id=contact.id, converted_opportunity_id=opportunity.id,
                 created_at=T0, updated_at=T0)
        )  # fmt: skip
    folder = tmp_path / "ours"
    folder.mkdir()
    for kind, name in ORDINARY:
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as out:
            export_records(engine, kind, out)
    fresh = _fresh(tmp_path, "fresh.db")
    import_salesforce(fresh, folder)
    _a_second_run_makes_nothing(fresh, folder)
    with Session(fresh) as session:
        (converted,) = session.execute(select(Lead).where(Lead.is_converted)).scalars()
        assert converted.email == "jo@maple.example" and converted.external_id is None
        assert session.get(Account, converted.converted_account_id).name == "Maple Ltd"
        assert session.get(Contact, converted.converted_contact_id).email == "jo@maple.example"
        assert session.get(Opportunity, converted.converted_opportunity_id) is not None
    fresh.dispose()


def _data_loader_export(engine, folder: Path, kinds=("accounts", "contacts", "leads")) -> None:
    folder.mkdir()
    names = dict(ORDINARY)
    for kind in kinds:
        with (folder / f"{names[kind]}.csv").open("w", encoding="utf-8", newline="") as out:
            export_for_salesforce(engine, kind, out)  # Salesforce's standard statuses


def test_a_data_loader_value_starting_with_a_quote_comes_back_exactly(engine, tmp_path):
    # Data Loader's file is not escaped: a value that reads like our escape ("'=…") is the
    # value itself, and must not lose its quote on the way back.
    with write_session(engine) as session:
        session.add(
            Lead(first_name="'=HYPERLINK(1)", last_name="''@Quoted", company="'-1+2",
                 title="'+44 kept", email="q@acme.example", phone="+16175550100",
                 country="US", time_zone="America/New_York", created_at=T0, updated_at=T0)
        )  # fmt: skip
    folder = tmp_path / "for-salesforce"
    _data_loader_export(engine, folder, ("leads",))
    assert "'=HYPERLINK(1)" in (folder / "Lead.csv").read_text(encoding="utf-8")
    fresh = _fresh(tmp_path, "fresh.db")
    import_salesforce(fresh, folder)
    assert _leads(fresh) == _leads(engine)
    fresh.dispose()


def _stages(engine) -> dict[str, tuple]:
    with Session(engine) as session:
        leads = session.execute(select(Lead.email, Lead.status, Lead.lifecycle_stage, Lead.score))
        contacts = session.execute(select(Contact.email, Contact.lifecycle_stage, Contact.score))
        return {email: tuple(rest) for email, *rest in [*leads.all(), *contacts.all()]}


def test_the_data_loader_export_keeps_stage_score_and_exact_status(engine, tmp_path):
    _fill(engine)
    with write_session(engine) as session:
        for lead in session.execute(select(Lead)).scalars():
            lead.lifecycle_stage, lead.score = "Marketing Qualified", 73
            if lead.last_name == "Perth":
                lead.lifecycle_stage, lead.score = "Nurture", -5
        session.add(
            Lead(last_name="Gone", company="Acme", email="gone@acme.example",
                 status="Archived – No Interest", is_open=False, lifecycle_stage="Rejected",
                 score=12, created_at=T0, updated_at=T0)
        )  # fmt: skip
        (contact,) = session.execute(select(Contact)).scalars()
        contact.lifecycle_stage, contact.score = "Customer", 88
    folder = tmp_path / "for-salesforce"
    _data_loader_export(engine, folder)
    # Salesforce's map is not 1:1 (two of ours are "Closed - Not Converted"), so the
    # exact status rides beside it, as do the stage and the score.
    written = {row["Email"]: row for row in _csv_rows(folder / "Lead.csv")}
    gone = written["gone@acme.example"]
    assert gone["Status"] == "Closed - Not Converted"
    assert gone["Workstation_Status__c"] == "Archived – No Interest"
    assert (gone["Lifecycle_Stage__c"], gone["Score__c"]) == ("Rejected", "12")
    fresh = _fresh(tmp_path, "fresh.db")
    import_salesforce(fresh, folder)
    assert _stages(fresh) == _stages(engine)
    assert _leads(fresh) == _leads(engine)
    _a_second_run_makes_nothing(fresh, folder)
    fresh.dispose()


def test_the_ordinary_export_keeps_stage_and_score_too(engine, tmp_path):
    _fill(engine)
    with write_session(engine) as session:
        for lead in session.execute(select(Lead)).scalars():
            lead.lifecycle_stage, lead.score = "Sales Accepted", 41
        (contact,) = session.execute(select(Contact)).scalars()
        contact.lifecycle_stage, contact.score = "Reference", 9
    folder = tmp_path / "ours"
    folder.mkdir()
    for kind, name in ORDINARY:
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as out:
            export_records(engine, kind, out)
    fresh = _fresh(tmp_path, "fresh.db")
    import_salesforce(fresh, folder)
    assert _stages(fresh) == _stages(engine)
    fresh.dispose()


def test_an_unknown_stage_or_score_in_a_data_loader_file_is_reported_not_stored(tmp_path):
    source = _fresh(tmp_path, "source.db")
    with write_session(source) as session:
        session.add(Lead(last_name="Ray", company="Acme", email="ray@acme.example",
                         lifecycle_stage="Sales Qualified", score=5))  # fmt: skip
    folder = tmp_path / "org"
    _data_loader_export(source, folder, ("leads",))
    text = (folder / "Lead.csv").read_text(encoding="utf-8")
    (folder / "Lead.csv").write_text(
        text.replace("Sales Qualified", "Hot Prospect").replace(",5,", ",lots,"),
        encoding="utf-8",
    )
    fresh = _fresh(tmp_path, "fresh.db")
    summary = import_salesforce(fresh, folder)
    assert _stages(fresh)["ray@acme.example"][1:] == ("Lead", 0)  # the defaults
    notes = "\n".join(summary.notes)
    assert "Lifecycle_Stage__c" in notes and "Hot Prospect" in notes
    assert "Score__c" in notes
    source.dispose()
    fresh.dispose()


def _csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_names_exported_come_back_as_names_out_of_sales_hands(engine, tmp_path):
    """A Name's exported LifecycleStage brings it back into marketing's pool, not the
    sales pool: `is_open` follows the stage on import (`sales_hands`)."""
    _fill(engine)
    with write_session(engine) as session:
        for lead in session.execute(select(Lead).where(Lead.is_open)).scalars():
            lead.lifecycle_stage, lead.is_open = "Name", False
    folder = tmp_path / "ours"
    folder.mkdir()
    for kind, name in ORDINARY:
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as out:
            export_records(engine, kind, out)
    fresh = _fresh(tmp_path, "fresh.db")
    import_salesforce(fresh, folder)
    with Session(fresh) as session:
        flags = session.execute(select(Lead.is_open).where(Lead.lifecycle_stage == "Name"))
        names = flags.scalars().all()
    assert names and not any(names)
    fresh.dispose()


def test_the_data_loader_lead_file_through_plain_import_gives_the_same_leads(engine, tmp_path):
    # The Data Loader export escapes nothing ("'O'Neil", "-1+2 Ltd" as they are): a plain
    # `import Lead.csv` reads it as `import --salesforce` does, and its exact status too.
    source = _fresh(tmp_path, "source.db")
    _fill(source)
    with write_session(source) as session:
        session.add(Lead(last_name="'-1+2", company="Quote Ltd", email="q@quote.example",
                         status="Open", created_at=T0, updated_at=T0))  # fmt: skip
    lead_file = tmp_path / "Lead.csv"
    with lead_file.open("w", encoding="utf-8", newline="") as out:
        export_for_salesforce(source, "leads", out)  # statuses mapped to Salesforce's
    summary = import_leads(engine, lead_file)
    assert (summary.created, summary.rejected) == (4, 0), summary.notes
    assert _leads(engine) == _leads(source)
    assert _leads(engine)["q@quote.example"]["last_name"] == "'-1+2"
    assert "Workstation_Status__c" not in summary.ignored_values
    again = import_leads(engine, lead_file)
    assert (again.created, again.updated) == (0, 0)
    source.dispose()
