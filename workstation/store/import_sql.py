"""The import's two hot statements at the driver level: the batch lookup by email and phone,
and the batch insert.

Through SQLAlchemy Core, each row of an executemany and each value of an IN list costs
10–30 µs of Python (parameter naming, a type processor per value), more than SQLite takes
to store it: that alone would hold an import below TARGETS.md P4. Here the SQL text is
built from the table's own columns, the values go to the driver as tuples, and the only
value that needs a type processor, the batch's timestamp, is processed once per batch with
the dialect's own processor, so what is stored is exactly what SQLAlchemy would store.
Every value is a bound parameter; nothing from the file is ever part of the SQL text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Connection, Table


def _marker(connection: Connection) -> str:
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def _names(connection: Connection, table: Table, columns: Sequence[str]) -> tuple[str, str]:
    quote = connection.dialect.identifier_preparer.quote
    for name in columns:
        table.c[name]  # a KeyError here names a column the table lacks
    return quote(table.name), ", ".join(quote(name) for name in columns)


def bound_value(connection: Connection, column: Column, value: Any) -> Any:
    """`value` as SQLAlchemy binds it for `column` (a date-time on SQLite: UTC text)."""
    dialect = connection.dialect
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor else value


def insert_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple]
) -> None:
    """INSERT `rows` (tuples in the order of `columns`) in one executemany."""
    if not rows:
        return
    name, listed = _names(connection, table, columns)
    markers = ", ".join([_marker(connection)] * len(columns))
    connection.exec_driver_sql(f"INSERT INTO {name} ({listed}) VALUES ({markers})", list(rows))


def lookup_sql(
    connection: Connection, table: Table, columns: Sequence[str], emails: int, phones: int
) -> str:
    """The lookup of `find_by_email_or_phone` for so many emails and phones (one or more
    of either)."""
    name, listed = _names(connection, table, columns)
    marker = _marker(connection)
    terms = [
        f"{column} IN ({', '.join([marker] * count)})"
        for column, count in (("email", emails), ("phone", phones))
        if count
    ]
    lock = " FOR UPDATE" if connection.dialect.name == "postgresql" else ""
    return f"SELECT {listed} FROM {name} WHERE {' OR '.join(terms)}{lock}"


def find_by_email_or_phone(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    emails: Sequence[str],
    phones: Sequence[str],
) -> list[dict[str, Any]]:
    """Rows of `table` whose email is one of `emails` or phone one of `phones`, locked
    for this transaction on PostgreSQL. One statement; each IN list uses its plain index."""
    if not emails and not phones:
        return []
    sql = lookup_sql(connection, table, columns, len(emails), len(phones))
    result = connection.exec_driver_sql(sql, (*emails, *phones))
    return [dict(zip(columns, row, strict=True)) for row in result]
