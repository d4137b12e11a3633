"""Plain data the screens show, importable without SQLAlchemy: queue rows and pages, the
queues' names, and reps.

The workstation paints its first frame from these before the rest of the store (SQLAlchemy,
SQLModel, the models: most of a cold start) is imported; see `calling.glance`. The queries that
fill them live in `calling.queues` and `reps`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

RECENT_DAYS = 30  # "Contacted – Recent Activity": marketing leaves them alone this long
PAGE_SIZE = 100  # rows on a page of a queue


class QueueRow(NamedTuple):
    """One line of a queue: what a rep scans before picking up the phone."""

    kind: str  # "lead" or "contact"
    id: int
    name: str
    company: str
    title: str | None
    phone: str | None
    status: str  # a lead's status; a contact's lifecycle stage
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
    # What refuses a call, for the queues that show such records too (Nurture, Contacted,
    # the contacts): `n` passes over them and says why.
    do_not_call: bool = False
    rejected: bool = False  # rejected by sales: the reason is `rejected_reason`
    rejected_reason: str | None = None
    lead_source: str | None = None  # whose attempt cap and callback spacing apply


class Page(NamedTuple):
    rows: list[QueueRow]
    # Where the next page starts (None: this was the last page).
    next_after: tuple[Any, ...] | None


# What every queue page selects, in this order.
ROW_COLUMNS = (
    "id first_name last_name company title phone status score attempt_count callback_at "
    "assigned_at created_at last_activity_at is_customer_inquiry time_zone state country "
    "do_not_call rejected rejected_reason lead_source"
).split()
TIME_COLUMNS = ("callback_at", "assigned_at", "created_at", "last_activity_at")


def queue_row(kind: str, values: Sequence[Any]) -> QueueRow:
    """A queue row from one result row holding the `ROW_COLUMNS`, in order."""
    (id_, first, last, company, title, phone, status, score, attempts, callback_at,
     assigned_at, created_at, last_activity_at, inquiry, zone, state, country, dnc, rejected,
     rejected_reason, source) = values  # fmt: skip
    return QueueRow(
        kind, id_, f"{first} {last}" if first else last, company, title, phone, status, score,
        attempts, callback_at, assigned_at, created_at, last_activity_at, bool(inquiry), zone,
        state, country, bool(dnc), bool(rejected), rejected_reason, source,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class QueueInfo:
    key: str
    title: str
    description: str
    kind: str  # what its rows are: "lead" or "contact"


QUEUE_INFO: dict[str, QueueInfo] = {
    q.key: q
    for q in (
        QueueInfo("my-leads", "My Leads", "Owned by you, open and callable, best first.", "lead"),
        QueueInfo("callbacks", "Call-backs Due", "Your callbacks due now, the longest overdue "
                  "first.", "lead"),
        QueueInfo("callbacks-upcoming", "Call-backs Upcoming",
                  "Your callbacks not due yet, soonest first.", "lead"),
        QueueInfo("pool", "New in Pool", "Unassigned open leads anyone may claim, best first.",
                  "lead"),
        QueueInfo("contacts", "Contacts – No Opp.",
                  "Your contacts whose account has no open opportunity.",
                  "contact"),
        QueueInfo("nurture", "Nurture / Recycled",
                  "Your leads recycled to marketing's nurture after the attempt cap or no "
                  "interest.", "lead"),
        QueueInfo("contacted", "Contacted – Recent",
                  f"Your leads spoken to in the last {RECENT_DAYS} days: marketing leaves them "
                  "be.", "lead"),
    )
}  # fmt: skip


class RepInfo(NamedTuple):
    id: int
    name: str
    role: str
    capacity: int
    active: bool
    email: str | None = None  # not read for the first frame (`calling.glance`)
    login: str | None = None  # their PostgreSQL login (team mode)

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"
