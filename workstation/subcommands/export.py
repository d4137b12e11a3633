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
        help="write records as CSV, JSON or an Excel workbook",
        description="Write records under Salesforce's field names. CSV to a file starts with "
        "a BOM,\nso Excel reads it as UTF-8; for a spreadsheet, xlsx keeps phones, ZIP codes "
        "and dates\nas they are.",
        epilog="At a terminal, control characters and escapes are shown as symbols; to a "
        "file or a pipe, every value is written as stored.",
    )
    parser.add_argument("kind", metavar="KIND", help=f"one of: {KINDS}")
    parser.add_argument(
        "--format",
        choices=("csv", "json", "xlsx"),
        default="csv",
        help="csv (default), json, or xlsx (an Excel workbook, to a file named with -o)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write here instead of stdout: a new file (0600), or an export written before; "
        "never a symbolic link, the database, or a file of yours",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.store.errors import StoreError
    from workstation.store.exports.stream import (
        export_columns,
        export_records,
        export_workbook,
        ours_exported,
    )
    from workstation.store.outputs import open_output, open_output_bytes
    from workstation.terminal import data_out

    export_columns(args.kind)  # an unknown kind fails before a file is created
    advice = "name a new file with -o"
    if args.format == "xlsx":
        if not args.output:
            raise StoreError("--format xlsx writes a workbook: name its file with -o FILE")
        engine = open_engine(settings(args))
        with open_output_bytes(args.output, lambda _: False, advice=advice) as book:
            count = export_workbook(engine, args.kind, book)
        print(f"{count:,} {args.kind} written to {args.output}", file=sys.stderr)
        return 0
    engine = open_engine(settings(args))
    with ExitStack() as stack:
        out: TextIO
        if args.output:
            out = stack.enter_context(open_output(args.output, ours_exported, advice=advice))
            if args.format == "csv":
                out.write("\ufeff")  # Excel and LibreOffice read the file as UTF-8
        else:  # neutralised at a terminal; a pipe gets the data as they are
            out = data_out()
        count = export_records(engine, args.kind, out, fmt=args.format)
    if args.output:
        print(f"{count:,} {args.kind} written to {args.output}", file=sys.stderr)
    return 0
