"""Qualifying questions: typed answers and their validation, the points they add to the
score, and the qualification rule (BANT by default, or the script's own)."""

from __future__ import annotations

import pytest

from workstation.store.scripts.for_record import default_script
from workstation.store.scripts.rules import (
    Rule,
    ScriptError,
    answers_summary,
    check_answer,
    check_answers,
    question_from_dict,
    questions_from_list,
    rule_from_dict,
    score_from_answers,
)

BANT_YES = {
    "budget": True,
    "authority": "Decision maker",
    "need": "Reps waste time",
    "timeline": "This quarter",
}


def _default():
    questions = questions_from_list(list(default_script().questions))
    return questions, rule_from_dict(None, questions)


def test_the_default_rule_is_bant():
    questions, rule = _default()
    assert rule == Rule(("budget", "authority", "need", "timeline"))
    scored = score_from_answers(questions, BANT_YES, rule)
    assert (scored.points, scored.qualified, scored.missing) == (40, True, ())


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({"budget": False}, ("Budget",)),
        ({"authority": "End user"}, ("Authority",)),  # the last choice is the "no" answer
        ({"timeline": "No timeline"}, ("Timeline",)),
        ({"need": None}, ("Need",)),
    ],
)
def test_one_unfavourable_answer_keeps_the_lead_unqualified(change, missing):
    questions, rule = _default()
    answers = {k: v for k, v in (BANT_YES | change).items() if v is not None}
    scored = score_from_answers(questions, answers, rule)
    assert (scored.points, scored.qualified, scored.missing) == (30, False, missing)


def test_any_choice_but_the_last_is_favourable_by_default():
    questions, rule = _default()
    answers = BANT_YES | {"authority": "Influencer", "timeline": "This year"}
    assert score_from_answers(questions, answers, rule).qualified


def test_a_scripts_own_rule_with_all_and_any():
    questions = questions_from_list([
        {"key": "budget", "label": "Budget", "type": "yesno", "points": 25},
        {"key": "seats", "label": "Seats", "type": "number", "favourable": {"min": 10}},
        {"key": "crm", "label": "Uses a CRM", "type": "yesno", "favourable": False},
        {"key": "region", "label": "Region", "type": "choice", "choices": ["EU", "US", "APAC"],
         "favourable": ["EU"]},
    ])  # fmt: skip
    rule = rule_from_dict({"all": ["budget"], "any": ["seats", "region"]}, questions)
    assert not score_from_answers(questions, {"budget": True, "seats": 9}, rule).qualified
    scored = score_from_answers(questions, {"budget": True, "seats": 10, "crm": False}, rule)
    assert (scored.points, scored.qualified) == (45, True)
    scored = score_from_answers(questions, {"budget": False, "region": "US"}, rule)
    assert scored.missing == ("Budget", "one of Seats / Region")


def test_a_script_without_bant_questions_or_a_rule_never_qualifies():
    questions = questions_from_list([{"key": "seats", "label": "Seats", "type": "number"}])
    rule = rule_from_dict(None, questions)
    scored = score_from_answers(questions, {"seats": 50}, rule)
    assert (scored.points, scored.qualified) == (10, False)


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"all": ["budget", "bugdet"]}, "'bugdet', which is not one of the questions"),
        ({"all": []}, "names no questions"),
        ({"every": ["budget"]}, "a rule is"),
        ({"all": "budget"}, "is a list of question keys"),
        ([], "a rule is"),
    ],
)
def test_a_bad_rule_is_refused(rule, problem):
    questions, _ = _default()
    with pytest.raises(ScriptError, match=problem):
        rule_from_dict(rule, questions)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"key": "b", "label": "B", "type": "yesno", "choises": []}, "unknown question field"),
        ({"key": "Budget", "label": "Budget", "type": "yesno"}, "lower-case"),
        ({"key": "budget", "label": " ", "type": "yesno"}, "needs a label"),
        ({"key": "budget", "label": "Budget", "type": "bool"}, "has type 'bool'"),
        ({"key": "who", "label": "Who", "type": "choice"}, "needs \"choices\""),
        ({"key": "who", "label": "Who", "type": "choice", "choices": ["A", "A"]}, "distinct"),
        ({"key": "ok", "label": "OK", "type": "yesno", "choices": ["y"]}, "only a choice question"),
        ({"key": "ok", "label": "OK", "type": "yesno", "points": True}, "points must be"),
        ({"key": "ok", "label": "OK", "type": "yesno", "favourable": "yes"}, "true or false"),
        ({"key": "who", "label": "Who", "type": "choice", "choices": ["A"], "favourable": ["B"]},
         "lists some of its choices"),
        ({"key": "n", "label": "N", "type": "number", "favourable": {"least": 1}}, '"min": N'),
        ({"key": "t", "label": "T", "type": "text", "favourable": "any"}, "any text answer"),
        ("budget", "JSON object"),
    ],
)  # fmt: skip
def test_a_bad_question_is_refused_with_what_to_fix(raw, problem):
    with pytest.raises(ScriptError, match=problem):
        question_from_dict(raw)


def test_two_questions_may_not_share_a_key():
    with pytest.raises(ScriptError, match="two questions have the key 'budget'"):
        questions_from_list([{"key": "budget", "label": "B", "type": "yesno"}] * 2)


def test_answers_are_typed_and_checked():
    questions, _ = _default()
    seats = question_from_dict({"key": "seats", "label": "Seats", "type": "number"})
    questions = (*questions, seats)
    checked = check_answers(questions, {
        "budget": "Yes", "authority": "Influencer", "need": "  reps   waste time ",
        "timeline": "", "seats": "1,200",
    })  # fmt: skip
    assert checked == {"budget": True, "authority": "Influencer", "need": "reps waste time",
                       "seats": 1200}  # fmt: skip
    assert check_answer(seats, 2.5) == 2.5 and check_answer(seats, 3.0) == 3
    assert check_answer(questions[0], "n") is False


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({"budget": "maybe"}, "Budget: answer yes or no"),
        ({"authority": "CEO"}, "Authority: answer one of Decision maker, Influencer, End user"),
        ({"need": "x" * 501}, "under 500 characters"),
        ({"bugdet": True}, "asks no question 'bugdet'"),
        ({"budget": 1}, "yes or no"),
    ],
)
def test_a_bad_answer_is_refused(answers, problem):
    questions, _ = _default()
    with pytest.raises(ScriptError, match=problem):
        check_answers(questions, answers)


def test_a_number_answer_must_be_a_finite_number():
    seats = question_from_dict({"key": "seats", "label": "Seats", "type": "number"})
    for bad in ("lots", float("nan"), True):
        with pytest.raises(ScriptError, match="Seats: answer a number"):
            check_answer(seats, bad)


def test_scoring_is_lenient_with_answers_from_an_older_script():
    questions, rule = _default()
    stale = {"authority": "Chief Buyer", "budget": "yes", "gone": 1, "timeline": "This quarter"}
    scored = score_from_answers(questions, stale, rule)
    assert (scored.points, scored.qualified) == (10, False)


def test_answers_summary_for_the_timeline():
    assert answers_summary({"budget": True, "seats": 20, "need": "x"}) == (
        "Budget: yes · Seats: 20 · Need: x"
    )
    assert answers_summary(None) == ""
