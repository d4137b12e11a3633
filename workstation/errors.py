"""Errors reported in one place: a clear line on stderr and a non-zero exit, never a
traceback for something the user can fix, never a database password.

The exit code tells a script what happened: `REFUSED` (1) for what the store turned down,
`USAGE` (2, argparse's own) for a mistaken command line, `DATABASE` (3) for a database that
cannot be opened or used. A command run for JSON (`--json`, `--format json`) prints the
error as one JSON object on stderr instead, `{"error": "...", "exit_code": N}`, so that a
script parses it and stdout holds only results.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from collections.abc import Callable

from workstation.passwords import scrub
from workstation.store.errors import DatabaseError, StoreError

REFUSED, USAGE, DATABASE = 1, 2, 3


def scrubbed_traceback(kind: type[BaseException], error: BaseException, trace) -> str:
    """A traceback as a person may see it: no password in it (`passwords.scrub`)."""
    return scrub("".join(traceback.format_exception(kind, error, trace)))


def print_scrubbed_traceback(kind: type[BaseException], error: BaseException, trace) -> None:
    """`sys.excepthook` for the command line: a traceback that does escape shows no password."""
    sys.stderr.write(scrubbed_traceback(kind, error, trace))


def readable(message: str) -> str:
    """A message as a person may see it: no password, and the control characters of what
    it quotes (a file's header, a name) shown as symbols, never sent to the terminal as
    escapes; its lines stay lines."""
    from workstation.display import clean

    return "\n".join(clean(line) for line in scrub(message).split("\n"))


def fail(message: str, *, code: int = REFUSED, as_json: bool = False) -> int:
    if as_json:
        print(json.dumps({"error": scrub(message), "exit_code": code}), file=sys.stderr)
    else:
        print(f"workstation: {readable(message)}", file=sys.stderr)
    return code


def run_reporting_errors(run: Callable[[], int], *, as_json: bool = False) -> int:
    try:
        code = run()
        sys.stdout.flush()  # a full disk under a redirected stdout fails here, not at exit
        return code
    except DatabaseError as error:
        return fail(str(error), code=DATABASE, as_json=as_json)
    except StoreError as error:
        return fail(str(error), as_json=as_json)
    except BrokenPipeError:
        return 0  # `workstation export … | head` is fine
    except KeyboardInterrupt:
        return 130
    except OSError as error:  # standard output on a full disk, say: outputs to files say more
        _forget_stdout()
        where = f" {error.filename}" if error.filename else " the output"
        return fail(f"cannot write{where}: {error.strerror or error}", as_json=as_json)
    except Exception as error:
        if message := _database_problem(error):
            return fail(message, code=DATABASE, as_json=as_json)
        raise


def _forget_stdout() -> None:
    """What could not be written to stdout is dropped, so Python's flush at exit does not
    fail on it once more."""
    with contextlib.suppress(OSError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (lives until exit)


def _database_problem(error: Exception) -> str | None:
    """The one line for a SQLAlchemy error. SQLAlchemy is imported only now, so that the
    TUI can start without it (see `store.calling.glance`); if it was never imported, it raised
    nothing."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

    if isinstance(error, OperationalError):
        return f"cannot use the database: {_one_line(error.orig)}"
    if isinstance(error, ArgumentError):
        return f"bad database URL: {_one_line(error)}"
    if isinstance(error, DBAPIError):
        return f"database error: {_one_line(error.orig)}"
    return None


def _one_line(error: BaseException | None) -> str:
    """A driver's message (PostgreSQL's add a hint on a line of its own) as one line."""
    return " ".join(str(error).split())
