"""What every opportunity action shares: its refusal, the stages as data, the checks of
typed values, and loading an opportunity the acting rep may change.

Reps act on the opportunities they own, managers on all (`permissions.py`); an inactive
rep changes nothing; an opportunity rejected by sales is kept as it is.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from workstation.store.errors import StoreError
from workstation.store.models import Opportunity
from workstation.store.permissions import require_active, require_own_record
from workstation.store.reference import OpportunityStage
from workstation.store.values.text import BadValue, clean_text

FURTHEST = timedelta(days=10 * 366)  # a close date further than this is a typing slip


class OpportunityRefused(StoreError):
    """The opportunity action breaks a rule; nothing was written."""


def stages(session: Session) -> dict[str, OpportunityStage]:
    """The opportunity stages, in their order."""
    rows = session.execute(select(OpportunityStage).order_by(col(OpportunityStage.sort_order)))
    return {stage.name: stage for stage in rows.scalars()}


def find_stage(session: Session, name: str) -> OpportunityStage:
    """The stage `name` names (case and spaces aside), or one line listing them."""
    known = stages(session)
    wanted = " ".join(name.split()).casefold()
    for stage in known.values():
        if stage.name.casefold() == wanted:
            return stage
    raise OpportunityRefused(f"unknown stage {name!r}; stages: {', '.join(known)}")


def lost_stage(session: Session) -> OpportunityStage:
    """The stage a rejected opportunity ends at: the first closed stage that is not won."""
    return next(s for s in stages(session).values() if s.is_closed and not s.is_won)


def one_line(value: str | None, label: str, *, required: bool = False) -> str | None:
    """Typed text cleaned at the door, at most 255 characters; None when empty."""
    try:
        text = clean_text(value or "", 255, label)
    except BadValue as error:
        raise OpportunityRefused(str(error)) from None
    if required and text is None:
        raise OpportunityRefused(f"{label} is needed")
    return text


def check_probability(value: int) -> int:
    if not 0 <= value <= 100:
        raise OpportunityRefused(f"a probability is 0 to 100 (%), not {value}")
    return value


def check_close_date(day: date, *, today: date) -> date:
    """A close date of a moving opportunity: in the past is fine (it closed last week),
    ten years away either way is a slip."""
    if abs(day - today) > FURTHEST:
        raise OpportunityRefused(f"the close date {day} is more than ten years from today")
    return day


def editable_opportunity(
    session: Session, opportunity_id: int, rep_id: int | None, action: str
) -> Opportunity:
    """Opportunity `opportunity_id`, locked, if the acting rep may `action` it."""
    require_active(session, rep_id, f"{action} opportunities")
    opportunity = session.get(Opportunity, opportunity_id, with_for_update=True)
    if opportunity is None:
        raise OpportunityRefused(f"no opportunity {opportunity_id}")
    require_own_record(session, rep_id, opportunity.owner_id, action, records="opportunities")
    if opportunity.is_rejected:
        raise OpportunityRefused(
            f"opportunity {opportunity_id} was rejected by sales "
            f"({opportunity.closed_reason}); it is kept as it is, nothing was changed"
        )
    return opportunity
