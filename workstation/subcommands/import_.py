"""`workstation import FILE` (leads from CSV) and `workstation import --salesforce DIR` (a
whole Salesforce data export): the CLI twin of the import screen."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from workstation.subcommands import open_engine, settings

EXAMPLES = """\
examples:
  workstation import leads.csv --campaign "Spring Webinar" --source Webinar
  workstation import list.csv --map "Cell=Phone" --map "Notes=" --dry-run
  workstation import kontakty.csv --encoding cp1251
  workstation --as "Morgan Manager" import leads.csv --assign
  workstation import --salesforce ~/Downloads/export
"""


def register(commands) -> None:
    parser = commands.add_parser(
        "import",
        help="import leads from CSV, or a Salesforce data export",
        description="Import leads from a CSV file: columns under Salesforce's names or\n"
        "common variants, every row cleansed and matched by email or phone against\n"
        "the leads and contacts already there, so a second run creates nothing new.\n"
        "Rows that cannot be imported go to the errors file with line and reason.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", metavar="FILE", help="the CSV file of leads")
    parser.add_argument("--campaign", metavar="NAME", help="make every row a campaign member")
    parser.add_argument("--source", metavar="NAME", help="LeadSource for every row")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help='feed a column to a field ("Cell=Phone"), or ignore it ("Notes="); repeatable',
    )
    parser.add_argument(
        "--region",
        metavar="CC",
        help="country of phone numbers written without one (default: WORKSTATION_REGION, "
        "else the settings' phone_region, else US)",
    )
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        help="the file's encoding (cp1251, iso-8859-2, gb18030, shift_jis, utf-16 …) when "
        "the one it is read as is wrong (default: told from the file; the summary names it)",
    )
    parser.add_argument(
        "--errors",
        metavar="FILE",
        help="where refused rows go (default: beside FILE, leads.csv → leads.errors.csv)",
    )
    parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    parser.add_argument(
        "--assign", action="store_true", help="spread the new leads over the reps by capacity"
    )
    parser.add_argument(
        "--salesforce", metavar="DIR", help="import a Salesforce data export (its CSV files)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.store.errors import StoreError

    if args.file and args.salesforce:
        raise StoreError(
            "name a CSV FILE or a Salesforce export with --salesforce DIR, not both: "
            "run one import, then the other"
        )
    if not (args.file or args.salesforce):
        raise StoreError("name a CSV FILE, or a Salesforce export with --salesforce DIR")
    if args.salesforce and (args.map or args.errors):
        raise StoreError(
            f"{'--map' if args.map else '--errors'} is for CSV files: a Salesforce export's "
            "columns are its field names, and it refuses no rows (each value it can't read "
            "is counted in its report)"
        )
    config = settings(args)  # checks --region
    region = config.phone_region
    engine = open_engine(config, create=True)
    from workstation.store.permissions import acting_rep_id

    me = acting_rep_id(engine, config.rep_name)  # None in a database with no reps yet
    if args.salesforce:
        return _salesforce(engine, config, args, region, me)
    return _leads(engine, config, args, region, me)


def _leads(engine, config, args: argparse.Namespace, region: str, me: int | None) -> int:
    from workstation.progress import ProgressReporter
    from workstation.store.imports.columns import parse_map_options
    from workstation.store.imports.leads import import_leads

    mapping = parse_map_options(args.map)
    acting = _assigner(engine, config.rep_name) if args.assign else None
    with ProgressReporter() as reporter:
        summary = import_leads(
            engine,
            args.file,
            campaign=args.campaign,
            source=args.source,
            region=region,
            mapping=mapping,
            dry_run=args.dry_run,
            errors_path=args.errors,
            assign_as=acting,
            acting_rep_id=me,
            progress=lambda done, total: reporter.update("Importing leads", done, total),
            clock=args.clock,
            encoding=args.encoding,
        )
    if args.json:
        print(json.dumps(asdict(summary) | {"rows_per_second": round(summary.rows_per_second)}))
    else:
        print(_describe(summary))
    return 0


def _assigner(engine, rep_name: str | None) -> int:
    """The rep handing out the leads: --as / WORKSTATION_REP, else the first manager."""
    from sqlmodel import Session

    from workstation.store.errors import StoreError
    from workstation.store.reps import working_rep

    with Session(engine) as session:
        rep = working_rep(session, rep_name)
    if rep is None or not rep.is_manager:
        raise StoreError("--assign takes a manager: add reps first, or run with --as a manager")
    return rep.id


def _describe(summary) -> str:
    from workstation.display import clean

    rate = f"{summary.rows_per_second:,.0f} rows/s"
    head = "Dry run, nothing written" if summary.dry_run else "Imported"
    lines = [
        f"{head}: {clean(summary.path)} ({summary.encoding}, {summary.delimiter!r}): "
        f"{summary.rows:,} row{'' if summary.rows == 1 else 's'} in {summary.seconds:.1f} s "
        f"({rate})",
        f"  created    {summary.created:>10,}",
        f"  updated    {summary.updated:>10,}",
        f"  unchanged  {summary.unchanged:>10,}",
        f"  rejected   {summary.rejected:>10,}"
        + (f"  (with line and reason in {clean(summary.errors_path)})" if summary.rejected else ""),
    ]
    if summary.kept_without_bad_values:
        lines.append(
            f"  {summary.kept_without_bad_values:,} kept without a phone or email that could "
            f"not be read (listed in {clean(summary.errors_path)} to fix and import again)"
        )
    if summary.campaign:
        made = " (new)" if summary.campaign_created else ""
        lines.append(f"Campaign: {clean(summary.campaign)}{made}")
    mapped = ", ".join(f"{clean(k)}→{v}" for k, v in summary.columns.items())
    lines.append(f"Columns: {mapped}")
    if summary.unmapped:
        lines.append(f"Ignored columns: {', '.join(map(clean, summary.unmapped))}")
    from workstation.store.team.assign import assigned_line

    if assignment := assigned_line(summary.assigned, summary.left_in_pool):
        lines.append(assignment)
    if summary.cancelled:
        lines.append("Stopped before the end: run the same import again to finish it.")
    return "\n".join(lines)


def _salesforce(engine, config, args: argparse.Namespace, region: str, me: int | None) -> int:
    from workstation.store.imports.salesforce.importer import import_salesforce

    acting = _assigner(engine, config.rep_name) if args.assign else None
    report = import_salesforce(
        engine,
        args.salesforce,
        region=region,
        now=args.clock(),
        encoding=args.encoding,
        dry_run=args.dry_run,
        source=args.source,
        campaign=args.campaign,
        assign_as=acting,
        acting_rep_id=me,
    )
    if args.json:
        print(json.dumps(asdict(report)))
    else:
        print(report.describe())
    return 0
