"""The rules a setting must meet, as a pydantic model (`settings_file.check` words its
errors). Imported only when there are settings to check."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from workstation.store.values.calling_window import CallingHours

MAX_ATTEMPT_CAP = 100
MAX_RETRY_HOURS = 30 * 24  # a month between calls
MAX_UNTOUCHED_HOURS = 10 * 366 * 24  # ten years, as `workstation untouched --hours`
MAX_SCORE = 1000
MAX_IGNORED_DAYS = 10 * 366

_BINDING_ID = re.compile(r"[a-z_]+(\.[a-z_]+)+")
_KEY = re.compile(r"[a-z0-9_+-]+|.")  # "ctrl+n", "f2", "question_mark", or one character


class SourceSetting(BaseModel):
    """A lead source's attempt cap or callback spacing as a team fixes it
    (`[sources."Trade Show"]`), over what its conversion rate gives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    attempt_cap: int | None = Field(None, ge=1, le=MAX_ATTEMPT_CAP)
    retry_hours: float | None = Field(None, gt=0, le=MAX_RETRY_HOURS, allow_inf_nan=False)


class SettingsModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    # Every one may be left out: only what is given is checked (`model_fields_set`).
    database_url: str | None = Field(None, min_length=1)
    rep: str | None = Field(None, min_length=1)
    phone_region: str | None = None
    calling_hours: CallingHours | None = None
    attempt_cap: int | None = Field(None, ge=1, le=MAX_ATTEMPT_CAP)
    attempt_cap_floor: int | None = Field(None, ge=1, le=MAX_ATTEMPT_CAP)
    attempt_cap_ceiling: int | None = Field(None, ge=1, le=MAX_ATTEMPT_CAP)
    source_min_sample: int | None = Field(None, ge=1)
    sources: dict[str, SourceSetting] | None = None
    untouched_hours: float | None = Field(None, ge=0, le=MAX_UNTOUCHED_HOURS, allow_inf_nan=False)
    name_threshold: int | None = Field(None, ge=0, le=MAX_SCORE)
    ignored_days: int | None = Field(None, ge=1, le=MAX_IGNORED_DAYS)
    theme: str | None = None
    dial_command: str | None = Field(None, min_length=1)
    keys: dict[str, str] | None = None

    @field_validator("phone_region")
    @classmethod
    def _region(cls, value: str) -> str:
        from phonenumbers import SUPPORTED_REGIONS

        region = value.strip().upper()
        if region not in SUPPORTED_REGIONS:
            raise ValueError(f"{value!r} is not a country code such as US, GB or DE")
        return region

    @field_validator("calling_hours", mode="before")
    @classmethod
    def _hours(cls, value: object) -> CallingHours:
        if not isinstance(value, str):
            raise ValueError(f'{value!r} is not two times such as "08:00-21:00"')
        return CallingHours.parse(value)

    @field_validator("dial_command")
    @classmethod
    def _dial(cls, value: str) -> str:
        import shlex

        try:
            words = shlex.split(value)
        except ValueError as error:
            raise ValueError(f"{value!r} cannot be read as a command ({error})") from None
        if not words:
            raise ValueError('a command is needed, such as "xdg-open tel:{number}"')
        return value.strip()

    @field_validator("theme")
    @classmethod
    def _theme(cls, value: str) -> str:
        from textual.theme import BUILTIN_THEMES

        if value not in BUILTIN_THEMES:
            raise ValueError(f"no theme {value!r} (the themes: {', '.join(BUILTIN_THEMES)})")
        return value

    @field_validator("keys")
    @classmethod
    def _keys(cls, value: dict[str, str]) -> dict[str, str]:
        for binding, keys in value.items():
            if not _BINDING_ID.fullmatch(binding):
                raise ValueError(
                    f'{binding!r} is not a binding id such as "queue.next_lead" '
                    "(`workstation config --keys` lists them)"
                )
            names = [key.strip() for key in keys.split(",")]
            if not all(name and _KEY.fullmatch(name) for name in names):
                raise ValueError(
                    f'{binding}: {keys!r} is not a key or keys such as "ctrl+n" or "n,f2"'
                )
        return {
            binding: ",".join(key.strip() for key in keys.split(","))
            for binding, keys in value.items()
        }
