"""`workstation untouched`: leads nobody has touched since they were assigned, per rep, worst
first, with aging buckets (the untouched-leads screen from the shell; managers only, or a
rep asking about themselves with --rep)."""

from __future__ import annotations

import argparse

from workstation.subcommands import open_engine, settings

MAX_HOURS = 10 * 366 * 24  # ten years: older than any lead assignment we keep


def _hours(value: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of hours") from None
    if not 0 <= hours <= MAX_HOURS:  # also refuses nan (no comparison holds) and inf
        raise argparse.ArgumentTypeError(f"must be a number of hours from 0 to {MAX_HOURS:,}")
    return hours


def register(commands) -> None:
    parser = commands.add_parser(
        "untouched", help="leads with no activity since they were assigned, per rep"
    )
    parser.add_argument(
        "--hours",
        type=_hours,
        default=24.0,
        metavar="N",
        help="assigned more than N hours ago (default 24)",
    )
    parser.add_argument(
        "--rep", dest="only_rep", metavar="NAME", help="only this rep (and list their leads)"
    )
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table (per rep), csv (every lead) or json (per rep and every lead)",
    )
    parser.set_defaults(handler=run)


def _table(summary, leads) -> str:
    from workstation.display import age, clean
    from workstation.store.reports.untouched import BUCKETS
    from workstation.tables import fit, table_lines

    head = ("Rep", f"{'Untouched':>9}", *(f"{b:>8}" for b in BUCKETS))
    rows = [
        (clean(rep.name) + ("" if rep.active else " (left)"), f"{rep.count:,}",
         *(f"{n:,}" for n in rep.buckets))
        for rep in summary.reps
    ]  # fmt: skip
    lines = [
        f"Untouched for more than {summary.hours:g} h: {summary.total:,} leads, worst first",
        *table_lines([head, *rows], right=range(1, len(head))),
    ]
    if leads is not None:
        lines.append("")
        lines.append(f"{'Id':>8}  {'Age':>7}  {fit('Name', 24)}  Company")
        for row in leads:
            name, company = fit(clean(row.name), 24), clean(row.company)
            lines.append(f"{row.id:>8}  {age(row.age, spaced=True):>7}  {name}  {company}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.store.permissions import acting_rep_id
    from workstation.store.reports.untouched import iter_untouched, untouched_summary
    from workstation.store.reports.untouched_export import write_json, write_leads_csv
    from workstation.store.reps import find_rep
    from workstation.terminal import data_out

    config = settings(args)
    engine = open_engine(config)
    me = acting_rep_id(engine, config.rep_name)
    with Session(engine) as session:
        only = find_rep(session, args.only_rep) if args.only_rep else None
        scope = {"acting_rep_id": me, "hours": args.hours, "rep_id": only and only.id}
        summary = untouched_summary(session, now=args.clock(), **scope)
        leads = iter_untouched(session, now=summary.now, **scope)
        if args.format == "json":
            write_json(data_out(), summary, leads)
        elif args.format == "csv":
            write_leads_csv(data_out(), leads, summary)
        else:
            print(_table(summary, leads if only else None))
    return 0
