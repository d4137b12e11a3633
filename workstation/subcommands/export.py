"""`workstation export`: stream records out as CSV or JSON under Salesforce's field names."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from typing import TextIO

from workstation.subcommands import open_engine, settings

KINDS = (
    "leads, contacts, accounts, opportunities, opportunity-contact-roles, campaigns, "
    "campaign-members, activities, history"
)


def register(commands) -> None:
    parser = commands.add_parser(
        "export",
        help="write records as CSV or JSON",
        epilog="At a terminal, control characters and escapes are shown as symbols; to a "
        "file or a pipe, every value is written as stored.",
    )
    parser.add_argument("kind", metavar="KIND", help=f"one of: {KINDS}")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.store.errors import StoreError
    from workstation.store.exports.stream import export_columns, export_records
    from workstation.terminal import data_out

    export_columns(args.kind)  # an unknown kind fails before a file is created
    engine = open_engine(settings(args))
    with ExitStack() as stack:
        out: TextIO
        if args.output:
            try:
                out = stack.enter_context(open(args.output, "w", encoding="utf-8", newline=""))
            except OSError as error:
                raise StoreError(f"cannot write {args.output}: {error.strerror or error}") from None
        else:  # neutralised at a terminal; a pipe gets the data as they are
            out = data_out()
        count = export_records(engine, args.kind, out, fmt=args.format)
    if args.output:
        print(f"{count:,} {args.kind} written to {args.output}", file=sys.stderr)
    return 0
