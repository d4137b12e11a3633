"""`workstation funnel [--since DATE]`: the funnel screen's figures from the shell (managers
only): lead and contact funnels with conversion rates, lead sources and offers through to won
business, detours and rejections, time in status, rep activity."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import UTC, date, datetime


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


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.0%}"


def _duration(seconds: float) -> str:
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def _columns(title: str, head: tuple[str, ...], rows: list[tuple]) -> list[str]:
    from workstation.widgets.safe_text import clean

    cells = [[clean(value) for value in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(head)]
    line = "  ".join(
        f"{h:<{widths[0]}}" if i == 0 else f"{h:>{widths[i]}}" for i, h in enumerate(head)
    )
    out = ["", title, line]
    for row in cells:
        out.append(
            "  ".join(
                f"{v:<{widths[0]}}" if i == 0 else f"{v:>{widths[i]}}" for i, v in enumerate(row)
            )
        )
    return out


def tables(report, statuses, reps) -> list[str]:
    """The report as plain text tables (also what the screen's export writes)."""
    steps = ("Stage", "Now", "Reached", "To next")
    groups = ("Leads", "MQL", "SQL", "Converted", "Conv %", "Won", "Won $", "Rejected")

    def group_rows(rows):
        return [
            (
                r.name,
                r.leads,
                r.mql,
                r.sql,
                r.converted,
                _percent(r.conversion_rate),
                r.won,
                f"{r.won_amount_cents // 100:,}",
                r.rejected,
            )
            for r in rows
        ]

    return [
        *_columns(
            "Lead funnel",
            steps,
            [(s.name, s.now, s.reached, _percent(s.rate_to_next)) for s in report.lead_funnel],
        ),
        *_columns(
            "Contact funnel",
            steps,
            [(s.name, s.now, s.reached, _percent(s.rate_to_next)) for s in report.contact_funnel],
        ),
        *_columns("By lead source (channel)", ("Source", *groups), group_rows(report.by_source)),
        *_columns("By lead type (offer)", ("Offer", *groups), group_rows(report.by_type)),
        *_columns(
            "Detours",
            ("Detour", "Leads", "Contacts", "Moves in"),
            [(d.name, d.leads_now, d.contacts_now, d.moves) for d in report.detours],
        ),
        *_columns("Rejected by reason", ("Reason", "Records"), report.rejected_by_reason),
        *_columns(
            "Time in status (median)",
            ("Status", "Median", "Stays"),
            [(t.status, _duration(t.median_seconds), t.stays) for t in statuses],
        ),
        *_columns(
            "Rep activity",
            ("Rep", "Dials", "Connects", "Connect %", "Conversions"),
            [(r.name, r.dials, r.connects, _percent(r.connect_rate), r.conversions) for r in reps],
        ),
    ]


def run(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.store.funnel import funnel_report
    from workstation.store.funnel_history import rep_activity, time_in_status
    from workstation.store.permissions import acting_rep_id
    from workstation.subcommands import open_engine, settings

    config = settings(args)
    engine = open_engine(config)
    with Session(engine) as session:
        me = acting_rep_id(session, config.rep_name)
        report = funnel_report(session, acting_rep_id=me, since=args.since)
        statuses = time_in_status(session, acting_rep_id=me, since=args.since)
        reps = rep_activity(session, acting_rep_id=me, since=args.since)
    if args.format == "json":
        data = asdict(report) | {
            "time_in_status": [asdict(t) for t in statuses],
            "reps": [asdict(r) | {"connect_rate": r.connect_rate} for r in reps],
        }
        for key in ("by_source", "by_type"):
            for row, source in zip(data[key], getattr(report, key), strict=True):
                row |= {"conversion_rate": source.conversion_rate, "win_rate": source.win_rate}
        data["since"] = args.since and args.since.isoformat()
        print(json.dumps(data, indent=2))
    else:
        since = f"created since {args.since:%Y-%m-%d}" if args.since else "everybody"
        print(f"Funnel ({since})")
        print("\n".join(tables(report, statuses, reps)))
    return 0
