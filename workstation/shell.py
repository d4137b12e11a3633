"""What each subcommand does: open the store, call one store operation, print the result."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack

from sqlalchemy import Engine

from workstation.config import Settings
from workstation.store.db import make_engine, safe_url
from workstation.store.schema import ensure_current


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.resolve(db=args.db, rep=args.rep)


def _engine(settings: Settings) -> Engine:
    """An engine on a database brought up to the current schema."""
    engine = make_engine(settings.database_url)
    ensure_current(engine)
    return engine


def open_tui(args: argparse.Namespace) -> int:
    from workstation.app import make_app

    settings = _settings(args)
    engine = _engine(settings)
    make_app(settings, engine).run()
    return 0


def demo(args: argparse.Namespace) -> int:
    from workstation.progress import ProgressReporter
    from workstation.store.demo import generate_demo

    settings = _settings(args)
    engine = _engine(settings)
    with ProgressReporter() as reporter:
        counts = generate_demo(engine, leads=args.leads, seed=args.seed, progress=reporter.update)
    summary = ", ".join(f"{count:,} {table}" for table, count in counts.items())
    print(f"Demo data written to {safe_url(settings.database_url)} in "
          f"{reporter.elapsed:.1f} s: {summary}", file=sys.stderr)
    return 0


def export(args: argparse.Namespace) -> int:
    from workstation.store.exports import export_records

    engine = _engine(_settings(args))
    with ExitStack() as stack:
        if args.output:
            out = stack.enter_context(open(args.output, "w", encoding="utf-8", newline=""))
        else:
            out = sys.stdout
        count = export_records(engine, args.kind, out, fmt=args.format)
    if args.output:
        print(f"{count:,} {args.kind} written to {args.output}", file=sys.stderr)
    return 0


def db(args: argparse.Namespace) -> int:
    from workstation.store.schema import HEAD, current_revision

    settings = _settings(args)
    engine = make_engine(settings.database_url)
    where = safe_url(settings.database_url)
    if args.action == "current":
        revision = current_revision(engine)
        state = "up to date" if revision == HEAD else f"behind (head is {HEAD})"
        print(f"{where}: revision {revision or 'none (empty database)'}, {state}")
        return 0
    applied = ensure_current(engine)
    print(f"{where}: {'upgraded to' if applied else 'already at'} revision {HEAD}")
    return 0


def bench(args: argparse.Namespace) -> int:
    from workstation.bench import as_json, as_table, run_bench

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    figures = run_bench(leads=args.leads, runs=args.runs, say=say)
    print(as_json(figures) if args.json else as_table(figures))
    return 0
