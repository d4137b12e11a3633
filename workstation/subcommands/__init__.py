"""The `workstation` subcommands, one module each (the CLI twins of the screens' actions).

Each module has `register(commands)`, which adds its parser and sets `handler`, and keeps
its imports inside the handler so that `workstation` starts without loading them all.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TypeVar

from workstation.config import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

Result = TypeVar("Result")

MODULES = (
    "demo",
    "export",
    "db",
    "bench",
    "calls",
    "convert",
    "reject",
    "opportunity",
    "reference",
    "untouched",
    "funnel",
    "reassign",
    "assign",
    "reps",
    "import_",
    "scripts",
    "filters",
    "search",
    "stage",
    "campaign",
    "names",
    "recycle",
    "lead",
    "config",
    "sources",
    "serve",
)


def settings(args: argparse.Namespace) -> Settings:
    """The settings in effect: this command line's flags over the environment over the
    settings file (a command's own `--region` and `--hours` included)."""
    return Settings.resolve(
        db=args.db,
        rep=args.rep,
        region=getattr(args, "region", None),
        untouched_hours=getattr(args, "hours", None),
    )


def open_engine(config: Settings, *, create: bool = False) -> Engine:
    """An engine on the settings' database, brought up to the current schema; a missing
    database is made only for the commands that make one (`create`)."""
    from workstation.store.schema import open_engine

    return open_engine(config.database_url, create=create)


def acting_rep(config: Settings, engine: Engine):
    """Who is working: `--as` / WORKSTATION_REP, else the first active manager.

    A StoreError (reported as one line) when the database has no reps yet.
    """
    from sqlmodel import Session

    from workstation.store.errors import StoreError
    from workstation.store.reps import working_rep

    with Session(engine) as session:
        rep = working_rep(session, config.rep_name)
    if rep is None:
        raise StoreError(
            "this database has no reps yet: add the first manager with "
            '`workstation reps add "NAME" --role manager` (or fill an empty database with '
            "`workstation demo`)"
        )
    return rep


def record_id(value: str) -> int:
    """A record's id as typed: a whole number the database can hold, or one line saying so."""
    from workstation.store.values.ids import BadId, read_id

    try:
        return read_id(value)
    except BadId as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# The most of anything a command counts out (leads to make, rows, runs): ten times data
# set L. A bigger number is a slip of the finger, and would run for days or overflow.
MAX_COUNT = 10_000_000


def positive(value: str) -> int:
    number = int(value)
    if not 1 <= number <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_COUNT:,}")
    return number


def act(args: argparse.Namespace, action: Callable[..., Result], /, **values: Any) -> Result:
    """`action(engine, **values, rep_id=…, at=…)`: a store action on the settings'
    database, by the acting rep, at the command's clock (how the commands that change a
    record run it)."""
    config = settings(args)
    engine = open_engine(config)
    return action(engine, **values, rep_id=acting_rep(config, engine).id, at=args.clock())


def person(args: argparse.Namespace) -> dict[str, Any]:
    """The lead, or with --contact the contact, that a command's ID names, as the store's
    actions on either take it."""
    return {"kind": "contact" if args.contact else "lead", "record_id": args.record_id}


def answer(result: Any, line: str, as_json: bool) -> int:
    """Print an action's result (a dataclass) as JSON with --json, else its line."""
    print(json.dumps(asdict(result), default=str) if as_json else line)
    return 0
