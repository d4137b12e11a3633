"""Writing the demo data set through the raw DBAPI connection, in one transaction: the
column layout of the generated rows, what both databases share, and PostgreSQL (COPY; the id
sequences moved past the explicit ids afterwards). SQLite is in `sqlite_load`.

Secondary indexes are dropped first and re-created at the end from the definitions the
database itself holds, so they come back exactly as the migrations made them; the few that
the rows reach in key order stay, since appending to them costs less than a rebuild.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from sqlalchemy import Engine

from workstation.store.models import SQLModel

# Column order of the generated tuples. "?" marks a nullable column whose NULL the
# generator writes as 0 (integer columns) or "" (the others).
COLUMNS = {
    "rep": "id name name_key email role capacity active created_at",
    "call_script": "id name body questions updated_at",
    "campaign": "id name channel offer product start_date end_date? active call_script_id "
    "email_template created_at",
    "campaign_member_status": "campaign_id label sort_order is_default has_responded",
    "account": "id name website domain industry employees phone state country owner_id active "
    "created_at",
    "opportunity": "id account_id name amount_cents stage probability close_date owner_id "
    "lead_source campaign_id? is_closed created_at",
    "contact": "id account_id first_name last_name title email phone state country time_zone "
    "lead_source lifecycle_stage owner_id score do_not_call email_opt_out is_reference "
    "reference_type? reference_use_count active rejected_reason? created_at assigned_at "
    "last_activity_at? callback_at? attempt_count version updated_at",
    "opportunity_contact_role": "opportunity_id contact_id role? is_primary created_at",
    "lead": "id first_name last_name title company email phone website industry employees "
    "street city state postal_code country time_zone lead_source lead_type campaign_id status "
    "is_open lifecycle_stage owner_id? existing_account_id? score do_not_call email_opt_out "
    "created_at assigned_at? last_activity_at? callback_at? attempt_count rejected_reason? "
    "is_converted converted_at? converted_account_id? converted_contact_id? "
    "converted_opportunity_id? version updated_at",
    "campaign_member": "campaign_id lead_id? contact_id? status has_responded responded_at? "
    "created_at",
    "activity": "lead_id? contact_id? account_id? opportunity_id? rep_id kind disposition? "
    "subject notes answers? duration_seconds? occurred_at due_at?",
    "history": "entity entity_id field old_value? new_value? rep_id? reason? at",
}
# Parents before children, so every batch satisfies the foreign keys PostgreSQL checks.
TABLES = tuple(COLUMNS)
EXPLICIT_IDS = tuple(t for t, columns in COLUMNS.items() if columns.startswith("id "))

# Indexes kept up to date during the load, which costs less than building them afterwards:
# the rows reach them in key order (ids ascending, children after their parents), or they
# hold few of the rows (building one would still read the whole table). Every other
# secondary index is dropped for the load and rebuilt at the end. None is UNIQUE: SQLite
# cannot copy raw records into a table with a UNIQUE index that holds rows already.
# Not the contact indexes of activities and campaign members: the converted leads, built
# with the leads, reach them at random contacts, and the page splits left 82 % of
# ix_activity_contact empty (194 MB instead of 34 at data set L).
KEPT_INDEXES = {
    "ix_activity_lead", "ix_member_lead", "ix_history_entity", "ix_contact_account_id",
    "ix_opportunity_account_id", "ix_activity_rep", "ix_lead_claimed",
}  # fmt: skip


def columns(table: str) -> list[tuple[str, int | str | None]]:
    """(column, the value that stands for NULL, or None) in generated-tuple order."""
    sa_table = SQLModel.metadata.tables[table]
    out: list[tuple[str, int | str | None]] = []
    for spec in COLUMNS[table].split():
        name = spec.rstrip("?")
        if not spec.endswith("?"):
            out.append((name, None))
        else:
            out.append((name, 0 if sa_table.c[name].type.python_type is int else ""))
    return out


class Batch:
    """Jobs handed to a loader. `results()` gives each job's result (its side information)
    in job order, as soon as it is built; `write()` puts the rows of the results given so
    far into the database. This loader writes them as it builds them: nothing is left."""

    def __init__(self, results: Iterator) -> None:
        self._results = results

    def results(self) -> Iterator:
        return self._results

    def write(self) -> None:
        """Rows of the results given so far into the database."""


class Loader:
    """One transaction: begun on entry (secondary indexes dropped), committed on a clean exit,
    rolled back otherwise."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.counts: Counter[str] = Counter()
        self.indexes: list[tuple[str, str, str]] = []  # (table, index, CREATE statement)

    def __enter__(self) -> Loader:
        self.raw = self.engine.raw_connection()
        db = self.raw.driver_connection
        assert db is not None  # just checked out of the pool, so open
        self.db = db  # sqlite3's or psycopg's: each loader uses its own driver's API
        try:
            self.begin()
        except BaseException:
            self.end()
            self.raw.close()
            raise
        return self

    def __exit__(self, kind, _error, _traceback) -> None:
        try:
            if kind is None:
                self.finish()
                self.db.commit()
            else:
                self.db.rollback()
        finally:
            try:
                self.end()
            finally:
                self.raw.close()

    def begin(self) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Last statements of a load that went well."""

    def end(self) -> None:
        """Undo what `begin` changed on the connection, whatever happened."""

    def fetch(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        cursor = self.db.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def count(self, table: str) -> int:
        return self.fetch(f'SELECT count(*) FROM "{table}"')[0][0]

    def reference(self, table: str) -> dict[str, tuple[bool, ...]]:
        """name → (is_closed, is_converted, is_won) of a reference table's rows."""
        cursor = self.db.cursor()
        cursor.execute(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        cursor.close()
        flags = [
            names.index(f) if f in names else None for f in ("is_closed", "is_converted", "is_won")
        ]
        key = names.index("name")
        return {row[key]: tuple(i is not None and bool(row[i]) for i in flags) for row in rows}

    def load(self, function, context, jobs: list[tuple], groups: int | None = None) -> Batch:
        """Run function(context, *job) for each job and write the rows of each result.
        `groups` is how many scratch files a parallel loader spends on these jobs (None:
        all it has left)."""
        return Batch(self._run(function, context, jobs))

    def _run(self, function, context, jobs: list[tuple]) -> Iterator:
        for job in jobs:
            result = function(context, *job)
            self.write_all(result.rows)
            yield result

    def write_all(self, rows: dict[str, list[tuple]]) -> None:
        for table in TABLES:
            batch = rows.get(table)
            if batch:
                self.write(table, batch)
                self.counts[table] += len(batch)

    def write(self, table: str, rows: list[tuple]) -> None:
        raise NotImplementedError

    def drop_indexes(self, names_sql: str, params) -> None:
        self.indexes = [i for i in self.fetch(names_sql, params) if i[1] not in KEPT_INDEXES]
        for _table, name, _sql in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')

    def create_indexes(self, tables, progress: Callable[[int], None]) -> int:
        """Re-create the dropped indexes of `tables`; how many were built."""
        built = [index for index in self.indexes if index[0] in tables]
        for done, (_table, _name, sql) in enumerate(built, start=1):
            self.db.execute(sql)
            progress(done)
        self.indexes = [index for index in self.indexes if index not in built]
        return len(built)


class PostgresLoader(Loader):
    def begin(self) -> None:
        db = self.db
        db.execute("SET LOCAL TIME ZONE 'UTC'")  # the generator writes UTC without an offset
        # Nobody else writes while the tables lose their indexes and gain their rows.
        db.execute(
            "LOCK TABLE " + ", ".join(f'"{t}"' for t in TABLES) + " IN SHARE ROW EXCLUSIVE MODE"
        )
        self.copy_sql: dict[str, str] = {}
        self.nulls: dict[str, list[tuple[int, object]]] = {}
        for table in TABLES:
            cols = columns(table)
            self.copy_sql[table] = f'COPY "{table}" ({", ".join(c for c, _ in cols)}) FROM STDIN'
            self.nulls[table] = [(i, null) for i, (_, null) in enumerate(cols) if null is not None]
        # Indexes backing a constraint (primary keys, UNIQUE columns) stay.
        self.drop_indexes(
            "SELECT t.relname, i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) "
            "ORDER BY t.relname, i.relname",
            (list(TABLES),),
        )

    def write(self, table: str, rows: list[tuple]) -> None:
        nulls = self.nulls[table]
        with self.db.cursor() as cursor, cursor.copy(self.copy_sql[table]) as copy:
            for row in rows:
                if nulls:
                    values = list(row)
                    for i, null in nulls:
                        if values[i] == null:
                            values[i] = None
                    copy.write_row(values)
                else:
                    copy.write_row(row)

    def finish(self) -> None:
        # Rows came with explicit ids: the next id the application takes must follow them.
        for table in EXPLICIT_IDS:
            self.db.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT max(id) FROM "{table}"))'
            )
