"""`workstation campaign add|set|list|respond|add-members`: run campaigns from the shell
(managers add and edit them and add the leads of a saved filter as members; anyone logs a
response, which brings a rejected or nurtured person back)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from workstation.subcommands import acting_rep, answer, open_engine, record_id, settings


def _fields(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--channel", metavar="X", help="lead source: Web, Event, Webinar …")
    parser.add_argument("--offer", metavar="Y", help="lead type: Demo Request, Trial …")
    parser.add_argument("--product", metavar="TEXT", help="product of interest")
    parser.add_argument("--start", metavar="DATE", help="first day, e.g. 2027-03-01 ('' clears)")
    parser.add_argument("--end", metavar="DATE", help="last day ('' clears)")
    parser.add_argument("--budget", metavar="AMOUNT", help="budgeted cost, e.g. 5000 ('' clears)")
    parser.add_argument("--actual-cost", metavar="AMOUNT", help="actual cost ('' clears)")
    parser.add_argument("--script", metavar="NAME", help="call script's name ('' for none)")
    parser.add_argument(
        "--email-template",
        type=Path,
        metavar="FILE",
        help="a text file: 'Subject: …' line, blank line, body; the script's {placeholders}",
    )
    parser.add_argument(
        "--status",
        action="append",
        default=[],
        metavar="LABEL[:default][:responded|:unresponded]",
        help="add a member status or change its flags (repeatable), e.g. Attended:responded",
    )
    active = parser.add_mutually_exclusive_group()
    active.add_argument("--active", dest="active", action="store_const", const=True)
    active.add_argument("--inactive", dest="active", action="store_const", const=False)
    parser.add_argument("--json", action="store_true", help="print JSON")


def register(commands) -> None:
    parser = commands.add_parser("campaign", help="add, edit or list campaigns; log a response")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a campaign (managers)")
    add.add_argument("name", metavar="NAME")
    _fields(add)
    change = actions.add_parser("set", help="edit a campaign (managers)")
    change.add_argument("campaign", metavar="NAME_OR_ID")
    change.add_argument("--name", metavar="NEW_NAME", help="rename it")
    _fields(change)
    listing = actions.add_parser("list", help="list the campaigns, newest first")
    listing.add_argument("--active-only", action="store_true", help="only active campaigns")
    listing.add_argument("--json", action="store_true", help="print JSON")
    respond = actions.add_parser(
        "respond", help="log a campaign response (reopens a rejected or nurtured person)"
    )
    respond.add_argument("campaign", metavar="NAME_OR_ID")
    respond.add_argument("record_id", type=record_id, metavar="ID", help="the lead (or contact)")
    respond.add_argument("--contact", action="store_true", help="ID names a contact, not a lead")
    respond.add_argument(
        "--status", metavar="LABEL", help="member status (default: the first that responds)"
    )
    respond.add_argument("--json", action="store_true", help="print JSON")
    members = actions.add_parser(
        "add-members",
        help="add the leads of a saved filter as members (managers)",
        description="Add every lead a saved filter finds (yours, or a shared one) to the "
        "campaign with its default member status. Leads already members are skipped and "
        "keep their status; no member is removed.",
    )
    members.add_argument("campaign", metavar="NAME_OR_ID")
    members.add_argument("--filter", required=True, metavar="FILTER_NAME", help="a saved filter")
    members.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def _changes(args: argparse.Namespace, name: str | None):
    from workstation.store.lifecycle.campaigns import (
        CampaignChanges,
        CampaignRefused,
        parse_status_changes,
    )

    template = None
    if args.email_template is not None:
        try:
            template = args.email_template.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CampaignRefused(f"cannot read {args.email_template}: {error}") from None
    return CampaignChanges(
        name=name,
        channel=args.channel,
        offer=args.offer,
        product=args.product,
        start_date=args.start,
        end_date=args.end,
        budget=args.budget,
        actual_cost=args.actual_cost,
        active=args.active,
        script=args.script,
        email_template=template,
        statuses=tuple(change for s in args.status for change in parse_status_changes(s)),
    )


def _line(info) -> str:
    from workstation.display import money

    cost = "" if info.actual_cost_cents is None else f", cost {money(info.actual_cost_cents)}"
    state = "" if info.active else " (inactive)"
    return (
        f"#{info.id} {info.name}{state}: {info.channel or '-'} / {info.offer or '-'}"
        f"{cost}; {info.members} members, {info.responses} responded"
    )


def _as_json(info) -> dict:
    return asdict(info) | {
        "start_date": info.start_date and info.start_date.isoformat(),
        "end_date": info.end_date and info.end_date.isoformat(),
    }


def run(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.store.lifecycle import campaigns

    config = settings(args)
    engine = open_engine(config)
    if args.action == "list":
        with Session(engine) as session:
            found = campaigns.list_campaigns(session, active_only=args.active_only)
        if args.json:
            print(json.dumps([_as_json(c) for c in found]))
        else:
            print("\n".join(_line(c) for c in found) or "No campaigns yet.")
        return 0
    rep = acting_rep(config, engine).id
    if args.action == "add-members":
        from workstation.store.lifecycle.campaign_members import add_members_from_filter

        done = add_members_from_filter(
            engine, campaign=args.campaign, filter_name=args.filter, rep_id=rep, at=args.clock()
        )
        back = f"; {done.reopened} reopened for sales" if done.reopened else ""
        line = (
            f"{done.campaign}: {done.matched} lead(s) in {done.filter}, {done.added} added "
            f"as {done.status}, {done.already} already members{back}."
        )
        return answer(done, line, args.json)
    if args.action == "respond":
        from workstation.store.lifecycle.responses import record_response

        logged = record_response(
            engine,
            campaign=args.campaign,
            kind="contact" if args.contact else "lead",
            record_id=args.record_id,
            status=args.status,
            rep_id=rep,
            at=args.clock(),
        )
        if args.json:
            print(json.dumps(asdict(logged)))
        else:
            back = f"; reopened for sales at {logged.lifecycle_stage}" if logged.reopened else ""
            who = f"{logged.kind.capitalize()} {logged.id}"
            print(f"{who} is {logged.status} in {logged.campaign}{back}.")
        return 0
    if args.action == "add":
        info = campaigns.add_campaign(engine, changes=_changes(args, args.name), rep_id=rep)
    else:
        info = campaigns.change_campaign(
            engine, campaign=args.campaign, changes=_changes(args, args.name), rep_id=rep
        )
    print(json.dumps(_as_json(info)) if args.json else _line(info))
    return 0
