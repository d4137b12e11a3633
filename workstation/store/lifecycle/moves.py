"""Moving an opportunity (seed 001, DESIGN.md "Opportunity"): its stage (the probability
follows the stage unless given), amount, close date and next step; Closed Won or Closed
Lost with a reason; reopened with a reason; "rejected by sales" when it is bogus.

One move is one transaction. Every change is in the history with the reason. A stale move
(the version read is not the stored one) is refused, so two reps never overwrite each
other. A move that makes the account a customer, or no longer one, moves its contacts'
lifecycle stage in the same transaction (`customers.py`).

A rejected opportunity is never deleted: it is closed at the lost stage, flagged, keeps
its reason, and leaves the pipeline and the won/lost figures for the funnel's feedback on
rejections (seed 001: "the Rejected items won't mess up anybody's operational metrics").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from workstation.store.conversion.terms import check_amount
from workstation.store.db import write_session
from workstation.store.history import record_change
from workstation.store.lifecycle.customers import LifecycleMove, follow_the_account, is_customer
from workstation.store.lifecycle.rules import (
    OpportunityRefused,
    check_close_date,
    check_probability,
    editable_opportunity,
    find_stage,
    lost_stage,
    one_line,
)
from workstation.store.models import Opportunity, utcnow


@dataclass(frozen=True, slots=True)
class Move:
    """What the rep changes; None leaves a value as it is ("" clears the next step)."""

    stage: str | None = None
    probability: int | None = None
    amount_cents: int | None = None
    close_date: date | None = None
    next_step: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class MoveResult:
    id: int
    name: str
    account_id: int
    stage: str
    probability: int
    amount_cents: int
    close_date: date
    next_step: str | None
    is_closed: bool
    is_won: bool
    is_rejected: bool
    closed_reason: str | None
    version: int
    changed: tuple[str, ...]  # the fields this move changed
    account_is_customer: bool
    contacts_moved: tuple[LifecycleMove, ...]


class _Changes:
    """The fields one move changes, each logged in the history as it is made."""

    def __init__(self, session: Session, opportunity: Opportunity, rep_id, reason, at) -> None:
        self.session, self.opportunity = session, opportunity
        self.rep_id, self.reason, self.at = rep_id, reason, at
        self.fields: list[str] = []

    def set(self, field: str, new: object) -> None:
        old = getattr(self.opportunity, field)
        if old == new:
            return
        assert self.opportunity.id is not None  # loaded from the database
        record_change(
            self.session,
            entity="opportunity",
            entity_id=self.opportunity.id,
            field=field,
            old=old,
            new=new,
            rep_id=self.rep_id,
            reason=self.reason,
            at=self.at,
        )
        setattr(self.opportunity, field, new)
        self.fields.append(field)


def move_opportunity(
    engine: Engine,
    *,
    opportunity_id: int,
    move: Move,
    rep_id: int | None,
    version: int | None = None,
    at: datetime | None = None,
) -> MoveResult:
    """Apply `move` to the opportunity, all of it or nothing; `version` (the one the rep
    read) refuses a move over someone else's."""
    at = at or utcnow()
    reason = one_line(move.reason, "the reason")
    with write_session(engine) as session:
        opportunity = editable_opportunity(session, opportunity_id, rep_id, "move")
        if version is not None and version != opportunity.version:
            raise OpportunityRefused(
                f"opportunity {opportunity_id} was changed meanwhile (by someone else): "
                "look at it again, nothing was changed"
            )
        was_customer = is_customer(session, opportunity.account_id)
        changes = _Changes(session, opportunity, rep_id, reason, at)
        _stage(session, changes, move, reason)
        if move.amount_cents is not None:
            changes.set("amount_cents", check_amount(move.amount_cents))
        if move.close_date is not None:
            changes.set("close_date", check_close_date(move.close_date, today=at.date()))
        if move.next_step is not None:
            changes.set("next_step", one_line(move.next_step, "the next step"))
        if not changes.fields:
            raise OpportunityRefused(
                f"opportunity {opportunity_id} is {opportunity.stage} already, with these "
                "values: nothing to change"
            )
        return _finish(session, opportunity, changes, was_customer)


def _stage(session: Session, changes: _Changes, move: Move, reason: str | None) -> None:
    opportunity = changes.opportunity
    current = find_stage(session, opportunity.stage)
    target = find_stage(session, move.stage) if move.stage is not None else current
    if target.name != current.name:
        if target.is_closed and not target.is_won and reason is None:
            raise OpportunityRefused(f"closing it {target.name} needs a reason")
        if current.is_closed and not target.is_closed and reason is None:
            raise OpportunityRefused(f"reopening a {current.name} opportunity needs a reason")
        changes.set("stage", target.name)
        changes.set("is_closed", target.is_closed)
        changes.set("closed_reason", reason if target.is_closed else None)
        probability = target.probability if move.probability is None else move.probability
    else:
        probability = opportunity.probability if move.probability is None else move.probability
        if reason is not None and target.is_closed:
            changes.set("closed_reason", reason)
    if target.is_closed and probability != target.probability:
        raise OpportunityRefused(
            f"a {target.name} opportunity's probability is {target.probability}%"
        )
    changes.set("probability", check_probability(probability))


def reject_opportunity(
    engine: Engine,
    *,
    opportunity_id: int,
    reason: str,
    rep_id: int | None,
    at: datetime | None = None,
) -> MoveResult:
    """Reject a bogus opportunity by sales: kept, flagged, closed lost, with the reason."""
    at = at or utcnow()
    why = one_line(reason, "the reason for rejecting it", required=True)
    with write_session(engine) as session:
        opportunity = editable_opportunity(session, opportunity_id, rep_id, "reject")
        was_customer = is_customer(session, opportunity.account_id)
        changes = _Changes(session, opportunity, rep_id, f"rejected by sales: {why}", at)
        lost = lost_stage(session)
        changes.set("is_rejected", True)
        changes.set("stage", lost.name)
        changes.set("is_closed", True)
        changes.set("probability", lost.probability)
        changes.set("closed_reason", why)
        return _finish(session, opportunity, changes, was_customer)


def _finish(
    session: Session, opportunity: Opportunity, changes: _Changes, was_customer: bool
) -> MoveResult:
    opportunity.version += 1
    session.add(opportunity)
    session.flush()
    account_id = opportunity.account_id
    customer = is_customer(session, account_id)
    moved: list[LifecycleMove] = []
    if customer != was_customer:
        why = (
            f"account {account_id} became a customer: opportunity {opportunity.id} won"
            if customer
            else f"account {account_id} is no longer a customer: opportunity "
            f"{opportunity.id} is {opportunity.stage} now"
        )
        moved = follow_the_account(
            session,
            account_id,
            customer=customer,
            rep_id=changes.rep_id,
            reason=why,
            at=changes.at,
        )
    stage = find_stage(session, opportunity.stage)
    assert opportunity.id is not None
    return MoveResult(
        id=opportunity.id,
        name=opportunity.name,
        account_id=account_id,
        stage=opportunity.stage,
        probability=opportunity.probability,
        amount_cents=opportunity.amount_cents,
        close_date=opportunity.close_date,
        next_step=opportunity.next_step,
        is_closed=opportunity.is_closed,
        is_won=stage.is_won,
        is_rejected=opportunity.is_rejected,
        closed_reason=opportunity.closed_reason,
        version=opportunity.version,
        changed=tuple(changes.fields),
        account_is_customer=customer,
        contacts_moved=tuple(moved),
    )
