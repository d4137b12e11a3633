"""The team: adding reps and changing them (role, capacity, active), managers only.

Nobody is ever deleted: someone who leaves is made inactive, keeps the leads they held
(the untouched-leads report shows them, for a manager to move) and can no longer act. The
first rep of a database with no active manager may be added by anyone at the shell (a
database filled by an import starts with no reps), and must then be a manager; after that,
only managers add or change reps, and the last active manager cannot be demoted or made
inactive, so somebody can always run the team. Role, capacity and active changes are
logged in the history like any other change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, col

from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.guards import LAST_MANAGER
from workstation.store.history import record_change
from workstation.store.models import Rep, utcnow
from workstation.store.permissions import require_manager
from workstation.store.rep_names import rep_name_key
from workstation.store.reps import find_rep, rep_info
from workstation.store.rows import RepInfo
from workstation.store.team.assign import check_capacity, set_capacity
from workstation.store.team.logins import check_login, create_login, sync_login
from workstation.store.values.cleansing import BadValue, clean_email, clean_text

ROLES = ("rep", "manager")
DEFAULT_CAPACITY = 200
NAME_LIMIT = 120
# The records `records_held` names, with their plurals.
HELD = (("lead", "leads"), ("contact", "contacts"), ("account", "accounts"),
        ("opportunity", "opportunities"))  # fmt: skip


class TeamChangeRefused(StoreError):
    """The rep cannot be added or changed as asked; nothing was written."""


def add_rep(
    engine: Engine,
    name: str,
    *,
    role: str = "rep",
    capacity: int = DEFAULT_CAPACITY,
    email: str | None = None,
    login: str | None = None,
    password: str | None = None,
    acting_rep_id: int | None,
    at: datetime | None = None,
) -> RepInfo:
    """A new active rep. The first of a database without an active manager needs no
    acting rep, and is a manager. With `login` (PostgreSQL), the rep gets a database
    login of that name, with `password` or none (`logins.create_login`), all in one
    transaction."""
    at = at or utcnow()
    clean_name = _name(name)
    if login is not None:
        check_login(login)
    _check_role(role)
    check_capacity(capacity)
    try:
        address = clean_email(email) if email else None
    except BadValue as error:
        raise TeamChangeRefused(str(error)) from None
    try:
        with write_session(engine) as session:
            if _managers(session):
                require_manager(session, acting_rep_id, "add a rep")
            elif role != "manager":
                raise TeamChangeRefused(
                    f"this database has no manager yet: add {clean_name} as a manager "
                    "(--role manager), who can then add the reps"
                )
            _refuse_taken(session, clean_name)
            # Only the columns a manager may write (the login is the owner's function's).
            values = {
                "name": clean_name,
                "name_key": rep_name_key(clean_name),
                "role": role,
                "capacity": capacity,
                "email": address,
                "active": True,
                "created_at": at,
            }
            rep_id = session.execute(insert(Rep).values(values).returning(col(Rep.id))).scalar_one()
            if login is not None:
                create_login(session, rep_id, login, password)
            rep = session.get_one(Rep, rep_id, populate_existing=True)
            assert rep.id is not None
            record_change(
                session, entity="rep", entity_id=rep.id, field="active", old=None, new=True,
                rep_id=acting_rep_id, reason="added to the team", at=at,
            )  # fmt: skip
            return rep_info(rep)
    except IntegrityError:
        # Someone added the name (case aside) since it was looked up: the unique key held.
        with Session(engine) as session:
            _refuse_taken(session, clean_name)
        raise


def _refuse_taken(session: Session, name: str) -> None:
    taken = session.execute(
        select(col(Rep.name)).where(col(Rep.name_key) == rep_name_key(name))
    ).scalar_one_or_none()
    if taken is not None:
        raise TeamChangeRefused(f"there is a rep named {taken} already")


def change_rep(
    engine: Engine,
    name: str,
    *,
    role: str | None = None,
    capacity: int | None = None,
    active: bool | None = None,
    acting_rep_id: int | None,
    at: datetime | None = None,
) -> RepInfo:
    """Change what is given of the rep named `name` (case-insensitive)."""
    if role is not None:
        _check_role(role)
    try:
        return _change_rep(
            engine, name, role=role, capacity=capacity, active=active,
            acting_rep_id=acting_rep_id, at=at,
        )  # fmt: skip
    except DBAPIError as error:
        # The database's guard (`guards.guard_the_team`): another manager was demoted or
        # retired at the same moment, and this change would have left none.
        if LAST_MANAGER not in str(error.orig):
            raise
        raise TeamChangeRefused(
            f"{name.strip()} is the last active manager: make someone else a manager first"
        ) from None


def _change_rep(
    engine: Engine,
    name: str,
    *,
    role: str | None,
    capacity: int | None,
    active: bool | None,
    acting_rep_id: int | None,
    at: datetime | None,
) -> RepInfo:
    with write_session(engine) as session:
        require_manager(session, acting_rep_id, "change a rep")
        named = find_rep(session, name)  # or UnknownRep, which lists the reps
        rep = session.get(Rep, named.id)
        assert rep is not None and rep.id is not None
        leaves_management = (
            rep.role == "manager" and rep.active and (role == "rep" or active is False)
        )
        if leaves_management and _managers(session) == 1:
            raise TeamChangeRefused(
                f"{rep.name} is the last active manager: make someone else a manager first"
            )
        if capacity is not None:
            set_capacity(session, rep.id, capacity, acting_rep_id=acting_rep_id, at=at)
        for field, new in (("role", role), ("active", active)):
            if new is not None:
                record_change(
                    session, entity="rep", entity_id=rep.id, field=field,
                    old=getattr(rep, field), new=new, rep_id=acting_rep_id, at=at,
                )  # fmt: skip
                setattr(rep, field, new)
        session.add(rep)
        session.flush()
        if rep.login is not None and (role, active) != (None, None):
            sync_login(session, rep.id)
        return rep_info(rep)


def records_held(session: Session) -> str | None:
    """What a database without reps holds already, in words ("60 leads, 12 contacts"), or
    None when it holds none of the records a rep works."""
    held = []
    for table, plural in HELD:
        count = session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
        if count:
            held.append(f"{count:,} {table if count == 1 else plural}")
    if not held:
        return None
    return held[0] if len(held) == 1 else f"{', '.join(held[:-1])} and {held[-1]}"


def _managers(session: Session) -> int:
    statement = (
        select(func.count()).select_from(Rep).where(col(Rep.role) == "manager", col(Rep.active))
    )
    return int(session.execute(statement).scalar_one())


def _name(name: str) -> str:
    try:
        cleaned = clean_text(name, NAME_LIMIT, "a rep's name")
    except BadValue as error:
        raise TeamChangeRefused(str(error)) from None
    if cleaned is None:
        raise TeamChangeRefused("a rep needs a name")
    return cleaned


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise TeamChangeRefused(f"the role is rep or manager, not {role!r}")
