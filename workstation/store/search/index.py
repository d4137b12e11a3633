"""The search index, kept by the database itself in the same transaction as every write.

SQLite: one FTS5 table, `search_index`, with a row per lead, contact, account and
opportunity holding its name, company, email and phone. Each kind is a range of rowids,
from its base (`KIND_BASE`), the newest record lowest: FTS5 walks a range forwards and
stops after a few matches, while walking backwards loads a common word's whole list
(80 ms for `co*` at 200k leads, against under one). Triggers on the four tables write it: whatever
writes a record (the app, an import, a conversion, a hand-typed UPDATE) writes its index
row in the same transaction. A phone
is indexed as the suffixes of its digits, so that a fragment typed in any format (`0412
555`, `+61412…`, `412555`, `555123`) is a prefix of one of them. `search_terms` lists the
index's words (fts5vocab), for the close matches of a misspelt name.

PostgreSQL: no table of its own. Each record table has a trigram GIN index (pg_trgm) on
one expression of its searchable text (`DOCUMENTS`), so the index is as current as the
row itself; the queries repeat the expression literally. pg_trgm is installed once per
database, in `public`, not in a scratch or team schema that might be dropped with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

# The kinds of record searched; in the SQLite index each kind's rowids start at its base.
KINDS = ("lead", "contact", "account", "opportunity")
ID_BITS = 40  # ids up to a trillion
KIND_BASE = {kind: number << ID_BITS for number, kind in enumerate(KINDS)}
MAX_ID = (1 << ID_BITS) - 1


def kind_top(kind: str) -> int:
    """The last rowid of a kind's range: a record's rowid is this minus its id."""
    return KIND_BASE[kind] + MAX_ID


# Phone suffixes indexed (from the first digit on), each at least this long.
PHONE_SUFFIXES = 10
SHORTEST_PHONE_SUFFIX = 4

_SEPARATORS = ("+", " ", "-", "(", ")", ".", "/")


def _digits(column: str) -> str:
    expression = f"coalesce({column}, '')"
    for separator in _SEPARATORS:
        expression = f"replace({expression}, '{separator}', '')"
    return expression


def _phone_tokens(column: str) -> str:
    """SQLite: the suffixes of a phone's digits, space separated (`61412555123
    1412555123 412555123 …`)."""
    parts = " || ' ' || ".join(
        f"iif(length(d) >= {start + SHORTEST_PHONE_SUFFIX - 1}, substr(d, {start}), '')"
        for start in range(1, PHONE_SUFFIXES + 1)
    )
    return f"(SELECT trim({parts}) FROM (SELECT {_digits(column)} AS d))"


def _person_name(row: str) -> str:
    return f"trim(coalesce({row}.first_name, '') || ' ' || {row}.last_name)"


def _sqlite_values(table: str, row: str) -> str:
    """The index row of record `row` (NEW in a trigger, the table in a rebuild)."""
    if table == "lead":
        name, company = _person_name(row), f"{row}.company"
        email, phone = f"coalesce({row}.email, '')", _phone_tokens(f"{row}.phone")
    elif table == "contact":
        name, company = _person_name(row), "''"
        email, phone = f"coalesce({row}.email, '')", _phone_tokens(f"{row}.phone")
    elif table == "account":
        name, company = f"{row}.name", f"coalesce({row}.domain, {row}.website, '')"
        email, phone = "''", _phone_tokens(f"{row}.phone")
    else:
        name, company, email, phone = f"{row}.name", "''", "''", "''"
    return f"{kind_top(table)} - {row}.id, {name}, {company}, {email}, {phone}"


# The columns whose change re-indexes a record.
_INDEXED = {
    "lead": "first_name, last_name, company, email, phone",
    "contact": "first_name, last_name, email, phone",
    "account": "name, domain, website, phone",
    "opportunity": "name",
}
_INSERT = "INSERT OR REPLACE INTO search_index (rowid, name, company, email, phone)"


def install(connection: Connection) -> None:
    """Create the index and fill it from the records already there (migration 0012)."""
    if connection.dialect.name == "postgresql":
        _install_postgresql(connection)
        return
    connection.exec_driver_sql(
        "CREATE VIRTUAL TABLE search_index USING fts5(name, company, email, phone, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    connection.exec_driver_sql(
        "CREATE VIRTUAL TABLE search_terms USING fts5vocab(search_index, 'col')"
    )
    for table, columns in _INDEXED.items():
        connection.exec_driver_sql(
            f'CREATE TRIGGER search_{table}_insert AFTER INSERT ON "{table}" BEGIN '
            f"{_INSERT} VALUES ({_sqlite_values(table, 'NEW')}); END"
        )
        connection.exec_driver_sql(
            f'CREATE TRIGGER search_{table}_update AFTER UPDATE OF {columns} ON "{table}" '
            f"BEGIN {_INSERT} VALUES ({_sqlite_values(table, 'NEW')}); END"
        )
    rebuild_sqlite(connection)


def rebuild_sqlite(connection: Connection) -> None:
    for statement in SQLITE_REBUILD:
        connection.exec_driver_sql(statement)


def _index_rows(table: str, where: str = "") -> str:
    """Index `table`'s records (those `where` picks), newest first: FTS5 keeps the terms
    of a transaction in memory while the rowids it is given grow, and writes them out as a
    new segment, to be merged later, whenever one does not. A record's rowid falls as its id
    grows (`kind_top`), so in id order every row made a segment of its own: a rebuild took
    three times as long."""
    return f'{_INSERT} SELECT {_sqlite_values(table, table)} FROM "{table}"{where} ORDER BY id DESC'


# FTS5 writes its terms out when they pass this much memory (its `hashsize`, 1 MiB by
# default, kept in search_index_config): a bulk fill with 16 MiB writes fewer, larger
# segments and merges less (a third less time at 100k leads); back to the default after.
BULK_HASHSIZE = 16 << 20
DEFAULT_HASHSIZE = 1 << 20
_HASHSIZE = "INSERT INTO search_index (search_index, rank) VALUES ('hashsize', {})"

# Index every record again: the migration, and a bulk load that ran without the triggers.
SQLITE_REBUILD = (
    "DELETE FROM search_index",
    _HASHSIZE.format(BULK_HASHSIZE),
    *(_index_rows(table) for table in KINDS),
    _HASHSIZE.format(DEFAULT_HASHSIZE),
)


@contextmanager
def indexed_at_the_end(connection: Connection, table: str, after: int) -> Iterator[None]:
    """Records inserted into `table` in the block (ids above `after`, the largest before
    it, which the caller has read: SQLite gives a new record the largest id so far plus
    one) are indexed once at its end, in one statement, newest first, rather than by the
    insert trigger row by row (in id order, the order FTS5 handles worst: see
    `_index_rows`; with the trigger, 200k rows imported into a new database cost the
    writer twice the CPU a row). The trigger is dropped and made again from its own
    definition inside the caller's transaction, which holds the write lock: nobody else
    writes meanwhile, and a rollback brings it back untouched. On PostgreSQL the trigram
    indexes are the table's own: nothing to do."""
    if connection.dialect.name != "sqlite":
        yield
        return
    name = f"search_{table}_insert"
    trigger = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).scalar_one()
    connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        connection.exec_driver_sql(_index_rows(table, f" WHERE id > {int(after)}"))
        connection.exec_driver_sql(trigger)


def _document(table: str) -> str:
    digits = "regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')"
    person = ["coalesce(first_name, '')", "last_name"]
    email = "coalesce(email, '')"
    parts = {
        "lead": [*person, "company", email, digits],
        "contact": [*person, email, digits],
        "account": ["name", "coalesce(domain, '')", "coalesce(website, '')", digits],
        "opportunity": ["name"],
    }[table]
    return "lower(" + " || ' ' || ".join(parts) + ")"


# PostgreSQL: each table's searchable text, as its trigram index and the queries spell it.
DOCUMENTS = {table: _document(table) for table in KINDS}
# What the migration makes outside the models: SQLite's tables (FTS5 adds shadow tables
# named after it), PostgreSQL's indexes.
SEARCH_TABLES = ("search_index", "search_terms")
SEARCH_INDEXES = {f"ix_{table}_search" for table in KINDS}


def trigram_schema(connection: Connection) -> str:
    """The schema pg_trgm lives in (its operator class and operators are named in it)."""
    return connection.exec_driver_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    ).scalar_one()


def _install_postgresql(connection: Connection) -> None:
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    schema = trigram_schema(connection)
    for table, document in DOCUMENTS.items():
        connection.exec_driver_sql(
            f'CREATE INDEX ix_{table}_search ON "{table}" '
            f"USING gin (({document}) {schema}.gin_trgm_ops)"
        )
