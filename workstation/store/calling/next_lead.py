"""Next lead: the highest-priority callable lead of a rep, claimed from the pool when the
rep's own queue is empty (DESIGN.md "Queues").

Priority: a callback that is due, then score, then the oldest assignment. Not callable:
do-not-call, closed or converted (the queue indexes leave those out), called in the last
hour, at the attempt cap, a callback set for later, or outside 08:00–21:00 where the lead
is. Each skipped lead of the rep's own queue is reported with its reason.

The rep's own leads are nobody else's to take, so finding one is a plain read, with no
lock. Two reps never get the same pool lead. On PostgreSQL the claim is one statement in
one round trip (`pool_claim`): SKIP LOCKED passes over the rows other claimers hold. On
SQLite the claim is one write transaction that takes the write lock at BEGIN (BEGIN
IMMEDIATE), so claims are serialised. A pool claim carries a lease (`claimed_until`): if no
call is logged before it runs out, a later claim returns the lead to the pool.

Statements are Core, built once at import: this is the path behind the key a rep presses
most.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Engine, bindparam, func, select, text, update
from sqlmodel import Session, col

from workstation.store.calling.pool_claim import claim_from_pool
from workstation.store.calling.queues import QueueRow, queue_page
from workstation.store.db import write_session
from workstation.store.history import record_change
from workstation.store.models import OWNED, Lead, Rep, utcnow
from workstation.store.reference import ATTEMPT_CAP
from workstation.store.tables import table_of
from workstation.store.values.calling_window import outside_window, resolve_zone

RECENT_CALL = timedelta(hours=1)
LEASE = timedelta(minutes=30)
# Candidates per page after the first, which asks for one: most calls need only that one,
# and every row read costs its conversion (four date-times each).
BATCH = 25
MAX_LOOKED_AT = 500  # then stop and say so, rather than walk a whole queue

lead = table_of(Lead).c


@dataclass(frozen=True, slots=True)
class Skip:
    lead_id: int
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class NextLead:
    lead_id: int | None
    source: str | None  # "callback", "queue" or "pool"
    skipped: list[Skip] = field(default_factory=list)
    message: str = ""


_OPEN_COUNT = (
    select(func.count()).select_from(Lead).where(lead.owner_id == bindparam("rep_id"), text(OWNED))
)
_CAPACITY = select(col(Rep.capacity), col(Rep.active)).where(col(Rep.id) == bindparam("rep_id"))
_CLAIM = (
    update(Lead)
    .where(lead.id == bindparam("lead_id"), lead.owner_id.is_(None))
    .values(
        owner_id=bindparam("rep_id"),
        assigned_at=bindparam("now"),
        claimed_until=bindparam("until"),
        version=lead.version + 1,
        updated_at=bindparam("now"),
    )
)
_LAPSED = (
    select(lead.id, lead.owner_id, lead.assigned_at, lead.last_activity_at)
    .where(lead.claimed_until.is_not(None), lead.claimed_until < bindparam("now"))
    .limit(100)
)
_RELEASE = (
    update(Lead)
    .where(lead.id == bindparam("lead_id"))
    .values(
        owner_id=None,
        assigned_at=None,
        claimed_until=None,
        version=lead.version + 1,
        updated_at=bindparam("now"),
    )
)
_END_LEASE = update(Lead).where(lead.id == bindparam("lead_id")).values(claimed_until=None)


def why_not_callable(row: QueueRow, now: datetime, *, attempt_cap: int = ATTEMPT_CAP) -> str | None:
    """Why this open, not-do-not-call lead can't be called now (None: it can)."""
    if row.callback_at is not None and row.callback_at > now:
        return f"callback set for {row.callback_at:%Y-%m-%d %H:%M} UTC"
    if row.last_activity_at is not None and now - row.last_activity_at < RECENT_CALL:
        return "called in the last hour"
    if row.attempt_count >= attempt_cap:
        return f"attempt cap reached ({row.attempt_count} of {attempt_cap})"
    zone = resolve_zone(row.time_zone, row.phone, row.state, row.country)
    return outside_window(zone, now)


def _first_callable(
    session: Session,
    key: str,
    rep_id: int,
    now: datetime,
    skipped: list[Skip],
    *,
    attempt_cap: int,
) -> QueueRow | None:
    """Walk a queue page by page to its first callable lead, noting the ones skipped."""
    after, looked_at = None, 0
    while looked_at < MAX_LOOKED_AT:
        limit = 1 if after is None else BATCH
        page = queue_page(session, key, rep_id=rep_id, after=after, limit=limit, now=now)
        for row in page.rows:
            reason = why_not_callable(row, now, attempt_cap=attempt_cap)
            if reason is None:
                return row
            skipped.append(Skip(row.id, row.name, reason))
        looked_at += len(page.rows)
        if page.next_after is None:
            return None
        after = page.next_after
    return None


def _release_lapsed_claims(session: Session, now: datetime) -> None:
    for row in session.execute(_LAPSED, {"now": now}).all():
        untouched = row.last_activity_at is None or row.last_activity_at < row.assigned_at
        if untouched:
            session.execute(_RELEASE, {"lead_id": row.id, "now": now})
            record_change(
                session,
                entity="lead",
                entity_id=row.id,
                field="owner_id",
                old=row.owner_id,
                new=None,
                rep_id=None,
                reason="claim lapsed: no call logged",
                at=now,
            )
        else:
            session.execute(_END_LEASE, {"lead_id": row.id})


def _own_lead(session: Session, walk: partial[QueueRow | None]) -> NextLead | None:
    row = walk(session, "callbacks")
    if row is not None:
        return NextLead(row.id, "callback", walk.keywords["skipped"])
    row = walk(session, "my-leads")
    if row is not None:
        return NextLead(row.id, "queue", walk.keywords["skipped"])
    return None


def _nothing_claimed(skipped: list[Skip], *, active: bool, held: int, capacity: int) -> NextLead:
    if not active:
        return NextLead(None, None, skipped, "an inactive rep claims no leads")
    if held >= capacity:
        return NextLead(
            None,
            None,
            skipped,
            f"nothing callable in your queue, and you hold {held} open leads "
            f"of your capacity of {capacity}: nothing claimed",
        )
    return NextLead(None, None, skipped, "nothing callable in your queue or the pool")


def next_lead(
    engine: Engine, *, rep_id: int, now: datetime | None = None, attempt_cap: int = ATTEMPT_CAP
) -> NextLead:
    """Find the next lead for `rep_id`, claiming one from the pool when the rep's own queue
    has nothing callable."""
    now = now or utcnow()
    skipped: list[Skip] = []
    walk = partial(
        _first_callable, rep_id=rep_id, now=now, skipped=skipped, attempt_cap=attempt_cap
    )
    if engine.dialect.name == "postgresql":
        return _next_on_postgresql(engine, walk, rep_id=rep_id, now=now, attempt_cap=attempt_cap)
    with Session(engine) as session:
        found = _own_lead(session, walk)
        if found is not None:
            return found
    with write_session(engine) as session:
        _release_lapsed_claims(session, now)
        rep = session.execute(_CAPACITY, {"rep_id": rep_id}).one_or_none()
        active, capacity = (rep.active, rep.capacity) if rep is not None else (False, 0)
        held = session.execute(_OPEN_COUNT, {"rep_id": rep_id}).scalar_one() if active else 0
        if not active or held >= capacity:
            return _nothing_claimed(skipped, active=active, held=held, capacity=capacity)
        row = walk(session, "pool")
        if row is None:
            return NextLead(None, None, skipped, "nothing callable in your queue or the pool")
        claimed = session.exec(
            _CLAIM, params={"lead_id": row.id, "rep_id": rep_id, "now": now, "until": now + LEASE}
        )
        if claimed.rowcount != 1:  # cannot happen under the lock; never hand a lead out twice
            return NextLead(None, None, skipped, "the lead was taken meanwhile: try again")
        record_change(
            session,
            entity="lead",
            entity_id=row.id,
            field="owner_id",
            old=None,
            new=rep_id,
            rep_id=rep_id,
            reason="claimed from the pool",
            at=now,
        )
        return NextLead(row.id, "pool", skipped)


def _next_on_postgresql(
    engine: Engine,
    walk: partial[QueueRow | None],
    *,
    rep_id: int,
    now: datetime,
    attempt_cap: int,
) -> NextLead:
    """The own queue read and, if need be, the one-statement claim, on one connection in
    autocommit: each statement is its own round trip and holds nothing after it."""
    skipped: list[Skip] = walk.keywords["skipped"]
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        with Session(bind=connection) as session:
            found = _own_lead(session, walk)
        if found is not None:
            return found
        for _ in range(2):
            claim = claim_from_pool(
                connection,
                rep_id=rep_id,
                now=now,
                lease=LEASE,
                recent_call=RECENT_CALL,
                attempt_cap=attempt_cap,
            )
            # Leases it ended put leads back in the pool after its snapshot: look once more.
            if claim.lead_id is not None or not claim.released:
                break
    if claim.lead_id is not None:
        return NextLead(claim.lead_id, "pool", skipped)
    return _nothing_claimed(skipped, active=claim.active, held=claim.held, capacity=claim.capacity)
