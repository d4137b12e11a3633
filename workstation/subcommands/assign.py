"""`workstation assign`: hand out the pool to the active sales reps by open capacity, most
free capacity first, never beyond it (seed 002); managers only."""

from __future__ import annotations

import argparse
import json

from workstation.subcommands import open_engine, positive, settings


def register(commands) -> None:
    parser = commands.add_parser(
        "assign", help="give pool leads to the reps in proportion to their free capacity"
    )
    parser.add_argument(
        "--limit", type=positive, metavar="N", help="hand out at most N leads (default: all)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.display import clean
    from workstation.store.permissions import acting_rep_id
    from workstation.store.team.assign import assign_pool_by_capacity

    config = settings(args)
    engine = open_engine(config)
    me = acting_rep_id(engine, config.rep_name)
    summary = assign_pool_by_capacity(engine, acting_rep_id=me, limit=args.limit, at=args.clock())
    reps = [
        {
            "RepId": rep.rep_id,
            "Rep": rep.name,
            "Capacity": rep.capacity,
            "OpenBefore": rep.open_leads,
            "Assigned": summary.count_for(rep.rep_id),
        }
        for rep in summary.reps
    ]
    if args.json:
        data = {
            "assigned": len(summary.assigned),
            "left_in_pool": summary.left_in_pool,
            "reps": reps,
        }
        print(json.dumps(data, indent=2))
        return 0
    why = " (no rep has room for them)" if summary.left_in_pool and not args.limit else ""
    print(
        f"Assigned {len(summary.assigned):,} pool leads; "
        f"{summary.left_in_pool:,} stay in the pool{why}."
    )
    for rep in summary.reps:
        assigned = summary.count_for(rep.rep_id)
        held = rep.open_leads + assigned
        print(f"  {clean(rep.name)}: +{assigned:,} (now {held:,} of {rep.capacity:,})")
    return 0
