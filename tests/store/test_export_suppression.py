"""`export suppression`: the people marketing must leave alone, leads and contacts, under
Salesforce-style field names, on SQLite and PostgreSQL with the clock injected."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.undo import undo_last_call
from workstation.store.marketing.suppression import (
    SUPPRESSION_COLUMNS,
    export_suppression,
    export_suppression_workbook,
)
from workstation.store.models import Account, Contact

DAY = timedelta(days=1)


def _world(engine) -> dict[str, int]:
    """One person of each kind the list must hold, and of each it must not."""
    with Session(engine) as session:
        rep = make_rep(session)
        account = Account(name="Initech")
        session.add(account)
        session.flush()

        def lead(**values) -> int:
            return make_lead(session, owner_id=rep.id, **values).id

        def contact(**values) -> int:
            record = Contact(account_id=account.id, owner_id=rep.id, **values)
            session.add(record)
            session.flush()
            return record.id

        ids = {
            "rep": rep.id,
            "spoken": lead(first_name="=cmd|' /C calc'!A0", last_name="Jones",
                           email="j@example.com", phone="+16175550100", lead_source="Web",
                           external_id="00Q000000000001AAA"),
            "not_interested": lead(last_name="Nope"),
            "long_ago": lead(last_name="Ago"),
            "unanswered": lead(last_name="Ringing"),
            "dnc": lead(last_name="Quiet", do_not_call=True),
            "opted_out": contact(last_name="Unsubscribed", email_opt_out=True),
            "talked": contact(first_name="Kim", last_name="Lee", mobile_phone="+16175550199"),
            "voicemail": contact(last_name="Voicemail"),
            "undone": contact(last_name="Undone"),
            "nobody": lead(last_name="Untouched"),
        }  # fmt: skip
        session.commit()

    def call(kind: str, key: str, disposition: str, at) -> None:
        who = {"lead_id": ids[key]} if kind == "lead" else {"contact_id": ids[key]}
        callback = at + DAY if disposition == "3" else None
        log_call(
            engine, rep_id=ids["rep"], disposition=disposition, callback_at=callback, now=at,
            **who,
        )  # fmt: skip

    call("lead", "spoken", "3", NOW - 5 * DAY)
    call("lead", "not_interested", "2", NOW - 2 * DAY)
    call("lead", "long_ago", "1", NOW - 31 * DAY)
    call("lead", "unanswered", "5", NOW - DAY)
    call("contact", "talked", "1", NOW - 3 * DAY)
    call("contact", "voicemail", "4", NOW - DAY)
    call("contact", "undone", "4", NOW - 2 * DAY)  # its activity stays within the window
    call("contact", "undone", "1", NOW - DAY)
    undo_last_call(engine, rep_id=ids["rep"], now=NOW - DAY + timedelta(minutes=1))
    return ids


def _rows(engine, fmt: str = "csv") -> list[dict]:
    out = io.StringIO()
    count = export_suppression(engine, out, now=NOW, fmt=fmt)
    text = out.getvalue()
    rows = json.loads(text) if fmt == "json" else list(csv.DictReader(io.StringIO(text)))
    assert count == len(rows)
    return rows


def test_the_list_holds_everyone_sales_spoke_to_and_who_must_not_be_reached(engine):
    ids = _world(engine)
    rows = _rows(engine, "json")
    found = {(row["ObjectType"], row["Id"]): row for row in rows}
    assert set(found) == {
        ("Lead", ids["spoken"]), ("Lead", ids["not_interested"]), ("Lead", ids["dnc"]),
        ("Contact", ids["opted_out"]), ("Contact", ids["talked"]),
    }  # fmt: skip
    spoken = found[("Lead", ids["spoken"])]
    assert spoken == {
        "ObjectType": "Lead", "Id": ids["spoken"], "ExternalId": "00Q000000000001AAA",
        "FirstName": "=cmd|' /C calc'!A0", "LastName": "Jones", "Email": "j@example.com",
        "Phone": "+16175550100", "MobilePhone": None, "Company": spoken["Company"],
        "LeadSource": "Web", "Status": "Contacted – Recent Activity", "OwnerId": ids["rep"],
        "LastActivityDate": "2026-11-18T15:00:00.000Z",
        "SuppressedUntil": str(date(2026, 12, 18)), "SuppressionReason": "Recent Activity",
        "HasOptedOutOfEmail": False, "DoNotCall": False,
    }  # fmt: skip
    assert list(spoken) == SUPPRESSION_COLUMNS
    talked = found[("Contact", ids["talked"])]
    assert (talked["Company"], talked["MobilePhone"], talked["Status"]) == (
        "Initech", "+16175550199", "Sales Qualified",
    )  # fmt: skip
    assert talked["SuppressedUntil"] == str((NOW - 3 * DAY + 30 * DAY).date())
    assert found[("Lead", ids["not_interested"])]["SuppressionReason"] == "Recent Activity"
    dnc = found[("Lead", ids["dnc"])]
    assert (dnc["SuppressionReason"], dnc["SuppressedUntil"], dnc["DoNotCall"]) == (
        "Do Not Call", None, True,
    )  # fmt: skip
    opted = found[("Contact", ids["opted_out"])]
    assert (opted["SuppressionReason"], opted["HasOptedOutOfEmail"]) == ("Opted Out of Email", True)


def test_csv_is_formula_safe_and_has_the_same_columns(engine):
    ids = _world(engine)
    rows = _rows(engine, "csv")
    assert list(rows[0]) == SUPPRESSION_COLUMNS
    spoken = next(r for r in rows if r["Id"] == str(ids["spoken"]) and r["ObjectType"] == "Lead")
    assert spoken["FirstName"] == "'=cmd|' /C calc'!A0"
    assert spoken["Phone"] == "+16175550100"  # a plain number stays as it is
    assert spoken["HasOptedOutOfEmail"] == "false"


def test_a_later_window_leaves_out_whom_it_no_longer_covers(engine):
    ids = _world(engine)
    out = io.StringIO()
    export_suppression(engine, out, now=NOW + 26 * DAY, fmt="json")
    found = {(row["ObjectType"], row["Id"]) for row in json.loads(out.getvalue())}
    assert ("Lead", ids["spoken"]) not in found  # spoken to 31 days before then
    assert ("Contact", ids["talked"]) in found  # 29 days
    out = io.StringIO()
    export_suppression(engine, out, now=NOW, fmt="json", days=4)
    found = {(row["ObjectType"], row["Id"]) for row in json.loads(out.getvalue())}
    assert ("Lead", ids["spoken"]) not in found and ("Contact", ids["talked"]) in found


def test_a_workbook_of_it(engine):
    ids = _world(engine)
    out = io.BytesIO()
    assert export_suppression_workbook(engine, out, now=NOW) == 5
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == SUPPRESSION_COLUMNS
    assert any(row[1] == ids["spoken"] and row[3] == "=cmd|' /C calc'!A0" for row in rows[1:])
    assert [c for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
