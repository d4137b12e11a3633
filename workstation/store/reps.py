"""Reps: who is working, and the checks that hold them to their role."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from workstation.store.errors import StoreError
from workstation.store.models import Rep
from workstation.store.rep_names import rep_name_key
from workstation.store.rows import RepInfo
from workstation.store.values.text import clean_text

__all__ = [
    "NotYourself",
    "RepInfo",
    "UnknownRep",
    "find_rep",
    "list_reps",
    "rep_info",
    "working_rep",
]


class UnknownRep(StoreError, LookupError):
    """The named rep does not exist (the message lists who does)."""


class NotYourself(StoreError):
    """On a team's PostgreSQL database, `--as` named someone other than the login's rep
    (or the login is no rep's)."""


def rep_info(rep: Rep) -> RepInfo:
    assert rep.id is not None
    return RepInfo(rep.id, rep.name, rep.role, rep.capacity, rep.active, rep.email, rep.login)


def list_reps(session: Session) -> list[RepInfo]:
    return [rep_info(rep) for rep in session.execute(select(Rep).order_by(col(Rep.id))).scalars()]


def working_rep(session: Session, name: str | None) -> RepInfo | None:
    """The rep named `name` (case-insensitive in full Unicode: `rep_name_key`), or by
    default the first active manager.

    None when the database has no reps at all (an empty database); UnknownRep when a
    name was given and nobody has it.

    On PostgreSQL the database says who is working: the rep whose login is
    `current_user`, and `name` may only name them (NotYourself otherwise). Only the
    schema's owner, the administrator, whose login is no rep's, picks a rep by name.
    """
    if session.get_bind().dialect.name == "postgresql":
        mine = _login_rep(session, name)
        if mine is not None:
            return mine
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
    return find_rep(session, name)


def find_rep(session: Session, name: str) -> RepInfo:
    """The rep named `name` (case-insensitive in full Unicode), whoever is working: the
    rep a command acts on (`reassign --to`, `reps set`); UnknownRep lists who exists."""
    rep = session.execute(
        select(Rep).where(col(Rep.name_key) == rep_name_key(clean_text(name) or ""))
    ).scalar_one_or_none()
    if rep is None:
        known = ", ".join(r.name for r in list_reps(session)) or "none yet"
        raise UnknownRep(f"no rep named {name!r}; reps: {known}")
    return rep_info(rep)


def _login_rep(session: Session, name: str | None) -> RepInfo | None:
    """The rep of the session's login; None for the owner (who may act as anyone)."""
    connection = session.connection()
    login = connection.exec_driver_sql("SELECT current_user").scalar_one()
    rep = session.execute(select(Rep).where(col(Rep.login) == login)).scalar_one_or_none()
    if rep is not None:
        if name is not None and rep_name_key(name) != rep.name_key:
            raise NotYourself(
                f"you are logged in to the database as {login}, who is {rep.name}: on a "
                f"shared database you work as yourself, so --as cannot name {name.strip()!r}"
            )
        return rep_info(rep)
    from workstation.store.access import is_owner

    if is_owner(connection):
        return None
    raise NotYourself(
        f"the database login {login} is no rep's: a manager gives you one with "
        "`workstation reps add NAME --login`"
    )
