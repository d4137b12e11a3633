"""`workstation reject`: reject a lead or a contact "by sales", with a reason from the list;
nothing is deleted."""

from __future__ import annotations

import argparse

from workstation.subcommands import act, answer, person, record_id


def register(commands) -> None:
    parser = commands.add_parser(
        "reject",
        help="reject a lead or contact with a reason (kept, never deleted)",
        epilog="The reason must be one of the listed reject reasons; any other text is "
        "refused with the list.",
    )
    parser.add_argument("record_id", type=record_id, metavar="ID", help="the lead (or contact) id")
    parser.add_argument(
        "--reason", required=True, metavar="TEXT", help='a reject reason, e.g. "Bogus form fill"'
    )
    parser.add_argument("--contact", action="store_true", help="ID names a contact, not a lead")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.store.calling.reject import reject

    result = act(args, reject, **person(args), reason=args.reason)
    status = f", status {result.status}" if result.status else ""
    line = (
        f"{result.kind.capitalize()} {result.id} rejected by sales ({result.reason}): "
        f"lifecycle stage {result.lifecycle_stage}{status}; nothing was deleted."
    )
    return answer(result, line, args.json)
