"""`export --for salesforce`: a CSV Data Loader takes as it is, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from workstation.store.db import write_session
from workstation.store.exports.salesforce import (
    StatusMapError,
    export_for_salesforce,
    parse_status_map,
)
from workstation.store.models import Account, Activity, Contact, Lead

T0 = datetime(2026, 3, 5, 23, 30, 15, tzinfo=UTC)
SF_LEAD = "00Q5g00000AbCdEAAZ"
SF_ACCOUNT = "0015g00000XyZaBAAV"
LONG_NAME = "Maximiliana-Josephina Alexandrovna Wolfe-Smith"


def _rows(engine, kind: str, **options) -> tuple[str, list[dict[str, str]], list[str]]:
    out = io.StringIO()
    count, cut = export_for_salesforce(engine, kind, out, **options)
    text = out.getvalue()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert count == len(rows)
    return text, rows, cut.lines()


def _leads(engine) -> None:
    with write_session(engine) as session:
        session.add_all(
            [
                Lead(
                    first_name=LONG_NAME, last_name="=SUM(A1)",
                    company="-1+2", email=("a" * 70) + "@example.com", phone="+16175550100",
                    city="Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
                    state="MA", country="US", postal_code="02110", time_zone="America/New_York",
                    status="Working – Deduped and attempted contact", callback_at=T0,
                    created_at=T0, updated_at=T0,
                ),
                Lead(
                    first_name="Ann", last_name="Perth", company="Acme", phone="+61892223333",
                    state="WA", country="Australia", external_id=SF_LEAD, status="Bad Data",
                    is_open=False, created_at=T0, updated_at=T0,
                ),
                Lead(last_name="Placeholder", company="Acme", external_id="no-account",
                     email="p@example.com", created_at=T0, updated_at=T0),
            ]
        )  # fmt: skip


def test_leads_go_out_in_salesforces_fields_and_lengths(engine):
    _leads(engine)
    text, (long, perth, placeholder), cut = _rows(engine, "leads")
    assert not text.startswith("\ufeff")
    header = text.splitlines()[0].split(",")
    assert "Id" not in header and "OwnerId" not in header
    assert all(name[0].isupper() for name in header)
    ours = [name for name in header if name.endswith("__c")]
    assert ours == [
        "Workstation_Id__c", "Salesforce_Id__c", "Workstation_Status__c", "Time_Zone__c",
        "Lead_Type__c",
        "Lifecycle_Stage__c", "Score__c", "Attempt_Count__c", "Callback_Date__c",
    ]  # fmt: skip
    # No formula escaping: Data Loader would store the quote.
    assert long["LastName"] == "=SUM(A1)" and long["Company"] == "-1+2"
    assert long["FirstName"] == LONG_NAME[:40].rstrip()
    assert len(long["City"]) == 40 and long["Email"] == ""  # a cut address is another one
    assert long["PostalCode"] == "02110" and long["Phone"] == "+16175550100"
    assert long["Status"] == "Working - Contacted" and perth["Status"] == "Closed - Not Converted"
    assert long["Country"] == "United States" and perth["Country"] == "Australia"
    assert long["Callback_Date__c"] == "2026-03-05T23:30:15.000Z"
    assert long["Time_Zone__c"] == "America/New_York"
    assert (long["Salesforce_Id__c"], perth["Salesforce_Id__c"]) == ("", SF_LEAD)
    assert placeholder["Salesforce_Id__c"] == ""  # not a Salesforce Id: none
    assert cut == [
        "1 City values cut to Salesforce's 40 characters",
        "1 FirstName values cut to Salesforce's 40 characters",
        "1 Email values longer than Salesforce's 80 characters left empty",
    ]


def test_a_status_map_names_the_orgs_values(engine):
    _leads(engine)
    statuses = ["Open", "Working – Deduped and attempted contact", "Bad Data"]
    mapping = parse_status_map("Working=Attempting; Bad Data = Junk\n", statuses)
    _, (long, perth, _), _ = _rows(engine, "leads", status_map=mapping)
    assert (long["Status"], perth["Status"]) == ("Attempting", "Junk")
    assert mapping["Open"] == "Open - Not Contacted"  # the default for the rest
    with pytest.raises(StatusMapError, match="no lead status 'Hot'"):
        parse_status_map("Hot=Warm", statuses)
    with pytest.raises(StatusMapError, match="Ours=Theirs"):
        parse_status_map("Open", statuses)


def test_tasks_have_dates_as_dates_and_ids_only_where_salesforce_gave_them(engine):
    with write_session(engine) as session:
        account = Account(name="Acme", external_id=SF_ACCOUNT)
        session.add(account)
        session.flush()
        contact = Contact(last_name="Known", account_id=account.id)
        lead = Lead(last_name="From SF", company="Acme", external_id=SF_LEAD, phone="+16175550101")
        session.add_all([contact, lead])
        session.flush()
        session.add_all(
            [
                Activity(lead_id=lead.id, kind="call", disposition="No Answer",
                         notes="line one\nline two", duration_seconds=65, occurred_at=T0,
                         subject="Call"),
                Activity(contact_id=contact.id, account_id=account.id, kind="task",
                         subject="Send the deck", occurred_at=T0,
                         due_at=datetime(2026, 3, 9, 16, 0, tzinfo=UTC)),
            ]
        )  # fmt: skip
    _, (call, task), _ = _rows(engine, "activities")
    assert (call["WhoId"], call["WhatId"]) == (SF_LEAD, "")
    assert (call["Type"], call["TaskSubtype"], call["Status"]) == ("Call", "Call", "Completed")
    assert (
        call["ActivityDate"] == "2026-03-05" and call["Call_Time__c"] == "2026-03-05T23:30:15.000Z"
    )
    assert call["CallDisposition"] == "No Answer" and call["CallDurationInSeconds"] == "65"
    assert call["Description"] == "line one\nline two"
    assert (task["WhoId"], task["WhatId"]) == ("", SF_ACCOUNT)  # the contact has no Id there
    assert task["Workstation_Contact_Id__c"] == str(contact.id)
    assert (task["Status"], task["ActivityDate"]) == ("Not Started", "2026-03-09")
    _, (person,), _ = _rows(engine, "contacts")
    assert person["AccountId"] == SF_ACCOUNT and person["Salesforce_Id__c"] == ""
