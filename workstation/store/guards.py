"""Database-level guards: business records cannot be deleted, history cannot be rewritten.

The store never deletes, and these triggers make sure nothing else does either (a stray
SQL shell, a future bug): the database itself refuses. The triggers are installed by the
migrations, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import Connection

from workstation.store.models import BUSINESS_TABLES


def forbid_deletes(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION workstation_forbid() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '%% on %% is not allowed: business records are flagged, "
            "never removed', TG_OP, TG_TABLE_NAME; END $$ LANGUAGE plpgsql"
        )
    for table in BUSINESS_TABLES:
        _trigger(connection, table, "DELETE")
    _trigger(connection, "history", "UPDATE")


def _trigger(connection: Connection, table: str, operation: str) -> None:
    name = f"forbid_{operation.lower()}_{table}"
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f'CREATE TRIGGER {name} BEFORE {operation} ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION workstation_forbid()"
        )
    else:
        connection.exec_driver_sql(
            f'CREATE TRIGGER {name} BEFORE {operation} ON "{table}" BEGIN '
            f"SELECT RAISE(ABORT, '{operation} on {table} is not allowed: business records "
            "are flagged, never removed'); END"
        )
