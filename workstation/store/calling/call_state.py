"""A lead's or contact's calling state: the values a call may change.

A call keeps this state from before it (`Activity.prior_state`) and the values it changed
(`Activity.changed_state`), both as JSON, times as ISO text. Undo compares the record's
state now with the state the call left, to tell whether anyone changed it since.
"""

from __future__ import annotations

from datetime import datetime

from workstation.store.models import Contact, Lead

# Not the score: it is recomputed from its inputs (`store/scoring`), and its decay with
# time must not read as "someone changed it since the call".
_VALUES = ("status", "lifecycle_stage", "attempt_count", "do_not_call", "owner_id")
_TIMES = ("callback_at", "last_activity_at", "assigned_at", "claimed_until")


def calling_state(record: Lead | Contact) -> dict:
    """The record's calling state as JSON values (a contact has no status nor claim)."""
    state = {name: getattr(record, name) for name in _VALUES if hasattr(record, name)}
    for name in _TIMES:
        if hasattr(record, name):
            moment = getattr(record, name)
            state[name] = None if moment is None else moment.isoformat()
    return state


def changed_values(before: dict, after: dict) -> dict:
    """The values of `after` that differ from `before`."""
    return {name: value for name, value in after.items() if before.get(name) != value}


def record_value(name: str, value: object) -> object:
    """A calling-state value as the record's column holds it."""
    if name in _TIMES and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value
