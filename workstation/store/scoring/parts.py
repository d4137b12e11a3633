"""A score's parts from plain values: the rules that matched and what each adds. Pure
Python, shared by `explain` (one record) and `score --all` (everyone, in batches), so the
two always agree.

Behaviour points halve every `half_life_days`: an event `age` days old adds
`points × 0.5^(age / half-life)`. Each rule's decayed points are summed over its events in
the order they happened, then rounded once; the score is the sum of the rounded parts, so
the parts shown always add up to the stored score. A part that rounds to 0 is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workstation.store.scoring.rules import Rule, Rules
from workstation.store.scripts.rules import Question, describe, is_favourable


@dataclass(frozen=True, slots=True)
class Part:
    rule: str  # the rule's name, as the explanation shows it
    points: int
    kind: str  # fit, behaviour, script
    rule_id: int | None = None  # None: a script's question

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "points": self.points, "kind": self.kind,
                "rule_id": self.rule_id}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Score:
    parts: tuple[Part, ...]

    @property
    def total(self) -> int:
        return sum(part.points for part in self.parts)

    def as_dict(self) -> dict[str, Any]:
        return {"parts": [part.as_dict() for part in self.parts], "total": self.total}


def decay(age_days: float, half_life_days: float) -> float:
    """What is left of a point `age_days` old (an event in the future counts in full)."""
    return 0.5 ** (max(0.0, age_days) / half_life_days)


def fit_parts(rules: Rules, values: Mapping[str, Any]) -> list[Part]:
    """The first matching rule of each field, in the rules' order."""
    parts = []
    for name, field_rules in rules.fit.items():
        rule = rules.first(field_rules, values.get(name))
        if rule is not None and rule.points:
            parts.append(Part(rule.name, rule.points, "fit", rule.id))
    return parts


def _decayed(
    rules: Sequence[Rule], events: Iterable[tuple[Any, float]], half_life: float
) -> list[Part]:
    sums: dict[int, list] = {}
    for value, age in events:
        rule = next((rule for rule in rules if rule.matches(value)), None)
        if rule is not None:
            entry = sums.setdefault(rule.id, [0, 0.0])
            entry[0] += 1
            entry[1] += rule.points * decay(age, half_life)
    parts = []
    for rule in rules:
        if rule.id in sums:
            count, points = sums[rule.id]
            name = rule.name if count == 1 else f"{rule.name} ×{count}"
            if round(points):
                parts.append(Part(name, round(points), "behaviour", rule.id))
    return parts


def behaviour_parts(
    rules: Rules,
    calls: Iterable[tuple[str | None, float]],
    responses: Iterable[tuple[str | None, float]],
) -> list[Part]:
    """Calls as (disposition, age in days), responses as (campaign channel, age), oldest
    first."""
    return [
        *_decayed(rules.calls, calls, rules.half_life_days),
        *_decayed(rules.responses, responses, rules.half_life_days),
    ]


def answer_parts(
    questions: Sequence[Question], answered: Iterable[tuple[Mapping, float]], half_life: float
) -> list[Part]:
    """The script's questions answered favourably: each question's latest answer (calls
    oldest first, as (answers, age in days)), worth the question's points, decayed by the
    age of the call that gave it."""
    latest: dict[str, tuple[object, float]] = {}
    for answers, age in answered:
        for key, value in answers.items():
            latest[key] = (value, age)
    parts = []
    for question in questions:
        if question.key not in latest:
            continue
        value, age = latest[question.key]
        points = round(question.points * decay(age, half_life))
        if is_favourable(question, value) and points:
            name = f"Answer: {question.label} {describe(value)}"[:80]
            parts.append(Part(name, points, "script"))
    return parts


def score_of(
    rules: Rules,
    values: Mapping[str, Any],
    calls: Iterable[tuple[str | None, float]],
    responses: Iterable[tuple[str | None, float]],
    questions: Sequence[Question] = (),
    answered: Iterable[tuple[Mapping, float]] = (),
) -> Score:
    return Score((
        *fit_parts(rules, values),
        *behaviour_parts(rules, calls, responses),
        *answer_parts(questions, answered, rules.half_life_days),
    ))  # fmt: skip
