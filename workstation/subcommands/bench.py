"""`workstation bench`: the TARGETS.md figures, each beside its baseline from the same run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workstation.subcommands import positive

# The smallest data set the key timings run on: thirty `n` presses need leads enough for
# the busiest rep, and thirty page steps a queue of several pages.
MIN_LEADS = 3000


def register(commands) -> None:
    parser = commands.add_parser(
        "bench", help="measure the TARGETS.md figures against their baselines"
    )
    parser.add_argument(
        "--leads",
        type=_enough_leads,
        default=100_000,
        metavar="N",
        help="size of the data set built for the run (default 100000, at least "
        f"{MIN_LEADS}; 1000000 is data set L)",
    )
    parser.add_argument(
        "--runs",
        type=positive,
        default=7,
        metavar="R",
        help="cold starts timed for each of app and baseline (default 7)",
    )
    parser.add_argument(
        "--pg",
        metavar="URL",
        help="also measure P8 (50 claimers) on this PostgreSQL server, in a "
        "scratch schema that is dropped afterwards",
    )
    parser.add_argument(
        "--pg-only", action="store_true", help="measure P8 alone (needs --pg), no SQLite data set"
    )
    parser.add_argument(
        "--pg-claimers",
        type=positive,
        default=50,
        metavar="N",
        help="reps claiming at once in P8, each its own process (default 50; 200 shows "
        "where one server bends)",
    )
    parser.add_argument(
        "--pg-connections",
        type=positive,
        metavar="N",
        help="connections the P8 reps share (default: one each), as behind a transaction "
        "pooler; for more reps than the server's max_connections",
    )
    parser.add_argument(
        "--pg-seconds",
        type=_seconds,
        default=5.0,
        metavar="S",
        help="seconds each P8 phase runs (default 5)",
    )
    parser.add_argument(
        "--import-rows",
        type=positive,
        default=100_000,
        metavar="N",
        help="rows in the generated CSV file for P4 (default 100000)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="FILE",
        help="build the data set in FILE and keep it; a later run given the "
        "same FILE reuses it (and skips P6)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def _enough_leads(value: str) -> int:
    number = positive(value)
    if number < MIN_LEADS:
        raise argparse.ArgumentTypeError(
            f"must be {MIN_LEADS} or more: the key timings need a queue of several pages"
        )
    return number


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 < seconds <= 600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 600 seconds")
    return seconds


def run(args: argparse.Namespace) -> int:
    from workstation.bench.run import as_json, as_table, measure_pg_claims, run_bench

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    pg = {
        "claimers": args.pg_claimers,
        "connections": args.pg_connections,
        "seconds": args.pg_seconds,
    }
    if args.pg_only and not args.pg:
        print("workstation: --pg-only needs --pg URL", file=sys.stderr)
        return 2
    if args.pg_only:
        figures = measure_pg_claims(args.pg, say=say, **pg)
    else:
        figures = run_bench(
            leads=args.leads,
            runs=args.runs,
            keep=args.keep,
            pg_url=args.pg,
            import_rows=args.import_rows,
            pg=pg,
            say=say,
        )
    print(as_json(figures) if args.json else as_table(figures))
    return 0
