"""`workstation lead new --last-name … [--company --first-name --email --phone --title
--lead-source --campaign --mine]`: a lead typed in, as the queue's `L` takes it."""

from __future__ import annotations

import argparse

from workstation.subcommands import act, answer, settings

OPTIONS = (
    ("--last-name", "last_name", "the last name (required)"),
    ("--company", "company", 'the company (blank: "[not provided]")'),
    ("--first-name", "first_name", "the first name"),
    ("--email", "email", "an email address (an email or a phone is needed)"),
    ("--phone", "phone", "a phone number, as written (made E.164 with --region)"),
    ("--title", "title", "the job title"),
    ("--lead-source", "lead_source", "the lead source (default: the campaign's channel)"),
    ("--campaign", "campaign", "a campaign's name or id: the lead joins it"),
)


def register(commands) -> None:
    parser = commands.add_parser("lead", help="enter a new lead by hand")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = actions.add_parser(
        "new",
        help="enter a new lead, checked and matched as an import's row is",
        description="Enter one lead. It is cleaned and matched as a row of an import is: "
        "the same person again (by email, else phone) fills the lead already there; a "
        "known contact's email or phone makes a lead linked to that contact (status "
        "Contact – Current Opportunity or Contact – No Opportunity, routed to its "
        "owner); a customer's domain marks it a customer inquiry (★). A value that "
        "cannot be used refuses it, in one line, and nothing is written.",
    )
    for option, dest, text in OPTIONS:
        new.add_argument(option, dest=dest, metavar="TEXT", help=text, required=dest == "last_name")
    new.add_argument(
        "--region", metavar="CC", help="the phone's country when it has none (default: settings)"
    )
    new.add_argument("--mine", action="store_true", help="own it (else it waits in the pool)")
    new.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.store.imports.entry import TypedLead, enter_lead, entered_line

    region = settings(args).phone_region  # checks --region
    typed = TypedLead(**{dest: getattr(args, dest) for _, dest, _ in OPTIONS})
    done = act(args, enter_lead, typed=typed, own=args.mine, region=region)
    return answer(done, entered_line(done), args.json)
