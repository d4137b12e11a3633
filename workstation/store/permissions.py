"""Roles that hold: who may do what, checked by the store functions themselves.

Reps see and work their own leads; only managers open the manager reports (untouched leads,
the funnel), move other reps' leads, hand out the pool to others or change a rep's capacity.
The checks live in the store, not in the screens, so the CLI is held to the same rules as
the UI: the store function raises `PermissionDenied` before it writes anything, the screen
shows the message, and the CLI prints it and exits non-zero.

Every check reads the acting rep from the database in the caller's transaction, so a rep
demoted a moment ago is refused at once, and an inactive rep (someone who left the team)
can do nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine
from sqlmodel import Session

from workstation.store.errors import StoreError
from workstation.store.models import Contact, Lead, Rep
from workstation.store.reps import RepInfo, rep_info, working_rep


class PermissionDenied(StoreError):
    """The acting rep's role does not allow the action; nothing was changed."""


def acting_rep(session: Session, acting_rep_id: int | None, action: str) -> RepInfo:
    """The rep doing `action`, who must exist and be active."""
    if acting_rep_id is None:
        raise PermissionDenied(
            f"cannot {action}: nobody is working (add a rep, or pick one with --as NAME)"
        )
    rep = session.get(Rep, acting_rep_id)
    if rep is None:
        raise PermissionDenied(f"cannot {action}: rep #{acting_rep_id} does not exist")
    if not rep.active:
        raise PermissionDenied(f"cannot {action}: {rep.name} is no longer an active rep")
    return rep_info(rep)


def require_active(session: Session, acting_rep_id: int | None, action: str) -> None:
    """An action any rep may take, but only one still on the team; None (no rep: a system
    task such as a benchmark, or a database without reps yet) passes."""
    if acting_rep_id is not None:
        acting_rep(session, acting_rep_id, action)


def ensure_active(engine: Engine, acting_rep_id: int | None, action: str) -> None:
    """`require_active` in a short session of its own: for the actions (imports) that
    write in many transactions, checked before the first."""
    if acting_rep_id is not None:
        with Session(engine) as session:
            acting_rep(session, acting_rep_id, action)


def require_own_record(
    session: Session,
    acting_rep_id: int | None,
    owner_id: int | None,
    action: str,
    *,
    records: str = "leads",
) -> None:
    """A rep acts on a record they own; another rep's, or the pool's, needs a manager.
    None (a system task) passes, as in `require_active`."""
    if acting_rep_id is not None:
        require_owner_or_manager(session, acting_rep_id, [owner_id], action, records=records)


def require_manager(session: Session, acting_rep_id: int | None, action: str) -> RepInfo:
    """The acting rep, if a manager; otherwise PermissionDenied naming the action."""
    rep = acting_rep(session, acting_rep_id, action)
    if not rep.is_manager:
        raise PermissionDenied(f"{rep.name} is a rep, not a manager: only managers may {action}")
    return rep


def require_self_or_manager(
    session: Session, acting_rep_id: int | None, rep_id: int | None, action: str
) -> RepInfo:
    """A rep may act on their own work (`rep_id` is themselves); anything else needs a
    manager."""
    rep = acting_rep(session, acting_rep_id, action)
    if rep.is_manager or (rep_id is not None and rep_id == rep.id):
        return rep
    raise PermissionDenied(
        f"{rep.name} is a rep, not a manager: reps may only {action} for themselves"
    )


def require_owner_or_manager(
    session: Session,
    acting_rep_id: int | None,
    owner_ids: Iterable[int | None],
    action: str,
    *,
    records: str = "leads",
) -> RepInfo:
    """A rep may act on the records (leads, by default) they own; those of others (or of
    the pool) need a manager."""
    rep = acting_rep(session, acting_rep_id, action)
    if rep.is_manager:
        return rep
    foreign = {owner for owner in owner_ids if owner != rep.id}
    if foreign:
        whose = "the pool's" if foreign == {None} else "other reps'"
        raise PermissionDenied(
            f"{rep.name} is a rep, not a manager: only managers may {action} {whose} {records}"
        )
    return rep


def acting_rep_id(source: Engine | Session, name: str | None) -> int | None:
    """Who is working: the rep named (`--as`, WORKSTATION_REP), else the first active
    manager; None when the database has no reps yet (the checks then refuse). Reads in the
    given session, or in a short one of its own on an engine."""
    if isinstance(source, Session):
        rep = working_rep(source, name)
    else:
        with Session(source) as session:
            rep = working_rep(session, name)
    return None if rep is None else rep.id


def lock_person(session: Session, kind: str, record_id: int) -> tuple[Lead | Contact | None, bool]:
    """Lead or contact (`kind`) `record_id`, locked for this transaction when it may be
    changed (FOR UPDATE): (the record or None, whether it is locked).

    PostgreSQL's row-level security makes FOR UPDATE pass over a row this login may read
    but not change (another rep's): that row is read unlocked, so the caller can say whose
    it is, never that there is none. SQLite takes no row locks (the write transaction
    holds the database): every record found is as good as locked."""
    if kind == "lead":
        lead = session.get(Lead, record_id, with_for_update=True)
        return (lead, True) if lead is not None else (session.get(Lead, record_id), False)
    contact = session.get(Contact, record_id, with_for_update=True)
    return (contact, True) if contact is not None else (session.get(Contact, record_id), False)


def lock_own_record(
    session: Session,
    kind: str,
    record_id: int,
    *,
    rep_id: int | None,
    action: str,
    records: str = "leads",
) -> Lead | Contact | None:
    """Lead or contact (`kind`) `record_id` locked, once `require_own_record` lets the rep
    `action` it; None when there is none. Another rep's, as a rep: PermissionDenied, on
    SQLite and PostgreSQL alike (`lock_person`)."""
    record, locked = lock_person(session, kind, record_id)
    if record is None:
        return None
    require_own_record(session, rep_id, record.owner_id, action, records=records)
    if not locked:  # row-level security and the rules above disagree: refuse, never guess
        raise PermissionDenied(f"this database login may not change {kind} {record_id}")
    return record
