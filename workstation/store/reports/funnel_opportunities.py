"""The funnel's opportunities: the open pipeline (and its amount weighted by probability),
won and lost business, and apart from them the opportunities sales rejected as bogus, by
reason (seed 001: rejected items stay out of the operational figures, and count as
feedback for marketing and the telesales desk).

`since`: only opportunities created on or after it; None means all. One grouped query.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, cast, func, select
from sqlmodel import Session

from workstation.store.models import Opportunity
from workstation.store.reference import OpportunityStage
from workstation.store.tables import table_of

NONE = "(none)"
_opportunity = table_of(Opportunity)
_stage = table_of(OpportunityStage)


@dataclass(frozen=True, slots=True)
class OpportunityFigures:
    open: int = 0
    open_cents: int = 0
    weighted_cents: int = 0  # each open amount times its probability
    won: int = 0
    won_cents: int = 0
    lost: int = 0
    lost_cents: int = 0
    rejected: int = 0  # rejected by sales: in none of the above
    rejected_by_reason: tuple[tuple[str, int], ...] = ()


def opportunity_figures(session: Session, since: datetime | None) -> OpportunityFigures:
    o = _opportunity.c
    statement = (
        select(
            o.is_closed,
            _stage.c.is_won,
            o.is_rejected,
            func.count(),
            cast(func.coalesce(func.sum(o.amount_cents), 0), BigInteger),
            cast(func.coalesce(func.sum(o.amount_cents * o.probability), 0), BigInteger),
        )
        .select_from(_opportunity.join(_stage, _stage.c.name == o.stage))
        .group_by(o.is_closed, _stage.c.is_won, o.is_rejected)
    )
    reasons = select(o.closed_reason, func.count()).where(o.is_rejected).group_by(o.closed_reason)
    if since is not None:
        statement = statement.where(o.created_at >= since)
        reasons = reasons.where(o.created_at >= since)
    figures: Counter[str] = Counter()
    for closed, won, rejected, count, cents, weighted in session.execute(statement):
        if rejected:
            figures["rejected"] += count
        elif not closed:
            figures["open"] += count
            figures["open_cents"] += cents
            figures["weighted_cents"] += weighted // 100
        else:
            kind = "won" if won else "lost"
            figures[kind] += count
            figures[f"{kind}_cents"] += cents
    by_reason: Counter[str] = Counter()
    for reason, count in session.execute(reasons):
        by_reason[reason or NONE] += count
    return OpportunityFigures(**figures, rejected_by_reason=tuple(by_reason.most_common()))
