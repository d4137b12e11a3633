"""Contacted – Recent Activity: a lead sales spoke to lately, which marketing leaves
alone, and which goes back to what it was by itself once sales has been quiet long enough.

A connected call sets the status (the dispositions whose `lead_status` names it: Connected
– Qualified and Connected – Call Back as seeded). It lasts while sales keeps working the
person: the window (`RECENT_DAYS`, the setting `recent_activity_days`) runs from the
lead's last activity, a newer call or email extending it. Past the window with nothing
newer, the lead goes back to the status it had before it became Contacted (its history
says which), with a history row and the reason. "Before" was Open (the call was the first
attempt) or a closed status (a call reopened a recycled lead): it goes to Working instead,
since it has been attempted and is sales' again; only the recycle rules send a lead back
to marketing.

`find_expiring` says what would move, `sweep` finds and makes the moves: `Move`s, made by
`moves.make_moves` as recycling makes its own (each lead checked again under its row lock: a
call or an email logged in between keeps it Contacted). Nobody need run a command: the app
sweeps when it starts and every few minutes while it is open. The sweep reads the
partial index of the Contacted leads (`ix_lead_contacted`) and only the part past the
window, and takes the write lock only when something expires, so running it often costs
next to nothing.

Contacts have no status: a contact is "recently contacted" while its last connected call is
within the window, computed when asked (`marketing.suppression`), so there is nothing to expire.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, bindparam, func, or_, select, text, union_all
from sqlmodel import Session, col

from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.marketing.moves import Move, RecycleRules, make_moves
from workstation.store.models import RECENTLY_CONTACTED, Activity, History, Lead
from workstation.store.records.page import person_name
from workstation.store.reference import (
    CONTACTED,
    DEFAULT_STATUS,
    WORKING,
    Disposition,
    LeadStatus,
)
from workstation.store.rows import RECENT_DAYS
from workstation.store.sales_hands import open_statuses
from workstation.store.tables import table_of

BATCH = 200  # leads moved per transaction: a long sweep never holds the write lock long

lead = table_of(Lead).c
_activity, _disposition = table_of(Activity), table_of(Disposition)


EXPIRED = "expired"  # the flow `recycle` lists these moves under


# Literal predicate: SQLite uses a partial index only when the WHERE repeats its terms. Two
# ranges of the index, not one OR (SQLite would scan the whole table for it) and no ORDER BY
# (it would read the table in id order to save a sort): the moves are sorted afterwards.
_CONTACTED = select(
    lead.id, lead.first_name, lead.last_name, lead.version, lead.last_activity_at
).where(text(RECENTLY_CONTACTED))
EXPIRING = union_all(
    _CONTACTED.where(lead.last_activity_at.is_(None)),
    _CONTACTED.where(lead.last_activity_at < bindparam("cutoff")),
)
_MINE = or_(lead.owner_id == bindparam("owner_id"), lead.owner_id.is_(None))
_MINE_EXPIRING = union_all(
    _CONTACTED.where(lead.last_activity_at.is_(None), _MINE),
    _CONTACTED.where(lead.last_activity_at < bindparam("cutoff"), _MINE),
)


def last_spoken_to(
    kind: str, who: ColumnElement[int], since: ColumnElement[datetime]
) -> ColumnElement[datetime]:
    """When sales last spoke to lead or contact `who` (`kind`), at or after `since`: the
    latest connected call, NULL when none. A correlated subquery read through the
    activity's (person, occurred_at) index; a call undone since does not count."""
    call, undo = _activity.alias("call"), _activity.alias("undo")
    column = call.c.lead_id if kind == "lead" else call.c.contact_id
    return (
        select(func.max(call.c.occurred_at))
        .join(_disposition, _disposition.c.name == call.c.disposition)
        .where(
            column == who,
            call.c.occurred_at >= since,
            call.c.kind == "call",
            _disposition.c.connected,
            ~select(undo.c.id).where(undo.c.reverses_id == call.c.id).exists(),
        )
        .scalar_subquery()
    )


def cutoff(now: datetime, days: int = RECENT_DAYS) -> datetime:
    """The earliest activity that still counts as recent at `now`."""
    if days < 1:
        raise StoreError(f"the recent-activity window must be at least 1 day, not {days}")
    return now - timedelta(days=days)


def reason(days: int) -> str:
    return f"no call in {days} days: {CONTACTED} expired"


def find_expiring(
    session: Session,
    now: datetime,
    *,
    days: int = RECENT_DAYS,
    limit: int | None = None,
    owner_id: int | None = None,
) -> list[Move]:
    """The Contacted leads with no activity within `days` of `now`, and where each goes;
    with `owner_id`, only that rep's and the pool's (the leads a rep may change)."""
    statement = EXPIRING if owner_id is None else _MINE_EXPIRING
    if limit is not None:
        statement = statement.limit(limit)
    values = {"cutoff": cutoff(now, days), "owner_id": owner_id}
    rows = sorted(session.execute(statement, values).all())
    if not rows:  # the usual case, at every start of the app: nothing more to read
        return []
    before = _statuses_before(session, [id_ for id_, *_ in rows])
    why = reason(days)
    return [
        Move(
            "lead",
            id_,
            person_name(first, last),
            CONTACTED,
            before[id_],
            why,
            EXPIRED,
            changes={"status": before[id_]},
            version=version,
            last_activity_at=last_activity_at,
        )
        for id_, first, last, version, last_activity_at in rows
    ]


def _statuses_before(session: Session, lead_ids: list[int]) -> dict[int, str]:
    """What each lead goes back to: the status it had before it last became Contacted (its
    history says) when that is an open one other than Open, else Working."""
    statuses = session.execute(select(LeadStatus)).scalars()
    reopening = open_statuses(statuses) - {DEFAULT_STATUS, CONTACTED}
    before: dict[int, str] = dict.fromkeys(lead_ids, WORKING)
    for chunk in _chunks(lead_ids):
        rows = session.execute(
            select(col(History.entity_id), col(History.old_value))
            .where(
                col(History.entity) == "lead",
                col(History.entity_id).in_(chunk),
                col(History.field) == "status",
                col(History.new_value) == CONTACTED,
            )
            .order_by(col(History.at), col(History.id))
        )
        for lead_id, old in rows:  # oldest first: the last one read is the latest
            before[lead_id] = old if old in reopening else WORKING
    return before


def _chunks(ids: list[int], size: int = BATCH) -> list[list[int]]:
    """`ids` in lists short enough for one IN (...) each."""
    return [ids[at : at + size] for at in range(0, len(ids), size)]


def sweep(
    engine: Engine,
    now: datetime,
    *,
    days: int = RECENT_DAYS,
    batch: int = BATCH,
    rep_id: int | None = None,
    owner_id: int | None = None,
) -> list[Move]:
    """Expire every Contacted lead past the window, `batch` per transaction; the moves
    made. Finds them first with a plain read: nothing to expire takes no write lock.

    `rep_id`: who the history names (an app's rep: in team mode a login writes history
    only as itself); `owner_id`: only that rep's leads and the pool's (a rep's app: their
    login may change no other), None for all of them (a manager's app, `recycle`)."""
    made: list[Move] = []
    while True:
        with Session(engine) as session:
            found = find_expiring(session, now, days=days, limit=batch, owner_id=owner_id)
        if not found:
            return made
        with write_session(engine) as session:
            done = make_moves(session, found, rep_id, now)
        made += done
        if len(found) < batch or not done:
            return made


def find_expired(session: Session, rules: RecycleRules, now: datetime) -> list[Move]:
    """`recycle`'s finder: every Contacted lead past the window (`rules.recent_activity_days`);
    `make_move` skips one changed or active since (a call or an email logged in between)."""
    return find_expiring(session, now, days=rules.recent_activity_days)
