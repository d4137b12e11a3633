"""`workstation export`: stream records out as CSV, JSON or a workbook under Salesforce's
field names, or as a CSV for Salesforce's Data Loader (`--for salesforce`)."""

from __future__ import annotations

import argparse
import sys

from workstation.subcommands import open_engine, settings

KINDS = (
    "leads, contacts, accounts, opportunities, opportunity-contact-roles, campaigns, "
    "campaign-members, activities, history, or suppression (the people marketing must "
    "leave alone: spoken to by sales within recent_activity_days, do-not-call, opted out)"
)


def register(commands) -> None:
    parser = commands.add_parser(
        "export",
        help="write records as CSV, JSON or an Excel workbook",
        description="Write records under Salesforce's field names (suppression: the people "
        "marketing\nmust exclude, leads and contacts in one list). CSV to a file starts with "
        "a BOM,\nso Excel reads it as UTF-8; for a spreadsheet, xlsx keeps phones, ZIP codes "
        "and dates\nas they are. --for salesforce writes the CSV Data Loader loads as it is: "
        "don't open\nit in a spreadsheet first (it would rewrite phones, ZIP codes and dates).",
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
        "--for",
        dest="target",
        choices=("salesforce",),
        help="salesforce: a CSV Salesforce's Data Loader takes as it is (leads, contacts, "
        "accounts, opportunities, activities): Salesforce's fields and ours as __c, "
        "Salesforce Ids only where we have them, lengths cut to Salesforce's (reported), "
        "no formula escaping and no BOM, so load it without opening it in a spreadsheet",
    )
    parser.add_argument(
        "--status-map",
        metavar="FILE_OR_PAIRS",
        help="with --for salesforce: our lead statuses as the org's, 'Ours=Theirs' pairs "
        "separated by ';' or a file of one pair a line (default: Salesforce's standard "
        "values, such as Open=Open - Not Contacted); our exact status is written beside it "
        "in Workstation_Status__c, which import --salesforce reads back",
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

    if args.target == "salesforce":
        return _for_salesforce(args)
    if args.status_map:
        raise StoreError("--status-map is for --for salesforce")
    if args.kind == "suppression":
        return _suppression(args)
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


def _for_salesforce(args: argparse.Namespace) -> int:
    from workstation.store.db import database_files
    from workstation.store.errors import StoreError
    from workstation.store.exports.salesforce import (
        export_for_salesforce,
        read_status_map,
        salesforce_columns,
    )
    from workstation.store.outputs import first_line_in, open_output
    from workstation.terminal import data_out

    header = ",".join(salesforce_columns(args.kind))  # an unknown kind fails first
    if args.format != "csv":
        raise StoreError("--for salesforce writes CSV, the form Data Loader reads")
    engine = open_engine(settings(args))
    status_map = read_status_map(engine, args.status_map)
    if not args.output:
        count, cut = export_for_salesforce(engine, args.kind, data_out(), status_map=status_map)
    else:
        protect = database_files(engine)
        with open_output(
            args.output, first_line_in(header), protect=protect, advice="name a new file with -o"
        ) as out:
            count, cut = export_for_salesforce(engine, args.kind, out, status_map=status_map)
        print(f"{count:,} {args.kind} written to {args.output} for Data Loader", file=sys.stderr)
    for line in cut.lines():
        print(line, file=sys.stderr)
    return 0


def _suppression(args: argparse.Namespace) -> int:
    """The suppression list at the command's "now", over the settings' window."""
    from workstation.store.db import database_files
    from workstation.store.errors import StoreError
    from workstation.store.marketing.suppression import (
        SUPPRESSION_COLUMNS,
        export_suppression,
        export_suppression_workbook,
    )
    from workstation.store.outputs import first_line_in, never_ours, open_output, open_output_bytes
    from workstation.terminal import data_out

    if args.format == "xlsx" and not args.output:
        raise StoreError("--format xlsx writes a workbook: name its file with -o FILE")
    config = settings(args)
    now, days = args.clock(), config.recent_activity_days
    engine = open_engine(config)
    if not args.output:
        export_suppression(engine, data_out(), now=now, fmt=args.format, days=days)
        return 0
    protect, advice = database_files(engine), "name a new file with -o"
    if args.format == "xlsx":
        with open_output_bytes(args.output, never_ours, protect=protect, advice=advice) as book:
            count = export_suppression_workbook(engine, book, now=now, days=days)
    else:
        ours = first_line_in("[", "[]", ",".join(SUPPRESSION_COLUMNS))
        with open_output(args.output, ours, protect=protect, advice=advice) as out:
            if args.format == "csv":
                out.write("\ufeff")  # Excel and LibreOffice read the file as UTF-8
            count = export_suppression(engine, out, now=now, fmt=args.format, days=days)
    print(f"{count:,} people to suppress written to {args.output}", file=sys.stderr)
    return 0
