"""`workstation next`, `workstation log` and `workstation undo`: the queue's keys from the
shell, for scripts and dialers (each prints JSON with --json)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import datetime

from workstation.subcommands import acting_rep, open_engine, record_id, settings


def register(commands) -> None:
    nxt = commands.add_parser("next", help="claim and print the next lead to call")
    nxt.add_argument("--json", action="store_true", help="print JSON")
    nxt.set_defaults(handler=run_next)

    log = commands.add_parser(
        "log",
        help="log a call on a lead (or contact) with its outcome",
        epilog="A rejected, converted or closed record refuses the call; a do-not-call "
        "person takes one only with --confirm-dnc.",
    )
    log.add_argument("id", type=record_id, metavar="ID", help="lead id (contact id with --contact)")
    log.add_argument(
        "disposition", metavar="DISPOSITION", help="hotkey 1–8 or name, e.g. 5 or 'No Answer'"
    )
    log.add_argument("--contact", action="store_true", help="ID is a contact, not a lead")
    log.add_argument("--notes", default="", metavar="TEXT", help="what was said")
    log.add_argument(
        "--callback",
        metavar="WHEN",
        help="for Call Back, within a year: +1h, +30m, tomorrow 09:00 (lead's time), 14:30, "
        "2026-11-24 09:00",
    )
    log.add_argument(
        "--confirm-dnc",
        action="store_true",
        help="log the call even though the person is do-not-call",
    )
    log.add_argument("--json", action="store_true", help="print JSON")
    log.set_defaults(handler=run_log)

    undo = commands.add_parser("undo", help="undo your last logged call")
    undo.add_argument("--json", action="store_true", help="print JSON")
    undo.set_defaults(handler=run_undo)


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _print(args, data: dict, text: str) -> None:
    print(json.dumps(data, default=_plain, indent=2) if args.json else text)


def run_next(args: argparse.Namespace) -> int:
    from workstation.store.calling.next_lead import next_lead
    from workstation.store.exports.stream import export_one

    engine = open_engine(settings(args))
    rep = acting_rep(settings(args), engine)
    result = next_lead(engine, rep_id=rep.id, now=args.clock())
    lead = export_one(engine, "leads", result.lead_id) if result.lead_id else None
    data = {
        "rep": rep.name,
        "source": result.source,
        "lead": lead,
        "skipped": [asdict(skip) for skip in result.skipped],
        "message": result.message,
    }
    if lead is None:
        _print(args, data, f"No lead for {rep.name}: {result.message}")
        return 0
    name = " ".join(filter(None, (lead["FirstName"], lead["LastName"])))
    _print(
        args,
        data,
        f"{lead['Id']}  {name} · {lead['Company']} · {lead['Phone'] or ''}"
        f"  ({result.source}; {len(result.skipped)} skipped)",
    )
    return 0


def run_log(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.store.calling.dispositions import log_call
    from workstation.store.models import Contact, Lead
    from workstation.store.values.callback_times import parse_when

    engine = open_engine(settings(args))
    rep = acting_rep(settings(args), engine)
    now = args.clock()
    callback = None
    if args.callback:
        with Session(engine) as session:
            record = session.get(Contact if args.contact else Lead, args.id)
            zone = getattr(record, "time_zone", None)
        callback = parse_when(args.callback, now=now, zone=zone)
    target = {"contact_id": args.id} if args.contact else {"lead_id": args.id}
    logged = log_call(
        engine,
        rep_id=rep.id,
        disposition=args.disposition,
        notes=args.notes,
        callback_at=callback,
        now=now,
        confirm_do_not_call=args.confirm_dnc,
        **target,
    )
    text = (
        f"Logged {logged.disposition} on {logged.record} {logged.record_id}: "
        f"{logged.status or logged.lifecycle_stage}, attempt {logged.attempt_count}"
    )
    if logged.callback_at:
        text += f", callback {logged.callback_at:%Y-%m-%d %H:%M} UTC"
    if logged.recycled:
        text += " (recycled to Nurture)"
    _print(args, asdict(logged), text)
    return 0


def run_undo(args: argparse.Namespace) -> int:
    from workstation.store.calling.undo import undo_last_call

    engine = open_engine(settings(args))
    rep = acting_rep(settings(args), engine)
    undone = undo_last_call(engine, rep_id=rep.id, now=args.clock())
    _print(
        args, asdict(undone), f"Undid {undone.disposition} on {undone.record} {undone.record_id}"
    )
    return 0
