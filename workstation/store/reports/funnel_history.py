"""Funnel figures read from history and activities: time in status, moves into the detours
(recycled to Nurture, rejected, inactive) and rep activity over a period.

- Time in status: each status change in a lead's history ends a stay in its old status that
  began at the previous status change (or when the lead was created). Per status: the median
  stay and how many stays, counting the stays that ended on or after `since`. A stay still
  going on is not counted: it has no length yet.
- Detours: how many leads and contacts are in each detour now, and how many moves into it
  the history holds since `since`.
- Rep activity since `since`: dials (calls logged), connects (calls whose disposition is a
  connected one) and conversions (leads converted, by their owner). An undone call counts
  for nothing: its compensating entry cancels it.

Time in status streams the status changes in the order of ix_history_entity (times as epoch
seconds, computed by the database) and keeps one array of floats per status for the
medians: about 8 bytes a stay (11 MB for the 1.4M stays of data set L), and no sort in SQL.
Rep activity is one scan of the activities; an index covering (rep_id, occurred_at, kind,
disposition, reverses_id) would make it a range scan (a schema change for the lead).
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import Float, and_, case, func, literal_column, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col

from workstation.store.models import Activity, History, Lead, Rep
from workstation.store.permissions import require_manager
from workstation.store.reference import Disposition, LeadStatus
from workstation.store.tables import table_of

_lead = table_of(Lead)
_history = table_of(History)
_activity = table_of(Activity)
_disposition = table_of(Disposition)
_rep = table_of(Rep)


@dataclass(frozen=True, slots=True)
class StatusTime:
    status: str
    median_seconds: float
    stays: int


@dataclass(frozen=True, slots=True)
class DetourRow:
    name: str  # Nurture (recycled), Rejected, Inactive
    leads_now: int
    contacts_now: int
    moves: int  # moves into this detour since `since`, leads and contacts


@dataclass(frozen=True, slots=True)
class RepActivity:
    rep_id: int
    name: str
    dials: int
    connects: int
    conversions: int

    @property
    def connect_rate(self) -> float | None:
        return self.connects / self.dials if self.dials else None


class epoch_seconds(FunctionElement):
    """A time as seconds since 1970 (a float), on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw) -> str:
    (moment,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({moment}) - 2440587.5) * 86400.0)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element, compiler, **kw) -> str:
    (moment,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM {moment}) AS DOUBLE PRECISION)"


def _status_changes(since: datetime | None):
    """Every status change of the leads concerned, in order per lead, with the times as
    epoch seconds: the ORDER BY is the order of ix_history_entity, so nothing is sorted."""
    h = _history
    statement = (
        select(
            h.c.entity_id, h.c.old_value, epoch_seconds(h.c.at), epoch_seconds(_lead.c.created_at)
        )
        .select_from(h.join(_lead, _lead.c.id == h.c.entity_id))
        .where(h.c.entity == "lead", h.c.field == "status")
        .order_by(h.c.entity_id, h.c.at, h.c.id)
    )
    if since is not None:
        # Only leads with a stay that ended since then; their earlier changes still say
        # when that stay began.
        recent = _history.alias("recent")
        statement = statement.where(
            h.c.entity_id.in_(
                select(recent.c.entity_id).where(
                    recent.c.entity == "lead",
                    recent.c.field == "status",
                    recent.c.at >= since,
                )
            )
        )
    return statement.execution_options(yield_per=20_000)


def time_in_status(
    session: Session, *, acting_rep_id: int | None, since: datetime | None = None
) -> list[StatusTime]:
    """Median time a lead spends in each status, from the status history (managers)."""
    require_manager(session, acting_rep_id, "see the funnel")
    start = since.timestamp() if since is not None else float("-inf")
    stays: dict[str, array[float]] = {}
    lead_id = began = None
    for entity_id, status, ended, created in session.execute(_status_changes(since)):
        if entity_id != lead_id:
            lead_id, began = entity_id, created
        if status is not None and ended >= start:
            stays.setdefault(status, array("d")).append(ended - began)
        began = ended
    statuses = select(col(LeadStatus.name), col(LeadStatus.sort_order))
    order = dict(session.execute(statuses).all())
    rows = [StatusTime(status, median(lengths), len(lengths)) for status, lengths in stays.items()]
    return sorted(rows, key=lambda row: (order.get(row.status, len(order)), row.status))


def detours(
    session: Session,
    names: list[str],
    leads_now: Counter[str],
    contacts_now: Counter[str],
    *,
    since: datetime | None = None,
) -> list[DetourRow]:
    h = _history
    statement = (
        select(h.c.new_value, func.count())
        .where(
            h.c.field == "lifecycle_stage",
            h.c.entity.in_(("lead", "contact")),
            h.c.new_value.in_(names),
        )
        .group_by(h.c.new_value)
    )
    if since is not None:
        statement = statement.where(h.c.at >= since)
    moves = dict(session.execute(statement).all())
    return [
        DetourRow(name, leads_now[name], contacts_now[name], moves.get(name, 0)) for name in names
    ]


def rep_activity(
    session: Session, *, acting_rep_id: int | None, since: datetime | None = None
) -> list[RepActivity]:
    """Dials, connects and conversions per rep, most dials first; active reps always show
    (managers only)."""
    # The funnel's three parts load side by side: whichever refuses first, it says the same.
    require_manager(session, acting_rep_id, "see the funnel")
    a = _activity
    undone = _activity.alias("undone")
    reversal = a.c.reverses_id.is_not(None)
    # A compensating entry (a rep undoing their own call) counts -1 for that call.
    sign = case((reversal, -1), else_=1)
    connected = _disposition.c.connected
    # "+ 0": SQLite groups by sorting one scan of the table instead of walking
    # ix_activity_rep and fetching every row at random (31 s instead of 7 s at data set L).
    # A literal, not a bound 0: PostgreSQL must see the same GROUP BY expression.
    rep = a.c.rep_id + literal_column("0")
    calls = (
        select(
            rep,
            func.sum(sign),
            func.sum(case((connected, sign), else_=0)),
        )
        .select_from(
            a.outerjoin(undone, undone.c.id == a.c.reverses_id).outerjoin(
                _disposition,
                _disposition.c.name == func.coalesce(undone.c.disposition, a.c.disposition),
            )
        )
        .where(
            or_(
                and_(a.c.kind == "call", a.c.reverses_id.is_(None)),
                and_(reversal, undone.c.kind == "call"),
            )
        )
        .group_by(rep)
    )
    conversions = select(_lead.c.owner_id, func.count()).where(_lead.c.is_converted)
    if since is not None:
        calls = calls.where(a.c.occurred_at >= since)
        conversions = conversions.where(_lead.c.converted_at >= since)
    dialled = {rep_id: (dials, connects) for rep_id, dials, connects in session.execute(calls)}
    converted = dict(session.execute(conversions.group_by(_lead.c.owner_id)).all())
    rows = []
    for rep_id, name, active in session.execute(select(_rep.c.id, _rep.c.name, _rep.c.active)):
        dials, connects = dialled.get(rep_id, (0, 0))
        if active or dials or converted.get(rep_id):
            rows.append(
                RepActivity(rep_id, name, int(dials), int(connects), converted.get(rep_id, 0))
            )
    return sorted(rows, key=lambda row: (-row.dials, -row.conversions, row.name))
