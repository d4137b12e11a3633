"""`workstation recycle [--dry-run] [--json]` (meant for cron): the moves between
marketing's Names and sales' leads that are due, made with their reasons in the history."""

from __future__ import annotations

import argparse
import json

from workstation.subcommands import open_engine, settings

EXAMPLES = """\
examples:
  workstation recycle --dry-run --json
  workstation recycle
  # crontab: every night at 02:00
  0 2 * * * workstation --as "Morgan Manager" recycle --json >> ~/recycle.log
"""


def register(commands) -> None:
    parser = commands.add_parser(
        "recycle",
        help="promote Names that scored enough; return leads sales is done with",
        description="Moves people between marketing's pool of Names and sales' pool, each\n"
        "with its reason in the history:\n"
        "  - an active Name whose score reaches name_threshold becomes Marketing Qualified\n"
        "    and enters sales' pool;\n"
        "  - a lead rejected by sales, unresponsive (attempt cap reached, no connect), or\n"
        "    ignored by its owner for ignored_days (owned, open, no activity since it was\n"
        "    assigned) returns to marketing: Nurture, or Name when it never engaged (no\n"
        "    connected call, no campaign response); its owner is cleared.\n"
        "A second run moves nothing. Managers (or, with no reps yet, nobody) run it.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dry-run", action="store_true", help="list the moves, make none")
    parser.add_argument("--json", action="store_true", help="print the moves as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.display import clean
    from workstation.store.marketing.moves import RecycleRules
    from workstation.store.marketing.recycle import recycle
    from workstation.store.permissions import acting_rep_id

    config = settings(args)
    engine = open_engine(config)
    rules = RecycleRules(
        name_threshold=config.name_threshold,
        ignored_days=config.ignored_days,
        attempt_cap=config.attempt_cap,
    )
    moves = recycle(
        engine,
        rules=rules,
        acting_rep_id=acting_rep_id(engine, config.rep_name),
        dry_run=args.dry_run,
        at=args.clock(),
    )
    if args.json:
        print(json.dumps([move.shown() for move in moves]))
        return 0
    verb = "would move" if args.dry_run else "moved"
    print(f"Recycling {verb} {len(moves):,} {'person' if len(moves) == 1 else 'people'}.")
    for move in moves:
        print(
            f"  {move.kind} {move.id} {clean(move.name)}: {move.from_} → {move.to} ({move.reason})"
        )
    return 0
