"""Qualifying questions, their typed answers, the score they add and the qualification rule.
Pure Python: no database, so the panel, the store and the file importer share one reading.

A question is a dict, as stored in `call_script.questions` and written in a script file:
`{"key": "budget", "label": "Budget", "type": "yesno"}`. Types: yesno, choice (with
"choices"), number, text. A question may say which answers are "favourable" and how many
"points" a favourable answer adds to the record's score (10 unless it says). Favourable by
default: yes; any choice but the last (choices are written best first, so the last is the
"no" answer: "End user", "No timeline"); a number of at least 1; any text at all.

The rule (`call_script.qualify`) names the questions that must ALL be favourable and,
optionally, a list of which at least ONE must be (`{"all": [...], "any": [...]}`). A script
without one qualifies a record when Budget, Authority, Need and Timeline all are (BANT).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from workstation.store.errors import StoreError
from workstation.store.values.text import clean_text

QUESTION_TYPES = ("yesno", "choice", "number", "text")
BANT = ("budget", "authority", "need", "timeline")
DEFAULT_POINTS = 10
MAX_TEXT = 500
_FIELDS = {"key", "label", "type", "choices", "favourable", "points"}
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_YES = {"y", "yes", "true", "1"}
_NO = {"n", "no", "false", "0"}


class ScriptError(StoreError):
    """A script, one of its questions or an answer is not valid; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    label: str
    type: str
    choices: tuple[str, ...] = ()
    favourable: Any = None  # bool (yesno), frozenset (choice), (min, max) (number), None (text)
    points: int = DEFAULT_POINTS


@dataclass(frozen=True, slots=True)
class Rule:
    all: tuple[str, ...]
    any: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scored:
    points: int  # what the favourable answers add to the score
    qualified: bool
    missing: tuple[str, ...]  # what the rule still needs, in the questions' own labels


def question_from_dict(raw: object) -> Question:
    """One question checked and read; ScriptError says what is wrong with it."""
    if not isinstance(raw, dict):
        raise ScriptError('a question is a JSON object like {"key": …, "label": …}')
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise ScriptError(
            f"unknown question field {unknown[0]!r}; use {', '.join(sorted(_FIELDS))}"
        )
    key, label, kind = raw.get("key"), raw.get("label"), raw.get("type")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ScriptError(f"question key {key!r} must be lower-case letters, digits and _")
    if not isinstance(label, str) or not label.strip() or len(label) > 80:
        raise ScriptError(f"question {key!r} needs a label of 1–80 characters")
    if kind not in QUESTION_TYPES:
        raise ScriptError(f"question {key!r} has type {kind!r}; use {', '.join(QUESTION_TYPES)}")
    choices = raw.get("choices")
    if kind == "choice":
        if (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(c, str) and c.strip() for c in choices)
            or len(set(choices)) != len(choices)
        ):
            raise ScriptError(f'question {key!r} needs "choices": a list of distinct texts')
    elif choices is not None:
        raise ScriptError(f"only a choice question has choices, and {key!r} is {kind}")
    points = raw.get("points", DEFAULT_POINTS)
    if not isinstance(points, int) or isinstance(points, bool) or not 0 <= points <= 1000:
        raise ScriptError(f"question {key!r}: points must be a whole number from 0 to 1000")
    choices = tuple(choices or ())
    return Question(key, label, kind, choices, _favourable(key, kind, choices, raw), points)


def _favourable(key: str, kind: str, choices: tuple[str, ...], raw: dict) -> Any:
    given = raw.get("favourable")
    if kind == "yesno":
        if given is not None and not isinstance(given, bool):
            raise ScriptError(f"question {key!r}: favourable is true or false")
        return True if given is None else given
    if kind == "choice":
        if given is None:
            return frozenset(choices[:-1] or choices)
        if not isinstance(given, list) or not set(given) <= set(choices) or not given:
            raise ScriptError(f"question {key!r}: favourable lists some of its choices")
        return frozenset(given)
    if kind == "number":
        if given is None:
            return (1, None)
        bounds = given if isinstance(given, dict) else {}
        low, high = bounds.get("min"), bounds.get("max")
        if (
            not bounds
            or set(bounds) - {"min", "max"}
            or not all(v is None or _is_number(v) for v in (low, high))
        ):
            raise ScriptError(f'question {key!r}: favourable is {{"min": N}} and/or {{"max": N}}')
        return (low, high)
    if given is not None:
        raise ScriptError(f"question {key!r}: any text answer counts, so favourable is not used")
    return None


def questions_from_list(raw: object) -> tuple[Question, ...]:
    """Every question of a script, keys distinct."""
    if not isinstance(raw, list):
        raise ScriptError("a script's questions are a list")
    questions = tuple(question_from_dict(item) for item in raw)
    keys = [q.key for q in questions]
    for key in keys:
        if keys.count(key) > 1:
            raise ScriptError(f"two questions have the key {key!r}")
    return questions


def rule_from_dict(raw: object, questions: Sequence[Question]) -> Rule:
    """The script's rule, or the default one (the BANT questions the script has)."""
    keys = [q.key for q in questions]
    if raw is None:
        return Rule(tuple(k for k in BANT if k in keys))
    if not isinstance(raw, dict) or not raw or set(raw) - {"all", "any"}:
        raise ScriptError('a rule is {"all": [question keys], "any": [question keys]}')
    parts = {}
    for name in ("all", "any"):
        listed = raw.get(name, [])
        if not isinstance(listed, list) or not all(isinstance(k, str) for k in listed):
            raise ScriptError(f'the rule\'s "{name}" is a list of question keys')
        for key in listed:
            if key not in keys:
                raise ScriptError(f"the rule names {key!r}, which is not one of the questions")
        parts[name] = tuple(listed)
    if not parts["all"] and not parts["any"]:
        raise ScriptError("the rule names no questions, so nobody could ever qualify")
    return Rule(parts["all"], parts["any"])


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_answer(question: Question, value: object) -> object:
    """The answer as stored (bool, a choice, a number, text), or None for "not answered"."""
    if value is None or value == "":
        return None
    if question.type == "yesno":
        if isinstance(value, str) and value.strip().lower() in _YES | _NO:
            return value.strip().lower() in _YES
        if isinstance(value, bool):
            return value
        raise ScriptError(f"{question.label}: answer yes or no")
    if question.type == "choice":
        if value in question.choices:
            return value
        raise ScriptError(f"{question.label}: answer one of {', '.join(question.choices)}")
    if question.type == "number":
        if isinstance(value, str):
            try:
                value = float(value.strip().replace(",", ""))
            except ValueError:
                raise ScriptError(f"{question.label}: answer a number") from None
        if not _is_number(value):
            raise ScriptError(f"{question.label}: answer a number")
        return int(value) if float(value).is_integer() else value
    text = clean_text(str(value)) or ""
    if len(text) > MAX_TEXT:
        raise ScriptError(f"{question.label}: keep the answer under {MAX_TEXT} characters")
    return text or None


def check_answers(questions: Sequence[Question], answers: Mapping[str, object]) -> dict:
    """A call's answers checked against the script; unanswered questions are left out."""
    by_key = {q.key: q for q in questions}
    checked = {}
    for key, value in answers.items():
        question = by_key.get(key)
        if question is None:
            known = ", ".join(by_key) or "none"
            raise ScriptError(f"the script asks no question {key!r} (it asks: {known})")
        value = check_answer(question, value)
        if value is not None:
            checked[key] = value
    return checked


def is_favourable(question: Question, value: object) -> bool:
    """Whether an answer counts for the record; anything malformed does not."""
    if question.type == "yesno":
        return isinstance(value, bool) and value == question.favourable
    if question.type == "choice":
        return value in question.favourable
    if question.type == "number":
        low, high = question.favourable
        return (
            _is_number(value) and (low is None or value >= low) and (high is None or value <= high)
        )
    return isinstance(value, str) and bool(value.strip())


def score_from_answers(
    questions: Sequence[Question], answers: Mapping[str, object], rule: Rule
) -> Scored:
    """The points the answers add and whether they meet the rule. Lenient: answers kept from
    an older version of the script that no longer fit simply do not count."""
    good = {q.key for q in questions if q.key in answers and is_favourable(q, answers[q.key])}
    labels = {q.key: q.label for q in questions}
    points = sum(q.points for q in questions if q.key in good)
    missing = [labels[k] for k in rule.all if k not in good]
    if rule.any and not good & set(rule.any):
        missing.append("one of " + " / ".join(labels[k] for k in rule.any))
    qualified = bool(rule.all or rule.any) and not missing
    return Scored(points, qualified, tuple(missing))


def describe(value: object) -> str:
    """An answer as a person reads it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def answers_summary(answers: Mapping[str, object] | None) -> str:
    """A call's answers on one line, for the timeline: "Budget: yes · Seats: 20"."""
    if not answers:
        return ""
    return " · ".join(
        f"{key.replace('_', ' ').capitalize()}: {describe(value)}" for key, value in answers.items()
    )
