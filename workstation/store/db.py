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
from urllib.parse import unquote, urlsplit

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


# The database kinds the workstation runs on, and the one driver of each it is installed
# with: a URL naming another (psycopg2, asyncpg, pysqlcipher…) is refused in one line.
DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}
_EXAMPLES = {"sqlite": "sqlite:///PATH", "postgresql": "postgresql://USER@HOST/NAME"}


def normalise_url(url: str | URL) -> URL:
    """Parse a URL; plain `postgresql://` means psycopg 3, the driver we ship. An unencoded
    `@` in the password belongs to it (the host follows the last `@`), and the password is
    masked in every message from now on (`passwords.scrub`)."""
    try:
        if isinstance(url, str):
            remember(url)
            parsed = make_url(password_quoted(url))
        else:
            parsed = url
    except ValueError:  # SQLAlchemy reads the port as a number; its message may quote more
        raise DatabaseError(
            "bad database URL: its port is not a number (postgresql://USER@HOST:5432/NAME)"
        ) from None
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
    database = url.database
    if url.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return None
    if url.query.get("uri") == "true" and database.startswith("file:"):
        database = unquote(urlsplit(database).path)  # as `make_engine` opens a read-only file
    return Path(database)


_SQLITE_HEADER = b"SQLite format 3\x00"


def check_sqlite_file(path: Path, *, create: bool) -> None:
    """Refuse, before anything touches it, a file that is not a workstation database.

    A file that is not SQLite, or a SQLite database holding tables of someone else's (no
    `alembic_version`), is refused whatever the command. A missing or empty file is a new
    database only where `create` says the command makes one. The look inside writes
    nothing, not even SQLite's -wal and -shm files.
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
    try:
        with open(path, "rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise DatabaseError(f"cannot read {path}: {error.strerror or error}") from None
    if header != _SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a SQLite database: nothing was changed")
    wal = Path(f"{path}-wal")
    # No write-ahead log: the file is the whole database, and "immutable" reads it without
    # making a -shm; with one, SQLite must read it (and the -shm) to see the last commits.
    query = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        look = sqlite3.connect(f"{path.resolve().as_uri()}?{query}", uri=True)
        try:
            tables = {name for (name,) in look.execute(_TABLES)}
        finally:
            look.close()
    except sqlite3.Error as error:
        raise DatabaseError(f"cannot read {path}: {error}: nothing was changed") from None
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
    """Create the database file readable by the owner only; SQLite gives its -wal and -shm
    the main file's permissions, so all three stay private. An empty file given for a new
    database is tightened the same way; an existing database keeps its permissions (a
    shared file may be meant for a group)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
    except OSError as error:
        raise DatabaseError(
            f"cannot make a database at {path}: {error.strerror or error}"
        ) from None


def _writable(path: Path) -> bool:
    """Whether SQLite can write the database: the file, and the folder its -wal and -shm
    go in (unless both are there to be written)."""
    if not os.access(path, os.W_OK):
        return False
    companions = (Path(f"{path}-wal"), Path(f"{path}-shm"))
    return os.access(path.parent, os.W_OK) or all(os.access(c, os.W_OK) for c in companions)


def _read_only_options(path: Path) -> dict[str, str]:
    """How SQLite opens a file it cannot write: read-only; "immutable" too when not even its
    -shm could be made (a read-only file system) and no write-ahead log is left to read."""
    if os.access(path.parent, os.W_OK) or Path(f"{path}-shm").exists():
        return {"mode": "ro"}
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size:
        return {"mode": "ro"}  # SQLite says it cannot open it: better than stale reads
    return {"mode": "ro", "immutable": "1"}


def database_files(engine: Engine) -> list[Path]:
    """The files a SQLite database lives in (none for PostgreSQL): what no output may
    overwrite."""
    path = sqlite_path(engine.url)
    if path is None:
        return []
    return [path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal"))]


def is_read_only(engine: Engine) -> bool:
    """Whether `make_engine` opened the database read-only (a file it cannot write)."""
    return engine.url.query.get("mode") == "ro"


def _refuse_writes(path: Path) -> Callable:
    """SQLite's "attempt to write a readonly database", as one line naming the file."""

    def handle_error(context) -> None:
        original = context.original_exception
        name = getattr(original, "sqlite_errorname", "")
        if isinstance(original, sqlite3.Error) and name.startswith("SQLITE_READONLY"):
            raise read_only_refusal(path) from None

    return handle_error


def read_only_refusal(path: Path) -> DatabaseError:
    """The one line for a write to a SQLite file that cannot be written."""
    return DatabaseError(
        f"{path} is read-only (the file or its file system): this command writes to it, so "
        "nothing was changed; commands that only read it still work"
    )


def refuse_if_read_only(engine: Engine) -> None:
    """For work that writes through the driver itself, past SQLAlchemy's error handling
    (the demo loader): refuse a read-only file before it starts."""
    path = sqlite_path(engine.url)
    if path is not None and is_read_only(engine):
        raise read_only_refusal(path)


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
    if backend not in DRIVERS:
        raise DatabaseError(
            f"unsupported database {safe_url(parsed)}: use sqlite:///PATH or postgresql://…"
        )
    if parsed.get_driver_name() != DRIVERS[backend]:
        raise DatabaseError(
            f"the database driver {parsed.get_driver_name()!r} is not the one the workstation "
            f"is installed with: write {_EXAMPLES[backend]} (it uses {DRIVERS[backend]})"
        )
    if backend == "sqlite":
        path = sqlite_path(parsed)
        if path is None and not create:
            raise DatabaseError(
                "a database in memory holds no workstation data: give the path of a file, "
                "sqlite:///PATH"
            )
        if path is not None:
            check_sqlite_file(path, create=create)
            if not path.exists() or not path.stat().st_size:
                _create_private_file(path)
            if not _writable(path):
                query = {**parsed.query, **_read_only_options(path), "uri": "true"}
                parsed = parsed.set(database=path.resolve().as_uri(), query=query)
        engine = create_engine(
            parsed,
            echo=echo,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "isolation_level": None},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        if path is not None:
            event.listen(engine, "handle_error", _refuse_writes(path))
        return engine
    options.setdefault("pool_pre_ping", True)
    return create_engine(parsed, echo=echo, **options)


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
