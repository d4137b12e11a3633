"""The settings file: TOML in the user config directory (`WORKSTATION_CONFIG` names another),
read with tomllib and checked with pydantic, so that a mistake is one line naming the file,
the setting and what is wrong with it. Values from the environment are checked by the same
rules. The app writes one thing there: the theme picked from the command palette.

pydantic is imported only when there is something to check, so a start without a settings
file pays nothing for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workstation.store.errors import StoreError

# The first line of a settings file the app writes (the README's example starts with it).
HEADER = "# Telesales Workstation settings (`workstation config` shows what is in effect)"

# Every setting: (what it is, the variable of the environment that overrides it).
SETTINGS: dict[str, tuple[str, str | None]] = {
    "database_url": ("database URL", "WORKSTATION_DB"),
    "rep": ("who is working", "WORKSTATION_REP"),
    "phone_region": ("country of phone numbers written without one", "WORKSTATION_REGION"),
    "calling_hours": ("local hours a person may be called", "WORKSTATION_CALLING_HOURS"),
    "attempt_cap": ("unanswered calls before Nurture", "WORKSTATION_ATTEMPT_CAP"),
    "attempt_cap_floor": ("fewest attempts a lead source gets", "WORKSTATION_ATTEMPT_CAP_FLOOR"),
    "attempt_cap_ceiling": ("most attempts a lead source gets", "WORKSTATION_ATTEMPT_CAP_CEILING"),
    "source_min_sample": ("finished leads before a source's rate counts", None),
    "sources": ("attempt cap and retry hours by lead source", None),
    "untouched_hours": ("untouched-leads threshold, hours", "WORKSTATION_UNTOUCHED_HOURS"),
    "name_threshold": ("score that promotes a Name to sales", "WORKSTATION_NAME_THRESHOLD"),
    "ignored_days": ("days an owner may leave a lead untouched", "WORKSTATION_IGNORED_DAYS"),
    "theme": ("the app's theme", "WORKSTATION_THEME"),
    "dial_command": ("command that dials a number", "WORKSTATION_DIAL_COMMAND"),
    "keys": ("key bindings by id", None),
}


class SettingsError(StoreError):
    """A settings file, variable or flag that cannot be used: one line, naming where and
    what (exit code 1, as every refusal)."""


def read_file(path: Path) -> dict[str, Any]:
    """The settings in `path`, checked (empty when there is no file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise SettingsError(f"settings file {path}: cannot be read: {reason or error}") from None
    import tomllib  # only when there is a file: a start without one does without it

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"settings file {path}: not TOML: {error}") from None
    return check(raw, where=f"settings file {path}")


def check(raw: Mapping[str, Any], *, where: str, named: str | None = None) -> dict[str, Any]:
    """`raw` settings as typed values (CallingHours, int, float …), or a SettingsError
    naming `where`, the setting and what is wrong; `named`: what names the one setting
    given, in place of its key (a variable of the environment, a flag)."""
    if not raw:
        return {}
    from pydantic import ValidationError

    from workstation.settings_model import SettingsModel

    try:
        model = SettingsModel.model_validate(dict(raw))
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        prefix = f"{where}: {key}:" if named is None else f"{where}{named}"
        raise SettingsError(f"{prefix} {_reason(first)}") from None
    return {key: getattr(model, key) for key in model.model_fields_set}


def _reason(error: Mapping[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return f"no such setting (the settings: {', '.join(SETTINGS)})"
    message = str(error["msg"]).removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]  # pydantic's own start with a capital
    given = error.get("input")
    if error["type"] != "value_error" and not isinstance(given, dict):
        message += f", not {given!r}"
    return message


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings the environment gives, each checked (and named by its variable)."""
    found: dict[str, Any] = {}
    for key, (_, variable) in SETTINGS.items():
        if variable and environ.get(variable):
            found |= check({key: environ[variable]}, where=variable, named=":")
    return found


def save_theme(path: Path, theme: str) -> None:
    """Write `theme` into the settings file at `path`, leaving every other line as it is.

    Only a settings file is written over (one that reads as settings, or none yet), and as
    every file the app writes: whole or not at all, 0600, never through a symbolic link
    (`store.outputs`). A StoreError or SettingsError says why it was not saved."""
    from workstation.store.outputs import open_output

    text = _current(path)
    line = f"theme = {_toml_string(theme)}"
    lines = text.splitlines()
    top = next((i for i, s in enumerate(lines) if re.match(r"\s*\[", s)), len(lines))
    at = next((i for i in range(top) if re.match(r"\s*theme\s*=", lines[i])), None)
    if at is not None:
        lines[at] = line
    else:
        while top > 0 and not lines[top - 1].strip():  # after the top table, before a gap
            top -= 1
        lines.insert(top, line)
    new = "\n".join(lines) + "\n"
    import tomllib

    if tomllib.loads(new).get("theme") != theme:  # never write what would not read back
        raise SettingsError(f"settings file {path}: the theme could not be written there")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open_output(path, lambda _line: True, advice="the theme was not saved") as file:
        file.write(new)


def _current(path: Path) -> str:
    """The file's text, when it is a settings file to write over; a new file's header."""
    if not path.exists() and not path.is_symlink():
        return HEADER + "\n"
    if path.is_symlink():
        from workstation.store.outputs import RefusedOutput

        raise RefusedOutput(f"{path} is a symbolic link, and links are not followed")
    read_file(path)  # a file that does not read as settings is not written over
    return path.read_text(encoding="utf-8")


def _toml_string(value: str) -> str:
    """A TOML basic string (a theme's name holds letters, digits and dashes)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
