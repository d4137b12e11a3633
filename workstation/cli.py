"""The `workstation` command: the TUI by default, and a subcommand per action
(`workstation/subcommands/`, one module each)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import itertools
import sys
from collections.abc import Sequence

from workstation import __version__
from workstation.store.clock import Clock, utcnow
from workstation.subcommands import MODULES, settings

OPTIONS = ("--db", "--as")  # taken before or after the command name
EPILOG = """\
exit codes:
  1 refused by the store, 2 a mistaken command line, 3 the database cannot be used
  (with --json or --format json, the error is one JSON object on stderr)

environment:
  WORKSTATION_DB    database URL (default: a SQLite file in your user data directory)
  WORKSTATION_REP   who is working (default: the first manager; on PostgreSQL, the rep
                    whose database login you connect as, and only them)

examples:
  workstation                              open the queue
  workstation --as "Dana Reyes"            open Dana's queue
  workstation next --as "Dana Reyes"       claim Dana's next lead (--db, --as: before or after)
  workstation demo --leads 20000           fill an empty database with demo data
  workstation export leads --format json   every lead, as JSON, on standard output
  workstation bench --leads 1000000 --json  the TARGETS.md figures on data set L
  WORKSTATION_DB=postgresql://user@host/crm workstation db upgrade
"""


def build_parser() -> argparse.ArgumentParser:
    """Every option and subcommand (for help, and for any subcommand)."""
    parser = _options_parser()
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in MODULES:
        importlib.import_module(f"workstation.subcommands.{name}").register(commands)
    return parser


def _options_parser(*, add_help: bool = True) -> argparse.ArgumentParser:
    """The options before any subcommand; alone, they open the TUI."""
    parser = argparse.ArgumentParser(
        prog="workstation",
        description="Telesales Workstation: work call queues, log calls, convert leads.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=add_help,
        exit_on_error=add_help,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", metavar="URL", help="database URL (overrides WORKSTATION_DB)")
    parser.add_argument(
        "--as",
        dest="rep",
        metavar="NAME",
        help="work as this rep (overrides WORKSTATION_REP); on PostgreSQL only your login's rep",
    )
    parser.set_defaults(handler=open_tui, command=None)
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line. Opening the TUI (options alone) skips building the subcommands'
    parsers, about 30 ms of every start; a subcommand, help or a mistake goes to the full
    parser, which also words its errors: as a JSON object when the command was asked for
    JSON, so that a script reads every error the same way."""
    argv = _options_first(sys.argv[1:] if argv is None else list(argv))
    if not wants_json(argv):
        return _parse(argv)
    said = io.StringIO()
    try:
        with contextlib.redirect_stderr(said):
            return _parse(argv)
    except SystemExit as exit_:
        if exit_.code:  # argparse's usage and error lines: its last line is the error
            from workstation.errors import USAGE, fail

            error = said.getvalue().strip().splitlines()[-1]
            fail(error.partition(" error: ")[2] or error, code=USAGE, as_json=True)
        raise


def wants_json(argv: Sequence[str]) -> bool:
    """Whether the command line asks for JSON (`--json`, `--format json`)."""
    argv = list(argv)
    argv = argv[: argv.index("--")] if "--" in argv else argv
    pairs = itertools.pairwise([*argv, ""])  # each argument with the one after it
    return any(
        arg in ("--json", "--format=json") or (arg == "--format" and value == "json")
        for arg, value in pairs
    )


def _parse(argv: list[str]) -> argparse.Namespace:
    if argv and argv[-1] in OPTIONS and "--" not in argv:  # at the end, naming nothing
        build_parser().error(f"argument {argv[-1]}: expected one argument")
    try:
        args, rest = _options_parser(add_help=False).parse_known_args(argv)
    except argparse.ArgumentError:
        pass  # the full parser says what is wrong
    else:
        if not rest:
            return args
    return build_parser().parse_args(argv)


def _options_first(argv: list[str]) -> list[str]:
    """`--db` and `--as` wherever they are given (`workstation next --as Dana`), moved
    before the command name, where the parser reads them; the last one given wins."""
    options: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":  # everything after it is an argument, taken as it is
            rest += argv[i:]
            break
        if arg in OPTIONS and i + 1 < len(argv):
            options += argv[i : i + 2]
            i += 2
        elif "=" in arg and arg.split("=", 1)[0] in OPTIONS:
            options.append(arg)
            i += 1
        else:
            rest.append(arg)
            i += 1
    return options + rest


def pause_collector() -> None:
    """Until the first frame, Python makes tens of thousands of objects that live all day
    (modules, classes, styles, widgets) and next to no garbage: the cyclic collector would
    only walk them, a dozen times. It resumes after the first frame
    (`WorkstationApp.on_ready`)."""
    import gc

    gc.disable()


def open_tui(args: argparse.Namespace) -> int:
    import gc

    pause_collector()  # before the app's modules are imported
    try:
        from workstation.app import start_app

        app = start_app(settings(args), args.clock)
        app.run()
    finally:
        gc.enable()  # should the app end before its first frame (a refusal, an error)
    return app.return_code or 0


def main(argv: Sequence[str] | None = None, *, clock: Clock = utcnow) -> int:
    """Run the command line. `clock` is the one "now" of every subcommand and of the TUI
    (handlers read `args.clock`), so tests can pin it. What a subcommand prints (and what
    argparse says of a mistake) goes out through `terminal.neutralised_output`; the TUI
    draws its own screen."""
    from workstation.errors import print_scrubbed_traceback, run_reporting_errors
    from workstation.terminal import neutralised_output

    sys.excepthook = print_scrubbed_traceback  # a traceback that escapes shows no password
    with neutralised_output():
        args = parse_args(argv)
    args.clock = clock
    as_json = bool(getattr(args, "json", False)) or getattr(args, "format", None) == "json"
    if args.handler is open_tui:
        return run_reporting_errors(lambda: open_tui(args), as_json=as_json)
    with neutralised_output():
        return run_reporting_errors(lambda: args.handler(args), as_json=as_json)


if __name__ == "__main__":
    sys.exit(main())
