"""The funnel's flows both ways between marketing and sales (seed 001's split brain): how
many people recycling or marketing promoted to sales, and how many returned to marketing,
by reason, read from the history (each move's changes carry its reason there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from workstation.store.marketing.demotion import IGNORED, UNRESPONSIVE, WAS_REJECTED
from workstation.store.marketing.promotion import BY_HAND, BY_SCORE
from workstation.store.models import History

TO_SALES = "Promoted to sales"
TO_MARKETING = "Returned to marketing"
# (direction, the reason the history keeps, how the funnel names it), in the order shown.
FLOWS = (
    (TO_SALES, BY_SCORE, "score reached the threshold"),
    (TO_SALES, BY_HAND, "promoted by marketing"),
    (TO_MARKETING, WAS_REJECTED, "rejected by sales"),
    (TO_MARKETING, UNRESPONSIVE, "unresponsive: attempt cap, no connect"),
    (TO_MARKETING, IGNORED, "ignored by its owner past the SLA"),
)


@dataclass(frozen=True, slots=True)
class FlowRow:
    direction: str  # TO_SALES or TO_MARKETING
    reason: str
    moves: int  # leads and contacts moved, since `since`


def flows(session: Session, since: datetime | None = None) -> list[FlowRow]:
    """Every flow, both ways, with its count (zero ones too: the table shows both ways).

    A move writes a history row per field it changes (stage, status, owner), all with its
    reason and time; a lead the attempt cap had already sent to Nurture changes only its
    owner. So a move is one (record, time) among the rows with a flow's reason."""
    moves = (
        select(col(History.reason), col(History.entity), col(History.entity_id), col(History.at))
        .where(
            col(History.entity).in_(("lead", "contact")),
            col(History.field).in_(("lifecycle_stage", "owner_id")),
            col(History.reason).in_([reason for _, reason, _ in FLOWS]),
        )
        .distinct()
    )
    if since is not None:
        moves = moves.where(col(History.at) >= since)
    found = moves.subquery("moves")
    statement = select(found.c.reason, func.count()).group_by(found.c.reason)
    counts: dict[str, int] = {reason: count for reason, count in session.execute(statement)}
    return [FlowRow(direction, label, counts.get(reason, 0)) for direction, reason, label in FLOWS]
