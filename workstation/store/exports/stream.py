"""Export the business records as CSV or JSON, streamed, under Salesforce's field names.

`workstation export KIND [--format csv|json]` calls `export_records`; the columns of each
kind and how they map to our tables are in `exports.fields`.

Streaming: pages of `batch_size` rows keyed on the primary key (`WHERE id > :after ORDER BY
id LIMIT n`, statements built once per export), so memory stays flat however large the table
and every row comes out exactly once, in id order. All pages are read in one transaction:
a snapshot on SQLite (WAL) and on PostgreSQL (REPEATABLE READ, read only), so a file never
mixes states of the database.

Values, the same on SQLite and PostgreSQL:
- date-times: ISO-8601 in UTC to the millisecond, `2024-01-19T09:42:24.123Z` (as Data Loader
  writes them); dates `YYYY-MM-DD`.
- booleans: `true` / `false`, in CSV as Data Loader writes them, in JSON as JSON booleans.
- NULL: an empty cell in CSV (as an empty string is: Salesforce makes no difference either),
  `null` in JSON.
- Amount: exact, from whole cents: `1234.50`. In JSON it is a number written from that
  decimal text, as Salesforce's REST API gives Amount; read it with
  `json.loads(text, parse_float=decimal.Decimal)` to keep it exact (a float is exact only
  to 15 significant digits).
- ScriptAnswers: a nested object in JSON, its JSON text in CSV.

CSV follows RFC 4180 (the csv module's quoting, CRLF line ends: open the file with
`newline=""`, and with `encoding="utf-8-sig"` if Excel is to read it) and is formula-safe
as `exports.formulas` says: a cell a spreadsheet would run gets a single quote in front; a
plain number such as a phone in E.164 does not. JSON is not for spreadsheets and keeps text
as it is.

Hostile text (markup, ANSI escapes, control characters, RTL marks, huge fields) is written
faithfully. JSON output is plain ASCII (everything else escaped), so it is safe to print to
any terminal; CSV cannot escape, so its cells hold the text as stored (a reader of 1 MB
cells must raise `csv.field_size_limit`). The command line neutralises an export only on
its way to a terminal (`workstation/terminal.py`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, date, datetime
from json.encoder import encode_basestring_ascii
from typing import IO, Any, TextIO

from sqlalchemy import Connection, Engine, Row, Select, bindparam, select

from workstation.store.errors import StoreError
from workstation.store.exports.fields import EXPORT_SPECS, ExportField, ExportSpec
from workstation.store.exports.formulas import escape_formula
from workstation.store.values.regions import stored_country

EXPORT_KINDS: tuple[str, ...] = tuple(EXPORT_SPECS)
EXPORT_FORMATS: tuple[str, ...] = ("csv", "json")  # and xlsx, to a file (`export_workbook`)

Page = Sequence[Row[Any]]


class ExportError(StoreError, ValueError):
    """An export asked for something that does not exist; nothing was written."""


def export_columns(kind: str) -> list[str]:
    """The header of an export of `kind`, in order."""
    return [field.name for field in _spec(kind).fields]


def ours_exported(first_line: str) -> bool:
    """Whether a file's first line is an export's: a CSV header of ours, or JSON's `[`."""
    return first_line in ("[", "[]") or first_line in _HEADERS


_HEADERS = frozenset(
    ",".join(field.name for field in spec.fields) for spec in EXPORT_SPECS.values()
)


def export_records(
    engine: Engine, kind: str, out: TextIO, *, fmt: str = "csv", batch_size: int = 2000
) -> int:
    """Write every record of `kind` to `out` as CSV or JSON; return the rows written."""
    spec = _spec(kind)
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    if batch_size < 1:
        raise ExportError(f"batch_size must be at least 1, not {batch_size}")
    write = _write_csv if fmt == "csv" else _write_json
    with closing(_pages(engine, spec, batch_size)) as pages:
        return write(out, spec.fields, pages)


def export_workbook(engine: Engine, kind: str, out: IO[bytes], *, batch_size: int = 2000) -> int:
    """Write every record of `kind` to `out` as an Excel workbook (`exports.xlsx`)."""
    from workstation.store.exports.xlsx import TooManyRows, write_xlsx

    spec = _spec(kind)
    with closing(_pages(engine, spec, batch_size)) as pages:
        try:
            return write_xlsx(out, kind, spec.fields, pages)
        except TooManyRows as error:
            raise ExportError(str(error)) from None


def export_one(engine: Engine, kind: str, record_id: int) -> dict[str, Any] | None:
    """One record of `kind` as the JSON export writes it (the CLI's `--json` answers)."""
    spec = _spec(kind)
    statement = (
        select(*(field.expression for field in spec.fields))
        .select_from(spec.source)
        .where(spec.key == bindparam("record_id"))
    )
    with engine.connect() as connection:
        row = connection.execute(statement, {"record_id": record_id}).one_or_none()
    if row is None:
        return None
    out = io.StringIO()
    _write_json(out, spec.fields, [[row]])
    return json.loads(out.getvalue())[0]


def _spec(kind: str) -> ExportSpec:
    try:
        return EXPORT_SPECS[kind]
    except KeyError:
        raise ExportError(
            f"unknown export kind {kind!r}: use one of {', '.join(EXPORT_KINDS)}"
        ) from None


def _pages(engine: Engine, spec: ExportSpec, batch_size: int) -> Generator[Page, None, None]:
    statement = (
        select(*(field.expression for field in spec.fields))
        .select_from(spec.source)
        .order_by(spec.key)
    )
    with snapshot(engine) as connection:
        yield from keyed_pages(connection, statement, spec.key, batch_size)


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see one state of the database: SQLite's transaction
    (WAL) is a snapshot already; on PostgreSQL, REPEATABLE READ, read only."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        yield connection


def keyed_pages(
    connection: Connection,
    statement: Select[Any],
    key: Any,
    batch_size: int,
    params: dict[str, Any] | None = None,
) -> Generator[Page, None, None]:
    """The rows of `statement` (ordered by `key`, its first column) `batch_size` at a time,
    paged by the key (`WHERE key > :after`), never by offset."""
    params = params or {}
    first = statement.limit(batch_size)
    # On SQLite, SQLAlchemy writes every LIMIT as "LIMIT ? OFFSET ?" with an offset of 0:
    # nothing is skipped, the key does the paging.
    after = first.where(key > bindparam("after"))
    page = connection.execute(first, params).all()
    while page:
        yield page
        if len(page) < batch_size:
            return
        page = connection.execute(after, {**params, "after": page[-1][0]}).all()


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"


def _money(cents: int) -> str:
    units, rest = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{units}.{rest:02d}"


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _json_string(text: str) -> str:
    return '"' + text + '"'


_CSV_FORMATS: dict[str, Callable[[Any], str]] = {
    "bool": _boolean,
    "datetime": _timestamp,
    "date": date.isoformat,
    "int": lambda value: escape_formula(str(value)),
    "json": lambda value: escape_formula(json.dumps(value, ensure_ascii=False)),
    "money": _money,
    "text": escape_formula,
    "country": lambda value: escape_formula(stored_country(value)),
}

_JSON_FORMATS: dict[str, Callable[[Any], str]] = {
    "bool": _boolean,
    "datetime": lambda value: _json_string(_timestamp(value)),
    "date": lambda value: _json_string(value.isoformat()),
    "int": str,
    "json": json.dumps,
    "money": _money,
    "text": encode_basestring_ascii,
    "country": lambda value: encode_basestring_ascii(stored_country(value)),
}


def _write_csv(out: TextIO, fields: Sequence[ExportField], pages: Iterable[Page]) -> int:
    formats = [_CSV_FORMATS[field.kind] for field in fields]
    writer = csv.writer(out)
    writer.writerow([field.name for field in fields])
    written = 0
    for page in pages:
        writer.writerows(
            ["" if value is None else form(value) for form, value in zip(formats, row, strict=True)]
            for row in page
        )
        written += len(page)
    return written


def _write_json(out: TextIO, fields: Sequence[ExportField], pages: Iterable[Page]) -> int:
    # One object per line, each written as soon as it is formatted: the array is never
    # built in memory, and the keys are encoded once.
    members = [(json.dumps(field.name) + ": ", _JSON_FORMATS[field.kind]) for field in fields]
    written = 0
    out.write("[")
    for page in pages:
        for row in page:
            body = ", ".join(
                [
                    key + ("null" if value is None else form(value))
                    for (key, form), value in zip(members, row, strict=True)
                ]
            )
            out.write(("\n{" if written == 0 else ",\n{") + body + "}")
            written += 1
    out.write("\n]\n" if written else "]\n")
    return written
