"""Errors reported in one place: a clear line on stderr and a non-zero exit, never a
traceback for something the user can fix, never a database password."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

from workstation.store.errors import StoreError

_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def scrub(message: str) -> str:
    """Mask anything that looks like a password inside a URL."""
    return _PASSWORD.sub(r"\1***@", message)


def readable(message: str) -> str:
    """A message as a person may see it: no password, and the control characters of what
    it quotes (a file's header, a name) shown as symbols, never sent to the terminal as
    escapes; its lines stay lines."""
    from workstation.display import clean

    return "\n".join(clean(line) for line in scrub(message).split("\n"))


def fail(message: str) -> int:
    print(f"workstation: {readable(message)}", file=sys.stderr)
    return 1


def run_reporting_errors(run: Callable[[], int]) -> int:
    try:
        return run()
    except StoreError as error:
        return fail(str(error))
    except BrokenPipeError:
        return 0  # `workstation export … | head` is fine
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if message := _database_problem(error):
            return fail(message)
        raise


def _database_problem(error: Exception) -> str | None:
    """The one line for a SQLAlchemy error. SQLAlchemy is imported only now, so that the
    TUI can start without it (see `store.calling.glance`); if it was never imported, it raised
    nothing."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

    if isinstance(error, OperationalError):
        return f"cannot use the database: {error.orig}"
    if isinstance(error, ArgumentError):
        return f"bad database URL: {error}"
    if isinstance(error, DBAPIError):
        return f"database error: {error.orig}"
    return None
