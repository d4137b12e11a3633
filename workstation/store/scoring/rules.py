"""The active score rules, loaded once and matched in plain Python.

A text rule matches when one of its comma-separated words or phrases appears in the value
as a whole word, case-insensitively ("vp" matches "VP of Sales", not "MVP"); an empty match
takes any value. A number rule matches a value between `low` and `high` (both included,
either left open). For each field the first rule that matches (by sort order) counts, so
bands and seniority levels never add up twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from workstation.store.models import ScoreRule
from workstation.store.scoring.defaults import HALF_LIFE_DAYS, NUMBER_FIELDS

MEMO = 100_000  # values remembered per field


@dataclass(frozen=True, slots=True)
class Rule:
    id: int
    kind: str
    name: str
    field: str
    match: str
    low: int | None
    high: int | None
    points: int
    pattern: re.Pattern[str] | None = None

    def matches(self, value: Any) -> bool:
        if value is None or value == "":
            return False
        if self.field in NUMBER_FIELDS:
            return isinstance(value, int) and (
                (self.low is None or value >= self.low)
                and (self.high is None or value <= self.high)
            )
        return self.pattern is None or self.pattern.search(str(value)) is not None


def words_pattern(match: str) -> re.Pattern[str] | None:
    """The pattern of a rule's comma-separated words; None when it names none (any value)."""
    words = [word.strip() for word in match.split(",") if word.strip()]
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Rules:
    fit: dict[str, tuple[Rule, ...]] = field(default_factory=dict)  # by field, in order
    calls: tuple[Rule, ...] = ()
    responses: tuple[Rule, ...] = ()
    half_life_days: float = HALF_LIFE_DAYS
    # The rule each value met, per field ("call", "response" too): a list repeats its
    # titles, industries and dispositions, and `score --all` matches millions of them.
    memo: dict[str, dict[Any, Rule | None]] = field(default_factory=dict)

    def first(self, rules: tuple[Rule, ...], value: Any) -> Rule | None:
        return next((rule for rule in rules if rule.matches(value)), None)

    def match(self, name: str, rules: tuple[Rule, ...], value: Any) -> Rule | None:
        """The first of `rules` (those of field `name`) that `value` matches, remembered."""
        memo = self.memo.get(name)
        if memo is None:
            memo = self.memo[name] = {}
        try:
            return memo[value]
        except KeyError:
            rule = memo[value] = self.first(rules, value)
            if len(memo) > MEMO:
                memo.clear()
            return rule


# The active rules' values as plain rows (no entities): what a Rules is built from, and
# the key it is remembered under.
_COLUMNS = ("id", "kind", "name", "field", "match", "low", "high", "points")
_ACTIVE = (
    select(*(getattr(ScoreRule, name) for name in _COLUMNS))
    .where(col(ScoreRule.active))
    .order_by(col(ScoreRule.sort_order), col(ScoreRule.id))
)
# Rules built, by the rows they were built from: every call, response and conversion
# rescores in its transaction, and building them (a pattern per rule) cost more than the
# rest of the score. Keyed by the values themselves, so a changed, added or archived rule
# (`score rules --load`, another process, this transaction) is a new key: never stale.
_BUILT: dict[tuple, Rules] = {}
_BUILT_MAX = 16


def rule_of(row: tuple) -> Rule:
    """A rule from its `_ACTIVE` row."""
    id_, kind, name, field_, match, low, high, points = row
    assert id_ is not None
    return Rule(
        id_, kind, name, field_, match, low, high, points,
        words_pattern(match) if field_ not in NUMBER_FIELDS else None,
    )  # fmt: skip


def load_rules(session: Session) -> Rules:
    """The active rules, grouped for scoring: built once per distinct set of rules (one
    plain read each time, which sees this transaction's own changes)."""
    key = tuple(tuple(row) for row in session.execute(_ACTIVE))  # autoflushes, as before
    rules = _BUILT.get(key)
    if rules is None:
        if len(_BUILT) >= _BUILT_MAX:
            _BUILT.clear()
        rules = _BUILT[key] = _build(key)
    return rules


def _build(rows: tuple[tuple, ...]) -> Rules:
    fit: dict[str, list[Rule]] = {}
    calls: list[Rule] = []
    responses: list[Rule] = []
    half_life: float | None = None
    for row in rows:
        rule = rule_of(row)
        if rule.kind == "fit":
            fit.setdefault(rule.field, []).append(rule)
        elif rule.kind == "decay":
            half_life = half_life or float(max(1, rule.points))  # the first one counts
        elif rule.field == "call":
            calls.append(rule)
        elif rule.field == "response":
            responses.append(rule)
    return Rules(
        {name: tuple(rules) for name, rules in fit.items()}, tuple(calls), tuple(responses),
        half_life or float(HALF_LIFE_DAYS),
    )  # fmt: skip
