"""The call queues as paged queries: saved, ordered views that are never loaded whole.

Each queue is a filter that repeats a partial index's predicate literally (so SQLite uses
the index) and an order that the same index serves, and pages by key: the next page starts
after the last row of this one, so a page deep in a million rows costs what the first does.
Statements are built once at import; a page is one execution with bound values. A saved
filter (`store/filters`) is a queue too, its key "filter:<id>": its statements are built
the first time it is read, and kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    TextClause,
    and_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
)
from sqlmodel import Session, col

from workstation.store.conversion.rules import REJECTED
from workstation.store.filters import criteria as filters
from workstation.store.filters.criteria import Criteria
from workstation.store.models import (
    CALLBACK,
    NURTURE,
    OWNED,
    POOL,
    Account,
    Contact,
    Lead,
    Opportunity,
)
from workstation.store.reference import CONTACTED
from workstation.store.rows import (
    QUEUE_INFO,
    RECENT_DAYS,
    Page,
    QueueInfo,
    QueueRow,
    queue_row,
)
from workstation.store.tables import table_of

lead = table_of(Lead).c
contact = table_of(Contact).c
account = table_of(Account).c
__all__ = ["QUEUES", "Page", "QueueRow", "queue_count", "queue_page"]

# A queue's filter: an expression, or a partial index's predicate as literal SQL text.
Filter = ColumnElement[bool] | TextClause


@dataclass(frozen=True, slots=True)
class Queue(QueueInfo):
    where: Filter
    order: tuple[tuple[Any, bool], ...]  # (column, descending)


def _queue(key: str, where: Filter, order: tuple[tuple[Any, bool], ...]) -> Queue:
    info = QUEUE_INFO[key]
    return Queue(key, info.title, info.description, info.kind, where, order)


def _after(order: tuple[tuple[Any, bool], ...]) -> ColumnElement[bool]:
    """Rows strictly after a cursor in `order`, one bound value `k0, k1, …` per key.

    Mixed directions (score DESC, then time ASC) rule out a row-value comparison, so it is
    spelled out: a < x OR (a = x AND (b > y OR (b = y AND …))).
    """
    clause: ColumnElement[bool] | None = None
    for position in reversed(range(len(order))):
        column, descending = order[position]
        value: BindParameter[Any] = bindparam(f"k{position}")
        beyond = column < value if descending else column > value
        clause = beyond if clause is None else or_(beyond, and_(column == value, clause))
    assert clause is not None
    return clause


# Literal, not a bound value: the glance's SQL (`glance_sql`) carries no parameter for it.
_REJECTED: ColumnElement[str] = literal_column(f"'{REJECTED}'")
_LEAD_COLUMNS = (
    lead.id, lead.first_name, lead.last_name, lead.company, lead.title, lead.phone,
    lead.status, lead.score, lead.attempt_count, lead.callback_at, lead.assigned_at,
    lead.created_at, lead.last_activity_at,
    (lead.existing_account_id.is_not(None)).label("is_customer_inquiry"),
    lead.time_zone, lead.state, lead.country, lead.do_not_call,
    (lead.lifecycle_stage == _REJECTED).label("rejected"), lead.rejected_reason,
    lead.lead_source,
)  # fmt: skip
_CONTACT_COLUMNS = (
    contact.id, contact.first_name, contact.last_name,
    func.coalesce(account.name, "").label("company"), contact.title,
    contact.phone, contact.lifecycle_stage.label("status"), contact.score,
    contact.attempt_count, contact.callback_at, contact.assigned_at, contact.created_at,
    contact.last_activity_at, literal(False).label("is_customer_inquiry"),
    contact.time_zone, contact.state, contact.country, contact.do_not_call,
    (contact.lifecycle_stage == _REJECTED).label("rejected"), contact.rejected_reason,
    contact.lead_source,
)  # fmt: skip
_OPEN_OPPORTUNITY = (
    select(col(Opportunity.id))
    .where(col(Opportunity.account_id) == contact.account_id, col(Opportunity.is_closed).is_(False))
    .exists()
)
_MINE = lead.owner_id == bindparam("rep_id")
# Names are marketing's (`sales_hands`): the queues that do not test `is_open` leave them out.
_NOT_A_NAME = lead.lifecycle_stage != literal_column("'Name'")
# Due means due now: a callback at exactly now is due, a later one is upcoming.
_DUE = lead.callback_at <= bindparam("now")

QUEUES: dict[str, Queue] = {
    q.key: q
    for q in (
        _queue("my-leads", and_(_MINE, text(OWNED)),
               ((lead.score, True), (lead.assigned_at, False), (lead.id, False))),
        _queue("callbacks", and_(_MINE, text(CALLBACK), _DUE),
               ((lead.callback_at, False), (lead.id, False))),
        _queue("callbacks-upcoming", and_(_MINE, text(CALLBACK), ~_DUE),
               ((lead.callback_at, False), (lead.id, False))),
        _queue("pool", text(POOL),
               ((lead.score, True), (lead.created_at, False), (lead.id, False))),
        _queue("contacts",
               and_(contact.owner_id == bindparam("rep_id"), text("contact.active"),
                    text("contact.lifecycle_stage NOT IN ('Name', 'Rejected', 'Inactive')"),
                    ~_OPEN_OPPORTUNITY),
               ((contact.id, False),)),
        _queue("nurture", and_(_MINE, text(NURTURE), _NOT_A_NAME), ((lead.id, True),)),
        _queue("contacted",
               and_(_MINE, lead.owner_id.is_not(None), lead.status == literal(CONTACTED),
                    lead.last_activity_at >= bindparam("since"), _NOT_A_NAME),
               ((lead.last_activity_at, True), (lead.id, True))),
    )
}  # fmt: skip


def _select(queue: Queue) -> Select:
    if queue.kind == "lead":
        return select(*_LEAD_COLUMNS)
    return select(*_CONTACT_COLUMNS).select_from(
        table_of(Contact).outerjoin(table_of(Account), account.id == contact.account_id)
    )


def _page_statement(queue: Queue, *, first: bool) -> Select:
    statement = _select(queue).where(queue.where)
    if not first:
        statement = statement.where(_after(queue.order))
    order = [column.desc() if descending else column.asc() for column, descending in queue.order]
    return statement.order_by(*order).limit(bindparam("limit"))


@dataclass(frozen=True, slots=True)
class _Statements:
    queue: Queue
    first: Select
    following: Select
    count: Select


_FIRST = {key: _page_statement(q, first=True) for key, q in QUEUES.items()}
_NEXT = {key: _page_statement(q, first=False) for key, q in QUEUES.items()}
_COUNT = {
    key: select(func.count()).select_from(Lead if q.kind == "lead" else Contact).where(q.where)
    for key, q in QUEUES.items()
}
_BUILT_IN = {key: _Statements(q, _FIRST[key], _NEXT[key], _COUNT[key]) for key, q in QUEUES.items()}


def _params(rep_id: int | None, now: datetime | None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    return {"rep_id": rep_id, "now": now, "since": now - timedelta(days=RECENT_DAYS)}


@lru_cache(maxsize=256)
def _filter_statements(key: str, title: str, criteria: Criteria) -> _Statements:
    """A saved filter's statements, built once per filter (and again only if it changes)."""
    queue = Queue(key, title, "", "lead", filters.where(criteria), filters.order(criteria))
    count = select(func.count()).select_from(Lead).where(filters.where(criteria, paged=False))
    return _Statements(
        queue, _page_statement(queue, first=True), _page_statement(queue, first=False), count
    )


def _resolve(
    session: Session, key: str, rep_id: int | None, now: datetime | None
) -> tuple[_Statements, dict[str, Any]]:
    """A queue's statements and the values they are run with: a built-in queue's, or a
    saved filter's ("filter:<id>", read from the database)."""
    params = _params(rep_id, now)
    if key in QUEUES:
        return _BUILT_IN[key], params
    from workstation.store.filters.saved import filter_by_key

    info = filter_by_key(session, key)
    statements = _filter_statements(info.key, info.title, info.criteria)
    return statements, {**params, **filters.params(info.criteria, params["now"])}


def queue_page(
    session: Session,
    key: str,
    *,
    rep_id: int | None,
    after: tuple[Any, ...] | None = None,
    limit: int = 100,
    now: datetime | None = None,
) -> Page:
    """One page of a queue (built-in, or a saved filter's "filter:<id>"), starting after
    the cursor `after` (None: the first page)."""
    statements, params = _resolve(session, key, rep_id, now)
    queue = statements.queue
    fetch = limit + 1
    params["limit"] = fetch
    statement = statements.first if after is None else statements.following
    if after is not None:
        params.update({f"k{i}": value for i, value in enumerate(after)})
    results = session.execute(statement, params).all()
    rows = [queue_row(queue.kind, values) for values in results[:limit]]
    next_after = None
    if len(results) == fetch and results:
        last = results[limit - 1]
        next_after = tuple(getattr(last, column.name) for column, _ in queue.order)
    return Page(rows=rows, next_after=next_after)


def queue_count(
    session: Session, key: str, *, rep_id: int | None, now: datetime | None = None
) -> int:
    statements, params = _resolve(session, key, rep_id, now)
    return session.execute(statements.count, params).scalar_one()
