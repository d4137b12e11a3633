"""`workstation export`: stream records out as CSV or JSON under Salesforce's field names."""

from __future__ import annotations

import argparse
import sys

from workstation.subcommands import open_engine, settings

KINDS = (
    "leads, contacts, accounts, opportunities, opportunity-contact-roles, campaigns, "
    "campaign-members, activities, history"
)


def register(commands) -> None:
    parser = commands.add_parser("export", help="write records as CSV or JSON")
    parser.add_argument("kind", metavar="KIND", help=f"one of: {KINDS}")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.store.db import database_files
    from workstation.store.exports.stream import export_columns, export_records
    from workstation.store.outputs import written

    export_columns(args.kind)  # an unknown kind fails before a file is created
    engine = open_engine(settings(args))
    if not args.output:
        export_records(engine, args.kind, sys.stdout, fmt=args.format)
        return 0
    with written(args.output, protect=database_files(engine)) as out:
        count = export_records(engine, args.kind, out, fmt=args.format)
    print(f"{count:,} {args.kind} written to {args.output}", file=sys.stderr)
    return 0
