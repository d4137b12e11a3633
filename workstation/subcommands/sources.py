"""`workstation sources`: each lead source's conversion rate and the attempt cap and
callback spacing that follow from it (issue 21, "nurture by source"), with where each came
from: measured, floor, ceiling, settings override, or default (too few finished leads).
`--refresh` measures again and stores the policy that `next` and the dispositions use
(meant for cron, like `recycle`)."""

from __future__ import annotations

import argparse
import json

from workstation.subcommands import open_engine, settings


def register(commands) -> None:
    parser = commands.add_parser(
        "sources",
        help="each lead source's conversion rate, attempt cap and callback spacing",
        description="Show each lead source's measured conversion rate (converted leads of "
        "those finished, converted or closed) and the attempt cap and hours between calls "
        "that `next` and the dispositions use, with where each came from: measured, floor, "
        "ceiling (attempt_cap_floor, attempt_cap_ceiling), settings override "
        '([sources."NAME"] in the settings file), or default (fewer finished leads than '
        "source_min_sample). The stored policy changes only with --refresh.",
    )
    parser.add_argument(
        "--refresh", action="store_true", help="measure the rates again and store the policy"
    )
    parser.add_argument("--json", action="store_true", help="print them as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.display import clean
    from workstation.store.calling.source_policy import refresh_source_policy, stored_policies
    from workstation.tables import table_lines

    config = settings(args)
    engine = open_engine(config)
    if args.refresh:
        policies = refresh_source_policy(engine, config.source_rules(), args.clock())
    else:
        policies = stored_policies(engine)
    if args.json:
        print(json.dumps([_document(policy) for policy in policies], indent=2))
        return 0
    if not policies:
        print("no policy stored yet: `workstation sources --refresh` measures the sources")
        print(f"every source: {config.attempt_cap} attempts, 1 hour between calls (default)")
        return 0
    head = ("Source", "Finished", "Rate", "Cap", "from", "Hours apart", "from")
    rows = [
        (clean(p.lead_source), f"{p.finished:,}",
         "-" if p.rate is None else f"{p.rate:.1%}", str(p.attempt_cap), p.cap_from,
         f"{p.retry_hours:.2f}", p.retry_from)
        for p in policies
    ]  # fmt: skip
    measured = max(p.measured_at for p in policies)
    print(f"Lead sources, measured {measured:%Y-%m-%d %H:%M} UTC")
    print("\n".join(table_lines([head, *rows], right=(1, 2, 3, 5))))
    print(f"Any other source: {config.attempt_cap} attempts, 1 hour between calls (default)")
    return 0


def _document(policy) -> dict:
    return {
        "lead_source": policy.lead_source,
        "finished": policy.finished,
        "converted": policy.converted,
        "rate": policy.rate,
        "attempt_cap": policy.attempt_cap,
        "attempt_cap_from": policy.cap_from,
        "retry_hours": policy.retry_hours,
        "retry_hours_from": policy.retry_from,
        "measured_at": policy.measured_at.isoformat(),
    }
