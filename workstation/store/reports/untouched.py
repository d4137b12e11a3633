"""The untouched-leads report (DESIGN.md "Manager screens"): leads owned by a rep, open, with
no logged activity since they were assigned, assigned longer ago than a threshold (24 hours
by default).

Per rep: how many, in aging buckets by time since assignment (<1 day, 1–3, 3–7, 7+ days),
worst first; and one rep's list, oldest first, paged by key.

Every query repeats models.UNTOUCHED literally (owned, open, untouched), so the planner uses
the partial index ix_lead_untouched (owner_id, assigned_at), and on SQLite that index
covers the aggregate: it never touches the lead rows (TARGETS.md P3: ≤ 150 ms at 1M leads).
`last_activity_at` on the lead is written with each activity, so "no activity since
assignment" is `last_activity_at IS NULL OR last_activity_at < assigned_at`.

"Worst first": most leads in the oldest bucket, then the next oldest, and so on; a lead left
for a week weighs more than any number of fresher ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, or_, select, text
from sqlmodel import Session

from workstation.store.errors import StoreError
from workstation.store.models import UNTOUCHED, Lead, Rep, utcnow
from workstation.store.permissions import require_manager, require_self_or_manager
from workstation.store.tables import table_of
from workstation.store.values.rules import UNTOUCHED_HOURS

BUCKETS = ("<1 day", "1–3 days", "3–7 days", "7+ days")
BUCKET_EDGES = (timedelta(days=1), timedelta(days=3), timedelta(days=7))

lead = table_of(Lead).c
rep = table_of(Rep).c

_WHERE = and_(text(UNTOUCHED), lead.assigned_at < bindparam("cutoff"))


class ReportError(StoreError):
    """A report was asked for with values that make no sense (a negative threshold …)."""


@dataclass(frozen=True, slots=True)
class RepUntouched:
    rep_id: int
    name: str
    active: bool
    count: int
    buckets: tuple[int, int, int, int]  # as BUCKETS
    oldest_assigned_at: datetime | None

    @property
    def worst_key(self) -> tuple[int, ...]:
        return (*(-n for n in reversed(self.buckets)), -self.count)


@dataclass(frozen=True, slots=True)
class UntouchedSummary:
    now: datetime
    hours: float
    reps: list[RepUntouched]  # worst first; active reps with none come last

    @property
    def total(self) -> int:
        return sum(r.count for r in self.reps)


@dataclass(frozen=True, slots=True)
class UntouchedLead:
    id: int
    name: str
    company: str
    phone: str | None
    status: str
    score: int
    owner_id: int
    assigned_at: datetime
    age: timedelta

    @property
    def bucket(self) -> int:
        return bucket_of(self.age)


@dataclass(frozen=True, slots=True)
class UntouchedPage:
    rows: list[UntouchedLead]
    next_after: tuple[datetime, int] | None  # the cursor of the next page; None: last page


def bucket_of(age: timedelta) -> int:
    return sum(1 for edge in BUCKET_EDGES if age >= edge)


def _cutoff(now: datetime, hours: float) -> datetime:
    if hours < 0:
        raise ReportError(f"the threshold must be 0 hours or more, not {hours:g}")
    return now - timedelta(hours=hours)


def _at_least(edge: timedelta):
    """How many are at least `edge` old: a lead exactly 7 days old is in "7+ days"."""
    return func.sum(case((lead.assigned_at <= bindparam(f"edge{edge.days}"), 1), else_=0))


_SUMMARY = (
    select(
        lead.owner_id,
        func.count(),
        *(_at_least(edge) for edge in BUCKET_EDGES),
        func.min(lead.assigned_at),
    )
    .where(_WHERE)
    .group_by(lead.owner_id)
)
_SUMMARY_ONE = _SUMMARY.where(lead.owner_id == bindparam("rep"))

_ORDER = (lead.assigned_at, lead.id)
_LIST_COLUMNS = (
    lead.id,
    lead.first_name,
    lead.last_name,
    lead.company,
    lead.phone,
    lead.status,
    lead.score,
    lead.owner_id,
    lead.assigned_at,
)
_PAGE_FIRST = (
    select(*_LIST_COLUMNS)
    .where(_WHERE, lead.owner_id == bindparam("rep"))
    .order_by(*_ORDER)
    .limit(bindparam("limit"))
)
_PAGE_NEXT = _PAGE_FIRST.where(
    or_(
        lead.assigned_at > bindparam("k0"),
        and_(lead.assigned_at == bindparam("k0"), lead.id > bindparam("k1")),
    )
)


def untouched_summary(
    session: Session,
    *,
    acting_rep_id: int | None,
    hours: float = UNTOUCHED_HOURS,
    rep_id: int | None = None,
    now: datetime | None = None,
) -> UntouchedSummary:
    """Untouched leads per rep, worst first (every rep, or only `rep_id`).

    Managers see everyone; a rep may ask about themselves only.
    """
    if rep_id is None:
        require_manager(session, acting_rep_id, "see the untouched leads of every rep")
    else:
        require_self_or_manager(session, acting_rep_id, rep_id, "see untouched leads")
    now = now or utcnow()
    params = {"cutoff": _cutoff(now, hours), "rep": rep_id}
    params |= {f"edge{edge.days}": now - edge for edge in BUCKET_EDGES}
    statement = _SUMMARY if rep_id is None else _SUMMARY_ONE
    found = {row[0]: row for row in session.execute(statement, params)}
    people = select(rep.id, rep.name, rep.active)
    if rep_id is not None:
        people = people.where(rep.id == rep_id)
    reps = []
    for person in session.execute(people):
        if person.id not in found and not person.active:
            continue  # someone who left and holds nothing untouched is not news
        _, count, older1, older3, older7, oldest = found.get(person.id) or (None, 0, 0, 0, 0, None)
        buckets = (count - older1, older1 - older3, older3 - older7, older7)
        reps.append(RepUntouched(person.id, person.name, person.active, count, buckets, oldest))
    reps.sort(key=lambda r: (r.worst_key, r.name))
    return UntouchedSummary(now=now, hours=hours, reps=reps)


def _row(values, now: datetime) -> UntouchedLead:
    first, last = values.first_name, values.last_name
    return UntouchedLead(
        id=values.id,
        name=f"{first} {last}" if first else last,
        company=values.company,
        phone=values.phone,
        status=values.status,
        score=values.score,
        owner_id=values.owner_id,
        assigned_at=values.assigned_at,
        age=now - values.assigned_at,
    )


def untouched_page(
    session: Session,
    *,
    acting_rep_id: int | None,
    rep_id: int,
    hours: float = UNTOUCHED_HOURS,
    now: datetime | None = None,
    after: tuple[datetime, int] | None = None,
    limit: int = 100,
) -> UntouchedPage:
    """One page of a rep's untouched leads, oldest assignment first, after the cursor."""
    require_self_or_manager(session, acting_rep_id, rep_id, "see untouched leads")
    now = now or utcnow()
    params = {"cutoff": _cutoff(now, hours), "rep": rep_id, "limit": limit + 1}
    statement = _PAGE_FIRST
    if after is not None:
        statement = _PAGE_NEXT
        params |= {"k0": after[0], "k1": after[1]}
    results = session.execute(statement, params).all()
    rows = [_row(values, now) for values in results[:limit]]
    more = len(results) > limit
    return UntouchedPage(rows, (rows[-1].assigned_at, rows[-1].id) if more else None)


def iter_untouched(
    session: Session,
    *,
    acting_rep_id: int | None,
    hours: float = UNTOUCHED_HOURS,
    rep_id: int | None = None,
    now: datetime | None = None,
    page_size: int = 2000,
) -> Iterator[UntouchedLead]:
    """Every untouched lead (of every rep, worst rep first, or of `rep_id`), page by page:
    for exports, which never hold more than a page."""
    summary = untouched_summary(
        session, acting_rep_id=acting_rep_id, hours=hours, rep_id=rep_id, now=now
    )
    for person in (r for r in summary.reps if r.count):
        after = None
        while True:
            page = untouched_page(
                session,
                acting_rep_id=acting_rep_id,
                rep_id=person.rep_id,
                hours=hours,
                now=summary.now,
                after=after,
                limit=page_size,
            )
            yield from page.rows
            if page.next_after is None:
                break
            after = page.next_after
