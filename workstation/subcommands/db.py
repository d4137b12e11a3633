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
    from workstation.store.schema import HEAD, ensure_current, schema_state, set_up_team_access

    config = settings(args)
    engine = make_engine(config.database_url, create=args.action == "upgrade")
    where = safe_url(config.database_url)
    if args.action == "current":
        revision, state = schema_state(engine)
        said = {
            "current": "up to date",
            "behind": f"behind (this version upgrades it to {HEAD})",
            "ahead": f"ahead: made by a newer version (this one knows up to {HEAD})",
            "empty": f"`workstation db upgrade` makes it revision {HEAD}",
        }[state]
        print(f"{where}: revision {revision or 'none (empty database)'}, {said}")
        return 0
    applied = ensure_current(engine)
    if not applied:
        set_up_team_access(engine)  # PostgreSQL: the team's roles and grants, again
    print(f"{where}: {'upgraded to' if applied else 'already at'} revision {HEAD}")
    return 0
