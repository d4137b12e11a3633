"""`workstation serve`: the same app in a web browser (textual-serve), for reps without a
terminal. Each browser tab runs its own `workstation` process, with the settings in effect
here (the database and the rep pass to it through the environment, never on a command
line that `ps` would show). Local by default: a page served to the network lets whoever
reaches it work as the rep, with no password of its own."""

from __future__ import annotations

import argparse
import ipaddress
import os
import shlex
import sys

from workstation.subcommands import settings

LOCAL_NAMES = ("localhost", "localhost.localdomain")


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError("must be a port number from 1 to 65535")
    return port


def register(commands) -> None:
    parser = commands.add_parser(
        "serve",
        help="serve the app in a web browser (textual-serve), on this machine only by default",
        description="Serve the workstation to a web browser at http://HOST:PORT. Each tab "
        "runs the app with the settings in effect here. Ctrl+C stops it.",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; another "
        "address lets anyone who reaches it work as the rep, and is warned of)",
    )
    parser.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    parser.set_defaults(handler=run)


def is_local(host: str) -> bool:
    """Whether `host` is reached from this machine only (a loopback address or name)."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    from textual_serve.server import Server

    config = settings(args)  # a settings mistake is said here, not in each browser tab
    if not is_local(args.host):
        print(
            f"workstation: warning: serving on {args.host}:{args.port} lets anyone who can "
            "reach that address work in this workstation as its rep, with no password; "
            "serve on 127.0.0.1 (the default) and reach it through an SSH tunnel "
            f"(ssh -L {args.port}:127.0.0.1:{args.port} THIS-HOST) instead",
            file=sys.stderr,
        )
    os.environ["WORKSTATION_DB"] = config.database_url
    if config.rep_name:
        os.environ["WORKSTATION_REP"] = config.rep_name
    command = shlex.join([sys.executable, "-m", "workstation"])
    Server(command, host=args.host, port=args.port, title="Telesales Workstation").serve()
    return 0
