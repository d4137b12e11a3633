"""Assignment by open capacity (seed 002: "Leads get assigned to sales reps based on how many
open leads are in each sales queue"), reassignment and returning leads to the pool.

The API other modules call (keep these names and signatures):

    assign_pool_by_capacity(target, *, acting_rep_id, lead_ids=None, limit=None,
                            to_rep_ids=None, at=None) -> AssignmentSummary
    reassign(target, lead_ids, *, acting_rep_id, to_rep_id=None, spread=False,
             reason=None, at=None) -> ReassignSummary
    return_to_pool(target, lead_ids, *, acting_rep_id, reason=None, at=None) -> ReassignSummary
    set_capacity(target, rep_id, capacity, *, acting_rep_id) -> RepInfo
    rep_capacities(session, *, rep_ids=None) -> list[RepCapacity]

`target` is an Engine (the function runs its own write transaction: BEGIN IMMEDIATE on
SQLite) or a Session already inside the caller's write transaction (`write_session`), which
the function neither commits nor rolls back: an import or a claim can assign in the same
transaction as its own writes.

Open capacity = the rep's capacity − the open callable leads they hold, counted with the
predicate of the partial index ix_lead_queue (models.OWNED), so a count is one index range.
`assign_pool_by_capacity` gives unassigned open callable leads (the pool's best first, or
the ids given) to active sales reps (role "rep"; `to_rep_ids` names others, e.g. the rep who
claims), in proportion to their free capacity (`assign_plan.distribute`), and never beyond
a rep's capacity; what does not fit stays in the pool and is counted. Assigning
to anyone but yourself takes a manager.

Every owner change goes through `changes.change_lead`, so each lead gets its history row,
its new `assigned_at` and a version bump. Leads are loaded in chunks of `CHUNK` ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, bindparam, func, select, text
from sqlmodel import Session, col

from workstation.store.changes import change_lead
from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.history import record_change
from workstation.store.models import OWNED, POOL, Lead, Rep, utcnow
from workstation.store.permissions import require_manager, require_owner_or_manager
from workstation.store.reps import RepInfo, rep_info
from workstation.store.tables import table_of
from workstation.store.team.assign_plan import (
    AssignmentSummary,
    ReassignSummary,
    RepCapacity,
    distribute,
)
from workstation.store.values.text import clean_text

CHUNK = 500  # ids per IN (…) list: far below every driver's limit on bound values

lead = table_of(Lead).c

_OPEN_LEADS = (
    select(func.count()).select_from(Lead).where(lead.owner_id == bindparam("rep"), text(OWNED))
)
_POOL_COUNT = select(func.count()).select_from(Lead).where(text(POOL))
_POOL_BEST = (
    select(lead.id)
    .where(text(POOL))
    .order_by(lead.score.desc(), lead.created_at, lead.id)
    .limit(bindparam("n"))
    .with_for_update(skip_locked=True)
)


class AssignmentRefused(StoreError):
    """The assignment asked for is impossible (unknown lead or rep, no room …)."""


@contextmanager
def _transaction(target: Engine | Session) -> Iterator[Session]:
    if isinstance(target, Session):
        yield target
    else:
        with write_session(target) as session:
            yield session


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def rep_capacities(session: Session, *, rep_ids: Sequence[int] | None = None) -> list[RepCapacity]:
    """Active reps with their open callable leads: the sales reps, or the ones named."""
    return _capacities(session, rep_ids, lock=False)


def _capacities(
    session: Session, rep_ids: Sequence[int] | None, *, lock: bool
) -> list[RepCapacity]:
    statement = select(Rep).where(col(Rep.active)).order_by(col(Rep.id))
    if rep_ids is None:
        statement = statement.where(col(Rep.role) == "rep")
    else:
        statement = statement.where(col(Rep.id).in_(list(rep_ids)))
    if lock:
        # Locks the reps' rows on PostgreSQL, so two assigners never fill the same room.
        statement = statement.with_for_update()
    reps = list(session.execute(statement).scalars())
    if rep_ids is not None and len(reps) < len(set(rep_ids)):
        missing = set(rep_ids) - {rep.id for rep in reps}
        raise AssignmentRefused(f"no active rep with id {', '.join(map(str, sorted(missing)))}")
    capacities = []
    for rep in reps:
        assert rep.id is not None  # read from the database
        open_leads = session.execute(_OPEN_LEADS, {"rep": rep.id}).scalar_one()
        capacities.append(RepCapacity(rep.id, rep.name, rep.capacity, open_leads))
    return capacities


def _load(session: Session, lead_ids: Sequence[int]) -> dict[int, Lead]:
    found: dict[int, Lead] = {}
    for chunk in _chunks(lead_ids):
        statement = select(Lead).where(lead.id.in_(chunk)).with_for_update()
        found.update((row.id, row) for row in session.execute(statement).scalars())
    return found


def _apply(
    session: Session,
    leads: dict[int, Lead],
    owners: dict[int, int | None],
    *,
    acting_rep_id: int,
    reason: str | None,
    at: datetime,
) -> None:
    # Without autoflush, each history INSERT would first flush the previous lead's UPDATE
    # on its own; this way the leads' UPDATEs go out together in one executemany.
    with session.no_autoflush:
        for lead_id, owner in owners.items():
            change_lead(
                session, leads[lead_id], rep_id=acting_rep_id, owner_id=owner, reason=reason, at=at
            )
    session.flush()
    for row in leads.values():  # the caller's session may live on: keep it small
        session.expunge(row)


def _pool_candidates(session: Session, lead_ids: Sequence[int] | None, wanted: int) -> list[int]:
    """Pool leads to hand out, best first: the pool's best `wanted`, or those of
    `lead_ids` still in the pool."""
    if lead_ids is None:
        return list(session.execute(_POOL_BEST, {"n": wanted}).scalars())
    rows: list[Row[Any, Any, Any]] = []
    for chunk in _chunks(lead_ids):
        statement = (
            select(lead.id, lead.score, lead.created_at)
            .where(text(POOL), lead.id.in_(chunk))
            .with_for_update(skip_locked=True)
        )
        rows.extend(session.execute(statement).all())
    rows.sort(key=lambda row: (-row.score, row.created_at, row.id))
    return [row.id for row in rows]


def assign_pool_by_capacity(
    target: Engine | Session,
    *,
    acting_rep_id: int | None,
    lead_ids: Sequence[int] | None = None,
    limit: int | None = None,
    to_rep_ids: Sequence[int] | None = None,
    at: datetime | None = None,
) -> AssignmentSummary:
    """Give pool leads to the reps in proportion to their free capacity, never beyond it."""
    at = at or utcnow()
    with _transaction(target) as session:
        if to_rep_ids is not None and set(to_rep_ids) <= {acting_rep_id}:
            require_owner_or_manager(session, acting_rep_id, [], "claim leads from the pool")
        else:
            require_manager(session, acting_rep_id, "hand out the pool to reps")
        assert acting_rep_id is not None
        reps = _capacities(session, to_rep_ids, lock=True)
        room = sum(rep.free for rep in reps)
        wanted = room if limit is None else min(room, limit)
        requested = None if lead_ids is None else list(dict.fromkeys(lead_ids))
        candidates = _pool_candidates(session, requested, wanted)
        in_scope = (
            session.execute(_POOL_COUNT).scalar_one() if requested is None else len(candidates)
        )
        placed, _ = distribute(candidates[:wanted], reps)
        _apply(
            session,
            _load(session, list(placed)),
            dict(placed),
            acting_rep_id=acting_rep_id,
            reason="assigned by open capacity",
            at=at,
        )
        skipped = () if requested is None else tuple(sorted(set(requested) - set(candidates)))
        return AssignmentSummary(
            assigned=placed,
            left_in_pool=in_scope - len(placed),
            skipped=skipped,
            reps=tuple(reps),
        )


def _checked_leads(session: Session, lead_ids: Sequence[int]) -> dict[int, Lead]:
    ids = list(dict.fromkeys(lead_ids))
    if not ids:
        raise AssignmentRefused("no leads chosen")
    leads = _load(session, ids)
    missing = [lead_id for lead_id in ids if lead_id not in leads]
    if missing:
        raise AssignmentRefused(f"no lead with Id {', '.join(map(str, missing[:10]))}")
    converted = [lead_id for lead_id in ids if leads[lead_id].is_converted]
    if converted:
        raise AssignmentRefused(
            f"lead {', '.join(map(str, converted[:10]))} is converted and read-only; "
            "its contact carries on"
        )
    return leads


def _takes_room(row: Lead) -> bool:
    return row.is_open and not row.do_not_call


def _plan_for_one_rep(leads: dict[int, Lead], rep: RepCapacity) -> dict[int, int]:
    """Every lead not already theirs to `rep`, refused when they lack the room."""
    incoming = {i: row for i, row in leads.items() if row.owner_id != rep.rep_id}
    needed = sum(1 for row in incoming.values() if _takes_room(row))
    if needed > rep.free:
        raise AssignmentRefused(
            f"{rep.name} has room for {rep.free} more open leads (capacity {rep.capacity}, "
            f"holding {rep.open_leads}); {needed} chosen: choose fewer, or spread them"
        )
    return dict.fromkeys(incoming, rep.rep_id)


def _reason(reason: str | None) -> str | None:
    """A reason as typed, cleaned as every text entering the store is."""
    return clean_text(reason, label="the reason") if reason else None


def reassign(
    target: Engine | Session,
    lead_ids: Sequence[int],
    *,
    acting_rep_id: int | None,
    to_rep_id: int | None = None,
    spread: bool = False,
    reason: str | None = None,
    at: datetime | None = None,
) -> ReassignSummary:
    """Move leads to one rep (`to_rep_id`) or spread them by open capacity (`spread`).

    Spreading never gives a lead back to the rep it comes from; leads no rep has room for
    stay where they are (`unplaced`). Moving them to one rep who lacks the room is refused.
    """
    if (to_rep_id is None) == (not spread):
        raise AssignmentRefused("say where the leads go: one rep, or spread by capacity")
    at = at or utcnow()
    with _transaction(target) as session:
        require_manager(session, acting_rep_id, "reassign leads")
        assert acting_rep_id is not None
        leads = _checked_leads(session, lead_ids)
        if to_rep_id is not None:
            reps = _capacities(session, [to_rep_id], lock=True)
            placed = _plan_for_one_rep(leads, reps[0])
            unplaced: list[int] = []
        else:
            reps = _capacities(session, None, lock=True)
            placed, unplaced = distribute(
                list(leads),
                reps,
                current={i: row.owner_id for i, row in leads.items()},
                roomless={i for i, row in leads.items() if not _takes_room(row)},
            )
        owners: dict[int, int | None] = dict(placed)
        _apply(
            session,
            leads,
            owners,
            acting_rep_id=acting_rep_id,
            reason=_reason(reason) or ("spread by open capacity" if spread else "reassigned"),
            at=at,
        )
        return ReassignSummary(
            moved=owners,
            unchanged=tuple(i for i in leads if i not in placed and i not in unplaced),
            unplaced=tuple(unplaced),
            rep_names={rep.rep_id: rep.name for rep in reps},
        )


def return_to_pool(
    target: Engine | Session,
    lead_ids: Sequence[int],
    *,
    acting_rep_id: int | None,
    reason: str | None = None,
    at: datetime | None = None,
) -> ReassignSummary:
    """Give leads back to the shared pool. A rep may return their own; others' take a
    manager."""
    at = at or utcnow()
    with _transaction(target) as session:
        leads = _checked_leads(session, lead_ids)
        require_owner_or_manager(
            session,
            acting_rep_id,
            [row.owner_id for row in leads.values() if row.owner_id is not None],
            "return to the pool",
        )
        assert acting_rep_id is not None
        owners: dict[int, int | None] = {
            i: None for i, row in leads.items() if row.owner_id is not None
        }
        _apply(
            session,
            leads,
            owners,
            acting_rep_id=acting_rep_id,
            reason=_reason(reason) or "returned to the pool",
            at=at,
        )
        unchanged = tuple(i for i in leads if i not in owners)
        return ReassignSummary(moved=owners, unchanged=unchanged, unplaced=(), rep_names={})


# More open leads than anyone could call: beyond it a typo, not a capacity.
MAX_CAPACITY = 1_000_000


def check_capacity(capacity: int) -> None:
    if not 0 <= capacity <= MAX_CAPACITY:
        raise AssignmentRefused(
            f"capacity must be between 0 and {MAX_CAPACITY:,} open leads, not {capacity:,}"
        )


def set_capacity(
    target: Engine | Session,
    rep_id: int,
    capacity: int,
    *,
    acting_rep_id: int | None,
    at: datetime | None = None,
) -> RepInfo:
    """Change how many open leads a rep may hold (managers only; logged in history)."""
    check_capacity(capacity)
    with _transaction(target) as session:
        require_manager(session, acting_rep_id, "change a rep's capacity")
        rep = session.get(Rep, rep_id)
        if rep is None:
            raise AssignmentRefused(f"no rep with id {rep_id}")
        record_change(
            session,
            entity="rep",
            entity_id=rep_id,
            field="capacity",
            old=rep.capacity,
            new=capacity,
            rep_id=acting_rep_id,
            at=at,
        )
        rep.capacity = capacity
        session.add(rep)
        session.flush()
        return rep_info(rep)


def assigned_line(assigned: int, left_in_pool: int) -> str | None:
    """What an import's `--assign` did, as its report says it (None: it did nothing)."""
    if not (assigned or left_in_pool):
        return None
    return f"Assigned {assigned:,} new leads by open capacity; {left_in_pool:,} stay in the pool."
