"""`workstation scripts import DIR / export DIR / list`: call scripts as Markdown files with
their questions in front matter (the CLI twin of the scripts screen).

An import checks every file first and writes nothing unless all pass; each problem is
printed with its file and line. Only a manager imports (`--as NAME` picks who).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from workstation.subcommands import open_engine, settings


def register(commands) -> None:
    parser = commands.add_parser("scripts", help="import, export or list the call scripts")
    actions = parser.add_subparsers(dest="scripts_action", metavar="ACTION", required=True)
    for name, text in (
        ("import", "store every DIR/*.md script file (all or nothing; matched by name)"),
        ("export", "write every script to DIR as NAME.md (created if missing)"),
    ):
        action = actions.add_parser(name, help=text, description=text)
        action.add_argument("directory", type=Path, metavar="DIR")
        action.add_argument("--json", action="store_true", help="print JSON")
        action.set_defaults(handler=run_import if name == "import" else run_export)
    listing = actions.add_parser("list", help="the scripts and the campaigns that use them")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)


def _print(args, data, text: str) -> None:
    if args.json:  # a document: names as they are, unless at a terminal
        from workstation.terminal import data_out

        print(json.dumps(data, indent=2, ensure_ascii=False), file=data_out())
    else:
        print(text)


def run_import(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.store.permissions import acting_rep_id
    from workstation.store.scripts.library import import_scripts

    config = settings(args)
    engine = open_engine(config)
    with Session(engine) as session:
        rep_id = acting_rep_id(session, config.rep_name)
    result = import_scripts(engine, args.directory, acting_rep_id=rep_id, now=args.clock())
    counts = {
        "created": list(result.created),
        "updated": list(result.updated),
        "unchanged": list(result.unchanged),
    }
    text = ", ".join(f"{len(names)} {key}" for key, names in counts.items())
    _print(args, counts, f"Imported scripts from {args.directory}: {text}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from workstation.store.scripts.library import export_scripts

    paths = export_scripts(open_engine(settings(args)), args.directory)
    data = {"directory": str(args.directory), "files": [path.name for path in paths]}
    _print(args, data, f"Wrote {len(paths)} script file(s) to {args.directory}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.display import clean
    from workstation.store.scripts.library import list_scripts

    with Session(open_engine(settings(args))) as session:
        scripts = list_scripts(session)
    data = [
        {
            "id": script.id,
            "name": script.name,
            "campaigns": list(script.campaigns),
            "questions": script.questions,
            "built_in": script.id is None,
        }
        for script in scripts
    ]
    lines = [
        f"{clean(s.name)} · {s.questions} question(s) · "
        + (clean(", ".join(s.campaigns)) if s.campaigns else "no campaign")
        + (" (built in)" if s.id is None else "")
        for s in scripts
    ]
    _print(args, data, "\n".join(lines))
    return 0
