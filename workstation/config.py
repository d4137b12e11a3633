"""Settings: which database, and who is working. Command-line flags win over the
environment (`WORKSTATION_DB`, `WORKSTATION_REP`), which wins over the defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass

from workstation.locations import default_database_url
from workstation.passwords import remember


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    database_url: str
    rep_name: str | None = None  # None: the first active manager

    def __post_init__(self) -> None:
        remember(self.database_url)  # masked wherever a message quotes it

    @classmethod
    def resolve(cls, *, db: str | None = None, rep: str | None = None) -> Settings:
        return cls(
            database_url=db or os.environ.get("WORKSTATION_DB") or default_database_url(),
            rep_name=rep or os.environ.get("WORKSTATION_REP") or None,
        )
