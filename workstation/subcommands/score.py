"""`workstation score ID [--contact]`, `score --all` and `score rules [--toml | --load
FILE]`: how a score is made, everyone's recomputed, and the rules that make it."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from workstation.subcommands import acting_rep, open_engine, settings


def register(commands) -> None:
    parser = commands.add_parser(
        "score",
        help="explain a lead's or contact's score, rescore everyone, or show/edit the rules",
        epilog="`score ID` recomputes the lead's score now, stores it and prints its parts "
        "(each rule that counted and its points; they add up to the score). `score --all` "
        "does it for every lead not converted and every contact (managers). `score rules` "
        "lists the rules; `score rules --toml > rules.toml` writes them as a file to edit, "
        "and `score rules --load rules.toml` makes that file the rules (managers; the old "
        "ones are kept, archived).",
    )
    parser.add_argument(
        "what", nargs="?", metavar="ID|rules", help="a lead's id (a contact's with --contact)"
    )
    parser.add_argument("--contact", action="store_true", help="ID is a contact's")
    parser.add_argument("--all", action="store_true", help="rescore every lead and contact")
    parser.add_argument("--toml", action="store_true", help="rules: print them as a rules file")
    parser.add_argument("--load", type=Path, metavar="FILE", help="rules: load a rules file")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.store.errors import StoreError

    if args.what == "rules":
        return _rules(args)
    if args.toml or args.load:
        raise StoreError("--toml and --load go with `score rules`")
    if args.all:
        if args.what is not None or args.contact:
            raise StoreError("--all scores everyone: give no ID with it")
        return _all(args)
    if args.what is None:
        raise StoreError("name a lead's id (--contact: a contact's), --all, or rules")
    from workstation.subcommands import record_id

    try:
        number = record_id(args.what)
    except argparse.ArgumentTypeError as error:
        raise StoreError(f"{args.what!r}: {error}") from None
    return _one(args, number)


def _one(args: argparse.Namespace, record_id: int) -> int:
    from workstation.display import clean
    from workstation.store.scoring.explain import rescore_record
    from workstation.subcommands import act

    kind = "contact" if args.contact else "lead"
    score = act(args, rescore_record, kind=kind, record_id=record_id)
    if args.json:
        print(json.dumps({"kind": kind, "id": record_id, **score.as_dict()}, ensure_ascii=False))
        return 0
    print(f"{kind.capitalize()} {record_id}: score {score.total}")
    for part in score.parts:
        print(f"  {part.points:+5d}  {clean(part.rule)}")
    if not score.parts:
        print("  no rule counts for it yet")
    return 0


def _all(args: argparse.Namespace) -> int:
    import time

    from sqlmodel import Session

    from workstation.progress import ProgressReporter
    from workstation.store.permissions import require_manager
    from workstation.store.scoring.everyone import rescore_all

    config = settings(args)
    engine = open_engine(config)
    rep = acting_rep(config, engine)
    with Session(engine) as session:
        require_manager(session, rep.id, "rescore everyone")
    started = time.perf_counter()
    with ProgressReporter() as reporter:
        done = rescore_all(engine, now=args.clock(), progress=reporter.update)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps(asdict(done) | {"seconds": round(seconds, 3)}))
    else:
        print(
            f"Scored {done.leads:,} leads and {done.contacts:,} contacts in {seconds:.1f} s: "
            f"{done.changed:,} scores changed."
        )
    return 0


def _rules(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.display import clean
    from workstation.store.errors import StoreError
    from workstation.store.scoring.edit import active_rules, load_rules_file, rules_toml
    from workstation.tables import table_lines

    if args.all or args.contact:
        raise StoreError("`score rules` takes --toml, --load FILE or --json")
    config = settings(args)
    engine = open_engine(config)
    rep = acting_rep(config, engine)
    if args.load is not None:
        try:
            text = args.load.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise StoreError(f"cannot read {args.load}: {error}") from None
        loaded = load_rules_file(engine, text, rep_id=rep.id, now=args.clock())
        print(f"Loaded {loaded} score rules from {clean(args.load)}; the old ones are archived.")
        print("Run `workstation score --all` to rescore everyone with them.", file=sys.stderr)
        return 0
    with Session(engine) as session:
        rules = active_rules(session)
    if args.json:
        print(json.dumps([asdict(rule) for rule in rules], ensure_ascii=False))
    elif args.toml:
        print(rules_toml(rules), end="")
    else:
        rows = [["Kind", "Rule", "Field", "Matches", "Points"]]
        for rule in rules:
            if rule.field == "employees":
                matches = f"{rule.low or 0:,}–{'' if rule.high is None else f'{rule.high:,}'}"
            elif rule.kind == "decay":
                matches = "(days)"
            else:
                matches = rule.match or "(any)"
            rows.append(
                [
                    rule.kind,
                    clean(rule.name),
                    rule.field,
                    clean(matches),
                    f"{rule.points:+d}" if rule.kind != "decay" else str(rule.points),
                ]
            )
        print("\n".join(table_lines(rows, right={4})))
    return 0
