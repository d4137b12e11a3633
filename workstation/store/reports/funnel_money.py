"""Marketing ROI (seed 002): the funnel's pipeline and won amounts per campaign and per lead
source, and what each won deal cost where a campaign's actual cost is known.

From the opportunities: an opportunity counts for its primary campaign source and its lead
source. Pipeline is the amount of the open ones; won, the count and amount of those in a won
stage. Cost per won deal is a campaign's actual cost over its won deals (None when the
cost is not known or nothing was won). With `since`, only opportunities created on or
after it. One grouped query over the opportunities, which are few beside the leads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, case, cast, func, select
from sqlmodel import Session

from workstation.store.models import Campaign, Opportunity
from workstation.store.reference import OpportunityStage
from workstation.store.tables import table_of

NONE = "(none)"

_opportunity = table_of(Opportunity)
_stage = table_of(OpportunityStage)
_campaign = table_of(Campaign)


@dataclass(frozen=True, slots=True)
class MoneyRow:
    name: str
    open_opportunities: int
    pipeline_cents: int
    won: int
    won_cents: int
    cost_cents: int | None  # a campaign's actual cost; None when unknown (and for sources)

    @property
    def cost_per_won_cents(self) -> int | None:
        if self.cost_cents is None or not self.won:
            return None
        return round(self.cost_cents / self.won)


def _rows(session: Session, key, since: datetime | None, *extra):
    amount = _opportunity.c.amount_cents
    is_open = case((_opportunity.c.is_closed, 0), else_=1)
    won = case((_stage.c.is_won, 1), else_=0)
    query = (
        select(
            key.label("name"),
            *extra,
            func.sum(is_open),
            cast(func.sum(is_open * amount), BigInteger),
            func.sum(won),
            cast(func.sum(won * amount), BigInteger),
        )
        .select_from(
            _opportunity.join(_stage, _stage.c.name == _opportunity.c.stage).outerjoin(
                _campaign, _campaign.c.id == _opportunity.c.campaign_id
            )
        )
        .group_by(key, *extra)
    )
    if since is not None:
        query = query.where(_opportunity.c.created_at >= since)
    return session.execute(query).all()


def _ordered(rows: list[MoneyRow]) -> list[MoneyRow]:
    return sorted(rows, key=lambda r: (-r.won_cents, -r.pipeline_cents, r.name))


def money_by_campaign(session: Session, since: datetime | None = None) -> list[MoneyRow]:
    rows = _rows(session, _campaign.c.name, since, _campaign.c.actual_cost_cents)
    return _ordered(
        [
            MoneyRow(name or NONE, int(o or 0), int(p or 0), int(w or 0), int(a or 0), cost)
            for name, cost, o, p, w, a in rows
        ]
    )


def money_by_source(session: Session, since: datetime | None = None) -> list[MoneyRow]:
    rows = _rows(session, _opportunity.c.lead_source, since)
    return _ordered(
        [
            MoneyRow(name or NONE, int(o or 0), int(p or 0), int(w or 0), int(a or 0), None)
            for name, o, p, w, a in rows
        ]
    )
