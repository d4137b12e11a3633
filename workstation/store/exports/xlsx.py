"""An export as an Excel workbook (`workstation export KIND --format xlsx -o FILE`), for the
people who open exports in a spreadsheet: every text is a text cell, so phones keep their
+ and ZIP codes their leading zero with no quote to show, and no cell is ever a formula;
times are real date-times (UTC), dates real dates, booleans and numbers real ones.

Written by XlsxWriter (maintained, streaming: `constant_memory` keeps one row in memory, so
a million leads cost what one does). A sheet holds 1,048,575 records at most.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC
from typing import IO, Any

from workstation.store.exports.fields import ExportField
from workstation.store.values.regions import stored_country

MOST_ROWS = 1_048_575  # Excel's rows, less the header


class TooManyRows(ValueError):
    """More records than a sheet holds."""


def write_xlsx(out: IO[bytes], sheet: str, fields: Sequence[ExportField], pages: Iterable) -> int:
    """Write the pages' rows as one sheet of a workbook to `out`; return the rows written."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    book.set_properties({"title": f"Telesales Workstation export: {sheet}"})
    bold = book.add_format({"bold": True})
    formats = {
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "money": book.add_format({"num_format": "#,##0.00"}),
    }
    page_sheet = book.add_worksheet(sheet[:31])
    for column, field in enumerate(fields):
        page_sheet.write_string(0, column, field.name, bold)
        page_sheet.set_column(column, column, max(10, min(40, len(field.name) + 4)))
    page_sheet.freeze_panes(1, 0)
    writers = [_writer(field.kind, formats) for field in fields]
    written = 0
    for page in pages:
        for row in page:
            written += 1
            if written > MOST_ROWS:
                book.close()
                raise TooManyRows(
                    f"a sheet holds {MOST_ROWS:,} records and there are more: export CSV"
                )
            for column, (write, value) in enumerate(zip(writers, row, strict=True)):
                if value is not None:
                    write(page_sheet, written, column, value)
    page_sheet.autofilter(0, 0, max(written, 1), len(fields) - 1)
    book.close()
    return written


def _writer(kind: str, formats: dict[str, Any]):
    if kind == "bool":
        return lambda sheet, row, column, value: sheet.write_boolean(row, column, bool(value))
    if kind == "int":
        return lambda sheet, row, column, value: sheet.write_number(row, column, value)
    if kind == "money":
        money = formats["money"]
        return lambda sheet, row, column, cents: sheet.write_number(row, column, cents / 100, money)
    if kind == "datetime":
        stamp = formats["datetime"]
        return lambda sheet, row, column, value: sheet.write_datetime(
            row, column, value.astimezone(UTC).replace(tzinfo=None), stamp
        )
    if kind == "date":
        day = formats["date"]
        return lambda sheet, row, column, value: sheet.write_datetime(row, column, value, day)
    if kind == "country":
        return lambda sheet, row, column, value: sheet.write_string(
            row, column, stored_country(value)
        )
    if kind == "json":
        return lambda sheet, row, column, value: sheet.write_string(
            row, column, json.dumps(value, ensure_ascii=False)
        )
    return lambda sheet, row, column, value: sheet.write_string(row, column, str(value))
