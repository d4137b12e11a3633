"""`workstation stage ID STAGE`: move a lead or a contact along the lifecycle (accept a
marketing-qualified lead, qualify it, or send it back with a reason)."""

from __future__ import annotations

import argparse

from workstation.subcommands import act, answer, person, record_id


def register(commands) -> None:
    parser = commands.add_parser(
        "stage",
        help="move a lead or contact to a lifecycle stage (backward moves need --reason)",
        epilog="Stages: Name, Lead, Marketing Qualified, Sales Accepted, Sales Qualified, and "
        "for contacts Opportunity, Customer, Reference. Rejected is reached with `reject`; "
        "bringing back a rejected or nurtured person needs --reason.",
    )
    parser.add_argument("record_id", type=record_id, metavar="ID", help="the lead (or contact) id")
    parser.add_argument("stage", metavar="STAGE", help='e.g. "Sales Accepted" (any case)')
    parser.add_argument("--contact", action="store_true", help="ID names a contact, not a lead")
    parser.add_argument("--reason", metavar="TEXT", help="why (needed to move back)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.store.lifecycle.stages import move_stage

    moved = act(args, move_stage, **person(args), stage=args.stage, reason=args.reason)
    status = f" (status {moved.status})" if moved.status else ""
    line = f"{moved.kind.capitalize()} {moved.id}: {moved.old_stage} → {moved.new_stage}{status}."
    return answer(moved, line, args.json)
