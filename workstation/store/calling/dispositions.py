"""Logging a call with its disposition, ONE transaction.

A disposition (a row of the `disposition` table) says what the call does to the record:
the status and lifecycle stage it moves to, whether it counts as an attempt, schedules a
callback or sets do-not-call. After the attempt cap of its lead source (`source_policy`;
the settings' cap for a source it holds none for), an unanswered lead is recycled to
Nurture, and until then it may be called again after its source's callback spacing
(`CallLogged.callable_again_at`); a call on a recycled lead (the Nurture queue) reopens it
for sales with a fresh set of attempts. The record's calling state from before the call,
and what the call changed, are kept on the activity, so that `undo` can put them back
(`undo.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from workstation.store.calling.call_state import calling_state, changed_values
from workstation.store.calling.source_policy import load_call_policy
from workstation.store.changes import change_contact, change_lead, is_backward_move
from workstation.store.conversion.rules import REJECTED
from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.models import Activity, Contact, Lead, Rep, utcnow
from workstation.store.permissions import lock_person
from workstation.store.reference import DEFAULT_STATUS, NURTURING, WORKING, Disposition
from workstation.store.sales_hands import NAME
from workstation.store.scoring.explain import rescore
from workstation.store.scripts.for_record import apply_answers
from workstation.store.values.callback_times import HORIZON
from workstation.store.values.durations import check_duration
from workstation.store.values.rules import ATTEMPT_CAP
from workstation.store.values.text import clean_text


class CallRefused(StoreError):
    """The call cannot be logged as asked; nothing was written."""


class DoNotCallRefused(CallRefused):
    """The person is do-not-call and the caller did not confirm the call; nothing was
    written. Asking again with `confirm_do_not_call=True` logs it."""


@dataclass(frozen=True, slots=True)
class CallLogged:
    activity_id: int
    record: str  # "lead" or "contact"
    record_id: int
    disposition: str
    status: str | None
    lifecycle_stage: str
    attempt_count: int
    callback_at: datetime | None
    do_not_call: bool
    recycled: bool
    qualifies: bool  # the disposition qualifies the record (Connected – Qualified)
    # When its source's callback spacing lets `next` offer it again (None: the call booked
    # a callback, or left it in no queue of sales).
    callable_again_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DispositionKey:
    hotkey: str
    name: str
    schedules_callback: bool
    sets_do_not_call: bool = False


def disposition_keys(session: Session) -> dict[str, DispositionKey]:
    """The dispositions by hotkey, as the queue screen binds them."""
    rows = session.execute(select(Disposition).order_by(col(Disposition.sort_order))).scalars()
    return {
        row.hotkey: DispositionKey(
            row.hotkey, row.name, row.schedules_callback, row.sets_do_not_call
        )
        for row in rows
    }


def find_disposition(session: Session, wanted: str) -> Disposition:
    """A disposition by its hotkey ("5") or its name, case-insensitively."""
    rows = list(
        session.execute(select(Disposition).order_by(col(Disposition.sort_order))).scalars()
    )
    for row in rows:
        if wanted.strip() in (row.hotkey, row.name) or wanted.strip().lower() == row.name.lower():
            return row
    choices = "; ".join(f"{row.hotkey} = {row.name}" for row in rows)
    raise CallRefused(f"unknown disposition {wanted!r}; use one of: {choices}")


def _load(
    session: Session, *, lead_id: int | None, contact_id: int | None, rep: Rep
) -> Lead | Contact:
    if (lead_id is None) == (contact_id is None):
        raise CallRefused("name exactly one lead or one contact")
    kind = "lead" if lead_id is not None else "contact"
    record_id = lead_id if lead_id is not None else contact_id
    assert record_id is not None
    record, locked = lock_person(session, kind, record_id)
    if record is None:
        raise CallRefused(f"there is no {kind} {lead_id or contact_id}")
    if isinstance(record, Lead) and record.is_converted:
        raise CallRefused(
            f"lead {record.id} was converted and is read-only: log the call "
            f"on contact {record.converted_contact_id}"
        )
    if record.owner_id not in (None, rep.id) and rep.role != "manager":
        owner = session.get(Rep, record.owner_id)
        raise CallRefused(
            f"{kind} {record.id} belongs to {owner.name if owner else 'another rep'}"
            ": only they or a manager can log calls on it"
        )
    if not locked:  # row-level security and the rule above disagree: refuse, never guess
        raise CallRefused(f"this database login may not change {kind} {record.id}")
    return record


INACTIVE = "Inactive"  # the lifecycle detour of a contact gone (bad data, left the company)
SALES_QUALIFIED = "Sales Qualified"  # the stage a qualifying call moves a lead to
NURTURE = "Nurture"  # the lifecycle detour of a recycled lead
REOPENED_STAGE = "Sales Accepted"  # a recycled lead's stage once a call reopens it


def is_recycled(record: Lead | Contact) -> bool:
    """A lead the attempt cap (or a rep) sent to marketing's nurture: closed, yet a call
    from the Nurture queue may reopen it. Rejected ones are refused before this counts."""
    return (
        isinstance(record, Lead)
        and not record.is_open
        and record.status == NURTURING
        and record.lifecycle_stage != NAME
    )


def _ensure_callable(record: Lead | Contact, *, confirm_do_not_call: bool) -> None:
    """Refuse a call on a record sales is done with (rejected, closed, inactive) and, unless
    the caller confirmed it, on a do-not-call person (DESIGN.md "Queues")."""
    kind = "lead" if isinstance(record, Lead) else "contact"
    name = f"{kind} {record.id}"
    if record.lifecycle_stage == REJECTED:
        why = record.rejected_reason or "no reason given"
        raise CallRefused(
            f"{name} was rejected by sales ({why}): it takes no calls; nothing was logged"
        )
    if record.lifecycle_stage == NAME:
        raise CallRefused(
            f"{name} is a Name, in marketing's pool: promote it to sales first "
            "(`workstation names promote`); nothing was logged"
        )
    if isinstance(record, Lead) and not record.is_open and not is_recycled(record):
        raise CallRefused(
            f"{name} is closed ({record.status}): it takes no calls; nothing was logged"
        )
    if isinstance(record, Contact) and (record.lifecycle_stage == INACTIVE or not record.active):
        raise CallRefused(f"{name} is inactive: it takes no calls; nothing was logged")
    if record.do_not_call and not confirm_do_not_call:
        raise DoNotCallRefused(
            f"{name} is do-not-call: confirm to log a call anyway "
            "(--confirm-dnc on the command line); nothing was logged"
        )


def log_call(
    engine: Engine,
    *,
    rep_id: int,
    disposition: str,
    lead_id: int | None = None,
    contact_id: int | None = None,
    notes: str = "",
    callback_at: datetime | None = None,
    answers: dict | None = None,
    duration_seconds: int | None = None,
    now: datetime | None = None,
    attempt_cap: int = ATTEMPT_CAP,
    confirm_do_not_call: bool = False,
) -> CallLogged:
    """Log one call on a lead or a contact and apply its disposition; one transaction.

    A rejected, converted or closed record refuses the call (CallRefused), and so does a
    do-not-call person unless `confirm_do_not_call` (DoNotCallRefused)."""
    now = now or utcnow()
    if duration_seconds is not None:
        duration_seconds = check_duration(duration_seconds)
    notes = clean_text(notes, label="notes", multiline=True) or ""
    with write_session(engine) as session:
        rep = _active_rep(session, rep_id)
        outcome = _outcome(session, disposition, callback_at=callback_at, now=now)
        record = _load(session, lead_id=lead_id, contact_id=contact_id, rep=rep)
        _ensure_callable(record, confirm_do_not_call=confirm_do_not_call)
        # Read before anything changes, so that the call and the record's new state are
        # flushed together (once, by the rescore below), not half by this read's autoflush.
        policy = load_call_policy(session, default_cap=attempt_cap)
        prior = calling_state(record)
        reopening = is_recycled(record)
        if reopening:  # its spent attempts went with it to Nurture: a fresh set starts
            record.attempt_count = 0
        # The script's answers are checked (or refuse the call); the score moves below.
        answers = apply_answers(session, record, answers=answers)
        callback_at = callback_at if outcome.schedules_callback else None
        activity = Activity(
            lead_id=lead_id,
            contact_id=contact_id,
            rep_id=rep_id,
            kind="call",
            disposition=outcome.name,
            subject=f"Call: {outcome.name}",
            notes=notes,
            answers=answers,
            duration_seconds=duration_seconds,
            occurred_at=now,
            due_at=callback_at,
            prior_state=prior,
            account_id=getattr(record, "account_id", None),
        )
        session.add(activity)
        if outcome.counts_attempt:
            record.attempt_count += 1
        record.last_activity_at = now
        record.callback_at = callback_at
        if outcome.sets_do_not_call:
            record.do_not_call = True
        recycled = False
        if isinstance(record, Lead):
            cap, _ = policy.cap(record.lead_source)
            recycled = _move_lead(session, record, outcome, rep_id, now, cap, reopening=reopening)
        else:
            _move_contact(session, record, outcome, rep_id, now)
        retry, _ = policy.retry(record.lead_source)
        again = None
        if callback_at is None and not recycled and not record.do_not_call:
            again = now + timedelta(hours=retry)
        record.version += 1
        record.updated_at = now
        activity.changed_state = changed_values(prior, calling_state(record))
        session.add(record)
        rescore(session, record, now)  # the call, its answers: same transaction
        session.flush()
        assert activity.id is not None and record.id is not None
        return CallLogged(
            activity_id=activity.id,
            record="lead" if isinstance(record, Lead) else "contact",
            record_id=record.id,
            disposition=outcome.name,
            status=getattr(record, "status", None),
            lifecycle_stage=record.lifecycle_stage,
            attempt_count=record.attempt_count,
            callback_at=record.callback_at,
            do_not_call=record.do_not_call,
            recycled=recycled,
            qualifies=outcome.lifecycle_stage == SALES_QUALIFIED,
            callable_again_at=again,
        )


def _active_rep(session: Session, rep_id: int) -> Rep:
    rep = session.get(Rep, rep_id)
    if rep is None:
        raise CallRefused(f"there is no rep {rep_id}")
    if not rep.active:
        raise CallRefused(f"{rep.name} is no longer an active rep: they log no calls")
    return rep


def _outcome(
    session: Session, disposition: str, *, callback_at: datetime | None, now: datetime
) -> Disposition:
    """The disposition asked for, with the callback time it needs."""
    outcome = find_disposition(session, disposition)
    if outcome.schedules_callback:
        if callback_at is None:
            raise CallRefused(f"{outcome.name} needs a callback time")
        if callback_at <= now:
            raise CallRefused("the callback time is in the past")
        if callback_at - now > HORIZON:
            raise CallRefused(
                f"a callback on {callback_at:%Y-%m-%d} is more than a year ahead: book a "
                "callback within a year"
            )
    return outcome


def _move_lead(
    session: Session,
    lead: Lead,
    outcome: Disposition,
    rep_id: int,
    now: datetime,
    cap: int,
    *,
    reopening: bool = False,
) -> bool:
    """The lead's new status and stage, and its owner if it had none; whether the call
    recycled it to Nurture (unanswered once too often). A recycled lead's call reopens it:
    the outcome's status (Working when it names none) and, out of the Nurture stage, Sales
    Accepted unless the outcome names a stage."""
    lead.claimed_until = None
    status, stage, reason = outcome.lead_status, outcome.lifecycle_stage, None
    at_cap = lead.attempt_count >= cap and not outcome.connected
    recycled = at_cap and status is not None and status != NURTURING
    if reopening:
        status = status or WORKING
        if stage is None and lead.lifecycle_stage == NURTURE:
            stage = REOPENED_STAGE
        reason = f"reopened from nurture: call: {outcome.name}"
    if recycled:
        status, stage = NURTURING, NURTURE
        reason = f"recycled to nurture after {lead.attempt_count} attempts"
    elif status == WORKING and lead.status != DEFAULT_STATUS and not reopening:
        # An unanswered attempt moves an untouched lead to Working and leaves any other
        # status alone: a lead spoken to, or matched to a contact, keeps it.
        status = None
    change_lead(
        session,
        lead,
        rep_id=rep_id,
        status=status,
        lifecycle_stage=stage,
        owner_id=rep_id if lead.owner_id is None else lead.owner_id,
        reason=reason or f"call: {outcome.name}",
        at=now,
    )
    return recycled


def _move_contact(
    session: Session, contact: Contact, outcome: Disposition, rep_id: int, now: datetime
) -> None:
    # A call never moves a contact back: a customer who says "call back" stays one.
    stage = outcome.lifecycle_stage
    if stage and is_backward_move(session, contact.lifecycle_stage, stage):
        stage = None
    change_contact(
        session,
        contact,
        rep_id=rep_id,
        lifecycle_stage=stage,
        reason=f"call: {outcome.name}",
        at=now,
    )
