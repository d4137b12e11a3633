"""CSV import on real SQLite files and PostgreSQL: a hostile file imports every good row,
refuses every bad one with its line and reason, and a second run changes nothing; the
per-batch lookups use their indexes (EXPLAIN QUERY PLAN, as TARGETS.md asks of every hot
query)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from workstation.store.exports.stream import export_records
from workstation.store.imports.leads import import_leads
from workstation.store.imports.sql import lookup_sql
from workstation.store.imports.upsert import CONTACT_LOOKUP, LEAD_LOOKUP, MEMBERSHIPS
from workstation.store.models import (
    Campaign,
    CampaignMember,
    CampaignMemberStatus,
    Contact,
    History,
    Lead,
)

HEADER = "First Name,last_name,Company,E-mail,Phone,Mobile,State,Country,Title,Notes"
# Line numbers matter: the errors file names them. Every row's fate is in the comment.
ROWS = [
    "Ann,Lee,Acme,ann@acme.com,(415) 555-2671,,CA,USA,VP Sales,",  # 2 created
    "",  # 3 blank
    'Bob,Ray,"Quotes, Commas & Co",BOB@Example.com,,+44 20 7946 0958,,United Kingdom,,x',  # 4
    '  Cy  ,"Multi\r\nLine",Widgets,cy@widgets.io,212-555-0134,,NY,,,',  # 5–6 created
    "Dee,Fox,Bad Email Inc,dee@@bad,2125550135,,,,,",  # 7 created without its email
    "Eve,Gun,Bad Phone LLC,eve@phone.com,12345,,,,,",  # 8 created without its phone
    "Fay,Hill,,fay@nocompany.com,,,,,,",  # 9 created: Company "[not provided]"
    "Gus,Ivy,Extra,gus@extra.com,,,,,,,surplus,cells",  # 10 rejected: extra cells
    "Hal,Jay,Short Row,hal@short.com",  # 11 created: missing cells are empty
    "ANN,LEE,Acme,Ann@Acme.com,,,,,Chief Seller,",  # 12 duplicate of 2: fills nothing new
    "Ann,Lee,Acme,,+1 415 555 2671,,,,,",  # 13 duplicate of 2 by phone: unchanged
    'Ida,Kim,=HYPERLINK("http://x"),ida@formula.com,,,,,\'=1+2,',  # 14 created
    "[bold]Jo[/bold],[@click=app.quit]x[/],\x1b[31mEvil\x1b[0m Corp,jo@markup.com,,,,,,",  # 15
    "Kay,Lum,No Reach,,,,,,,",  # 16 rejected: no email or phone
    "Ann,Lee,Acme,ann@acme.com,,,,,,,",  # 17 duplicate with an empty extra cell: unchanged
    "Lou,May,Fill Later,lou@fill.com,,,,,,",  # 18 created without a phone
    "Lou,May,Fill Later,lou@fill.com,(312) 555-0199,,IL,US,Buyer,",  # 19 fills phone and more
    ",,,,,,,,,",  # 20 blank
]


def write_nasty_file(path: Path) -> Path:
    text = HEADER + "\r\n" + "\r\n".join(ROWS) + "\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def leads_by_email(engine) -> dict[str, Lead]:
    with Session(engine) as session:
        return {lead.email: lead for lead in session.execute(select(Lead)).scalars()}


def exported(engine, kind: str = "leads") -> list[dict[str, str]]:
    out = io.StringIO()
    export_records(engine, kind, out)
    volatile = {"Id", "CreatedDate", "LastModifiedDate", "CampaignId", "LeadId"}
    rows = [
        {k: v for k, v in row.items() if k not in volatile}
        for row in csv.DictReader(io.StringIO(out.getvalue()))
    ]
    return sorted(rows, key=lambda row: sorted(row.items()))


def test_a_hostile_file_loses_nothing_and_duplicates_nothing(engine, tmp_path):
    source = write_nasty_file(tmp_path / "leads.csv")
    errors = tmp_path / "rejected.csv"
    summary = import_leads(engine, source, campaign="Spring List", errors_path=errors)

    assert (summary.rows, summary.rejected, summary.kept_without_bad_values) == (16, 2, 2)
    assert (summary.created, summary.updated, summary.unchanged) == (10, 1, 3)
    assert summary.encoding == "utf-8-sig"
    assert summary.unmapped == ()  # Notes is the lead's description
    refused = list(csv.reader(errors.open(encoding="utf-8", newline="")))
    assert refused[0][:3] == ["Line", "Reason", "First Name"]
    by_line = {int(row[0]): row for row in refused[1:]}
    assert sorted(by_line) == [7, 8, 10, 16]
    assert by_line[7][1].startswith(
        "kept without its email (column 4 (E-mail): email 'dee@@bad' is not valid"
    )
    assert by_line[8][1].startswith("kept without its phone (column 5 (Phone): phone '12345'")
    assert "12 cells and the header 10" in by_line[10][1]
    assert "no Email or Phone" in by_line[16][1]
    assert by_line[10][2:] == [
        "Gus",
        "Ivy",
        "Extra",
        "gus@extra.com",
        *[""] * 6,
        "surplus",
        "cells",
    ]

    leads = leads_by_email(engine)
    assert len(leads) == 10
    assert leads["fay@nocompany.com"].company == "[not provided]"
    assert leads["eve@phone.com"].phone is None
    assert leads[None].phone == "+12125550135"  # Dee, reachable by phone
    ann = leads["ann@acme.com"]
    assert (ann.first_name, ann.phone, ann.state, ann.country) == (
        "Ann",
        "+14155552671",
        "CA",
        "US",
    )
    assert ann.title == "VP Sales"  # the duplicate's "Chief Seller" fills nothing already set
    assert ann.time_zone == "America/Los_Angeles"
    assert (ann.status, ann.is_open, ann.lifecycle_stage, ann.owner_id) == (
        "Open",
        True,
        "Lead",
        None,
    )
    bob = leads["bob@example.com"]
    assert (bob.company, bob.phone, bob.country) == ("Quotes, Commas & Co", "+442079460958", "GB")
    assert (bob.mobile_phone, bob.description) == ("+442079460958", "x")
    assert bob.time_zone == "Europe/London"
    cy = leads["cy@widgets.io"]
    assert (cy.first_name, cy.last_name, cy.time_zone) == ("Cy", "Multi Line", "America/New_York")
    assert leads["hal@short.com"].phone is None
    ida = leads["ida@formula.com"]
    assert ida.company == '=HYPERLINK("http://x")' and ida.title == "=1+2"
    jo = leads["jo@markup.com"]
    assert (jo.first_name, jo.last_name, jo.company) == (
        "[bold]Jo[/bold]",
        "[@click=app.quit]x[/]",
        "Evil Corp",
    )
    lou = leads["lou@fill.com"]
    assert (lou.phone, lou.state, lou.title) == ("+13125550199", "IL", "Buyer")

    with Session(engine) as session:
        campaign = session.execute(select(Campaign)).scalar_one()
        assert campaign.name == "Spring List"
        statuses = session.execute(
            select(CampaignMemberStatus.label, CampaignMemberStatus.is_default).where(
                CampaignMemberStatus.campaign_id == campaign.id
            )
        ).all()
        assert sorted(statuses) == [("Responded", False), ("Sent", True)]
        members = session.execute(select(CampaignMember)).scalars().all()
        assert len(members) == 10 and {m.status for m in members} == {"Sent"}
        assert all(lead.campaign_id == campaign.id for lead in leads.values())
        assert session.execute(select(func.count()).select_from(History)).scalar() == 0

    before = exported(engine), exported(engine, "campaign-members")
    again = import_leads(engine, source, campaign="spring list", errors_path=errors)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 14, 2)
    assert not again.campaign_created
    assert (exported(engine), exported(engine, "campaign-members")) == before


def test_matches_existing_leads_and_contacts_filling_only_empty_fields(engine, tmp_path):
    from tests.factories import make_lead
    from workstation.store.models import Account, Contact

    with Session(engine) as session:
        lead = make_lead(session, first_name=None, email="pat@old.com", title="CTO")
        account = Account(name="Old Co")
        session.add(account)
        session.flush()
        contact = Contact(last_name="Doe", account_id=account.id, phone="+12125550177")
        session.add(contact)
        session.commit()
        lead_id, contact_id = lead.id, contact.id
    source = tmp_path / "again.csv"
    source.write_text(
        "FirstName,LastName,Company,Email,Phone,Title,DoNotCall\n"
        "Pat,Lead,Other Co,PAT@old.com,,Intern,true\n"
        "Jan,Doe,Old Co,jan@old.com,(212) 555-0177,,\n"
        # Same switchboard as the contact, another email: a colleague, not the contact.
        "Ole,Moe,Old Co,ole@old.com,212-555-0177,,\n",
        encoding="utf-8",
    )
    summary = import_leads(engine, source, campaign="Winback")
    # The contact's phone: not merged into the contact, but new leads linked to it (seed 002).
    assert (summary.created, summary.updated, summary.unchanged) == (2, 1, 0)
    with Session(engine) as session:
        lead = session.get(Lead, lead_id)
        assert (lead.first_name, lead.title, lead.company) == ("Pat", "CTO", lead.company)
        assert lead.do_not_call and lead.version == 2
        contact = session.get(Contact, contact_id)
        assert (contact.first_name, contact.email, contact.version) == (None, None, 1)
        linked = session.execute(
            select(Lead.first_name, Lead.status)
            .where(Lead.contact_id == contact_id)
            .order_by(Lead.id)
        ).all()
        assert linked == [("Jan", "Contact – No Opportunity"), ("Ole", "Contact – No Opportunity")]
        members = session.execute(select(CampaignMember.lead_id, CampaignMember.contact_id)).all()
        assert (lead_id, None) in members and len(members) == 3
        assert session.execute(select(func.count()).select_from(Contact)).scalar() == 1
    again = import_leads(engine, source, campaign="Winback")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_lead_source_status_and_campaign_defaults(engine, tmp_path):
    source = tmp_path / "statuses.csv"
    source.write_text(
        "FirstName,LastName,Company,Email,LeadSource,Status\n"
        "A,One,Co,a@co.com,Online Form,New\n"
        "B,Two,Co,b@co.com,,Working\n"
        "C,Three,Co,c@co.com,,Closed - Converted\n"
        "D,Four,Co,d@co.com,,Sleeping\n"
        "E,Five,Co,e@co.com,,Archived – No Interest\n",
        encoding="utf-8",
    )
    with Session(engine) as session:
        session.add(Campaign(name="Expo", channel="Event", offer="Demo Request"))
        session.commit()
    errors = tmp_path / "errors.csv"
    summary = import_leads(engine, source, campaign="Expo", errors_path=errors)
    # A status that is none of ours, or means converted, never refuses a row, and never
    # becomes a status: the lead is Open, the value kept in SourceStatus and reported.
    assert (summary.created, summary.rejected) == (5, 0)
    assert summary.kept_statuses == {"Closed - Converted": 1, "Sleeping": 1}
    assert any(
        "'Closed - Converted' (means converted) (1)" in note and "'Sleeping' (1)" in note
        for note in summary.notes
    )
    kept = leads_by_email(engine)
    assert (kept["c@co.com"].status, kept["c@co.com"].source_status) == (
        "Open",
        "Closed - Converted",
    )
    assert (kept["d@co.com"].status, kept["d@co.com"].source_status) == ("Open", "Sleeping")
    assert kept["a@co.com"].source_status is None
    leads = leads_by_email(engine)
    assert (leads["a@co.com"].lead_source, leads["a@co.com"].status) == ("Web", "Open")
    assert (leads["b@co.com"].lead_source, leads["b@co.com"].lead_type) == ("Event", "Demo Request")
    assert leads["b@co.com"].status.startswith("Working")
    assert (leads["e@co.com"].status, leads["e@co.com"].is_open) == (
        "Archived – No Interest",
        False,
    )
    source.write_text("FirstName,LastName,Company,Email\nF,Six,Co,f@co.com\n", encoding="utf-8")
    import_leads(engine, source, source="trade show")
    assert leads_by_email(engine)["f@co.com"].lead_source == "Event"


def test_a_dry_run_writes_nothing(engine, tmp_path):
    source = write_nasty_file(tmp_path / "leads.csv")
    summary = import_leads(engine, source, campaign="Never Made", dry_run=True)
    assert (summary.created, summary.updated, summary.rejected) == (10, 1, 2)
    with Session(engine) as session:
        for table in (Lead, Campaign, CampaignMember):
            assert session.execute(select(func.count()).select_from(table)).scalar() == 0


@pytest.mark.parametrize("batch_size", [1, 3])
def test_batch_boundaries_never_change_the_outcome(sqlite_engine, tmp_path, batch_size):
    source = write_nasty_file(tmp_path / "leads.csv")
    one = tmp_path / "one.db"
    from workstation.store.db import make_engine
    from workstation.store.schema import upgrade

    whole = make_engine(f"sqlite:///{one}")
    upgrade(whole)
    expected = import_leads(whole, source, campaign="C")
    small = import_leads(sqlite_engine, source, campaign="C", batch_size=batch_size)
    assert (small.created, small.updated, small.unchanged) == (
        expected.created,
        expected.updated,
        expected.unchanged,
    )
    assert exported(sqlite_engine) == exported(whole)
    whole.dispose()


@pytest.mark.postgres
def test_two_imports_at_once_on_postgresql_create_each_lead_once(pg_url, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from workstation.bench.imports import generate_leads_csv
    from workstation.store.db import make_engine

    source = tmp_path / "both.csv"
    generate_leads_csv(source, 2000, seed=3)
    engines = [make_engine(pg_url) for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:
        runs = list(
            pool.map(
                lambda e: import_leads(e, source, campaign="Both", batch_size=100, workers=1),
                engines,
            )
        )
    with Session(engines[0]) as session:
        leads, emails, distinct = session.execute(
            select(func.count(), func.count(Lead.email), func.count(func.distinct(Lead.email)))
        ).one()
        members = session.execute(select(func.count()).select_from(CampaignMember)).scalar()
    assert leads == sum(run.created for run in runs) == members > 1800
    assert emails == distinct
    for engine in engines:
        engine.dispose()


def _plan(connection, sql: str, parameters: tuple = ()) -> str:
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters).all()
    return "\n".join(row[-1] for row in rows)


def test_leads_and_contacts_are_found_through_their_email_and_phone_indexes(sqlite_engine):
    with sqlite_engine.connect() as connection:
        for model, columns in ((Lead, LEAD_LOOKUP), (Contact, CONTACT_LOOKUP)):
            table = model.__table__
            sql = lookup_sql(connection, table, columns, 3, 2)
            plan = _plan(connection, sql, ("a@x.com", "b@x.com", "c@x.com", "+1", "+2"))
            assert "SCAN" not in plan, plan
            assert f"ix_{table.name}_email" in plan and f"ix_{table.name}_phone" in plan, plan
            emails_only = _plan(connection, lookup_sql(connection, table, columns, 1, 0), ("a",))
            assert f"ix_{table.name}_email" in emails_only and "SCAN" not in emails_only


def test_memberships_are_found_by_person_not_by_campaign(sqlite_engine):
    sql = str(
        MEMBERSHIPS.params(leads=[1, 2, 3], contacts=[4]).compile(
            sqlite_engine, compile_kwargs={"literal_binds": True, "render_postcompile": True}
        )
    )
    with sqlite_engine.connect() as connection:
        plan = _plan(connection, sql)
    assert "SCAN" not in plan and "ix_member_campaign" not in plan, plan
    assert "ix_member_lead" in plan and "ix_member_contact" in plan, plan
