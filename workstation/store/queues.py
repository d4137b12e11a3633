"""The call queues as paged queries: saved, ordered views that are never loaded whole.

Each queue is a filter that repeats a partial index's predicate literally (so SQLite uses
the index) and an order that the same index serves, and pages by key: the next page starts
after the last row of this one, so a page deep in a million rows costs what the first does.
Statements are built once at import; a page is one execution with bound values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select, text
from sqlmodel import Session

from workstation.store.models import CALLBACK, OWNED, POOL, Lead

lead = Lead.__table__.c


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of a queue: what a rep scans before picking up the phone."""

    id: int
    name: str
    company: str
    title: str | None
    phone: str | None
    status: str
    score: int
    attempt_count: int
    callback_at: datetime | None
    assigned_at: datetime | None
    created_at: datetime
    last_activity_at: datetime | None
    is_customer_inquiry: bool
    time_zone: str | None
    state: str | None
    country: str | None


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[QueueRow]
    # Where the next page starts (None: this was the last page).
    next_after: tuple[Any, ...] | None


@dataclass(frozen=True, slots=True)
class Queue:
    key: str
    title: str
    description: str
    where: ColumnElement[bool]
    order: tuple[tuple[Any, bool], ...]  # (column, descending)
    per_rep: bool


def _after(order: tuple[tuple[Any, bool], ...]) -> ColumnElement[bool]:
    """Rows strictly after a cursor in `order`, one bound value `k0, k1, …` per key.

    Mixed directions (score DESC, then time ASC) rule out a row-value comparison, so it is
    spelled out: a < x OR (a = x AND (b > y OR (b = y AND …))).
    """
    clause: ColumnElement[bool] | None = None
    for position in reversed(range(len(order))):
        column, descending = order[position]
        value = bindparam(f"k{position}")
        beyond = column < value if descending else column > value
        clause = beyond if clause is None else or_(beyond, and_(column == value, clause))
    assert clause is not None
    return clause


_COLUMNS = (
    lead.id,
    lead.first_name,
    lead.last_name,
    lead.company,
    lead.title,
    lead.phone,
    lead.status,
    lead.score,
    lead.attempt_count,
    lead.callback_at,
    lead.assigned_at,
    lead.created_at,
    lead.last_activity_at,
    lead.existing_account_id,
    lead.time_zone,
    lead.state,
    lead.country,
)

QUEUES: dict[str, Queue] = {
    q.key: q
    for q in (
        Queue(
            "my-leads",
            "My Leads",
            "Owned by you, open and callable, best first.",
            and_(lead.owner_id == bindparam("rep_id"), text(OWNED)),
            ((lead.score, True), (lead.assigned_at, False), (lead.id, False)),
            per_rep=True,
        ),
        Queue(
            "callbacks",
            "Call-backs",
            "Your scheduled callbacks, soonest first.",
            and_(lead.owner_id == bindparam("rep_id"), text(CALLBACK)),
            ((lead.callback_at, False), (lead.id, False)),
            per_rep=True,
        ),
        Queue(
            "pool",
            "New in Pool",
            "Unassigned open leads anyone may claim, best first.",
            text(POOL),
            ((lead.score, True), (lead.created_at, False), (lead.id, False)),
            per_rep=False,
        ),
    )
}


def _page_statement(queue: Queue, *, first: bool) -> Select:
    statement = select(*_COLUMNS).where(queue.where)
    if not first:
        statement = statement.where(_after(queue.order))
    order = [column.desc() if descending else column.asc() for column, descending in queue.order]
    return statement.order_by(*order).limit(bindparam("limit"))


_FIRST = {key: _page_statement(q, first=True) for key, q in QUEUES.items()}
_NEXT = {key: _page_statement(q, first=False) for key, q in QUEUES.items()}
# Claiming from the pool on PostgreSQL: rows another claimer has locked are passed over.
_LOCKED = {
    (key, first): statement.with_for_update(skip_locked=True)
    for key, statements in (("pool", (True, False)),)
    for first, statement in zip(statements, (_FIRST[key], _NEXT[key]), strict=True)
}
_COUNT = {key: select(func.count()).select_from(Lead).where(q.where) for key, q in QUEUES.items()}


def _row(values) -> QueueRow:
    first, last = values.first_name, values.last_name
    return QueueRow(
        id=values.id,
        name=f"{first} {last}" if first else last,
        company=values.company,
        title=values.title,
        phone=values.phone,
        status=values.status,
        score=values.score,
        attempt_count=values.attempt_count,
        callback_at=values.callback_at,
        assigned_at=values.assigned_at,
        created_at=values.created_at,
        last_activity_at=values.last_activity_at,
        is_customer_inquiry=values.existing_account_id is not None,
        time_zone=values.time_zone,
        state=values.state,
        country=values.country,
    )


def queue_page(
    session: Session,
    key: str,
    *,
    rep_id: int | None,
    after: tuple[Any, ...] | None = None,
    limit: int = 100,
    lock: bool = False,
) -> Page:
    """One page of a queue, starting after the cursor `after` (None: the first page).

    `lock` (the pool, on PostgreSQL) locks the rows read and skips rows locked by others.
    A locked page reads no look-ahead row (it would hold a lock for nothing): it may end
    with a cursor to an empty page.
    """
    queue = QUEUES[key]
    fetch = limit if lock else limit + 1
    params: dict[str, Any] = {"limit": fetch, "rep_id": rep_id}
    if lock:
        statement = _LOCKED[key, after is None]
    elif after is None:
        statement = _FIRST[key]
    else:
        statement = _NEXT[key]
    if after is not None:
        params.update({f"k{i}": value for i, value in enumerate(after)})
    results = session.execute(statement, params).all()
    rows = [_row(values) for values in results[:limit]]
    next_after = None
    if len(results) == fetch and results:
        last = results[limit - 1]
        next_after = tuple(getattr(last, column.name) for column, _ in queue.order)
    return Page(rows=rows, next_after=next_after)


def queue_count(session: Session, key: str, *, rep_id: int | None) -> int:
    return session.execute(_COUNT[key], {"rep_id": rep_id}).scalar_one()
