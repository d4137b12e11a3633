"""What a record's page shows, as plain data: its fields, timeline, campaign memberships
and related records."""

from __future__ import annotations

from dataclasses import dataclass, field

from workstation.store.calling.card import TimelineEntry


@dataclass(frozen=True, slots=True)
class RelatedRecord:
    kind: str
    id: int
    name: str
    why: str  # how it is related: "its account", "contact role: Decision Maker" …


@dataclass(frozen=True, slots=True)
class Membership:
    campaign: str
    status: str
    responded: bool


@dataclass(frozen=True, slots=True)
class RecordPage:
    kind: str  # "lead", "contact", "account" or "opportunity"
    id: int
    name: str
    fields: list[tuple[str, str]]
    timeline: list[TimelineEntry] = field(default_factory=list)
    campaigns: list[Membership] = field(default_factory=list)
    related: list[RelatedRecord] = field(default_factory=list)


def person_name(first: str | None, last: str) -> str:
    return f"{first} {last}" if first else last
