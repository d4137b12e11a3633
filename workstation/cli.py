"""The `workstation` command: the TUI by default, and a subcommand per action.

Imports are deferred to the subcommand that needs them, so `workstation` starts the TUI
without loading what only the shell tools use (and the reverse).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from workstation import __version__

EPILOG = """\
environment:
  WORKSTATION_DB    database URL (default: a SQLite file in your user data directory)
  WORKSTATION_REP   who is working (default: the first manager)

examples:
  workstation                              open the queue
  workstation --as "Dana Reyes"            open Dana's queue
  workstation demo --leads 20000           fill an empty database with demo data
  workstation export leads --format json   every lead, as JSON, on standard output
  workstation bench --leads 1000000 --json  the TARGETS.md figures on data set L
  WORKSTATION_DB=postgresql://user@host/crm workstation db upgrade
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workstation",
        description="Telesales Workstation: work call queues, log calls, convert leads.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", metavar="URL", help="database URL (overrides WORKSTATION_DB)")
    parser.add_argument("--as", dest="rep", metavar="NAME",
                        help="work as this rep (overrides WORKSTATION_REP)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="fill an empty database with demo data")
    demo.add_argument("--leads", type=_positive, default=3000, metavar="N",
                      help="how many leads (default 3000; 1000000 is data set L)")
    demo.add_argument("--seed", type=int, default=7, metavar="S",
                      help="random seed: the same seed gives the same data (default 7)")

    from workstation.store.exports import EXPORT_KINDS

    export = commands.add_parser("export", help="write records as CSV or JSON")
    export.add_argument("kind", choices=EXPORT_KINDS, metavar="KIND",
                        help="one of: " + ", ".join(EXPORT_KINDS))
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")

    bench = commands.add_parser(
        "bench", help="measure the TARGETS.md figures against their baselines")
    bench.add_argument("--leads", type=_positive, default=100_000, metavar="N",
                       help="size of the data set built for the run (default 100000; "
                            "1000000 is data set L)")
    bench.add_argument("--runs", type=_positive, default=7, metavar="R",
                       help="cold starts timed for each of app and baseline (default 7)")
    bench.add_argument("--json", action="store_true", help="print one JSON object")

    db = commands.add_parser("db", help="database schema")
    db.add_argument("action", choices=("upgrade", "current"),
                    help="upgrade: apply pending migrations; current: show the revision")
    return parser


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from workstation.errors import run_reporting_errors

    return run_reporting_errors(lambda: _dispatch(args))


def _dispatch(args: argparse.Namespace) -> int:
    from workstation import shell as run

    handler = {
        None: run.open_tui,
        "demo": run.demo,
        "export": run.export,
        "db": run.db,
        "bench": run.bench,
    }[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
