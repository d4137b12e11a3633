"""`workstation convert`: the convert wizard from the shell, with the wizard's defaults.

`--dry-run` prints what would happen (the wizard's review) without writing anything.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from workstation.subcommands import acting_rep, open_engine, record_id, settings


def register(commands) -> None:
    parser = commands.add_parser(
        "convert",
        help="convert a qualified lead into an account, contact and opportunity",
        description="Convert a lead (one transaction). Every choice defaults to what the "
        "wizard proposes: the strongest matching account, the best matching contact of "
        "it, a new $0 opportunity, primary contact role, the lead's latest campaign.",
    )
    parser.add_argument("lead_id", type=record_id, metavar="ID", help="the lead to convert")
    parser.add_argument("--account", metavar="ID|new", help="attach to this account, or new")
    parser.add_argument("--contact", metavar="ID|new", help="attach to this contact, or new")
    parser.add_argument(
        "--opportunity", metavar="ID|new|none", help="attach to an open opportunity, new, none"
    )
    parser.add_argument("--role", metavar="ROLE", help="contact role (default: blank)")
    parser.add_argument(
        "--not-primary",
        action="store_true",
        help="add the contact as a non-primary contact role",
    )
    parser.add_argument(
        "--campaign", metavar="NAME|ID|none", help="primary campaign source (default: latest)"
    )
    parser.add_argument(
        "--confirm-dnc", action="store_true", help="convert even though the lead is do-not-call"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would happen; write nothing"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def _choices(args: argparse.Namespace):
    from workstation.store.conversion.rules import NEW, NONE, ConversionChoices, parse_choice

    campaign = args.campaign
    if campaign is not None and (campaign.isdigit() or campaign.strip().lower() == NONE):
        campaign = parse_choice(campaign, allowed=(NONE,), what="--campaign")
    return ConversionChoices(
        account=parse_choice(args.account, allowed=(NEW,), what="--account"),
        contact=parse_choice(args.contact, allowed=(NEW,), what="--contact"),
        opportunity=parse_choice(args.opportunity, allowed=(NEW, NONE), what="--opportunity"),
        role=args.role or None,
        primary=False if args.not_primary else None,
        campaign=campaign,
        confirm_do_not_call=args.confirm_dnc,
    )


def _plan_text(plan) -> str:
    lines = [f"Lead {plan.lead_id} ({plan.lead_name}, {plan.company}) would be converted:"]
    for label, record in (("account", plan.account), ("contact", plan.contact)):
        filled = ", ".join(f"{field}={value}" for field, value in record.values) or "nothing"
        verb = "create" if record.action == "create" else f"attach to {record.id},"
        lines.append(f"  {label}: {verb} {record.name!r} (sets: {filled})")
    opp = plan.opportunity
    lines.append(
        "  opportunity: none"
        if opp.action == "none"
        else f"  opportunity: {opp.action} {opp.name!r} ({opp.stage}, closes {opp.close_date})"
    )
    if plan.role is not None:
        kind = "primary" if plan.role.primary else "non-primary"
        lines.append(f"  contact role: {kind}, role {plan.role.role or 'blank'}")
    lines.append(f"  campaign: {plan.campaign.name or 'none'} → {plan.campaign.status_to or '-'}")
    lines.append(f"  contact lifecycle stage: {plan.lifecycle_to}")
    lines.extend(f"  refused unless changed: {problem}" for problem in plan.problems)
    return "\n".join(lines)


def _result_text(result) -> str:
    def how(created: bool) -> str:
        return "created" if created else "attached"

    parts = [
        f"account {result.account_id} ({how(result.account_created)})",
        f"contact {result.contact_id} ({how(result.contact_created)})",
    ]
    if result.opportunity_id is not None:
        parts.append(
            f"opportunity {result.opportunity_id} {result.opportunity_name!r} "
            f"({how(result.opportunity_created)})"
        )
    moved = f"{result.activities_moved} activities and {result.memberships_moved} campaign "
    return (
        f"Lead {result.lead_id} converted: {', '.join(parts)}; contact is at "
        f"{result.contact_lifecycle}; {moved}memberships moved to the contact."
    )


def run(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.store.conversion.convert import convert_lead
    from workstation.store.conversion.plan import plan_conversion

    choices = _choices(args)
    now = args.clock()
    config = settings(args)
    engine = open_engine(config)
    rep_id = acting_rep(config, engine).id
    if args.dry_run:
        with Session(engine) as session:
            plan = plan_conversion(
                session, lead_id=args.lead_id, choices=choices, rep_id=rep_id, today=now.date()
            )
        print(json.dumps(asdict(plan), default=str) if args.json else _plan_text(plan))
        return 0
    result = convert_lead(engine, lead_id=args.lead_id, choices=choices, rep_id=rep_id, at=now)
    print(json.dumps(asdict(result)) if args.json else _result_text(result))
    return 0
