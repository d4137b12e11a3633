"""Bringing a database to the current schema with Alembic.

Start-up only compares the database's revision with `HEAD` (one small query) and loads
Alembic when they differ, so opening an up-to-date database stays fast. A test checks that
`HEAD` names the newest migration.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy itself is imported when used: `calling.glance` reads HEAD without it
    from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0018_names"


def _alembic_config(connection: Connection | None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy import inspect, text

    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration the database lacks, in one transaction per run.

    On SQLite foreign keys are not enforced meanwhile (Alembic's advice): a migration that
    rebuilds a table drops the old one, which would otherwise delete its rows one by one
    and check every reference to them. The pragma cannot change inside a transaction, so it
    is set before, and back after.
    """
    from alembic import command

    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, "OFF")
            _sqlite_ddl(connection, allowed=True)
        try:
            with connection.begin():
                command.upgrade(_alembic_config(connection), revision)
                if not sqlite and revision == "head":
                    _team_access(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, "ON")
                _sqlite_ddl(connection, allowed=False)


def _sqlite_foreign_keys(connection: Connection, state: str) -> None:
    # Through the driver: SQLAlchemy would begin a transaction first, and inside one the
    # pragma does nothing.
    driver = connection.connection.driver_connection
    assert driver is not None  # the connection is checked out, so its driver's is open
    driver.execute(f"PRAGMA foreign_keys={state}")


def _team_access(connection: Connection) -> None:
    """PostgreSQL: the team's roles, grants and policies (`access.py`), set up again by
    the owner so that new tables are granted too."""
    from workstation.store.access import install, is_owner

    if is_owner(connection):
        install(connection)


def set_up_team_access(engine: Engine) -> None:
    """What `db upgrade` does on a database already at the head: the grants again."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            _team_access(connection)


def _sqlite_ddl(connection: Connection, *, allowed: bool) -> None:
    """A migration may rebuild tables (SQLite's ALTER is drop and create): the store's
    connections refuse that at other times (`db.guard_sqlite_ddl`)."""
    from workstation.store.db import guard_sqlite_ddl

    guard_sqlite_ddl(connection.connection.driver_connection, on=not allowed)


def ensure_current(engine: Engine) -> bool:
    """Upgrade when the database is behind; True when anything was applied. A database
    stamped by a newer version (or holding no workstation schema) is refused, as
    `open_engine` refuses it."""
    return _bring_up_to_date(engine, create=True)


def schema_state(engine: Engine) -> tuple[str | None, str]:
    """The database's revision, and where it stands against this version: "current",
    "behind" (a revision this version can upgrade), "ahead" (one it does not know: a newer
    version made it) or "empty" (no workstation schema)."""
    revision = current_revision(engine)
    if revision is None:
        return None, "empty"
    if revision == HEAD:
        return revision, "current"
    return revision, "behind" if revision in known_revisions() else "ahead"


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {
        script.revision
        for script in ScriptDirectory.from_config(_alembic_config(None)).walk_revisions()
    }


def _bring_up_to_date(engine: Engine, *, create: bool) -> bool:
    from workstation.store.db import is_read_only, safe_url, sqlite_path
    from workstation.store.errors import DatabaseError

    revision, state = schema_state(engine)
    if state == "current":
        return False
    path = sqlite_path(engine.url)
    where = str(path) if path is not None else safe_url(engine.url)
    if state == "ahead":
        raise DatabaseError(
            f"{where} is at schema revision {revision}, which this version of the workstation "
            f"does not know (it knows up to {HEAD}): a newer version made it; use that version, "
            "nothing was changed"
        )
    if state == "empty" and not create:
        raise DatabaseError(
            f"{where} holds no workstation database: `workstation db upgrade` makes one there "
            "(so do `workstation demo` and `workstation import`)"
        )
    if is_read_only(engine):
        raise DatabaseError(
            f"{where} is read-only and at schema revision {revision or 'none'}, but this "
            f"version needs {HEAD}: run `workstation db upgrade` where it can be written"
        )
    upgrade(engine)
    return True


def open_engine(url: str, *, create: bool = False) -> Engine:
    """An engine on the database at `url`, brought up to the current schema: how the app
    and every command open their database. Only with `create` does a missing SQLite file
    become a new database (the app's first run, `demo`, `import`, `db upgrade`), or a
    database without our schema get it. A database from a newer version is refused."""
    from workstation.store.db import make_engine

    engine = make_engine(url, create=create)
    try:
        _bring_up_to_date(engine, create=create)
    except BaseException:
        engine.dispose()
        raise
    return engine


def script_heads() -> list[str]:
    from alembic.script import ScriptDirectory

    config = _alembic_config(None)
    return list(ScriptDirectory.from_config(config).get_heads())
