"""`workstation recycle` (meant for cron): every move between marketing's pool and sales'
that is due, found by `FINDERS` and made in one transaction, each with its reason in the
history; a dry run lists the same moves and writes nothing. A second run moves nothing:
each finder leaves out what its moves produce.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from workstation.store.db import write_session
from workstation.store.marketing.demotion import find_ignored, find_rejected, find_unresponsive
from workstation.store.marketing.moves import Finder, Move, RecycleRules, make_moves
from workstation.store.marketing.promotion import find_promotions
from workstation.store.marketing.recent_activity import find_expired
from workstation.store.models import utcnow
from workstation.store.permissions import require_manager

# In order: a record two finders would move is moved by the first only.
FINDERS: tuple[Finder, ...] = (
    find_promotions,
    find_rejected,
    find_unresponsive,
    find_ignored,
    find_expired,
)


def due_moves(
    session: Session, rules: RecycleRules, now: datetime, finders: tuple[Finder, ...] = FINDERS
) -> list[Move]:
    """The moves due at `now`, each record once."""
    moves: list[Move] = []
    seen: set[tuple[str, int]] = set()
    for finder in finders:
        for move in finder(session, rules, now):
            if (move.kind, move.id) not in seen:
                seen.add((move.kind, move.id))
                moves.append(move)
    return moves


def recycle(
    engine: Engine,
    *,
    rules: RecycleRules,
    acting_rep_id: int | None,
    dry_run: bool = False,
    at: datetime | None = None,
    finders: tuple[Finder, ...] = FINDERS,
) -> list[Move]:
    """Find the due moves and (unless `dry_run`) make them, all in one transaction; the
    moves made (a record changed meanwhile is left for the next run). A manager's job
    (None: a system task, such as cron on a database without reps)."""
    at = at or utcnow()
    if dry_run:
        with Session(engine) as session:
            if acting_rep_id is not None:
                require_manager(session, acting_rep_id, "recycle leads and Names")
            return due_moves(session, rules, at, finders)
    with write_session(engine) as session:
        if acting_rep_id is not None:
            require_manager(session, acting_rep_id, "recycle leads and Names")
        due = due_moves(session, rules, at, finders)
        return make_moves(session, due, acting_rep_id, at)
