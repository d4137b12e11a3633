"""The `workstation` subcommands, one module each (the CLI twins of the screens' actions).

Each module has `register(commands)`, which adds its parser and sets `handler`, and keeps
its imports inside the handler so that `workstation` starts without loading them all.
"""

from __future__ import annotations

import argparse

from sqlalchemy import Engine

from workstation.config import Settings

MODULES = (
    "demo",
    "export",
    "db",
    "bench",
    "calls",
    "convert",
    "reject",
    "untouched",
    "funnel",
    "reassign",
    "assign",
    "import_",
)


def settings(args: argparse.Namespace) -> Settings:
    return Settings.resolve(db=args.db, rep=args.rep)


def open_engine(config: Settings) -> Engine:
    """An engine on a database brought up to the current schema."""
    from workstation.store.db import make_engine
    from workstation.store.schema import ensure_current

    engine = make_engine(config.database_url)
    ensure_current(engine)
    return engine


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number
