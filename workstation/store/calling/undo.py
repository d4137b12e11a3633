"""Undoing a rep's last call: ONE transaction that puts back only what the call changed.

The call's activity keeps the record's calling state from before it and the values it
changed (`call_state`). Undo puts those values back only while the record still holds the
state the call left. If anyone changed it since (moved the lead to another rep, rejected
it, marked it do not call, logged another call on it), the call stays and the refusal says
what changed and who did it, read from the history and the record's later calls.

Nothing is deleted: the reversal is a compensating activity pointing at the call. The
database holds at most one per call (the unique index `ux_activity_reverses`), so two
undos pressed at once never reverse one call twice. Reversed calls and their reversals are
not "activity" for `last_activity_at`: undo puts it back as if the call was never logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from workstation.store.calling.call_state import calling_state, changed_values, record_value
from workstation.store.changes import change_contact, change_lead
from workstation.store.conversion.rules import REJECTED
from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.models import Activity, Contact, History, Lead, Rep, utcnow
from workstation.store.permissions import lock_person, require_active
from workstation.store.scoring.explain import rescore


class UndoRefused(StoreError):
    """The call cannot be undone; nothing was written."""


@dataclass(frozen=True, slots=True)
class CallUndone:
    activity_id: int  # the compensating entry
    reversed_id: int
    record: str
    record_id: int
    disposition: str


def undo_last_call(engine: Engine, *, rep_id: int, now: datetime | None = None) -> CallUndone:
    """Reverse the rep's most recent call that is not reversed yet; one transaction."""
    now = now or utcnow()
    with write_session(engine) as session:
        require_active(session, rep_id, "undo calls")
        call = _last_call(session, rep_id)
        assert call.id is not None and call.disposition is not None  # a logged call
        record = _locked_record(session, call)
        assert record.id is not None
        kind = record.__tablename__
        if call.changed_state is None:
            raise UndoRefused(
                f"your last call ({call.disposition} on {kind} {record.id}) was logged before "
                "undo could check what changed since: the call stays"
            )
        # Written before anything is compared: a second undo of this call, which waited for
        # the first at the record's lock, is refused here whatever the first one left.
        undo = _reversal(session, call, rep_id, now)
        prior = call.prior_state or {}
        left = prior | call.changed_state
        if changed_values(left, calling_state(record)):
            raise UndoRefused(
                f"{_what_changed(session, call, record, left)} since your call "
                f"({call.disposition}): the call stays"
            )
        _restore(session, record, prior, call.changed_state, rep_id, call, now)
        assert undo.id is not None
        return CallUndone(undo.id, call.id, kind, record.id, call.disposition)


_REVERSES = col(Activity.reverses_id)
_NOT_REVERSED = col(Activity.id).not_in(select(_REVERSES).where(_REVERSES.is_not(None)))


def _last_call(session: Session, rep_id: int) -> Activity:
    call = session.execute(
        select(Activity)
        .where(
            col(Activity.rep_id) == rep_id,
            col(Activity.kind) == "call",
            col(Activity.prior_state).is_not(None),
            _NOT_REVERSED,
        )
        .order_by(col(Activity.occurred_at).desc(), col(Activity.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    if call is None:
        raise UndoRefused("there is no call of yours left to undo")
    return call


def _locked_record(session: Session, call: Activity) -> Lead | Contact:
    """The call's lead or contact, locked; refused when this login may no longer change it
    (PostgreSQL's row-level security: given to another rep since the call)."""
    kind = "lead" if call.lead_id is not None else "contact"
    record_id = call.lead_id if call.lead_id is not None else call.contact_id
    assert record_id is not None
    record, locked = lock_person(session, kind, record_id)
    assert record is not None  # an activity's lead or contact is never deleted
    if not locked:
        owner = session.get(Rep, record.owner_id) if record.owner_id is not None else None
        whose = f"{owner.name}'s" if owner else "no longer yours"
        raise UndoRefused(
            f"{kind} {record_id} is {whose} now, yours to read, not change: the call stays"
        )
    return record


def _reversal(session: Session, call: Activity, rep_id: int, now: datetime) -> Activity:
    """The compensating entry, written at once: the unique index refuses a second one."""
    undo = Activity(
        lead_id=call.lead_id,
        contact_id=call.contact_id,
        rep_id=rep_id,
        kind="note",
        subject=f"Undone: {call.disposition}",
        notes=_reason(call),
        occurred_at=now,
        reverses_id=call.id,
    )
    session.add(undo)
    refusal = UndoRefused(
        f"your last call ({call.disposition}) was already undone a moment ago: "
        "nothing more was undone"
    )  # made now: a failed flush expires `call`, and reading it again would fail
    try:
        session.flush()
    except IntegrityError:
        raise refusal from None
    return undo


def _reason(call: Activity) -> str:
    return f"undo of call {call.id} ({call.disposition})"


_MOVES = ("status", "lifecycle_stage", "owner_id")  # changed through `changes`, with history


def _restore(
    session: Session,
    record: Lead | Contact,
    prior: dict,
    changed: dict,
    rep_id: int,
    call: Activity,
    now: datetime,
) -> None:
    """Put back the values the call changed."""
    back = {name: record_value(name, prior[name]) for name in changed}
    moves: dict[str, Any] = {name: back.pop(name) for name in _MOVES if name in back}
    if isinstance(record, Lead):
        change_lead(session, record, rep_id=rep_id, reason=_reason(call), at=now, **moves)
    else:
        change_contact(session, record, rep_id=rep_id, reason=_reason(call), at=now, **moves)
    # After the moves: a change of owner stamps `assigned_at`, which the call's own may undo.
    for name, value in back.items():
        setattr(record, name, value)
    record.version += 1
    record.updated_at = now
    session.add(record)
    rescore(session, record, now)  # without the reversed call's points


def _what_changed(session: Session, call: Activity, record: Lead | Contact, left: dict) -> str:
    """What was done to the record since the call, and by whom, as the start of a sentence."""
    assert record.id is not None and call.id is not None
    kind = record.__tablename__
    names: dict[int | None, str] = {
        rep_id: name for rep_id, name in session.execute(select(col(Rep.id), col(Rep.name)))
    }
    later = _later_call(session, call, record)
    if later is not None:
        who = names.get(later.rep_id, "someone")
        return f"{who} logged a call ({later.disposition}) on {kind} {record.id}"
    changed = changed_values(left, calling_state(record))
    clauses = []
    if "lifecycle_stage" in changed and record.lifecycle_stage == REJECTED:
        by = _by(session, call, record, "lifecycle_stage", names)
        clauses.append(f"was rejected{by} ({record.rejected_reason or 'no reason given'})")
    elif isinstance(record, Lead) and record.is_converted:
        clauses.append(f"was converted{_by(session, call, record, 'status', names)}")
    if clauses:  # the status and stage that rejecting or converting gave it go unsaid
        changed.pop("status", None)
        changed.pop("lifecycle_stage", None)
    if "owner_id" in changed:
        to = "the pool" if record.owner_id is None else names.get(record.owner_id, "another rep")
        clauses.append(f"was moved to {to}{_by(session, call, record, 'owner_id', names)}")
    if "do_not_call" in changed:
        what = "marked do not call" if record.do_not_call else "cleared of do not call"
        clauses.append(f"was {what}{_by(session, call, record, 'do_not_call', names)}")
    for name in ("status", "lifecycle_stage"):
        if name in changed:
            label = name.replace("_", " ")
            clauses.append(
                f"moved to {label} {changed[name]}{_by(session, call, record, name, names)}"
            )
    if not clauses:  # values no history names: say which
        fields = ", ".join(name.replace("_", " ") for name in changed)
        clauses.append(f"had its {fields} changed")
    return f"{kind} {record.id} " + " and ".join(clauses)


def _later_call(session: Session, call: Activity, record: Lead | Contact) -> Activity | None:
    """The latest call logged on the record after `call` and not undone."""
    on_record = (
        col(Activity.lead_id) == record.id
        if isinstance(record, Lead)
        else col(Activity.contact_id) == record.id
    )
    return session.execute(
        select(Activity)
        .where(on_record, col(Activity.kind) == "call", col(Activity.id) > call.id, _NOT_REVERSED)
        .order_by(col(Activity.id).desc())
        .limit(1)
    ).scalar_one_or_none()


def _by(
    session: Session,
    call: Activity,
    record: Lead | Contact,
    field: str,
    names: dict[int | None, str],
) -> str:
    """Who gave `field` its value since the call, from the history: " by <rep>", or the
    history's reason when no rep did (a lapsed claim); nothing when the history is silent."""
    value = getattr(record, field)
    new_value = col(History.new_value)
    row = session.execute(
        select(col(History.rep_id), col(History.reason))
        .where(
            col(History.entity) == record.__tablename__,
            col(History.entity_id) == record.id,
            col(History.field) == field,
            new_value.is_(None) if value is None else new_value == str(value),
            col(History.at) >= call.occurred_at,
        )
        .order_by(col(History.id).desc())
        .limit(1)
    ).first()
    if row is None:
        return ""
    if row.rep_id is None:
        return f" ({row.reason})" if row.reason else ""
    return f" by {names.get(row.rep_id, 'someone')}"
