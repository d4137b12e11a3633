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
    parser.add_argument("--json", action="store_true", help="print them as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from workstation.passwords import scrub

    config = settings(args)
    assert config.path is not None
    shown = config.shown()
    shown["database_url"] = scrub(config.database_url)
    sources = {key: config.sources.get(key, "default") for key in shown}
    if args.json:
        print(
            json.dumps(
                {
                    "path": str(config.path),
                    "exists": config.path.exists(),
                    "settings": {
                        key: {"value": value, "source": sources[key]}
                        for key, value in shown.items()
                    },
                },
                indent=2,
            )
        )
        return 0
    state = "" if config.path.exists() else " (none there: no setting comes from a file)"
    lines = [f"Settings file: {config.path}{state}"]
    keys = shown.pop("keys")
    width = max(map(len, shown))
    for key, value in shown.items():
        lines.append(f"{key:<{width}}  {_text(value):<40}  {sources[key]}")
    for binding, key in keys.items():
        lines.append(f"{'keys.' + binding:<{width}}  {key:<40}  {sources['keys']}")
    print("\n".join(lines))
    return 0


def _text(value: object) -> str:
    return "(none)" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
