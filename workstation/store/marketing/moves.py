"""A move between marketing's pool and sales' (or any change `workstation recycle` makes):
what it is, shown the same in a dry run and in the history, and how it is made.

A finder is a function (session, rules, now) → moves; `recycle.FINDERS` is the tuple of
them, so a new kind of move (the expiry of "Contacted – Recent Activity", say) is one
more function there. A move names the changes `changes.change_lead` / `change_contact`
make (status, lifecycle stage, owner) and plain fields to set beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from workstation.store.changes import change_contact, change_lead
from workstation.store.models import Contact, Lead
from workstation.store.values.rules import ATTEMPT_CAP, IGNORED_DAYS, NAME_THRESHOLD

PROMOTED = "promoted"  # a Name handed to sales
RETURNED = "returned"  # a lead handed back to marketing


@dataclass(frozen=True, slots=True)
class RecycleRules:
    """The figures recycling follows (the settings `name_threshold`, `ignored_days`,
    `attempt_cap`: the cap of a lead source without a policy of its own)."""

    name_threshold: int = NAME_THRESHOLD
    ignored_days: int = IGNORED_DAYS
    attempt_cap: int = ATTEMPT_CAP


@dataclass(frozen=True, slots=True)
class Move:
    kind: str  # "lead" or "contact"
    id: int
    name: str
    from_: str  # what it was (a lifecycle stage, or a status for a status move)
    to: str
    reason: str  # as the history keeps it
    flow: str  # PROMOTED, RETURNED, or another finder's word
    changes: dict[str, Any] = field(default_factory=dict)  # change_lead/change_contact's
    fields: dict[str, Any] = field(default_factory=dict)  # plain fields set beside them
    version: int | None = None  # the record's version when the move was found

    def shown(self) -> dict[str, Any]:
        """The move as `recycle --json` lists it."""
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "from": self.from_,
            "to": self.to,
            "reason": self.reason,
            "flow": self.flow,
        }


Finder = Callable[[Session, RecycleRules, datetime], Iterable[Move]]


def person_name(first: str | None, last: str) -> str:
    return f"{first} {last}" if first else last


def make_move(session: Session, move: Move, *, rep_id: int | None, at: datetime) -> bool:
    """Make `move` in the caller's transaction, with its reason in the history; False (and
    nothing done) when the record changed since the move was found: on PostgreSQL a rep
    may log a call between the finder's read and this row lock, and the move is then
    decided again on the next run."""
    record: Lead | Contact | None
    if move.kind == "lead":
        record = session.get(Lead, move.id, with_for_update=True, populate_existing=True)
    else:
        record = session.get(Contact, move.id, with_for_update=True, populate_existing=True)
    assert record is not None  # found in this transaction; records are never deleted
    if move.version is not None and record.version != move.version:
        return False
    if isinstance(record, Lead):
        change_lead(session, record, rep_id=rep_id, reason=move.reason, at=at, **move.changes)
    else:
        change_contact(session, record, rep_id=rep_id, reason=move.reason, at=at, **move.changes)
    for name, value in move.fields.items():
        setattr(record, name, value)
    session.add(record)
    return True
