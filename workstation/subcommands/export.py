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
    from workstation.store.db import database_files
    from workstation.store.errors import StoreError
    from workstation.store.exports.stream import (
        export_columns,
        export_records,
        export_workbook,
        ours_exported,
    )
    from workstation.store.outputs import never_ours, open_output, open_output_bytes
    from workstation.terminal import data_out

    export_columns(args.kind)  # an unknown kind fails before a file is created
    if args.format == "xlsx" and not args.output:
        raise StoreError("--format xlsx writes a workbook: name its file with -o FILE")
    engine = open_engine(settings(args))
    if not args.output:  # neutralised at a terminal; a pipe gets the data as they are
        export_records(engine, args.kind, data_out(), fmt=args.format)
        return 0
    protect, advice = database_files(engine), "name a new file with -o"
    if args.format == "xlsx":
        with open_output_bytes(args.output, never_ours, protect=protect, advice=advice) as book:
            count = export_workbook(engine, args.kind, book)
    else:
        with open_output(args.output, ours_exported, protect=protect, advice=advice) as out:
            if args.format == "csv":
                out.write("\ufeff")  # Excel and LibreOffice read the file as UTF-8
            count = export_records(engine, args.kind, out, fmt=args.format)
    print(f"{count:,} {args.kind} written to {args.output}", file=sys.stderr)
    return 0
