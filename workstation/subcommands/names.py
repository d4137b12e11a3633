"""`workstation names [list] | promote ID | deactivate ID | activate ID`: marketing's pool
of Names from the shell, the twin of the Names screen (managers act; anyone lists)."""

from __future__ import annotations

import argparse
import json

from workstation.subcommands import act, open_engine, person, record_id, settings

EXAMPLES = """\
examples:
  workstation names --json
  workstation names list --inactive
  workstation names promote 4711
  workstation names promote 88 --contact
  workstation names deactivate 4711
"""


def register(commands) -> None:
    parser = commands.add_parser(
        "names",
        help="list marketing's Names; promote, deactivate or activate one",
        description="Names are people at lifecycle stage Name: marketing's pool, in no sales\n"
        "queue, count or `next`. They come from `workstation import FILE --as-names`;\n"
        "`workstation recycle` promotes the active ones whose score reaches name_threshold,\n"
        "and returns leads sales is done with. Listed best score first, a page at a time.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="list the Names, best score first (the default)")
    _list_options(listing)
    _list_options(parser)
    for name, text in (
        ("promote", "promote a Name to Marketing Qualified: it enters sales' pool (managers)"),
        ("deactivate", "flag a Name inactive: recycling no longer promotes it (managers)"),
        ("activate", "flag an inactive Name active again (managers)"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("record_id", type=record_id, metavar="ID", help="the lead's id")
        action.add_argument("--contact", action="store_true", help="ID names a contact")
        action.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def _list_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--inactive", action="store_true", help="the inactive Names too")
    parser.add_argument(
        "--limit", type=int, default=100, metavar="N", help="at most N Names (default 100)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def _row_json(row) -> dict:
    return {
        "kind": row.kind,
        "id": row.id,
        "name": row.name,
        "company": row.company,
        "score": row.score,
        "source": row.source,
        "last_response_at": row.last_response_at and row.last_response_at.isoformat(),
        "active": row.active,
    }


def _line(row) -> str:
    from workstation.display import clean

    when = f", responded {row.last_response_at:%Y-%m-%d}" if row.last_response_at else ""
    state = "" if row.active else " (inactive)"
    kind = "" if row.kind == "lead" else " contact"
    company = f" — {clean(row.company)}" if row.company else ""
    return (
        f"#{row.id}{kind} {clean(row.name)}{company}{state}: score {row.score}, "
        f"{clean(row.source or 'no source')}{when}"
    )


def run(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.store.errors import StoreError
    from workstation.store.marketing import names

    if args.action in (None, "list"):
        if not 1 <= args.limit <= 10_000:
            raise StoreError("--limit: a whole number from 1 to 10,000")
        with Session(open_engine(settings(args))) as session:
            page = names.names_page(session, inactive=args.inactive, limit=args.limit)
        if args.json:
            print(json.dumps([_row_json(row) for row in page.rows]))
        else:
            print("\n".join(_line(row) for row in page.rows) or "No Names.")
        return 0
    if args.action == "promote":
        move = act(args, names.promote_name, **person(args))
        if args.json:
            print(json.dumps(move.shown()))
        else:
            print(f"{move.kind.capitalize()} {move.id} ({move.name}) is {move.to}: sales' now.")
        return 0
    active = args.action == "activate"
    row = act(args, names.set_name_active, **person(args), active=active)
    print(json.dumps(_row_json(row)) if args.json else _line(row))
    return 0
