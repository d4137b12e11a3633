"""`workstation opportunity new|stage|reject|role`: opportunities from the shell, as the
queue's dialogs move them (each prints JSON with --json)."""

from __future__ import annotations

import argparse
from datetime import date

from workstation.display import money
from workstation.subcommands import act, answer, record_id


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-12-31") from None


def _percent(value: str) -> int:
    try:
        return int(value.strip().rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole percentage") from None


def register(commands) -> None:
    parser = commands.add_parser(
        "opportunity",
        help="open, move, close, reject an opportunity; its contact roles",
        description="Opportunities after conversion. Reps act on their own opportunities "
        "and contacts, managers on all; nothing is ever deleted.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    new = actions.add_parser(
        "new",
        help="a new opportunity for contacts of one account (the first is primary)",
        epilog="It opens at the first stage, closing at the end of the quarter; each contact "
        "moves on to lifecycle stage Opportunity and leaves Contacts – No Opp.",
    )
    new.add_argument(
        "--contact",
        dest="contacts",
        type=record_id,
        action="append",
        required=True,
        metavar="ID",
        help="a contact (repeat for more)",
    )
    new.add_argument("--name", metavar="TEXT", help="default: the account – the campaign")
    new.add_argument("--amount", metavar="N", help="e.g. 1250 or $1,250.50 (default $0)")
    new.add_argument("--close-date", type=_day, metavar="DATE", help="default: quarter's end")
    new.add_argument("--campaign", metavar="NAME|ID", help="primary campaign source")
    new.add_argument("--json", action="store_true", help="print JSON")
    new.set_defaults(handler=run_new)

    stage = actions.add_parser(
        "stage",
        help="move an opportunity: stage, amount, close date, next step",
        epilog="The probability follows the stage unless --probability gives it. Closed "
        "Lost, and reopening a closed opportunity, need --reason; a Closed Won one of $1 "
        "or more makes its account a customer and the account's contacts Customers.",
    )
    stage.add_argument("opportunity_id", type=record_id, metavar="ID", help="the opportunity")
    stage.add_argument("stage", nargs="?", metavar="STAGE", help="e.g. Proposal, 'Closed Won'")
    stage.add_argument("--amount", metavar="N", help="e.g. 1000 or $1,000")
    stage.add_argument("--close-date", type=_day, metavar="DATE", help="e.g. 2026-12-31")
    stage.add_argument("--probability", type=_percent, metavar="PERCENT", help="0 to 100")
    stage.add_argument("--next-step", metavar="TEXT", help='what happens next ("" clears it)')
    stage.add_argument("--reason", metavar="TEXT", help="why it closed, or reopened")
    stage.add_argument("--json", action="store_true", help="print JSON")
    stage.set_defaults(handler=run_stage)

    reject = actions.add_parser(
        "reject",
        help="reject a bogus opportunity by sales (kept, flagged, out of the pipeline)",
    )
    reject.add_argument("opportunity_id", type=record_id, metavar="ID", help="the opportunity")
    reject.add_argument("--reason", required=True, metavar="TEXT", help="why it is bogus")
    reject.add_argument("--json", action="store_true", help="print JSON")
    reject.set_defaults(handler=run_reject)

    role = actions.add_parser(
        "role",
        help="add a contact to an opportunity, change its role, or make it primary",
        epilog="An opportunity has exactly one primary contact: the first one added, until "
        "--primary makes another the primary one.",
    )
    role.add_argument("opportunity_id", type=record_id, metavar="ID", help="the opportunity")
    role.add_argument("--contact", type=record_id, required=True, metavar="ID", help="a contact")
    role.add_argument("--role", metavar="ROLE", help='e.g. "Decision Maker" ("" blanks it)')
    role.add_argument("--primary", action="store_true", help="make it the primary contact")
    role.add_argument("--json", action="store_true", help="print JSON")
    role.set_defaults(handler=run_role)


def _cents(text: str | None) -> int | None:
    from workstation.store.conversion.terms import parse_amount

    return None if text is None else parse_amount(text)


def _campaign(text: str | None) -> int | str | None:
    if text is None:
        return None
    return int(text) if text.strip().isdigit() else text


def run_new(args: argparse.Namespace) -> int:
    from workstation.store.lifecycle.new_opportunity import new_opportunity

    result = act(
        args,
        new_opportunity,
        contact_ids=args.contacts,
        name=args.name,
        amount_cents=_cents(args.amount),
        close_date=args.close_date,
        campaign=_campaign(args.campaign),
    )
    line = (
        f"Opportunity {result.id} {result.name!r} opened at {result.stage} "
        f"({money(result.amount_cents)}, closes {result.close_date}) for contact(s) "
        f"{', '.join(map(str, result.contact_ids))}, the first primary."
    )
    return answer(result, line, args.json)


def _moved_line(result) -> str:
    state = "rejected by sales" if result.is_rejected else result.stage
    line = (
        f"Opportunity {result.id} {result.name!r}: {state}, {result.probability}%, "
        f"{money(result.amount_cents)}, closes {result.close_date}"
    )
    if result.closed_reason:
        line += f" ({result.closed_reason})"
    for move in result.contacts_moved:
        line += f"\n  contact {move.contact_id}: {move.old} → {move.new}"
    if result.contacts_moved:
        customer = "is a customer" if result.account_is_customer else "is no longer a customer"
        line += f"\n  account {result.account_id} {customer}"
    return line


def run_stage(args: argparse.Namespace) -> int:
    from workstation.store.lifecycle.moves import Move, move_opportunity

    move = Move(
        stage=args.stage,
        probability=args.probability,
        amount_cents=_cents(args.amount),
        close_date=args.close_date,
        next_step=args.next_step,
        reason=args.reason,
    )
    result = act(args, move_opportunity, opportunity_id=args.opportunity_id, move=move)
    return answer(result, _moved_line(result), args.json)


def run_reject(args: argparse.Namespace) -> int:
    from workstation.store.lifecycle.moves import reject_opportunity

    result = act(args, reject_opportunity, opportunity_id=args.opportunity_id, reason=args.reason)
    line = _moved_line(result) + "\n  kept and flagged, out of the pipeline; nothing was deleted."
    return answer(result, line, args.json)


def run_role(args: argparse.Namespace) -> int:
    from workstation.store.lifecycle.contact_roles import set_contact_role

    result = act(
        args,
        set_contact_role,
        opportunity_id=args.opportunity_id,
        contact_id=args.contact,
        role=args.role,
        primary=args.primary,
    )
    what = "added to" if result.added else "changed on"
    primary = ", primary" if result.is_primary else ""
    line = (
        f"Contact {result.contact_id} {what} opportunity {result.opportunity_id}: "
        f"{result.role or 'no role'}{primary}; lifecycle stage {result.contact_lifecycle}."
    )
    return answer(result, line, args.json)
