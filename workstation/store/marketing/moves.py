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

from sqlalchemy import select
from sqlmodel import Session, col

from workstation.store.changes import change_contact, change_lead
from workstation.store.models import Contact, Lead
from workstation.store.rows import RECENT_DAYS
from workstation.store.values.rules import ATTEMPT_CAP, IGNORED_DAYS, NAME_THRESHOLD

PROMOTED = "promoted"  # a Name handed to sales
RETURNED = "returned"  # a lead handed back to marketing
BATCH = 200  # records locked per statement (one IN (...) list)


@dataclass(frozen=True, slots=True)
class RecycleRules:
    """The figures recycling follows (the settings `name_threshold`, `ignored_days`,
    `attempt_cap`: the cap of a lead source without a policy of its own;
    `recent_activity_days`: how long Contacted – Recent Activity lasts)."""

    name_threshold: int = NAME_THRESHOLD
    ignored_days: int = IGNORED_DAYS
    attempt_cap: int = ATTEMPT_CAP
    recent_activity_days: int = RECENT_DAYS


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
    # and its last activity then: logging an email moves no version, but it is activity
    last_activity_at: datetime | None = None

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


def make_move(session: Session, move: Move, *, rep_id: int | None, at: datetime) -> bool:
    """Make `move` in the caller's transaction (`make_moves`); False when it was not."""
    return bool(make_moves(session, [move], rep_id, at))


def make_moves(session: Session, moves: list[Move], rep_id: int | None, at: datetime) -> list[Move]:
    """Make `moves` in the caller's transaction, each with its reason in the history; the
    ones made. Their records are locked a batch at a time. A move whose record changed
    since it was found (another version, or an activity logged since) is left: on
    PostgreSQL a rep may log a call or an email between the finder's read and the row
    lock, and the move is then decided again on the next run."""
    records: dict[tuple[str, int], Lead | Contact] = {}
    for kind, model in (("lead", Lead), ("contact", Contact)):
        ids = [move.id for move in moves if move.kind == kind]
        for start in range(0, len(ids), BATCH):
            locked = (
                select(model)
                .where(col(model.id).in_(ids[start : start + BATCH]))
                .with_for_update()
                .execution_options(populate_existing=True)  # as read under the lock
            )
            records |= {(kind, r.id): r for r in session.execute(locked).scalars() if r.id}
    made: list[Move] = []
    for move in moves:
        record = records.get((move.kind, move.id))
        if record is None:  # not this login's to change (team mode)
            continue
        if move.version is not None and (record.version, record.last_activity_at) != (
            move.version,
            move.last_activity_at,
        ):
            continue
        if isinstance(record, Lead):
            change_lead(session, record, rep_id=rep_id, reason=move.reason, at=at, **move.changes)
        else:
            change_contact(
                session, record, rep_id=rep_id, reason=move.reason, at=at, **move.changes
            )
        for name, value in move.fields.items():
            setattr(record, name, value)
        session.add(record)
        made.append(move)
    session.flush()
    return made
