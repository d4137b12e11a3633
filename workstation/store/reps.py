"""Reps: who is working, and the checks that hold them to their role."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from workstation.store.errors import StoreError
from workstation.store.models import Rep
from workstation.store.rep_names import rep_name_key
from workstation.store.rows import RepInfo

__all__ = ["RepInfo", "UnknownRep", "list_reps", "rep_info", "working_rep"]


class UnknownRep(StoreError, LookupError):
    """The named rep does not exist (the message lists who does)."""


def rep_info(rep: Rep) -> RepInfo:
    assert rep.id is not None
    return RepInfo(rep.id, rep.name, rep.role, rep.capacity, rep.active, rep.email)


def list_reps(session: Session) -> list[RepInfo]:
    return [rep_info(rep) for rep in session.execute(select(Rep).order_by(col(Rep.id))).scalars()]


def working_rep(session: Session, name: str | None) -> RepInfo | None:
    """The rep named `name` (case-insensitive in full Unicode: `rep_name_key`), or by default the first active manager.

    None when the database has no reps at all (an empty database); UnknownRep when a
    name was given and nobody has it.
    """
    if name is None:
        statement = (
            select(Rep)
            .where(col(Rep.role) == "manager", col(Rep.active))
            .order_by(col(Rep.id))
            .limit(1)
        )
        rep = session.execute(statement).scalar_one_or_none()
        if rep is None:
            rep = session.execute(select(Rep).order_by(col(Rep.id)).limit(1)).scalar_one_or_none()
        return None if rep is None else rep_info(rep)
    rep = session.execute(
        select(Rep).where(col(Rep.name_key) == rep_name_key(name))
    ).scalar_one_or_none()
    if rep is None:
        known = ", ".join(r.name for r in list_reps(session)) or "none yet"
        raise UnknownRep(f"no rep named {name!r}; reps: {known}")
    return rep_info(rep)
