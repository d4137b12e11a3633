"""What a saved filter asks of a lead, as plain data, as words, and as SQL.

The SQL keeps the queue's partial index in charge: "mine" and a named rep's leads are the
My Leads index (`ix_lead_queue`) and its order, the pool's are the pool index and its
order, and every other criterion is checked on the rows the index walks. So a page costs
what a My Leads page costs however the filter is made, and pages by key as every queue
does. A "days" criterion is a cut-off time bound when the page is read (`params`): the
statement itself stays the same all day, and is built once per filter (`calling.queues`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, func, or_, select, text

from workstation.store.models import OWNED, POOL, CampaignMember, Lead
from workstation.store.tables import table_of

lead = table_of(Lead).c
member = table_of(CampaignMember).c
OWNERS = ("mine", "pool", "rep")
# Where each owner's leads are, in which order, through which index (the queue's own).
MY_ORDER = ((lead.score, True), (lead.assigned_at, False), (lead.id, False))
POOL_ORDER = ((lead.score, True), (lead.created_at, False), (lead.id, False))


@dataclass(frozen=True, slots=True)
class Criteria:
    """A saved filter's criteria; None filters nothing. Text matches whole values, in
    any case."""

    owner: str = "mine"  # the rep working the queue, the pool, or `owner_rep_id`'s
    owner_rep_id: int | None = None
    lead_source: str | None = None
    lead_type: str | None = None  # the offer
    campaign_id: int | None = None  # the lead's latest campaign, or any it is a member of
    industry: str | None = None
    state: str | None = None
    country: str | None = None
    status: str | None = None
    score_min: int | None = None
    score_max: int | None = None
    inactive_days: int | None = None  # no activity for this many days, or never any
    active_days: int | None = None  # some activity within this many days

    @classmethod
    def of(cls, row: Any) -> Criteria:
        """The criteria of a `SavedFilter` row (or anything with the same attributes)."""
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


_TEXT = {
    "lead_source": lead.lead_source,
    "lead_type": lead.lead_type,
    "industry": lead.industry,
    "state": lead.state,
    "country": lead.country,
}


def where(criteria: Criteria, *, paged: bool = True) -> ColumnElement[bool]:
    """The filter, with the owner's partial-index predicate repeated literally; for a page
    (in the index's order) or for the count (`paged=False`)."""
    if criteria.owner == "pool":
        terms: list[Any] = [text(POOL)]
    else:
        owner: Any = bindparam("rep_id") if criteria.owner == "mine" else criteria.owner_rep_id
        terms = [lead.owner_id == owner, text(OWNED)]
    for name, column in _TEXT.items():
        value = getattr(criteria, name)
        if value is not None:
            terms.append(func.lower(column) == value.lower())
    if criteria.status is not None:
        # On a page, kept off the owner-and-status index (coalesce: a status is never
        # NULL): given a status and a time, SQLite's planner would walk that index and
        # sort every matching row for each page.
        status = func.coalesce(lead.status, "") if paged else lead.status
        terms.append(status == criteria.status)
    if criteria.campaign_id is not None:
        membership = select(member.id).where(
            member.lead_id == lead.id, member.campaign_id == criteria.campaign_id
        )
        terms.append(or_(lead.campaign_id == criteria.campaign_id, membership.exists()))
    if criteria.score_min is not None:
        # Both ends of a range on the index's score make SQLite's planner sort the rows
        # rather than walk the index in order: the lower end is then checked row by row
        # (`+ 0` keeps SQLite from using it on the index), where the walk stops anyway.
        low = lead.score + 0 if paged and criteria.score_max is not None else lead.score
        terms.append(low >= criteria.score_min)
    if criteria.score_max is not None:
        terms.append(lead.score <= criteria.score_max)
    if criteria.inactive_days is not None:
        before: BindParameter[datetime] = bindparam("inactive_before")
        terms.append(or_(lead.last_activity_at.is_(None), lead.last_activity_at < before))
    if criteria.active_days is not None:
        terms.append(lead.last_activity_at >= bindparam("active_since"))
    return and_(*terms)


def order(criteria: Criteria) -> tuple[tuple[Any, bool], ...]:
    return POOL_ORDER if criteria.owner == "pool" else MY_ORDER


def index(criteria: Criteria) -> str:
    """The partial index a page walks, in its order."""
    return "ix_lead_pool" if criteria.owner == "pool" else "ix_lead_queue"


def params(criteria: Criteria, now: datetime) -> dict[str, datetime]:
    """The cut-off times of the "days" criteria, as of `now`."""
    found = {}
    if criteria.inactive_days is not None:
        found["inactive_before"] = now - timedelta(days=criteria.inactive_days)
    if criteria.active_days is not None:
        found["active_since"] = now - timedelta(days=criteria.active_days)
    return found


def describe(criteria: Criteria, *, owner_name: str = "", campaign_name: str = "") -> str:
    """The criteria in a few words, for the queue's description and `filter list`."""
    owner = {"mine": "your leads", "pool": "the pool"}.get(criteria.owner, f"{owner_name}'s leads")
    words = [owner]
    labels = {"lead_source": "source", "lead_type": "offer", "industry": "industry",
              "state": "state", "country": "country", "status": "status"}  # fmt: skip
    for name, label in labels.items():
        value = getattr(criteria, name)
        if value is not None:
            words.append(f"{label} {value}")
    if criteria.campaign_id is not None:
        words.append(f"campaign {campaign_name or criteria.campaign_id}")
    low, high = criteria.score_min, criteria.score_max
    if low is not None or high is not None:
        words.append(f"score {'' if low is None else low}–{'' if high is None else high}")
    if criteria.inactive_days is not None:
        words.append(f"no activity for {criteria.inactive_days} days")
    if criteria.active_days is not None:
        words.append(f"activity in the last {criteria.active_days} days")
    return " · ".join(words)
