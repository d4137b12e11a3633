"""Correcting how long a logged call lasted: the timer runs from the card to the outcome
key, and a rep who opened the card long before dialling puts it right afterwards. One
transaction; the change is kept in the history (who, when, from what, to what)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import col

from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.history import record_change
from workstation.store.models import Activity, utcnow
from workstation.store.permissions import acting_rep
from workstation.store.values.durations import check_duration


class DurationRefused(StoreError):
    """The duration cannot be set on that call; nothing was written."""


@dataclass(frozen=True, slots=True)
class DurationSet:
    activity_id: int
    record: str  # "lead" or "contact"
    record_id: int
    disposition: str
    old_seconds: int | None
    seconds: int


_REVERSES = col(Activity.reverses_id)
_NOT_REVERSED = col(Activity.id).not_in(select(_REVERSES).where(_REVERSES.is_not(None)))


def set_call_duration(
    engine: Engine,
    *,
    rep_id: int,
    seconds: int,
    activity_id: int | None = None,
    now: datetime | None = None,
) -> DurationSet:
    """Set the duration of one of the rep's own calls (their last one by default)."""
    seconds = check_duration(seconds)
    now = now or utcnow()
    with write_session(engine) as session:
        acting_rep(session, rep_id, "correct a call's duration")
        if activity_id is None:
            call = session.execute(
                select(Activity)
                .where(
                    col(Activity.rep_id) == rep_id,
                    col(Activity.kind) == "call",
                    col(Activity.reverses_id).is_(None),
                    _NOT_REVERSED,
                )
                .order_by(col(Activity.occurred_at).desc(), col(Activity.id).desc())
                .limit(1)
            ).scalar_one_or_none()
            if call is None:
                raise DurationRefused("you have logged no call to correct")
        else:
            call = session.get(Activity, activity_id, with_for_update=True)
            if call is None or call.kind != "call":
                raise DurationRefused(f"there is no call {activity_id}")
            if call.rep_id != rep_id:
                raise DurationRefused(f"call {activity_id} is another rep's: only they correct it")
        assert call.id is not None
        old = call.duration_seconds
        call.duration_seconds = seconds
        session.add(call)
        record_change(
            session,
            entity="activity",
            entity_id=call.id,
            field="duration_seconds",
            old=old,
            new=seconds,
            rep_id=rep_id,
            reason="duration corrected by the rep",
            at=now,
        )
        record, record_id = (
            ("lead", call.lead_id) if call.lead_id is not None else ("contact", call.contact_id)
        )
        assert record_id is not None
        return DurationSet(call.id, record, record_id, call.disposition or "", old, seconds)
