"""Callbacks coming due while the app is open: when the rep's next one falls due, and
which came due in a span of time, for the reminder that announces them
(`screens/callback_reminders`).

Both read the rep's callbacks through their partial index (`ix_lead_callback`, its
predicate repeated literally), soonest first: the screen asks for the next time once, then
watches its clock, and reads again only when that time has passed.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select, text
from sqlmodel import Session

from workstation.store.models import CALLBACK, Lead
from workstation.store.tables import table_of

lead = table_of(Lead).c
REMINDED_AT_MOST = 20  # in one announcement; the Call-backs Due queue lists the rest

_MINE = (lead.owner_id == bindparam("rep_id"), text(CALLBACK))
_NEXT = (
    select(lead.callback_at)
    .where(*_MINE, lead.callback_at > bindparam("after"))
    .order_by(lead.callback_at, lead.id)
    .limit(1)
)
_CAME_DUE = (
    select(lead.id, lead.first_name, lead.last_name, lead.company, lead.callback_at)
    .where(*_MINE, lead.callback_at > bindparam("since"), lead.callback_at <= bindparam("until"))
    .order_by(lead.callback_at, lead.id)
    .limit(REMINDED_AT_MOST)
)


class DueCallback(NamedTuple):
    lead_id: int
    name: str
    company: str
    callback_at: datetime


def next_callback_at(session: Session, *, rep_id: int, after: datetime) -> datetime | None:
    """When the rep's next callback after `after` falls due (None: none is set)."""
    return session.execute(_NEXT, {"rep_id": rep_id, "after": after}).scalar_one_or_none()


def callbacks_came_due(
    session: Session, *, rep_id: int, since: datetime, until: datetime
) -> list[DueCallback]:
    """The rep's callbacks that fell due after `since`, up to `until`, soonest first."""
    rows = session.execute(_CAME_DUE, {"rep_id": rep_id, "since": since, "until": until})
    return [
        DueCallback(row.id, " ".join(filter(None, (row.first_name, row.last_name))),
                    row.company, row.callback_at)
        for row in rows
    ]  # fmt: skip
