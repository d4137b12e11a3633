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

from collections.abc import Iterable, Sequence
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


WRITABLE = "writable"  # set False on a looked-up row this login may read but not change


def lookup_sql(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    emails: int,
    phones: int,
    lock: str | None = None,
) -> str:
    """The lookup of `find_by_email_or_phone` for so many emails and phones (one or more
    of either), with the rows locked FOR `lock` on PostgreSQL."""
    name, listed = _names(connection, table, columns)
    marker = _marker(connection)
    terms = [
        f"{column} IN ({', '.join([marker] * count)})"
        for column, count in (("email", emails), ("phone", phones))
        if count
    ]
    locked = f" FOR {lock}" if lock and connection.dialect.name == "postgresql" else ""
    return f"SELECT {listed} FROM {name} WHERE {' OR '.join(terms)}{locked}"


def find_by_email_or_phone(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    emails: Sequence[str],
    phones: Sequence[str],
    lock: str | None = None,
) -> list[dict[str, Any]]:
    """Rows of `table` whose email is one of `emails` or phone one of `phones`, locked FOR
    `lock` ("UPDATE", "KEY SHARE") on PostgreSQL: only for a login that may change every
    row (`lock_found` says why). One statement; each IN list uses its plain index."""
    if not emails and not phones:
        return []
    sql = lookup_sql(connection, table, columns, len(emails), len(phones), lock)
    result = connection.exec_driver_sql(sql, (*emails, *phones))
    return [dict(zip(columns, row, strict=True)) for row in result]


def lock_found(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: list[dict[str, Any]],
    lock: str,
) -> list[dict[str, Any]]:
    """`rows` of `table` (read by `find_by_email_or_phone`, `columns` starting with id)
    locked FOR `lock` ("UPDATE", "KEY SHARE") on PostgreSQL, in one statement: each as
    the locked version (what a writer committed in between included), except the rows
    this login may read but not change, which stay as read, marked `WRITABLE` False.

    Why not lock in the look-up itself: row-level security makes a row lock pass over the
    rows a login may not UPDATE, so SELECT … FOR UPDATE would not find another rep's lead
    at all, and a rep's import would make that person again."""
    if not rows or connection.dialect.name != "postgresql":
        return rows
    assert columns[0] == "id"
    name, listed = _names(connection, table, columns)
    sql = f"SELECT {listed} FROM {name} WHERE id = ANY(%s) FOR {lock}"
    result = connection.exec_driver_sql(sql, ([row["id"] for row in rows],))
    locked = {row[0]: dict(zip(columns, row, strict=True)) for row in result}
    return [locked.get(row["id"]) or {**row, WRITABLE: False} for row in rows]


class KnownValues:
    """Which emails and phones leads and contacts may hold, as a Bloom filter: a value it
    has never been told about is certainly not stored, so the rows holding only such
    values need no look-up (most rows of a big import of new people).

    SQLite only, and only while this connection is the only writer: `fresh` checks
    SQLite's data_version, which changes when another connection commits, and then the
    filter is given up for good (look-ups again, as without it). Built from the four
    indexes once, it costs a read of every stored email and phone, so a writer builds it
    only once its rows outnumber a few of those (`worth`).
    """

    # One probe into 32 bits a value: about 3 % of new values are looked up all the same,
    # and each value costs one hash and one bit (two probes would halve that 3 % and
    # double the Python work, which is the import's bottleneck).
    BITS_PER_VALUE = 32

    def __init__(self, connection: Connection, capacity: int) -> None:
        self.capacity = max(capacity, 1 << 16)
        self.size = 1 << (self.capacity * self.BITS_PER_VALUE - 1).bit_length()
        self.mask = self.size - 1
        self.bits = bytearray(self.size >> 3)
        self.count = 0
        self.version = _data_version(connection)
        for table in ("lead", "contact"):
            for column in ("email", "phone"):
                found = connection.exec_driver_sql(
                    f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"
                )
                self.add(value for (value,) in found)

    @staticmethod
    def stored(connection: Connection) -> int:
        """About how many values a filter would read: the records, twice over."""
        found = connection.exec_driver_sql(
            "SELECT (SELECT coalesce(max(id), 0) FROM lead)"
            " + (SELECT coalesce(max(id), 0) FROM contact)"
        ).scalar()
        return 2 * int(found or 0)

    def fresh(self, connection: Connection) -> bool:
        """True while only this connection has written since the filter was built, and
        the filter is not too full to be of use."""
        return self.count <= self.capacity and _data_version(connection) == self.version

    def add(self, values: Iterable[str | None]) -> None:
        bits, mask = self.bits, self.mask
        count = 0
        for value in values:
            if value:
                bit = hash(value) & mask
                bits[bit >> 3] |= 1 << (bit & 7)
                count += 1
        self.count += count

    def may_hold(self, values: Iterable[str]) -> list[str]:
        """Those of `values` that may be stored (the others certainly are not)."""
        bits, mask = self.bits, self.mask
        return [v for v in values if bits[(bit := hash(v) & mask) >> 3] >> (bit & 7) & 1]


def _data_version(connection: Connection) -> int:
    return int(connection.exec_driver_sql("PRAGMA data_version").scalar() or 0)
