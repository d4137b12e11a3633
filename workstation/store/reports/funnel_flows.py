"""The funnel's flows both ways between marketing and sales (seed 001's split brain): how
many people recycling or marketing promoted to sales, and how many returned to marketing,
by reason, read from the history (the lifecycle moves carry their reason there).
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
    """Every flow, both ways, with its count (zero ones too: the table shows both ways)."""
    statement = (
        select(col(History.reason), func.count())
        .where(
            col(History.entity).in_(("lead", "contact")),
            col(History.field) == "lifecycle_stage",
            col(History.reason).in_([reason for _, reason, _ in FLOWS]),
        )
        .group_by(col(History.reason))
    )
    if since is not None:
        statement = statement.where(col(History.at) >= since)
    counts: dict[str, int] = {reason: count for reason, count in session.execute(statement)}
    return [FlowRow(direction, label, counts.get(reason, 0)) for direction, reason, label in FLOWS]
