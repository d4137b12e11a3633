"""`workstation funnel [--since DATE]`: the funnel screen's figures from the shell (managers
only): lead and contact funnels with conversion rates, lead sources and offers through to won
business, detours and rejections, time in status, rep activity."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime

from workstation.subcommands import open_engine, settings


def _since(value: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    except ValueError:
        raise argparse.ArgumentTypeError("use a date like 2026-10-01") from None


def register(commands) -> None:
    parser = commands.add_parser("funnel", help="the funnel by stage, source and offer")
    parser.add_argument(
        "--since",
        type=_since,
        metavar="DATE",
        help="only records created, and activity logged, on or after DATE (default: all)",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.display import clean
    from workstation.store.permissions import acting_rep_id
    from workstation.store.reports.funnel import funnel_report
    from workstation.store.reports.funnel_export import all_sections, funnel_json
    from workstation.store.reports.funnel_history import rep_activity, time_in_status
    from workstation.tables import section_lines

    config = settings(args)
    engine = open_engine(config)
    me = acting_rep_id(engine, config.rep_name)
    with Session(engine) as session:
        report = funnel_report(session, acting_rep_id=me, since=args.since)
        statuses = time_in_status(session, acting_rep_id=me, since=args.since)
        reps = rep_activity(session, acting_rep_id=me, since=args.since)
    if args.format == "json":
        print(json.dumps(funnel_json(report, statuses, reps, args.since), indent=2))
        return 0
    since = f"created since {args.since:%Y-%m-%d}" if args.since else "everybody"
    print(f"Funnel ({since})")
    for line in section_lines(all_sections(report, statuses, reps)):
        print(clean(line))
    return 0
