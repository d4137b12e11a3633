"""`workstation demo`: fill an empty database with deterministic demo data."""

from __future__ import annotations

import argparse
import sys

from workstation.subcommands import open_engine, positive, settings


def register(commands) -> None:
    parser = commands.add_parser("demo", help="fill an empty database with demo data")
    parser.add_argument(
        "--leads",
        type=positive,
        default=3000,
        metavar="N",
        help="how many leads, up to 10,000,000 (default 3000; 1000000 is data set L)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=7,
        metavar="S",
        help="random seed: the same seed gives the same data (default 7)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.progress import ProgressReporter
    from workstation.store.db import safe_url
    from workstation.store.demo.generate import generate_demo

    config = settings(args)
    engine = open_engine(config, create=True)
    with ProgressReporter() as reporter:
        counts = generate_demo(
            engine, leads=args.leads, seed=args.seed, now=args.clock(), progress=reporter.update
        )
    summary = ", ".join(f"{count:,} {table}" for table, count in counts.items())
    print(
        f"Demo data written to {safe_url(config.database_url)} in "
        f"{reporter.elapsed:.1f} s: {summary}",
        file=sys.stderr,
    )
    return 0
