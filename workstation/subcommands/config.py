"""`workstation config`: where the settings file is, and each setting in effect with where
it came from (default, file, environment, flag)."""

from __future__ import annotations

import argparse
import json

from workstation.subcommands import settings


def register(commands) -> None:
    parser = commands.add_parser(
        "config",
        help="the settings file's path and each setting in effect, with its source",
        description="Show the settings in effect. Each comes from the first of: a flag, "
        "the environment, the settings file (WORKSTATION_CONFIG, else settings.toml in "
        "your user config directory), the default.",
    )
    parser.add_argument(
        "--keys",
        action="store_true",
        help="also list every key binding: its id (for the [keys] table), keys in effect, action",
    )
    parser.add_argument("--json", action="store_true", help="print them as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.passwords import scrub

    config = settings(args)
    assert config.path is not None
    shown = config.shown()
    shown["database_url"] = scrub(config.database_url)
    sources = {key: config.sources.get(key, "default") for key in shown}
    bindings = _bindings(config.keymap) if args.keys else []
    if args.json:
        document = {
            "path": str(config.path),
            "exists": config.path.exists(),
            "settings": {
                key: {"value": value, "source": sources[key]} for key, value in shown.items()
            },
        }
        if args.keys:
            document["bindings"] = [
                {"id": id_, "keys": keys, "description": what} for id_, keys, what in bindings
            ]
        print(json.dumps(document, indent=2))
        return 0
    state = "" if config.path.exists() else " (none there: no setting comes from a file)"
    lines = [f"Settings file: {config.path}{state}"]
    keys = shown.pop("keys")
    by_source = shown.pop("sources")
    width = max(map(len, shown))
    for key, value in shown.items():
        lines.append(f"{key:<{width}}  {_text(value):<40}  {sources[key]}")
    for name, given in by_source.items():  # `workstation sources` shows what they make
        text = " ".join(f"{what}={_text(value)}" for what, value in given.items())
        lines.append(f"sources.{name:<{width - 8}}  {text:<40}  {sources['sources']}")
    for binding, key in keys.items():
        lines.append(f"{'keys.' + binding:<{width}}  {key:<40}  {sources['keys']}")
    if bindings:
        lines += ["", "Key bindings (remap one in the file's [keys] table by its id):"]
        width = max(len(b[0]) for b in bindings)
        lines += [f"{id_:<{width}}  {keys:<22}  {what}" for id_, keys, what in bindings]
    print("\n".join(lines))
    return 0


def _bindings(keymap) -> list[tuple[str, str, str]]:
    """(id, keys in effect, what it does) for every binding of the app."""
    from workstation.bindings import every_binding

    return [(b.id, keymap.get(b.id, b.keys), b.description) for b in every_binding()]


def _text(value: object) -> str:
    return "(none)" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
