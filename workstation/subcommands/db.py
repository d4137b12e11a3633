"""`workstation db upgrade|current`: the schema revision of a database."""

from __future__ import annotations

import argparse

from workstation.subcommands import settings


def register(commands) -> None:
    parser = commands.add_parser("db", help="database schema")
    parser.add_argument(
        "action",
        choices=("upgrade", "current"),
        help="upgrade: apply pending migrations (on PostgreSQL, as the owner: and set up "
        "the team's roles, grants and row-level security); current: show the revision",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.store.db import make_engine, safe_url
    from workstation.store.schema import (
        HEAD,
        current_revision,
        ensure_current,
        set_up_team_access,
    )

    config = settings(args)
    engine = make_engine(config.database_url, create=args.action == "upgrade")
    where = safe_url(config.database_url)
    if args.action == "current":
        revision = current_revision(engine)
        state = "up to date" if revision == HEAD else f"behind (head is {HEAD})"
        print(f"{where}: revision {revision or 'none (empty database)'}, {state}")
        return 0
    applied = ensure_current(engine)
    if not applied:
        set_up_team_access(engine)  # PostgreSQL: the team's roles and grants, again
    print(f"{where}: {'upgraded to' if applied else 'already at'} revision {HEAD}")
    return 0
