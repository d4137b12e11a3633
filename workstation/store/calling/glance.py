"""The first page of the working rep's queue, read with the sqlite3 module alone.

Importing SQLAlchemy, SQLModel and the models is most of a cold start (P2 of TARGETS.md).
On a SQLite file whose schema is current, the workstation paints its first frame from a
`Glance` (the rep, and the first page of their queue, or of the pool when theirs is
empty) and imports the rest of the store behind it.

The statements are the store's own: `glance_sql` holds `queues`' first-page queries as
SQLAlchemy compiles them for SQLite, and a test regenerates and compares them. Anything
unusual (another database, a missing file, a schema to migrate, an unknown rep, a locked
or damaged file) gives None, and the caller takes the ordinary way in, which reports it.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

from workstation.store.calling.glance_sql import PAGES
from workstation.store.rep_names import rep_name_key
from workstation.store.rows import ROW_COLUMNS, TIME_COLUMNS, Page, RepInfo, queue_row
from workstation.store.schema import HEAD

_TIMES = tuple(ROW_COLUMNS.index(name) for name in TIME_COLUMNS)
_REP = "SELECT id, name, role, capacity, active FROM rep"


class Glance(NamedTuple):
    rep: RepInfo
    queue_key: str  # "my-leads", or "pool" when the rep holds no callable lead
    page: Page


def sqlite_path(url: str) -> Path | None:
    """The file of a `sqlite:///…` URL; None for other databases and in-memory ones."""
    scheme, sep, rest = url.partition(":///")
    if not sep or scheme not in ("sqlite", "sqlite+pysqlite"):
        return None
    path = unquote(rest.partition("?")[0])
    return Path(path) if path and path != ":memory:" else None


def glance(url: str, rep_name: str | None, *, limit: int) -> Glance | None:
    """What the first frame shows, or None to take the ordinary way in."""
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return None
    try:
        db = sqlite3.connect(path, timeout=1.0)
    except sqlite3.Error:
        return None
    try:
        db.execute("PRAGMA query_only = ON")
        return _look(db, rep_name, limit)
    except sqlite3.Error:
        return None
    finally:
        db.close()


def _look(db: sqlite3.Connection, rep_name: str | None, limit: int) -> Glance | None:
    revision = db.execute("SELECT version_num FROM alembic_version").fetchone()
    if revision is None or revision[0] != HEAD:
        return None
    rep = _rep(db, rep_name)
    if rep is None:
        return None
    for key in ("my-leads", "pool"):
        page = _page(db, key, rep.id, limit)
        if page.rows or key == "pool":
            return Glance(rep, key, page)
    return None


def _rep(db: sqlite3.Connection, name: str | None) -> RepInfo | None:
    """As `reps.working_rep` finds them: by name (its key, as there), else the first
    active manager, else the first rep."""
    if name is not None:
        found = db.execute(f"{_REP} WHERE name_key = ?", (rep_name_key(name),)).fetchall()
    else:
        managers = db.execute(f"{_REP} WHERE role = 'manager' AND active ORDER BY id LIMIT 1")
        found = managers.fetchall() or db.execute(f"{_REP} ORDER BY id LIMIT 1").fetchall()
    if len(found) != 1:
        return None
    id_, rep_name, role, capacity, active = found[0]
    return RepInfo(id_, rep_name, role, capacity, bool(active))


def _page(db: sqlite3.Connection, key: str, rep_id: int, limit: int) -> Page:
    sql, defaults, order = PAGES[key]
    results = db.execute(sql, {**defaults, "rep_id": rep_id, "limit": limit + 1}).fetchall()
    values = [_typed(row) for row in results]
    rows = [queue_row("lead", row) for row in values[:limit]]
    next_after = None
    if len(values) > limit:
        last = values[limit - 1]
        next_after = tuple(last[ROW_COLUMNS.index(name)] for name in order)
    return Page(rows=rows, next_after=next_after)


def _typed(row: tuple) -> list:
    """Times as the store reads them: SQLite text, read as aware UTC datetimes."""
    values = list(row)
    for i in _TIMES:
        if values[i] is not None:
            values[i] = datetime.fromisoformat(values[i]).replace(tzinfo=UTC)
    return values
