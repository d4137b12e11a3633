"""`workstation search`: find leads, contacts, accounts and opportunities by a fragment of
a name, company, email or phone, as the app's palette and search screen do."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from workstation.subcommands import open_engine, positive, settings


def register(commands) -> None:
    parser = commands.add_parser(
        "search",
        help="find records by name, company, email or phone (fragments, any phone format)",
        epilog="Each word is matched as the start of a word (`kwa men` finds Kwame Mensah); "
        "digits in any phone format (`0412 555`, `+61412`, `555123`) match a phone. A "
        "misspelt name finds close names when the words find too few, marked as close.",
    )
    parser.add_argument("text", metavar="TEXT", help="what to look for")
    parser.add_argument(
        "--limit", type=positive, default=20, metavar="N", help="at most N records (default 20)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.store.search.find import search

    engine = open_engine(settings(args))
    with Session(engine) as session:
        hits = search(session, args.text, limit=args.limit)
    if args.json:
        print(json.dumps([asdict(hit) | {"why": hit.why} for hit in hits], ensure_ascii=False))
        return 0
    if not hits:
        print(f"Nothing found for {args.text!r}.")
    for hit in hits:
        print(f"{hit.kind.capitalize():<11} {hit.id:>8}  {hit.name}  ({hit.why})")
        if hit.detail:
            print(f"{'':21}{hit.detail}")
    return 0
