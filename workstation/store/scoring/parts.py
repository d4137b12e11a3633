"""A score's parts from plain values: the rules that matched and what each adds. Pure
Python, shared by `explain` (one record) and `score --all` (everyone, in batches), so the
two always agree.

Behaviour points halve every `half_life_days`: an event `age` days old adds
`points × 0.5^(age / half-life)`. Each rule's decayed points are summed over its events in
the order they happened, then rounded once (`whole`); the score is the sum of the rounded parts, so
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


def whole(points: float) -> int:
    """Points rounded to a whole number, after dropping what is below a millionth: the two
    databases compute an age a few billionths of a day apart, and a sum that is exactly
    x.5 (25 points halved) must round the same way on both (half to even, as Python does)."""
    return round(round(points, 6))


def decay(age_days: float, half_life_days: float) -> float:
    """What is left of a point `age_days` old (an event in the future counts in full);
    `_decayed` spells the same inline."""
    return 0.5 ** (max(0.0, age_days) / half_life_days)


def fit_parts(rules: Rules, values: Mapping[str, Any]) -> list[Part]:
    """The first matching rule of each field, in the rules' order."""
    parts = []
    for name, field_rules in rules.fit.items():
        rule = rules.match(name, field_rules, values.get(name))
        if rule is not None and rule.points:
            parts.append(Part(rule.name, rule.points, "fit", rule.id))
    return parts


def _sums(
    every: Rules, name: str, rules: tuple[Rule, ...], events: Iterable[tuple[Any, float]]
) -> dict[int, list]:
    """Per rule: [how many events, their decayed points summed in order]."""
    sums: dict[int, list] = {}
    half_life = every.half_life_days
    for value, age in events:
        rule = every.match(name, rules, value)
        if rule is not None:
            entry = sums.get(rule.id)
            if entry is None:
                entry = sums[rule.id] = [0, 0.0]
            entry[0] += 1
            entry[1] += rule.points * 0.5 ** ((age if age > 0.0 else 0.0) / half_life)
    return sums


def _decayed(
    every: Rules, name: str, rules: tuple[Rule, ...], events: Iterable[tuple[Any, float]]
) -> list[Part]:
    sums = _sums(every, name, rules, events)
    parts = []
    for rule in rules:
        if rule.id in sums:
            count, points = sums[rule.id]
            label = rule.name if count == 1 else f"{rule.name} ×{count}"
            if whole(points):
                parts.append(Part(label, whole(points), "behaviour", rule.id))
    return parts


def behaviour_parts(
    rules: Rules,
    calls: Iterable[tuple[str | None, float]],
    responses: Iterable[tuple[str | None, float]],
) -> list[Part]:
    """Calls as (disposition, age in days), responses as (campaign channel, age), oldest
    first."""
    return [
        *_decayed(rules, "call", rules.calls, calls),
        *_decayed(rules, "response", rules.responses, responses),
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
        points = whole(question.points * decay(age, half_life))
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


def total_of(
    rules: Rules,
    values: Mapping[str, Any],
    calls: Iterable[tuple[str | None, float]],
    responses: Iterable[tuple[str | None, float]],
    questions: Sequence[Question] = (),
    answered: Iterable[tuple[Mapping, float]] = (),
) -> int:
    """`score_of(...).total` without making the parts: `score --all` runs it a million
    times. The same matching and sums, so the same number."""
    total = 0
    for name, field_rules in rules.fit.items():
        rule = rules.match(name, field_rules, values.get(name))
        if rule is not None:
            total += rule.points
    for name, group, events in (("call", rules.calls, calls),
                                ("response", rules.responses, responses)):  # fmt: skip
        if events:
            total += sum(whole(points) for _, points in _sums(rules, name, group, events).values())
    if questions:
        total += sum(
            part.points for part in answer_parts(questions, answered, rules.half_life_days)
        )
    return total
