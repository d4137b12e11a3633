"""Next lead: the highest-priority callable record of the queue a rep is working, and
from the pool when the rep's own queue is empty (DESIGN.md "Queues").

My Leads, the default: a callback that is due, then score, then the oldest assignment, and
a claim from the pool when nothing of the rep's own is callable. Any other queue is walked
in its own order and yields only its own records (a contact from "Contacts – No Opp.", a
recycled lead from Nurture); the pool queue claims. Not callable: rejected by sales,
do-not-call, closed or converted (the queue indexes leave those out where they can), called
within its lead source's callback spacing (an hour unless `source_policy` says otherwise),
at its source's attempt cap (the settings' cap unless `source_policy` says otherwise), a
callback set for later (except in Call-backs
Upcoming, which is there to call them early), or outside the calling hours (08:00–21:00
unless the settings say otherwise) where the person is.
A saved filter ("filter:<id>", `store/filters`) walks itself; one of the pool claims its
first callable lead, as the pool does. A lead recycled to Nurture is not held to the cap:
calling it starts a fresh set of attempts (`dispositions`). Each skipped record is
reported with its reason.

The rep's own records are nobody else's to take, so finding one is a plain read, with no
lock. Two reps never get the same pool lead. On PostgreSQL the claim is one statement in
one round trip (`pool_claim`): SKIP LOCKED passes over the rows other claimers hold. On
SQLite the claim is one write transaction that takes the write lock at BEGIN (BEGIN
IMMEDIATE), so claims are serialised. A pool claim carries a lease (`claimed_until`): if no
call is logged before it runs out, a later claim returns the lead to the pool.

Statements are Core, built once at import: this is the path behind the key a rep presses
most.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Connection, Engine, bindparam, func, select, text, update
from sqlmodel import Session, col

from workstation.store.calling.pool_claim import claim_from_pool
from workstation.store.calling.queues import QUEUES, QueueRow, queue_page
from workstation.store.calling.source_policy import CallPolicy, session_call_policy
from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.filters.saved import filter_by_key, is_filter_key
from workstation.store.history import record_change
from workstation.store.models import OWNED, Lead, Rep, utcnow
from workstation.store.reference import NURTURING
from workstation.store.rows import QUEUE_INFO
from workstation.store.tables import table_of
from workstation.store.values.calling_window import outside_window, possible_zones
from workstation.store.values.rules import ATTEMPT_CAP, DEFAULT_HOURS, RETRY_HOURS, CallingHours

LEASE = timedelta(minutes=30)
# Candidates per page after the first, which asks for one: most calls need only that one,
# and every row read costs its conversion (four date-times each).
BATCH = 25
MAX_LOOKED_AT = 500  # then stop and say so, rather than walk a whole queue

lead = table_of(Lead).c


DEFAULT_QUEUE = "my-leads"


class QueueRefused(StoreError):
    """No such queue; nothing was read or claimed."""


@dataclass(frozen=True, slots=True)
class Skip:
    record_id: int
    name: str
    reason: str
    kind: str = "lead"  # or "contact"


@dataclass(frozen=True, slots=True)
class NextLead:
    record_id: int | None
    source: str | None  # "callback", "queue" or "pool"
    skipped: list[Skip] = field(default_factory=list)
    message: str = ""
    kind: str = "lead"  # what `record_id` is: a "lead" or a "contact"
    queue: str = DEFAULT_QUEUE  # the queue worked

    @property
    def lead_id(self) -> int | None:
        return self.record_id if self.kind == "lead" else None


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


DEFAULT_POLICY = CallPolicy()  # every source held to the default cap and spacing


def _spacing(hours: float) -> str:
    if hours == 1:
        return "hour"
    if hours < 1:
        return f"{round(hours * 60)} minutes"
    return f"{hours:g} hours"


def why_not_callable(
    row: QueueRow,
    now: datetime,
    *,
    policy: CallPolicy = DEFAULT_POLICY,
    hours: CallingHours = DEFAULT_HOURS,
    early: bool = False,
) -> str | None:
    """Why this lead or contact can't be called now (None: it can). `policy`: the attempt
    cap and callback spacing of the row's lead source. `early`: a callback set for later is
    no reason (the rep is working the upcoming callbacks)."""
    if row.rejected:
        return f"rejected by sales ({row.rejected_reason or 'no reason given'})"
    if row.do_not_call:
        return "do not call"
    if not early and row.callback_at is not None and row.callback_at > now:
        return f"callback set for {row.callback_at:%Y-%m-%d %H:%M} UTC"
    if row.last_activity_at is not None:
        retry, source = policy.retry(row.lead_source)
        if now - row.last_activity_at < timedelta(hours=retry):
            return f"called in the last {_spacing(retry)}" + (f" ({source})" if source else "")
    recycled = row.kind == "lead" and row.status == NURTURING  # a call starts afresh
    # A never-called row needs no cap (every cap is one or more): most rows `next` reads.
    cap, source = policy.cap(row.lead_source) if row.attempt_count else (1, None)
    if row.attempt_count >= cap and not recycled:
        whose = f" for {source}" if source else ""
        return f"attempt cap reached ({row.attempt_count} of {cap}{whose})"
    zones = possible_zones(row.time_zone, row.phone, row.state, row.country)
    return outside_window(zones, now, hours)


def _first_callable(
    session: Session,
    key: str,
    rep_id: int,
    now: datetime,
    skipped: list[Skip],
    *,
    attempt_cap: int,
    hours: CallingHours,
) -> QueueRow | None:
    """Walk a queue page by page to its first callable record, noting the ones skipped.
    Its lead sources' caps and spacings are read (on `session`, once for all its walks)
    only when a row needs one."""
    early = key == "callbacks-upcoming"
    policy = session_call_policy(session, default_cap=attempt_cap)
    after, looked_at = None, 0
    while looked_at < MAX_LOOKED_AT:
        limit = 1 if after is None else BATCH
        page = queue_page(session, key, rep_id=rep_id, after=after, limit=limit, now=now)
        for row in page.rows:
            reason = why_not_callable(row, now, policy=policy, hours=hours, early=early)
            if reason is None:
                return row
            skipped.append(Skip(row.id, row.name, reason, row.kind))
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


# The queues walked for a queue, each with the source it reports: My Leads takes the
# callbacks that are due first; a queue not named here walks itself.
_WALKS: dict[str, tuple[tuple[str, str], ...]] = {
    DEFAULT_QUEUE: (("callbacks", "callback"), (DEFAULT_QUEUE, "queue")),
    "callbacks": (("callbacks", "callback"),),
}


def next_lead(
    engine: Engine,
    *,
    rep_id: int,
    queue: str = DEFAULT_QUEUE,
    now: datetime | None = None,
    attempt_cap: int = ATTEMPT_CAP,
    hours: CallingHours = DEFAULT_HOURS,
) -> NextLead:
    """The next record for `rep_id` to call from `queue` (a key of `QUEUES`).

    My Leads claims from the pool when the rep's own queue has nothing callable, and the
    pool queue claims; the others only read. The rep's own records are nobody else's to
    take, so finding one is a plain read; only a claim takes the write lock (and first
    returns lapsed claims to the pool). `attempt_cap`: the cap of a lead source that
    `source_policy` holds none for.
    """
    title, pool_filter = _queue_title(engine, queue)
    now = now or utcnow()
    skipped: list[Skip] = []
    walk = partial(
        _first_callable,
        rep_id=rep_id,
        now=now,
        skipped=skipped,
        attempt_cap=attempt_cap,
        hours=hours,
    )
    found = partial(NextLead, skipped=skipped, queue=queue)
    if pool_filter:  # a saved filter of the pool: claim its first callable lead
        return _claim(engine, rep_id, now, walk, found, key=queue, title=title)
    if engine.dialect.name == "postgresql":
        # The reads and the claim on one connection in autocommit: each statement is its
        # own round trip and holds nothing after it.
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            with Session(bind=connection) as session:
                result = _walk(session, queue, title, walk, found)
            if result is not None:
                return result
            return _claim_on_postgresql(connection, rep_id, now, (attempt_cap, hours), found)
    with Session(engine) as session:
        result = _walk(session, queue, title, walk, found)
    if result is not None:
        return result
    return _claim(engine, rep_id, now, walk, found)


def _queue_title(engine: Engine, queue: str) -> tuple[str, bool]:
    """The queue's title, and whether it is a saved filter of the pool (which claims)."""
    if queue in QUEUES:
        return QUEUE_INFO[queue].title, False
    if not is_filter_key(queue):
        raise QueueRefused(f"unknown queue {queue!r}; queues: {', '.join(QUEUES)}")
    with Session(engine) as session:
        info = filter_by_key(session, queue)
    return info.title, info.criteria.owner == "pool"


def _walk(
    session: Session,
    queue: str,
    title: str,
    walk: Callable[..., QueueRow | None],
    found: Callable[..., NextLead],
) -> NextLead | None:
    """The queue's next callable record; None when a claim from the pool should follow."""
    if queue == "pool":
        return None
    for key, source in _WALKS.get(queue, ((queue, "queue"),)):
        row = walk(session, key)
        if row is not None:
            return found(row.id, source, kind=row.kind)
    if queue != DEFAULT_QUEUE:
        return found(None, None, message=f"nothing callable in {title} right now")
    return None


def _nothing_claimed(
    found: Callable[..., NextLead], *, active: bool, held: int, capacity: int
) -> NextLead:
    if not active:
        return found(None, None, message="an inactive rep claims no leads")
    if held >= capacity:
        return found(
            None,
            None,
            message=f"nothing callable in your queue, and you hold {held} open leads "
            f"of your capacity of {capacity}: nothing claimed",
        )
    return found(None, None, message="nothing callable in your queue or the pool")


def _claim_on_postgresql(
    connection: Connection,
    rep_id: int,
    now: datetime,
    rules: tuple[int, CallingHours],
    found: Callable[..., NextLead],
) -> NextLead:
    """The one-statement claim (`pool_claim`), in autocommit: it holds nothing after it.
    `rules`: the attempt cap and the calling hours."""
    attempt_cap, hours = rules
    for _ in range(2):
        claim = claim_from_pool(
            connection,
            rep_id=rep_id,
            now=now,
            lease=LEASE,
            retry_hours=RETRY_HOURS,
            attempt_cap=attempt_cap,
            hours=hours,
        )
        # Leases it ended put leads back in the pool after its snapshot: look once more.
        if claim.lead_id is not None or not claim.released:
            break
    if claim.lead_id is not None:
        return found(claim.lead_id, "pool")
    return _nothing_claimed(found, active=claim.active, held=claim.held, capacity=claim.capacity)


def _claim(
    engine: Engine,
    rep_id: int,
    now: datetime,
    walk: Callable[..., QueueRow | None],
    found: Callable[..., NextLead],
    *,
    key: str = "pool",
    title: str = "your queue or the pool",
) -> NextLead:
    """Claim the best callable lead of the pool (or of a saved filter of the pool, `key`)
    for the rep, within their capacity: on SQLite under the write lock, on PostgreSQL in
    a transaction whose claim takes the lead only if it is still nobody's."""
    with write_session(engine) as session:
        if engine.dialect.name != "postgresql":  # there the pool claim returns them
            _release_lapsed_claims(session, now)
        rep = session.execute(_CAPACITY, {"rep_id": rep_id}).one_or_none()
        active, capacity = (rep.active, rep.capacity) if rep is not None else (False, 0)
        held = session.execute(_OPEN_COUNT, {"rep_id": rep_id}).scalar_one() if active else 0
        if not active or held >= capacity:
            return _nothing_claimed(found, active=active, held=held, capacity=capacity)
        row = walk(session, key)
        if row is None:
            return found(None, None, message=f"nothing callable in {title}")
        claimed = session.exec(
            _CLAIM, params={"lead_id": row.id, "rep_id": rep_id, "now": now, "until": now + LEASE}
        )
        if claimed.rowcount != 1:  # taken meanwhile (PostgreSQL); never hand a lead out twice
            return found(None, None, message="the lead was taken meanwhile: try again")
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
        return found(row.id, "pool")
