"""Settings: which database, who is working, and how the team works (phone region, calling
hours, attempt cap, untouched threshold, the Name promotion threshold and the ignored-lead
SLA, theme, keys, the dial command).

Each value comes from the first of: a command-line flag, the environment
(`WORKSTATION_DB`, `WORKSTATION_REP`, …: `settings_file.SETTINGS`), the settings file
(`settings_file`), the default; `sources` says which, for `workstation config`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.locations import default_database_url, default_settings_path
from workstation.passwords import remember
from workstation.store.values.rules import (
    ATTEMPT_CAP,
    ATTEMPT_CAP_CEILING,
    ATTEMPT_CAP_FLOOR,
    DEFAULT_HOURS,
    IGNORED_DAYS,
    NAME_THRESHOLD,
    SOURCE_MIN_SAMPLE,
    UNTOUCHED_HOURS,
    CallingHours,
)

DEFAULT_THEME = "textual-dark"
DEFAULT_REGION = "US"


def settings_path(environ: Mapping[str, str] = os.environ) -> Path:
    """The settings file: `WORKSTATION_CONFIG`, else the one in the user config directory."""
    named = environ.get("WORKSTATION_CONFIG")
    return Path(named).expanduser() if named else default_settings_path()


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    database_url: str
    rep_name: str | None = None  # None: the first active manager
    phone_region: str = DEFAULT_REGION
    calling_hours: CallingHours = DEFAULT_HOURS
    attempt_cap: int = ATTEMPT_CAP
    attempt_cap_floor: int = ATTEMPT_CAP_FLOOR
    attempt_cap_ceiling: int = ATTEMPT_CAP_CEILING
    source_min_sample: int = SOURCE_MIN_SAMPLE
    # Lead source → {"attempt_cap": n, "retry_hours": h}, either left out (measured).
    source_overrides: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    untouched_hours: float = UNTOUCHED_HOURS
    name_threshold: int = NAME_THRESHOLD  # score that promotes a Name (`recycle`)
    ignored_days: int = IGNORED_DAYS  # days an owner may ignore a lead (`recycle`)
    theme: str = DEFAULT_THEME
    keymap: Mapping[str, str] = field(default_factory=dict)  # binding id → keys
    dial_command: str | None = None
    path: Path | None = None  # the settings file (it need not exist)
    sources: Mapping[str, str] = field(default_factory=dict)  # setting → where it came from

    def __post_init__(self) -> None:
        remember(self.database_url)  # masked wherever a message quotes it

    @classmethod
    def resolve(
        cls,
        *,
        db: str | None = None,
        rep: str | None = None,
        region: str | None = None,
        untouched_hours: float | None = None,
        environ: Mapping[str, str] = os.environ,
    ) -> Settings:
        """Flags (the arguments) over the environment over the settings file over the
        defaults. A SettingsError names a file or variable that cannot be used."""
        from workstation.settings_file import check, from_environment, read_file

        path = settings_path(environ)
        given = {"database_url": db, "rep": rep}
        flags: dict[str, Any] = {key: value for key, value in given.items() if value}
        if region:
            flags |= check({"phone_region": region}, where="--region", named="")
        if untouched_hours is not None:
            flags["untouched_hours"] = untouched_hours
        layers: list[tuple[str, dict[str, Any]]] = [
            ("flag", flags),
            ("environment", from_environment(environ)),
            ("file", read_file(path)),
        ]
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for source, layer in reversed(layers):  # the defaults, then each layer over them
            for key, value in layer.items():
                values[key], sources[key] = value, source
        return cls(
            database_url=values.get("database_url") or default_database_url(),
            rep_name=values.get("rep"),
            phone_region=values.get("phone_region", DEFAULT_REGION),
            calling_hours=values.get("calling_hours", DEFAULT_HOURS),
            attempt_cap=values.get("attempt_cap", ATTEMPT_CAP),
            attempt_cap_floor=values.get("attempt_cap_floor", ATTEMPT_CAP_FLOOR),
            attempt_cap_ceiling=values.get("attempt_cap_ceiling", ATTEMPT_CAP_CEILING),
            source_min_sample=values.get("source_min_sample", SOURCE_MIN_SAMPLE),
            source_overrides={
                name: setting.model_dump(exclude_none=True)
                for name, setting in values.get("sources", {}).items()
            },
            untouched_hours=values.get("untouched_hours", UNTOUCHED_HOURS),
            name_threshold=values.get("name_threshold", NAME_THRESHOLD),
            ignored_days=values.get("ignored_days", IGNORED_DAYS),
            theme=values.get("theme", DEFAULT_THEME),
            keymap=values.get("keys", {}),
            dial_command=values.get("dial_command"),
            path=path,
            sources=sources,
        )

    def shown(self) -> dict[str, Any]:
        """Each setting in effect as `workstation config` shows it (keys of the file)."""
        return {
            "database_url": self.database_url,
            "rep": self.rep_name,
            "phone_region": self.phone_region,
            "calling_hours": str(self.calling_hours).replace("–", "-"),
            "attempt_cap": self.attempt_cap,
            "attempt_cap_floor": self.attempt_cap_floor,
            "attempt_cap_ceiling": self.attempt_cap_ceiling,
            "source_min_sample": self.source_min_sample,
            "sources": {name: dict(values) for name, values in self.source_overrides.items()},
            "untouched_hours": self.untouched_hours,
            "name_threshold": self.name_threshold,
            "ignored_days": self.ignored_days,
            "theme": self.theme,
            "dial_command": self.dial_command,
            "keys": dict(self.keymap),
        }

    def source_rules(self):  # -> store.calling.source_policy.SourceRules
        """The rules each lead source's attempt cap and spacing follow (`workstation sources`)."""
        from workstation.store.calling.source_policy import Override, SourceRules

        return SourceRules(
            default_cap=self.attempt_cap,
            cap_floor=self.attempt_cap_floor,
            cap_ceiling=self.attempt_cap_ceiling,
            min_sample=self.source_min_sample,
            overrides={
                name: Override(
                    attempt_cap=int(given["attempt_cap"]) if "attempt_cap" in given else None,
                    retry_hours=given.get("retry_hours"),
                )
                for name, given in self.source_overrides.items()
            },
        )
