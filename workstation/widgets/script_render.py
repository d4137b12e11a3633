"""What the script panel draws, as Rich renderables built from plain data: the campaign line
(product of interest, lead source, offer), one script section as Markdown, and the
qualifying questions with their answers and what the rule still needs.

Record values reach the screen two ways only: through `safe_text` (a `Text`, never parsed as
markup) or cleaned and Markdown-escaped into a section (`fill_markdown`), so a lead called
`[bold]Eve[/bold] [@click=app.quit]x[/]` shows exactly that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from workstation.display import clean
from workstation.store.scripts.rules import Question, describe, is_favourable, score_from_answers
from workstation.store.scripts.text import Section, fill_markdown
from workstation.widgets.safe_text import safe_text

if TYPE_CHECKING:  # the store's queries load after the first frame (see app.py)
    from rich.markdown import Markdown

    from workstation.store.scripts.for_record import ScriptView

QUALIFIED_HINT = "log the call as Qualified (1), then convert (c)"
TYPE_HINTS = {"yesno": "y / n", "number": "Enter: a number", "text": "Enter: type it"}


def cleaned_values(view: ScriptView) -> dict[str, str | None]:
    """The record's values made safe for the screen (control characters shown, length cut)."""
    return {name: None if value is None else clean(value) for name, value in view.values.items()}


def render_context(view: ScriptView) -> RenderableType:
    """Product of interest, lead source and offer, the campaign, and the objections index."""
    line = Text()
    for label, value in (
        ("Product ", view.product),
        ("  Source ", view.lead_source),
        ("  Offer ", view.offer),
    ):
        line.append(label, style="bold")
        line.append_text(safe_text(value or "—"))
    campaign = Text("Campaign ", style="bold") + safe_text(view.campaign or "none (default script)")
    lines: list[RenderableType] = [line, campaign]
    objections = [s.objection for s in view.sections if s.objection]
    if objections:
        index = Text("Objections (o) ", style="bold")
        index.append_text(safe_text(" · ".join(objections), style="italic"))
        lines.append(index)
    return Group(*lines)


def render_section(section: Section, values: Mapping[str, str | None]) -> Markdown:
    """One section, its placeholders filled with values already cleaned for the screen."""
    from rich.markdown import Markdown  # 80 ms to import: not before the first frame

    return Markdown(fill_markdown(section.template, values), hyperlinks=False)


def _answer_cell(question: Question, answer: object, editing: bool) -> Text:
    if editing:
        return Text("typing… Enter keeps it, Esc drops it", style="italic")
    if answer is None:
        if question.type == "choice":
            return Text("← → " + " / ".join(question.choices), style="dim")
        return Text(TYPE_HINTS[question.type], style="dim")
    cell = safe_text(describe(answer))
    if question.type == "choice":
        position = question.choices.index(answer) + 1 if answer in question.choices else 0
        cell = Text("‹ ") + cell + Text(f" › {position}/{len(question.choices)}", style="dim")
    if is_favourable(question, answer):
        cell.append(" ✓", style="bold")
    return cell


def render_questions(
    view: ScriptView,
    answers: Mapping[str, object],
    *,
    selected: int,
    focused: bool,
    editing: bool,
) -> RenderableType:
    """The questions, this call's answers (the last call's beside them) and the outcome."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
    grid.add_column(overflow="ellipsis", no_wrap=True, max_width=28)
    for number, question in enumerate(view.questions):
        here = number == selected
        last = view.last_answers.get(question.key)
        grid.add_row(
            Text("▸" if here else " ", style="bold"),
            safe_text(question.label, style="bold reverse" if here and focused else "bold"),
            _answer_cell(question, answers.get(question.key), editing and here),
            safe_text(f"last: {describe(last)}", style="dim") if last is not None else Text(""),
        )
    return Group(grid, outcome(view, answers))


def outcome(view: ScriptView, answers: Mapping[str, object]) -> Text:
    """What the answers so far mean: qualified (and what to do), or what is still needed."""
    if not view.questions:
        return Text("This script asks no questions.", style="dim")
    merged = view.last_answers | dict(answers)
    scored = score_from_answers(view.questions, merged, view.rule)
    gained = scored.points - score_from_answers(view.questions, view.last_answers, view.rule).points
    change = Text(f"  score {gained:+d}" if gained else "", style="dim")
    if not (view.rule.all or view.rule.any):
        return Text("No qualification rule in this script.", style="dim") + change
    if scored.qualified:
        return Text("✓ Qualified: ", style="bold") + Text(QUALIFIED_HINT) + change
    return Text("Needs: ", style="bold") + safe_text(", ".join(scored.missing)) + change
