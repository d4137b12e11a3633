"""`workstation reference CONTACT_ID --set public|private|none` and `--use NOTE
[--opportunity ID]`: reference customers and each use of them, from the shell."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from workstation.subcommands import acting_rep, open_engine, record_id, settings


def register(commands) -> None:
    parser = commands.add_parser(
        "reference",
        help="mark a customer contact a reference, or log a use of one",
        epilog="Only a customer's contact (lifecycle stage Customer) becomes a reference; "
        "public ones may be named, private ones take reference calls only. Each use is "
        "logged with who and when; a use past the limit of a calendar quarter warns.",
    )
    parser.add_argument("contact_id", type=record_id, metavar="CONTACT_ID", help="the contact")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--set", choices=("public", "private", "none"), help="its reference type")
    what.add_argument("--use", metavar="NOTE", help="log one use of the reference")
    parser.add_argument("--opportunity", type=record_id, metavar="ID", help="used for this deal")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.store.errors import StoreError
    from workstation.store.lifecycle.references import REFERENCE_TYPES, set_reference, use_reference

    config = settings(args)
    engine = open_engine(config)
    rep_id = acting_rep(config, engine).id
    if args.set is not None:
        if args.opportunity is not None:
            raise StoreError("--opportunity goes with --use: nothing was changed")
        done = set_reference(
            engine, contact_id=args.contact_id, kind=args.set, rep_id=rep_id, at=args.clock()
        )
        kind = REFERENCE_TYPES.get(done.reference_type or "", "not a reference")
        line = (
            f"Contact {done.contact_id}: {kind}, lifecycle stage {done.lifecycle_stage} "
            f"({done.uses} use(s) so far, {done.uses_this_quarter} this quarter)."
        )
        print(json.dumps(asdict(done)) if args.json else line)
        return 0
    used = use_reference(
        engine,
        contact_id=args.contact_id,
        note=args.use,
        opportunity_id=args.opportunity,
        rep_id=rep_id,
        at=args.clock(),
    )
    if args.json:
        print(json.dumps(asdict(used), default=str))
    else:
        print(
            f"Use {used.id} of contact {used.contact_id} logged: {used.uses_this_quarter} "
            f"this quarter (limit {used.limit}), {used.uses} in all."
        )
        if used.warning:
            print(f"warning: {used.warning}")
    return 0
