"""`workstation reassign ID… --to NAME | --spread | --pool`: move leads to a rep, spread them
over the reps by open capacity, or return them to the pool (the untouched screen's keys
from the shell). Moving other reps' leads takes a manager; a rep may return their own."""

from __future__ import annotations

import argparse
import json

from workstation.subcommands import open_engine, record_id, settings


def register(commands) -> None:
    parser = commands.add_parser(
        "reassign", help="move leads to a rep, spread them by capacity, or back to the pool"
    )
    parser.add_argument("ids", type=record_id, nargs="+", metavar="ID", help="lead ids")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", metavar="NAME", help="give them all to this rep")
    where.add_argument(
        "--spread",
        action="store_true",
        help="spread them over the reps in proportion to their free capacity",
    )
    where.add_argument("--pool", action="store_true", help="return them to the shared pool")
    parser.add_argument("--reason", metavar="TEXT", help="why (kept in each lead's history)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.store.permissions import acting_rep_id
    from workstation.store.reps import find_rep
    from workstation.store.team.assign import reassign, return_to_pool

    config = settings(args)
    engine = open_engine(config)
    me = acting_rep_id(engine, config.rep_name)
    with Session(engine) as session:
        target = find_rep(session, args.to) if args.to else None
    if args.pool:
        result = return_to_pool(
            engine, args.ids, acting_rep_id=me, reason=args.reason, at=args.clock()
        )
    else:
        result = reassign(
            engine,
            args.ids,
            acting_rep_id=me,
            to_rep_id=target and target.id,
            spread=args.spread,
            reason=args.reason,
            at=args.clock(),
        )
    if args.json:
        data = {
            "moved": [
                {
                    "Id": lead_id,
                    "OwnerId": owner,
                    "Owner": None if owner is None else result.rep_names.get(owner),
                }
                for lead_id, owner in result.moved.items()
            ],
            "unchanged": list(result.unchanged),
            "unplaced": list(result.unplaced),
        }
        print(json.dumps(data, indent=2))
    else:
        from workstation.display import clean

        print(clean(result.describe()))
    return 0
