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
  workstation import hubspot.csv --status-map "hot=Working,cold=Nurturing" --date-format "%d/%m/%Y"
  workstation import liste.csv --region DE --decimal ,
  workstation --as "Morgan Manager" import leads.csv --assign
  workstation import trade-show.csv --as-names --campaign "Expo 2026"
  workstation import --salesforce ~/Downloads/export
"""


def register(commands) -> None:
    parser = commands.add_parser(
        "import",
        help="import leads from CSV, or a Salesforce data export",
        description="Import leads from a CSV file, or a Salesforce data export. The rows of\n"
        "leads (the CSV file, or the export's Lead.csv) go through one pipeline: columns\n"
        "under Salesforce's names or other CRMs', every row cleansed and matched by email,\n"
        "then phone, against the leads and contacts already there, so a second run\n"
        "creates nothing new. A row needs a last name and a phone or email that can be\n"
        "used; one bad value is left out (and listed), never a reason to refuse the row.\n"
        "Phones and emails beyond the ones chosen are kept in the Description (\"Other\n"
        "phones: …\"); a location in words (Sales Navigator's Geography) fills City, State\n"
        "and Country when it names one place, else is kept there too. Our own Data Loader\n"
        "Lead.csv (export leads --for salesforce) reads as import --salesforce reads it.\n"
        "Rows refused, or kept without a value, go to the errors file with line and reason;\n"
        "statuses that are none of ours, ignored columns and undecodable lines are\n"
        "reported with counts.",
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
        help='feed a column to a field ("Cell=Phone"), or ignore it ("Notes="); repeatable '
        "(with --salesforce: the columns of its Lead.csv)",
    )
    parser.add_argument(
        "--status-map",
        action="append",
        default=[],
        metavar="FROM=TO,…|FILE",
        help='their lead statuses to ours, inline ("hot=Working,cold=Nurturing") or a file of '
        "FROM=TO lines (or two CSV columns); repeatable. Salesforce's, HubSpot's and Zoho's "
        "standard statuses map by themselves; any other is kept in SourceStatus, the lead "
        "imported as Open, and reported",
    )
    parser.add_argument(
        "--date-format",
        metavar="FORMAT",
        help='how the file writes dates that are not ISO, as strptime does ("%%d/%%m/%%Y"); '
        "default: month first (02/24/26 02:18 AM, as Excel saves in the US) unless the first "
        "number cannot be a month; Excel's serial numbers are read too",
    )
    parser.add_argument(
        "--decimal",
        metavar="MARK",
        choices=(".", ","),
        help="the decimal mark of numbers such as 1.200 or 1,200, which could be either "
        "(default: , in a file separated by ; and . otherwise); 1,200,000 and 1.200.000,50 "
        "are read as written whatever it is",
    )
    parser.add_argument(
        "--region",
        metavar="CC",
        help="country of phone numbers written without one (default: WORKSTATION_REGION, "
        "else the settings' phone_region, else US); when set (by any of these), also the "
        "Country of rows without one whose phone is of that country",
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
        help="where refused rows, and rows kept without a value, go (default: beside FILE, "
        "leads.csv → leads.errors.csv; with --salesforce, Lead.errors.csv in DIR, written "
        "only when there is a row to list)",
    )
    parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    parser.add_argument(
        "--assign", action="store_true", help="spread the new leads over the reps by capacity"
    )
    parser.add_argument(
        "--as-names",
        action="store_true",
        help="land the new rows at lifecycle stage Name: marketing's pool, in no sales queue "
        "until `workstation recycle` or `names promote` promotes them",
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
    if args.as_names and args.salesforce:
        raise StoreError("--as-names is for a CSV FILE, not a Salesforce export")
    if not (args.file or args.salesforce):
        raise StoreError("name a CSV FILE, or a Salesforce export with --salesforce DIR")
    config = settings(args)  # checks --region
    region = config.phone_region
    # A country someone set (not the default) is also the Country of rows without one.
    args.country = region if "phone_region" in config.sources else None
    engine = open_engine(config, create=True)
    from workstation.store.permissions import acting_rep_id

    try:  # the connections closed when the import ends: SQLite checkpoints its log then
        me = acting_rep_id(engine, config.rep_name)  # None in a database with no reps yet
        if args.salesforce:
            return _salesforce(engine, config, args, region, me)
        return _leads(engine, config, args, region, me)
    finally:
        engine.dispose()


def _formats(args: argparse.Namespace):
    """How the file writes dates and numbers; None: as the file tells (its delimiter)."""
    from workstation.store.errors import StoreError
    from workstation.store.values.formats import Formats
    from workstation.store.values.text import BadValue

    if args.date_format is None and args.decimal is None:
        return None
    try:
        return Formats(date_format=args.date_format, decimal=args.decimal or ".")
    except BadValue as error:
        raise StoreError(str(error)) from None


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
            status_map=tuple(args.status_map),
            formats=_formats(args),
            country=args.country,
            as_names=args.as_names,
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
            f"  {summary.kept_without_bad_values:,} kept without a value that could not be "
            f"read (listed in {clean(summary.errors_path)} to fix and import again)"
        )
    if summary.campaign:
        made = " (new)" if summary.campaign_created else ""
        lines.append(f"Campaign: {clean(summary.campaign)}{made}")
    mapped = ", ".join(f"{clean(k)}→{v}" for k, v in summary.columns.items())
    lines.append(f"Columns: {mapped}")
    lines.extend(map(clean, summary.notes))
    from workstation.store.team.assign import assigned_line

    if assignment := assigned_line(summary.assigned, summary.left_in_pool):
        lines.append(assignment)
    if summary.cancelled:
        lines.append("Stopped before the end: run the same import again to finish it.")
    return "\n".join(lines)


def _salesforce(engine, config, args: argparse.Namespace, region: str, me: int | None) -> int:
    from workstation.store.imports.columns import parse_map_options
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
        mapping=parse_map_options(args.map),
        errors_path=args.errors,
        status_map=tuple(args.status_map),
        formats=_formats(args),
        country=args.country,
    )
    if args.json:
        print(json.dumps(asdict(report)))
    else:
        print(report.describe())
    return 0
