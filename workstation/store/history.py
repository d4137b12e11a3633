"""The append-only history: who changed a status, owner, stage or lifecycle stage, when,
from what, to what, and why. Rows are only ever inserted (the database refuses updates)."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime

from sqlalchemy import Connection, insert
from sqlmodel import Session

from workstation.store.models import History, utcnow

# Built once: rebuilding an insert costs more than running it, on the busiest write path.
_INSERT = insert(History)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def record_change(
    session: Session | Connection,
    *,
    entity: str,
    entity_id: int,
    field: str,
    old: object,
    new: object,
    rep_id: int | None,
    reason: str | None = None,
    at: datetime | None = None,
) -> None:
    """Log one change, in a session or (the imports) a connection; a no-op when nothing
    changed."""
    if _text(old) == _text(new):
        return
    # A history row needs nothing unflushed (the ids it names exist): inserting it flushes
    # nothing, so the caller's changes still go out together (a call with its state).
    quiet = session.no_autoflush if isinstance(session, Session) else nullcontext()
    with quiet:
        session.execute(
            _INSERT,
            {
                "entity": entity,
                "entity_id": entity_id,
                "field": field,
                "old_value": _text(old),
                "new_value": _text(new),
                "rep_id": rep_id,
                "reason": reason,
                "at": at or utcnow(),
            },
        )
