"""Engine and session factory built from a database URL.

SQLite (the default, one file in the user data directory) gets foreign keys, WAL, a busy
timeout and a file created mode 0600 before SQLite ever opens it. Readers never take the
write lock (WAL lets them read a snapshot while one writer writes); a writer that finds the
lock held longer than the busy timeout backs off and tries again, within a bound, and then
says so in one line (`DatabaseBusy`). PostgreSQL goes through
psycopg 3 (`postgresql+psycopg://…`). A URL's password never leaves this module unmasked:
use `safe_url()` for anything shown to a person.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from workstation.passwords import MASK, password_quoted, remember, scrub
from workstation.store.errors import DatabaseError
from workstation.store.rep_names import rep_name_key

SessionFactory = Callable[[], Session]
T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000
# How long a writer may wait in all for SQLite's write lock, busy timeouts and backoffs
# together, before it gives up and says so.
WRITE_WAIT_SECONDS = 30.0
FIRST_BACKOFF_SECONDS = 0.05
MOST_BACKOFF_SECONDS = 1.0


class DatabaseBusy(DatabaseError):
    """Another connection held SQLite's write lock for longer than a writer waits."""


def normalise_url(url: str | URL) -> URL:
    """Parse a URL; plain `postgresql://` means psycopg 3, the driver we ship. An unencoded
    `@` in the password belongs to it (the host follows the last `@`), and the password is
    masked in every message from now on (`passwords.scrub`)."""
    if isinstance(url, str):
        remember(url)
        parsed = make_url(password_quoted(url))
    else:
        parsed = url
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def safe_url(url: str | URL) -> str:
    """The URL as a person may see it: the password masked, in the userinfo and in a
    `password` query parameter."""
    try:
        parsed = normalise_url(url)
        query = {k: MASK if k.lower() == "password" else v for k, v in parsed.query.items()}
        return scrub(parsed.set(query=query).render_as_string(hide_password=True))
    except Exception:  # an unparseable URL may still hold a password: show none of it
        return "<unparseable database URL>"


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for in-memory and non-SQLite URLs."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


_SQLITE_HEADER = b"SQLite format 3\x00"


def check_sqlite_file(path: Path, *, create: bool) -> None:
    """Refuse, before anything touches it, a file that is not a workstation database.

    A file that is not SQLite, or a SQLite database holding tables of someone else's (no
    `alembic_version`), is refused whatever the command. A missing or empty file is a new
    database only where `create` says the command makes one.
    """
    size = path.stat().st_size if path.is_file() else None
    if path.exists() and size is None:
        raise DatabaseError(f"{path} is not a file: give the path of a database file")
    if not size:
        if create:
            return
        raise DatabaseError(
            f"there is no workstation database at {path}: `workstation db upgrade` makes "
            "one there (so do `workstation demo` and `workstation import`)"
        )
    with open(path, "rb") as file:
        if file.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            raise DatabaseError(f"{path} is not a SQLite database: nothing was changed")
    try:
        look = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {name for (name,) in look.execute(_TABLES)}
        finally:
            look.close()
    except sqlite3.Error as error:
        raise DatabaseError(f"cannot read {path}: {error}") from None
    if tables and "alembic_version" not in tables:
        raise DatabaseError(
            f"{path} holds a SQLite database that is not a workstation's ({len(tables)} "
            "tables of its own): nothing was changed"
        )
    if not tables and not create:
        raise DatabaseError(
            f"{path} is an empty database: `workstation db upgrade` makes it a workstation's"
        )


_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"


def _create_private_file(path: Path) -> None:
    """Create the database file (and its WAL/SHM companions) readable by the owner only.

    SQLite gives -wal and -shm the permissions of the main file, so a 0600 main file
    keeps all three private. The files of an existing database (checked to be ours by
    `check_sqlite_file`) are tightened too.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if companion.exists():
            os.chmod(companion, 0o600)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # The driver's own transaction handling is off (isolation_level=None below) so that
    # SQLAlchemy's "begin" event can issue BEGIN IMMEDIATE for writers: see `write_session`.
    dbapi_connection.create_function("ws_name_key", 1, rep_name_key, deterministic=True)
    guard_sqlite_ddl(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # A REPLACE deletes the row it replaces: with this on, the delete meets the delete
    # guards (`guards.py`) instead of slipping past them.
    cursor.execute("PRAGMA recursive_triggers=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _refuse_drops(action: int, arg1: str | None, arg2: str | None, database, _source) -> int:
    """No DROP TABLE or ALTER TABLE on the database's own tables outside a migration."""
    if action == sqlite3.SQLITE_ALTER_TABLE:  # its arguments: the database, the table
        database, table = arg1, arg2
    elif action == sqlite3.SQLITE_DROP_TABLE:  # the table, then nothing
        table = arg1
    else:
        return sqlite3.SQLITE_OK
    if database == "main" and not (table or "").startswith("sqlite_"):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def guard_sqlite_ddl(dbapi_connection, *, on: bool = True) -> None:
    """Refuse (on) or allow (off, for a migration) dropping or altering tables on one of
    the store's SQLite connections. SQLite has no DDL triggers: this guards the store's
    own connections, not another program's."""
    dbapi_connection.set_authorizer(_refuse_drops if on else None)


def _sqlite_begin(conn) -> None:
    mode = "IMMEDIATE" if conn.get_execution_options().get("write_lock") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str | URL, *, echo: bool = False, create: bool = True, **options) -> Engine:
    """An engine for `url` with this project's connection settings applied. A SQLite file
    that is not a workstation database is refused untouched; a missing one is created only
    with `create`."""
    parsed = normalise_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(parsed)
        if path is not None:
            check_sqlite_file(path, create=create)
            _create_private_file(path)
        engine = create_engine(
            parsed,
            echo=echo,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "isolation_level": None},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        options.setdefault("pool_pre_ping", True)
        return create_engine(parsed, echo=echo, **options)
    raise DatabaseError(
        f"unsupported database {safe_url(parsed)}: use sqlite:///PATH or postgresql://…"
    )


def session_factory(engine: Engine) -> SessionFactory:
    """Sessions that keep loaded values usable after commit (screens get plain data)."""

    def open_session() -> Session:
        return Session(engine, expire_on_commit=False)

    return open_session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction, committed on success and rolled back on any error.

    On SQLite it takes the write lock up front (BEGIN IMMEDIATE): two writers then never
    deadlock on a lock upgrade; the second waits out the busy timeout, and then backs off
    and tries again (`begin_writing`).
    """
    with Session(engine.execution_options(write_lock=True), expire_on_commit=False) as session:
        try:
            # Begin now, so the lock is held before the first read.
            begin_writing(session.connection, session.rollback)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def _is_busy(error: OperationalError) -> bool:
    cause = error.orig
    code = getattr(cause, "sqlite_errorcode", None)
    return (
        isinstance(cause, sqlite3.OperationalError)
        and code is not None
        and code & 0xFF
        in (
            sqlite3.SQLITE_BUSY,
            sqlite3.SQLITE_LOCKED,
        )
    )


def begin_writing(begin: Callable[[], T], undo: Callable[[], object]) -> T:
    """`begin()` a write transaction; on SQLite, retry a busy database (after `undo()`)
    with a growing pause until `WRITE_WAIT_SECONDS` of waits (each attempt's busy timeout
    and the pauses) are spent. Nothing has been done when BEGIN fails, so trying again is
    safe."""
    waited, backoff = 0.0, FIRST_BACKOFF_SECONDS
    while True:
        try:
            return begin()
        except OperationalError as error:
            if not _is_busy(error):
                raise
            undo()
            waited += BUSY_TIMEOUT_MS / 1000
            if waited + backoff > WRITE_WAIT_SECONDS:
                raise DatabaseBusy(
                    f"the database is busy: another program has held its write lock for "
                    f"{waited:.0f} s; nothing was changed, try again"
                ) from None
            _pause(backoff)
            waited += backoff
            backoff = min(backoff * 2, MOST_BACKOFF_SECONDS)
