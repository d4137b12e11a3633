"""The score rules as people edit them: listed, written out as a TOML file, and loaded back
from one. Loading replaces the active rules: the old ones are archived (kept, inactive),
the file's rows are added in the file's order; a file with a mistake changes nothing and
the one line says where. Managers only.

    half_life_days = 30            # behaviour points halve every 30 days
    [[fit]]                        # field: title industry employees country state
    name = "C-level title"         #        lead_source lead_type
    field = "title"
    match = "ceo, cfo, chief"      # comma-separated words, case-insensitive
    points = 25
    [[fit]]
    name = "1,000+ employees"
    field = "employees"
    low = 1000                     # a number range (high too), ends included
    points = 15
    [[behaviour]]                  # field: call (matched on the disposition) or
    name = "Unanswered call"       #        response (on the campaign's channel)
    field = "call"
    match = "no answer, left voicemail"
    points = -2
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlmodel import Session, col

from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.models import ScoreRule
from workstation.store.permissions import require_manager
from workstation.store.scoring.defaults import (
    BEHAVIOUR_FIELDS,
    HALF_LIFE_DAYS,
    NUMBER_FIELDS,
    TEXT_FIELDS,
    RuleSpec,
)
from workstation.store.values.text import clean_text

MAX_POINTS = 1000
MAX_HALF_LIFE = 3650
_KEYS = {"name", "field", "match", "low", "high", "points"}


class RulesRefused(StoreError):
    """The rules file cannot be loaded; nothing was changed."""


@dataclass(frozen=True, slots=True)
class RuleRow:
    id: int
    kind: str
    name: str
    field: str
    match: str
    low: int | None
    high: int | None
    points: int
    sort_order: int


def active_rules(session: Session) -> list[RuleRow]:
    rows = session.execute(
        select(ScoreRule)
        .where(col(ScoreRule.active))
        .order_by(col(ScoreRule.sort_order), col(ScoreRule.id))
    ).scalars()
    return [
        RuleRow(r.id or 0, r.kind, r.name, r.field, r.match, r.low, r.high, r.points, r.sort_order)
        for r in rows
    ]


def _toml_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def rules_toml(rules: list[RuleRow]) -> str:
    """The active rules as a file `load_rules_file` reads back."""
    half_life = next((r.points for r in rules if r.kind == "decay"), HALF_LIFE_DAYS)
    lines = [f"half_life_days = {half_life}"]
    for rule in rules:
        if rule.kind == "decay":
            continue
        lines += ["", f"[[{rule.kind}]]"]
        for key in ("name", "field", "match", "low", "high", "points"):
            value = getattr(rule, key)
            if value is not None and not (key == "match" and value == ""):
                lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _number(where: str, key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RulesRefused(f"{where}: {key} must be a whole number from {low} to {high}")
    return value


def _rule(kind: str, n: int, raw: Any) -> RuleSpec:
    where = f"[[{kind}]] number {n}"
    if not isinstance(raw, dict):
        raise RulesRefused(f"{where} is not a table")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise RulesRefused(f"{where}: unknown key {unknown[0]!r}; use {', '.join(sorted(_KEYS))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 80:
        raise RulesRefused(f"{where}: name must be 1–80 characters")
    name = clean_text(name, label="name") or ""
    if not name:
        raise RulesRefused(f"{where}: name must be 1–80 characters")
    fields = (*TEXT_FIELDS, *NUMBER_FIELDS) if kind == "fit" else BEHAVIOUR_FIELDS
    field = raw.get("field")
    if not isinstance(field, str) or field not in fields:
        raise RulesRefused(f"{where} ({name}): field {field!r}; use one of {', '.join(fields)}")
    points = _number(where, "points", raw.get("points"), -MAX_POINTS, MAX_POINTS)
    match = raw.get("match", "")
    if not isinstance(match, str) or len(match) > 400:
        raise RulesRefused(f"{where} ({name}): match must be text of at most 400 characters")
    low, high = raw.get("low"), raw.get("high")
    if field in NUMBER_FIELDS:
        if match:
            raise RulesRefused(f"{where} ({name}): {field} takes low and high, not match")
        low = None if low is None else _number(where, "low", low, 0, 10**9)
        high = None if high is None else _number(where, "high", high, 0, 10**9)
        if low is None and high is None:
            raise RulesRefused(f"{where} ({name}): give low, high or both")
        if low is not None and high is not None and low > high:
            raise RulesRefused(f"{where} ({name}): low {low} is above high {high}")
    elif low is not None or high is not None:
        raise RulesRefused(f"{where} ({name}): low and high go with employees only")
    return RuleSpec(kind, name, field, points, clean_text(match, label="match") or "", low, high)


def parse_rules(text: str) -> list[RuleSpec]:
    """The rules of a TOML file, checked; RulesRefused says what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesRefused(f"not a TOML file: {error}") from None
    unknown = sorted(set(data) - {"half_life_days", "fit", "behaviour"})
    if unknown:
        raise RulesRefused(f"unknown key {unknown[0]!r}; use half_life_days, fit, behaviour")
    specs = []
    for kind in ("fit", "behaviour"):
        tables = data.get(kind, [])
        if not isinstance(tables, list):
            raise RulesRefused(f"write each {kind} rule as [[{kind}]]")
        specs += [_rule(kind, n, raw) for n, raw in enumerate(tables, 1)]
    half_life = _number(
        "half_life_days", "it", data.get("half_life_days", HALF_LIFE_DAYS), 1, MAX_HALF_LIFE
    )
    return [*specs, RuleSpec("decay", "Behaviour halves every", "half_life_days", half_life)]


def load_rules_file(engine: Engine, text: str, *, rep_id: int | None, now: datetime) -> int:
    """Replace the active rules with the file's; how many were loaded. One transaction."""
    specs = parse_rules(text)
    with write_session(engine) as session:
        require_manager(session, rep_id, "edit the score rules")
        session.execute(
            update(ScoreRule).where(col(ScoreRule.active)).values(active=False, updated_at=now)
        )
        for n, spec in enumerate(specs, 1):
            row = spec.as_row(n) | {"created_at": now, "updated_at": now}
            session.add(ScoreRule(**row))
    return len(specs)
