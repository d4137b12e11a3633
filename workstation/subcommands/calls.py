"""`workstation next`, `workstation log`, `workstation undo` and `workstation duration`: the
queue's keys from the shell, for scripts and dialers (each prints JSON with --json)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import datetime

from workstation.subcommands import acting_rep, open_engine, record_id, settings


def register(commands) -> None:
    from workstation.store.rows import QUEUE_INFO

    nxt = commands.add_parser(
        "next",
        help="claim and print the next lead (or contact) to call",
        epilog="Queues: "
        + "; ".join(f"{key} = {queue.title}" for key, queue in QUEUE_INFO.items())
        + ". my-leads takes a due callback first and claims from the pool when nothing of "
        "yours is callable; pool claims; the others only pick from themselves. A saved "
        "filter's name works too (`workstation filter list`); one of the pool claims.",
    )
    nxt.add_argument(
        "--queue",
        default="my-leads",
        metavar="QUEUE",
        help="the queue to work, as on the screen (default my-leads), or a saved filter's "
        "name; see below",
    )
    nxt.add_argument("--json", action="store_true", help="print JSON")
    nxt.set_defaults(handler=run_next)

    log = commands.add_parser(
        "log",
        help="log a call on a lead (or contact) with its outcome",
        epilog="A rejected, converted or closed record refuses the call (a lead recycled to "
        "Nurture is reopened, with a fresh set of attempts); a do-not-call person takes one "
        "only with --confirm-dnc.",
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
        "--duration",
        type=_duration,
        metavar="TIME",
        help="how long the call lasted: 1:05 (minutes:seconds), 95 (seconds), 2m",
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

    duration = commands.add_parser(
        "duration",
        help="correct how long your last call (or call --call ID) lasted",
        epilog="The screen times a call from its card to the outcome key; d corrects it there.",
    )
    duration.add_argument("time", type=_duration, metavar="TIME", help="1:05, 95 or 2m")
    duration.add_argument("--call", type=record_id, metavar="ID", help="the call's activity id")
    duration.add_argument("--json", action="store_true", help="print JSON")
    duration.set_defaults(handler=run_duration)


def _duration(value: str) -> int:
    from workstation.store.values.durations import BadDuration, parse_duration

    try:
        return parse_duration(value)
    except BadDuration as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _print(args, data: dict, text: str) -> None:
    print(json.dumps(data, default=_plain, indent=2) if args.json else text)


def run_next(args: argparse.Namespace) -> int:
    from workstation.store.calling.next_lead import next_lead
    from workstation.store.exports.stream import export_one

    engine = open_engine(settings(args))
    rep = acting_rep(settings(args), engine)
    queue = _queue_key(engine, rep.id, args.queue)
    result = next_lead(engine, rep_id=rep.id, queue=queue, now=args.clock())
    found = None
    if result.record_id is not None:
        found = export_one(engine, f"{result.kind}s", result.record_id)
    data = {
        "rep": rep.name,
        "queue": result.queue,
        "source": result.source,
        "kind": result.kind if found else None,
        "lead": found if result.kind == "lead" else None,
        "contact": found if result.kind == "contact" else None,
        "skipped": [asdict(skip) for skip in result.skipped],
        "message": result.message,
    }
    if found is None:
        _print(args, data, f"Nothing for {rep.name}: {result.message}")
        return 0
    name = " ".join(filter(None, (found["FirstName"], found["LastName"])))
    account = found.get("AccountId")
    where = found.get("Company") or (f"account {account}" if account else "no account")
    _print(
        args,
        data,
        f"{result.kind} {found['Id']}  {name} · {where} · {found['Phone'] or ''}"
        f"  ({result.source}; {len(result.skipped)} skipped)",
    )
    return 0


def _queue_key(engine, rep_id: int, name: str) -> str:
    """A queue's key as typed, or the key of the rep's (or the team's) saved filter of
    that name."""
    from sqlmodel import Session

    from workstation.store.filters.saved import FilterRefused, find_filter
    from workstation.store.rows import QUEUE_INFO

    if name in QUEUE_INFO:
        return name
    with Session(engine) as session:
        try:
            return find_filter(session, rep_id=rep_id, name=name).key
        except FilterRefused as error:
            queues = ", ".join(QUEUE_INFO)
            raise FilterRefused(f"no queue {name!r}: the queues are {queues}; {error}") from None


def run_log(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.store.calling.dispositions import log_call
    from workstation.store.models import Contact, Lead
    from workstation.store.values.callback_times import parse_when
    from workstation.store.values.durations import format_duration

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
        duration_seconds=args.duration,
        **target,
    )
    text = (
        f"Logged {logged.disposition} on {logged.record} {logged.record_id}: "
        f"{logged.status or logged.lifecycle_stage}, attempt {logged.attempt_count}"
    )
    if logged.callback_at:
        text += f", callback {logged.callback_at:%Y-%m-%d %H:%M} UTC"
    if args.duration is not None:
        text += f", {format_duration(args.duration)} long"
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


def run_duration(args: argparse.Namespace) -> int:
    from workstation.store.calling.durations import set_call_duration
    from workstation.store.values.durations import format_duration

    engine = open_engine(settings(args))
    rep = acting_rep(settings(args), engine)
    done = set_call_duration(
        engine, rep_id=rep.id, seconds=args.time, activity_id=args.call, now=args.clock()
    )
    was = format_duration(done.old_seconds) or "no duration"
    _print(
        args,
        asdict(done),
        f"Call {done.activity_id} ({done.disposition} on {done.record} {done.record_id}): "
        f"{format_duration(done.seconds)}, was {was}",
    )
    return 0
