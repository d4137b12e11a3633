"""Database-level guards: business records cannot be deleted, history cannot be rewritten,
the lookup tables keep their rows, rep names stay unique and the team keeps a manager.

The store never deletes, and these triggers make sure nothing else does either (a stray
SQL shell, a future bug): the database itself refuses. The triggers are installed by the
migrations, on SQLite and PostgreSQL alike.

SQLite has no TRUNCATE, and its REPLACE (`INSERT OR REPLACE`, `REPLACE INTO`) deletes the
row it replaces without firing delete triggers unless `recursive_triggers` is on: every
connection the store opens turns it on (`db.py`), so a REPLACE of a history row or a lead
meets the delete guard. SQLite has no trigger on DROP either: the store's own connections
refuse DROP TABLE outside a migration (an authorizer, `db.py`), and the file itself is its
owner's (mode 0600), who can always remove it. On PostgreSQL TRUNCATE meets a statement
trigger, and the app's roles own nothing, so they can drop nothing (`access.py`).
"""

from __future__ import annotations

from sqlalchemy import Connection

from workstation.store.models import BUSINESS_TABLES

# Reference data that records point at by name: rows are added or edited, never removed.
LOOKUP_TABLES = (
    "lead_status",
    "lifecycle_stage",
    "disposition",
    "opportunity_stage",
    "contact_role",
    "campaign_member_status",
)
LAST_MANAGER = "the last active manager stays one: make someone else a manager first"


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


def forbid_lookup_deletes_and_truncates(connection: Connection) -> None:
    """Lookup rows are never deleted; on PostgreSQL no guarded table can be truncated."""
    for table in LOOKUP_TABLES:
        _trigger(connection, table, "DELETE")
    if connection.dialect.name == "postgresql":
        for table in (*BUSINESS_TABLES, *LOOKUP_TABLES):
            connection.exec_driver_sql(
                f'CREATE TRIGGER forbid_truncate_{table} BEFORE TRUNCATE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION workstation_forbid()"
            )


def guard_log_table(connection: Connection, table: str) -> None:
    """A table added by a later migration that is a log (its rows are only ever
    inserted): no DELETE, no UPDATE, and on PostgreSQL no TRUNCATE."""
    _trigger(connection, table, "UPDATE")
    forbid_deleting(connection, table)


def forbid_deleting(connection: Connection, table: str) -> None:
    """A table added after the first migration gets its neighbours' guards: no delete
    (rows are archived), and on PostgreSQL no TRUNCATE."""
    _trigger(connection, table, "DELETE")
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f'CREATE TRIGGER forbid_truncate_{table} BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION workstation_forbid()"
        )


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


def guard_the_team(connection: Connection) -> None:
    """Rep names keyed as `models.rep_name_key` keys them, and the last active manager
    kept, whoever writes.

    SQLite: the store's connections know `ws_name_key` (Python's casefold); a trigger keys
    every name written by SQL, and one refuses to demote or retire the last manager (its
    writers are serialised, BEGIN IMMEDIATE, so the check sees every other change).
    PostgreSQL has no casefold before version 18: the store writes the key, and SQL that
    leaves it out gets lower(name). Two transactions each demoting the other manager would
    each still see the other as one; the trigger takes a transaction lock first, so the
    second waits for the first to commit and then sees it.
    """
    if connection.dialect.name == "postgresql":
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
        connection.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION ws_key_rep_name() RETURNS trigger AS $$ BEGIN "
            "IF NEW.name_key IS NULL OR (TG_OP = 'UPDATE' AND NEW.name IS DISTINCT FROM "
            "OLD.name AND NEW.name_key IS NOT DISTINCT FROM OLD.name_key) THEN "
            "NEW.name_key := lower(NEW.name); END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        connection.exec_driver_sql(
            "CREATE TRIGGER key_rep_name BEFORE INSERT OR UPDATE OF name, name_key ON rep "
            "FOR EACH ROW EXECUTE FUNCTION ws_key_rep_name()"
        )
        connection.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION ws_keep_a_manager() RETURNS trigger AS $$ BEGIN "
            "IF OLD.role = 'manager' AND OLD.active "
            "AND NOT (NEW.role = 'manager' AND NEW.active) THEN "
            f"PERFORM pg_advisory_xact_lock(hashtext('{schema}.rep managers')); "
            f"IF NOT EXISTS (SELECT 1 FROM \"{schema}\".rep WHERE role = 'manager' AND active "
            "AND id <> OLD.id) THEN "
            f"RAISE EXCEPTION '{LAST_MANAGER}' USING ERRCODE = 'check_violation'; "
            "END IF; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        connection.exec_driver_sql(
            "CREATE TRIGGER keep_a_manager BEFORE UPDATE OF role, active ON rep "
            "FOR EACH ROW EXECUTE FUNCTION ws_keep_a_manager()"
        )
        return
    for event in ("INSERT", "UPDATE OF name, name_key"):
        connection.exec_driver_sql(
            f"CREATE TRIGGER key_rep_name_{event.split()[0].lower()} AFTER {event} ON rep "
            "BEGIN UPDATE rep SET name_key = ws_name_key(NEW.name) WHERE id = NEW.id "
            "AND name_key IS NOT ws_name_key(NEW.name); END"
        )
    connection.exec_driver_sql(
        "CREATE TRIGGER keep_a_manager BEFORE UPDATE OF role, active ON rep "
        "WHEN OLD.role = 'manager' AND OLD.active AND NOT (NEW.role = 'manager' AND NEW.active) "
        f"BEGIN SELECT RAISE(ABORT, '{LAST_MANAGER}') WHERE NOT EXISTS "
        "(SELECT 1 FROM rep WHERE role = 'manager' AND active AND id <> OLD.id); END"
    )
