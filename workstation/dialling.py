"""Dialling a phone number through the rep's own dialler: a softphone's command line, or
the desktop's handler of `tel:` links.

The command is read in one place (`dial_command`), from WORKSTATION_DIAL_COMMAND for now,
so that it can move to the settings file. It is split as a shell would split it, and run
without a shell: the number goes in as one argument wherever `{number}` stands, so no
character of it can become a command.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess

DIAL_VARIABLE = "WORKSTATION_DIAL_COMMAND"
EXAMPLE = "xdg-open tel:{number}"
NOT_SET = f"No dial command: set {DIAL_VARIABLE}, for example '{EXAMPLE}'."


_NOT_DIALLED = re.compile(r"[^0-9+]")


def dialable(phone: str | None) -> str | None:
    """The number as a dialler takes it (a `+` and digits), or None when there is none."""
    number = _NOT_DIALLED.sub("", phone or "")
    number = number[0] + number[1:].replace("+", "") if number else ""
    return number if sum(c.isdigit() for c in number) >= 3 else None


def tel_link(number: str) -> str:
    return f"tel:{number}"


class DialRefused(Exception):
    """The number could not be dialled; the message says why, in one line."""


def dial_command() -> str | None:
    """The configured dial command, with `{number}` where the number goes."""
    return os.environ.get(DIAL_VARIABLE, "").strip() or None


def dial_arguments(command: str, number: str) -> list[str]:
    """The command's arguments with the number in place (after them, if it names no
    `{number}`)."""
    try:
        words = shlex.split(command)
    except ValueError as error:
        raise DialRefused(f"{DIAL_VARIABLE} cannot be read ({error}): {command!r}") from None
    if not words:
        raise DialRefused(NOT_SET)
    if not any("{number}" in word for word in words):
        return [*words, number]
    return [word.replace("{number}", number) for word in words]


def dial(number: str) -> subprocess.Popen:
    """Start the dialler on `number`; it runs on its own, its output unseen."""
    command = dial_command()
    if command is None:
        raise DialRefused(NOT_SET)
    arguments = dial_arguments(command, number)
    try:
        return subprocess.Popen(  # no shell: the number is one argument
            arguments,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        raise DialRefused(f"cannot run {arguments[0]!r}: {error.strerror or error}") from None
