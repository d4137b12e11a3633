"""Errors reported in one place: a clear line on stderr and a non-zero exit, never a
traceback for something the user can fix, never a database password."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from workstation.store.errors import StoreError

_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def scrub(message: str) -> str:
    """Mask anything that looks like a password inside a URL."""
    return _PASSWORD.sub(r"\1***@", message)


def fail(message: str) -> int:
    print(f"workstation: {scrub(message)}", file=sys.stderr)
    return 1


def run_reporting_errors(run: Callable[[], int]) -> int:
    try:
        return run()
    except StoreError as error:
        return fail(str(error))
    except OperationalError as error:
        return fail(f"cannot use the database: {error.orig}")
    except ArgumentError as error:
        return fail(f"bad database URL: {error}")
    except DBAPIError as error:
        return fail(f"database error: {error.orig}")
    except BrokenPipeError:
        return 0  # `workstation export … | head` is fine
    except KeyboardInterrupt:
        return 130
