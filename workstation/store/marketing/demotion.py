"""Demotion (seed 001): a lead sales rejected, that went unresponsive (its attempt cap
reached without a connected call) or that its owner ignored past the SLA (owned, open, no
activity since it was assigned, for `ignored_days`) returns to marketing, owner cleared:
to Nurture (status Archived – Developing / Nurturing, as `calling.reject` sends a lead
there), or to Name when it never engaged (no connected call, no campaign response).

A lead already in marketing's hands (Name, or Nurture with no owner) is not moved again,
so a second run finds nothing. Bad Data keeps its status: nobody nurtures a bogus record.
Each kind of demotion is a finder; a lead two of them would move is moved once, by the
first (`recycle.FINDERS` order).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, TextClause, and_, exists, not_, or_, select, text
from sqlmodel import Session, col

from workstation.store.calling.source_policy import load_call_policy
from workstation.store.marketing.moves import (
    RETURNED,
    Move,
    RecycleRules,
)
from workstation.store.models import REJECTED, UNTOUCHED, Activity, CampaignMember, Lead
from workstation.store.records.page import person_name
from workstation.store.reference import BAD_DATA, NURTURING, Disposition
from workstation.store.sales_hands import NAME

NURTURE = "Nurture"
# The reasons, fixed words: the funnel counts the flows by them.
WAS_REJECTED = "returned to marketing: rejected by sales"
UNRESPONSIVE = "returned to marketing: unresponsive (attempt cap reached, no connect)"
IGNORED = "returned to marketing: ignored by its owner past the SLA"
REASONS = (WAS_REJECTED, UNRESPONSIVE, IGNORED)

_CONNECTED = select(col(Disposition.name)).where(col(Disposition.connected))
_CONNECTED_CALL = exists().where(
    col(Activity.lead_id) == col(Lead.id), col(Activity.disposition).in_(_CONNECTED)
)
_RESPONSE = exists().where(
    col(CampaignMember.lead_id) == col(Lead.id), col(CampaignMember.has_responded)
)
_ENGAGED = or_(_CONNECTED_CALL, _RESPONSE).label("engaged")
# In marketing's hands already: a Name, or nurtured with nobody in sales holding it.
_WITH_MARKETING = or_(
    col(Lead.lifecycle_stage) == NAME,
    and_(col(Lead.lifecycle_stage) == NURTURE, col(Lead.owner_id).is_(None)),
)
_SALES_SIDE = and_(col(Lead.is_converted).is_(False), not_(_WITH_MARKETING))


# What a move needs of a lead: read as plain rows (recycling reads every lead at its cap,
# and loading each as an ORM object would cost several times more).
_COLUMNS = (
    col(Lead.id), col(Lead.first_name), col(Lead.last_name), col(Lead.lifecycle_stage),
    col(Lead.status), col(Lead.version), col(Lead.last_activity_at), col(Lead.lead_source),
    col(Lead.attempt_count),
)  # fmt: skip


def _return(lead: Row[Any], engaged: bool, reason: str) -> Move:
    to = NURTURE if engaged else NAME
    changes: dict[str, object] = {"lifecycle_stage": to, "owner_id": None}
    if lead.status != BAD_DATA:
        changes["status"] = NURTURING
    return Move(
        kind="lead",
        id=lead.id,
        name=person_name(lead.first_name, lead.last_name),
        from_=lead.lifecycle_stage,
        to=to,
        reason=reason,
        flow=RETURNED,
        changes=changes,
        fields={"callback_at": None},
        version=lead.version,
        last_activity_at=lead.last_activity_at,
    )


def _found(
    session: Session,
    where: ColumnElement[bool] | TextClause,
    reason: str,
    keep: Callable[[Row[Any]], bool] = lambda _: True,
) -> Iterator[Move]:
    # No ORDER BY: SQLite would read the table in id order to save a sort rather than the
    # finder's partial index (ix_lead_rejected, ix_lead_untouched). Sorted here instead.
    statement = select(*_COLUMNS, _ENGAGED).where(_SALES_SIDE, where)
    for lead in sorted(session.execute(statement), key=lambda row: row.id):
        if keep(lead):
            yield _return(lead, bool(lead.engaged), reason)


def find_rejected(session: Session, rules: RecycleRules, now: datetime) -> Iterator[Move]:
    """Leads sales rejected."""
    # Literally: the partial index ix_lead_rejected holds only them.
    return _found(session, text(REJECTED), WAS_REJECTED)


def find_unresponsive(session: Session, rules: RecycleRules, now: datetime) -> Iterator[Move]:
    """Leads at their source's attempt cap (`calling.source_policy`, as `next` and the
    dispositions hold it; the settings' cap for a source without one) that never had a
    connected call. The leads below every source's cap are not read."""
    policy = load_call_policy(session, default_cap=rules.attempt_cap)
    lowest = min([policy.default_cap, *(cap for cap, _ in policy.by_source.values())])
    return _found(
        session,
        and_(col(Lead.attempt_count) >= lowest, not_(_CONNECTED_CALL)),
        UNRESPONSIVE,
        keep=lambda lead: lead.attempt_count >= policy.cap(lead.lead_source)[0],
    )


def find_ignored(session: Session, rules: RecycleRules, now: datetime) -> Iterator[Move]:
    """Owned, open leads with no activity since their assignment `ignored_days` ago."""
    due = now - timedelta(days=rules.ignored_days)
    return _found(session, and_(text(UNTOUCHED), col(Lead.assigned_at) <= due), IGNORED)
