"""Exports as Excel workbooks, read back with openpyxl as a spreadsheet would: no formula,
no apostrophe, ZIP codes and phones kept as text, dates as dates, booleans as booleans."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from workstation.store.db import write_session
from workstation.store.exports.stream import export_workbook
from workstation.store.models import Account, Lead, Opportunity

T0 = datetime(2026, 3, 5, 18, 30, 15, tzinfo=UTC)


def _sheet(engine, kind: str) -> list[dict]:
    out = io.BytesIO()
    export_workbook(engine, kind, out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_a_workbook_keeps_text_text_and_dates_dates(sqlite_engine):
    with write_session(sqlite_engine) as session:
        session.add(
            Lead(
                first_name="=HYPERLINK(\"http://x\")", last_name="O'Neil", company="-1+2",
                phone="+16175550100", postal_code="02110", state="MA", country="US",
                do_not_call=True, score=-5, created_at=T0, updated_at=T0,
            )
        )  # fmt: skip
        account = Account(name="Acme", created_at=T0, updated_at=T0)
        session.add(account)
        session.flush()
        session.add(
            Opportunity(
                account_id=account.id, name="Deal", stage="Qualification", probability=10,
                amount_cents=123456, close_date=date(2026, 4, 30), created_at=T0, updated_at=T0,
            )
        )  # fmt: skip
    (lead,) = _sheet(sqlite_engine, "leads")
    assert lead["FirstName"] == '=HYPERLINK("http://x")'  # text, shown, never run
    assert lead["Company"] == "-1+2"
    assert lead["Phone"] == "+16175550100" and lead["PostalCode"] == "02110"
    assert lead["DoNotCall"] is True and lead["Score"] == -5
    assert lead["CreatedDate"] == datetime(2026, 3, 5, 18, 30, 15)  # UTC, a real date-time
    (deal,) = _sheet(sqlite_engine, "opportunities")
    assert deal["Amount"] == 1234.56 and deal["CloseDate"] == datetime(2026, 4, 30)
