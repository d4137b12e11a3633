"""Reps' PostgreSQL logins (team mode): creating one, and keeping it in step with its
rep's role and active flag. The work is done by the owner's functions (`access.py`)."""

from __future__ import annotations

import unicodedata

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from workstation.store.access import LOGIN_PATTERN
from workstation.store.errors import StoreError


class LoginRefused(StoreError):
    """The login cannot be created as asked; nothing was written."""


def default_login(name: str) -> str:
    """A login made from a rep's name: "Émile Zola" logs in as emile_zola."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_name.lower()).split()
    login = "_".join(words)[:63]
    if not login or not LOGIN_PATTERN.fullmatch(login):
        raise LoginRefused(f"no login can be made from {name!r}: give one with --login NAME")
    return login


def check_login(login: str) -> str:
    if not LOGIN_PATTERN.fullmatch(login):
        raise LoginRefused(
            f"a login is lower-case letters, digits and _ (at most 63, not starting with a "
            f"digit), not {login!r}"
        )
    return login


def create_login(session: Session, rep_id: int, login: str, password: str | None) -> None:
    """Create `login` for rep `rep_id` in this transaction, with `password` (None: the
    server's other methods, trust or certificates, let them in)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        raise LoginRefused(
            "logins are for a team's PostgreSQL database: on SQLite the file's owner works "
            "as any rep (--as NAME)"
        )
    verifier = None
    if password is not None:
        pgconn = connection.connection.driver_connection.pgconn  # type: ignore[union-attr]
        verifier = pgconn.encrypt_password(
            password.encode(), login.encode(), b"scram-sha-256"
        ).decode()
    _call(
        session,
        "SELECT ws_grant_login(:id, :login, :verifier)",
        {"id": rep_id, "login": login, "verifier": verifier},
    )


def sync_login(session: Session, rep_id: int) -> None:
    """After a rep's role or active flag changed: their login follows (PostgreSQL)."""
    if session.connection().dialect.name == "postgresql":
        _call(session, "SELECT ws_sync_login(:id)", {"id": rep_id})


def _call(session: Session, sql: str, values: dict) -> None:
    try:
        with session.begin_nested():
            session.execute(text(sql), values)
    except DBAPIError as error:
        diag = getattr(error.orig, "diag", None)
        raise LoginRefused(getattr(diag, "message_primary", None) or str(error.orig)) from None
