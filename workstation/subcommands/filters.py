"""`workstation filter add NAME … / list / archive NAME`: saved filters, the named queues
a rep works with `n` on the queue screen and `workstation next --queue NAME` here (the
CLI twin of the filter editor, `f` on the queue screen)."""

from __future__ import annotations

import argparse
import json

from workstation.subcommands import MAX_COUNT, acting_rep, open_engine, settings

CRITERIA = (
    ("--source", "the lead source (channel), e.g. Web"),
    ("--offer", "the lead type (offer), e.g. 'Demo Request'"),
    ("--campaign", "a campaign's name: its leads and members"),
    ("--industry", "the industry, e.g. Retail"),
    ("--state", "the state or province, e.g. CA"),
    ("--country", "the country, e.g. US"),
    ("--status", "the lead status, e.g. Open"),
)


def _whole(low: int, high: int):
    def read(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"a whole number, not {value!r}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"from {low:,} to {high:,}, not {number:,}")
        return number

    return read


def register(commands) -> None:
    parser = commands.add_parser(
        "filter",
        help="save, list or archive filters: named queues of the leads",
        description="A saved filter is a queue: `workstation next --queue NAME` works it.",
    )
    actions = parser.add_subparsers(dest="filter_action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="save a filter as a named queue",
        description="Save a filter of the leads as a named queue. Each criterion given must "
        "hold; text matches the whole value, in any case.",
    )
    add.add_argument("name", metavar="NAME", help="the queue's name, one of yours")
    add.add_argument(
        "--owner",
        default="mine",
        metavar="WHOSE",
        help="mine (default: the leads of whoever works it), pool, or a rep's name (managers)",
    )
    for option, text in CRITERIA:
        add.add_argument(option, metavar="TEXT", help=text)
    score = _whole(-MAX_COUNT, MAX_COUNT)
    add.add_argument("--score-min", type=score, metavar="N", help="score at least N")
    add.add_argument("--score-max", type=score, metavar="N", help="score at most N")
    days = _whole(1, 3650)
    add.add_argument(
        "--inactive-days", type=days, metavar="N", help="no activity for N days (or never any)"
    )
    add.add_argument("--active-days", type=days, metavar="N", help="some activity in N days")
    add.add_argument("--shared", action="store_true", help="show it to the team (managers)")
    add.add_argument("--json", action="store_true", help="print JSON")
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", help="your filters and the team's, with their counts")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)
    archive = actions.add_parser("archive", help="archive one of your filters (kept, not shown)")
    archive.add_argument("name", metavar="NAME")
    archive.add_argument("--json", action="store_true", help="print JSON")
    archive.set_defaults(handler=run_archive)


def _data(info, count: int | None = None) -> dict:
    data = {
        "name": info.title,
        "queue": info.key,
        "owner": info.rep_name,
        "shared": info.shared,
        "archived": info.archived,
        "criteria": info.description,
    }
    return data if count is None else {**data, "count": count}


def _print(args, data, text: str) -> None:
    if args.json:
        from workstation.terminal import data_out

        print(json.dumps(data, indent=2, ensure_ascii=False), file=data_out())
    else:
        print(text)


def run_add(args: argparse.Namespace) -> int:
    from workstation.store.filters.saved import FilterSpec, add_filter

    config = settings(args)
    engine = open_engine(config)
    rep = acting_rep(config, engine)
    spec = FilterSpec(
        args.name, shared=args.shared, owner=args.owner, source=args.source, offer=args.offer,
        campaign=args.campaign, industry=args.industry, state=args.state, country=args.country,
        status=args.status, score_min=args.score_min, score_max=args.score_max,
        inactive_days=args.inactive_days, active_days=args.active_days,
    )  # fmt: skip
    info = add_filter(engine, rep_id=rep.id, spec=spec, now=args.clock())
    shared = ", shared with the team" if info.shared else ""
    _print(args, _data(info), f"Saved {info.title}{shared}: {info.description}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.store.calling.queues import queue_count
    from workstation.store.filters.saved import saved_filters

    config = settings(args)
    engine = open_engine(config)
    rep = acting_rep(config, engine)
    now = args.clock()
    with Session(engine) as session:
        found = [
            (info, queue_count(session, info.key, rep_id=rep.id, now=now))
            for info in saved_filters(session, rep_id=rep.id)
        ]
    lines = [
        f"{info.title}  {count:,}  ({info.description}"
        + (f"; shared by {info.rep_name})" if info.shared else ")")
        for info, count in found
    ]
    _print(
        args,
        [_data(info, count) for info, count in found],
        "\n".join(lines) or f"No saved filters for {rep.name}: `workstation filter add NAME`.",
    )
    return 0


def run_archive(args: argparse.Namespace) -> int:
    from workstation.store.filters.saved import archive_filter

    config = settings(args)
    engine = open_engine(config)
    rep = acting_rep(config, engine)
    info = archive_filter(engine, rep_id=rep.id, name=args.name, now=args.clock())
    _print(args, _data(info), f"Archived {info.title}: kept, no longer listed")
    return 0
