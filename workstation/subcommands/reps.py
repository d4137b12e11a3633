"""`workstation reps [add NAME | set NAME]`: list the team, add a rep, change one's role,
capacity or whether they are active (nobody is deleted). Managers only, except the first
manager of a database that has none (one filled by an import, say).

On a team's PostgreSQL database `reps add NAME --login` also gives the rep a database
login of their own (run by a manager, or by the owner of the schema). Its password comes
from WORKSTATION_LOGIN_PASSWORD, else is asked for twice at a terminal; `--no-password`
makes a login for a server that lets its clients in otherwise (trust, certificates)."""

from __future__ import annotations

import argparse
import json

from workstation.subcommands import open_engine, settings


def capacity(value: str) -> int:  # argparse names it in its messages: "invalid capacity value"
    return int(value)


def register(commands) -> None:
    parser = commands.add_parser(
        "reps",
        help="list the reps, add one, or change one's role, capacity or active flag",
        description="With no action: list the reps.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    add = actions.add_parser("add", help="add a rep (the first of a database: a manager)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=("rep", "manager"), default="rep")
    add.add_argument(
        "--capacity",
        type=capacity,
        default=200,
        metavar="N",
        help="the most open leads they may hold (default 200)",
    )
    add.add_argument("--email", metavar="ADDRESS")
    add.add_argument(
        "--login",
        nargs="?",
        const="",
        metavar="LOGIN",
        help="PostgreSQL: give them a database login (default: made from the name, "
        "'Dana Reyes' logs in as dana_reyes); password from WORKSTATION_LOGIN_PASSWORD "
        "or asked for",
    )
    add.add_argument(
        "--no-password",
        action="store_true",
        help="with --login: no password (the server trusts its clients, or uses certificates)",
    )
    change = actions.add_parser("set", help="change a rep's role, capacity or active flag")
    change.add_argument("name", metavar="NAME")
    change.add_argument("--role", choices=("rep", "manager"))
    change.add_argument("--capacity", type=capacity, metavar="N")
    active = change.add_mutually_exclusive_group()
    active.add_argument("--active", dest="active", action="store_const", const=True)
    active.add_argument(
        "--inactive",
        dest="active",
        action="store_const",
        const=False,
        help="they left: they keep their leads (for a manager to move) and can do nothing",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from workstation.display import clean
    from workstation.store.errors import StoreError
    from workstation.store.permissions import acting_rep_id
    from workstation.store.reps import list_reps
    from workstation.store.team.roster import add_rep, change_rep
    from workstation.tables import table_lines

    config = settings(args)
    engine = open_engine(config)
    if args.action is not None:
        me = acting_rep_id(engine, config.rep_name)
        if args.action == "add":
            login = password = None
            if args.login is not None:
                from workstation.store.team.logins import default_login

                login = args.login or default_login(args.name)
                password = None if args.no_password else _password(login)
            rep = add_rep(
                engine,
                args.name,
                role=args.role,
                capacity=args.capacity,
                email=args.email,
                login=login,
                password=password,
                acting_rep_id=me,
                at=args.clock(),
            )
            done = "Added"
        else:
            if (args.role, args.capacity, args.active) == (None, None, None):
                raise StoreError(
                    "nothing to change: give --role, --capacity, --active or --inactive"
                )
            rep = change_rep(
                engine,
                args.name,
                role=args.role,
                capacity=args.capacity,
                active=args.active,
                acting_rep_id=me,
                at=args.clock(),
            )
            done = "Changed"
        print(
            f"{done} {clean(rep.name)}: {rep.role}, capacity {rep.capacity:,}"
            f"{'' if rep.active else ', inactive'}"
            f"{f', database login {rep.login}' if rep.login else ''}."
        )
        return 0
    with Session(engine) as session:
        reps = list_reps(session)
    if args.json:
        data = [
            {
                "Id": r.id,
                "Name": r.name,
                "Email": r.email,
                "Role": r.role,
                "Capacity": r.capacity,
                "Active": r.active,
                "Login": r.login,
            }
            for r in reps
        ]
        print(json.dumps(data, indent=2))
        return 0
    if not reps:
        print(
            'No reps yet: add the first manager with `workstation reps add "NAME" --role manager`.'
        )
        return 0
    rows = [
        (
            f"{r.id:>5}", clean(r.name), clean(r.email or ""), r.role, f"capacity {r.capacity:>6,}",
            "  ".join(([f"login {clean(r.login)}"] if r.login else [])
                      + ([] if r.active else ["(inactive)"])),
        )
        for r in reps
    ]  # fmt: skip
    for line in table_lines(rows):
        print(line)
    return 0


PASSWORD_ENV = "WORKSTATION_LOGIN_PASSWORD"


def _password(login: str) -> str:
    """The new login's password: from the environment, else typed twice at a terminal."""
    import getpass
    import os
    import sys

    from workstation.store.errors import StoreError

    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    if not sys.stdin.isatty():
        raise StoreError(
            f"a password for {login}: set {PASSWORD_ENV}, or give --no-password for a "
            "server that lets its clients in without one"
        )
    first = getpass.getpass(f"Password for {login}: ")
    if not first or first != getpass.getpass("Again: "):
        raise StoreError("the passwords were empty or differed: no rep was added")
    return first
