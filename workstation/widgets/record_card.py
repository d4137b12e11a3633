"""The record card: every field of the current lead or contact and its timeline, as ONE
renderable.

One Static repainted per record (rather than a widget per field) keeps the key-to-frame
time down. Every value goes through `safe_text`, so a lead called `[bold]Eve[/]` shows
literally and an escape sequence in a company name never reaches the terminal.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from workstation.store.records import Card
from workstation.widgets.safe_text import safe_text

KIND_MARK = {"call": "☎", "email": "✉", "note": "✎", "task": "☐", "change": "↻"}


def _fields(card: Card) -> Table:
    """Label/value pairs in two columns of pairs, to use the card's width."""
    pairs = [*card.fields, ("Owner", card.owner or "pool (unassigned)")]
    if card.campaign:
        pairs.append(("Campaign", card.campaign))
    grid = Table.grid(padding=(0, 1), expand=True)
    for _ in range(2):
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
    half = (len(pairs) + 1) // 2
    right_side = pairs[half:] + [("", "")] * (2 * half - len(pairs))
    for left, right in zip(pairs[:half], right_side, strict=True):
        grid.add_row(Text(left[0]), safe_text(left[1]), Text(right[0]), safe_text(right[1]))
    return grid


def _timeline(card: Card) -> Group:
    lines: list[RenderableType] = [Text("Timeline", style="bold underline")]
    if not card.timeline:
        lines.append(Text("No activity yet.", style="dim"))
    for entry in card.timeline:
        line = Text(f"{entry.at:%m-%d %H:%M} {KIND_MARK.get(entry.kind, '·')} ", style="dim")
        line.append_text(safe_text(entry.summary))
        if entry.who:
            line.append_text(safe_text(f" · {entry.who}", style="dim"))
        lines.append(line)
        if entry.detail:
            lines.append(safe_text(f"   {entry.detail}", style="italic"))
    return Group(*lines)


def render_card(card: Card | None, why: str = "") -> RenderableType:
    if card is None:
        return Text("No record selected. Press n for the next lead.", style="dim")
    layout = Table.grid(padding=(0, 2), expand=True)
    layout.add_column(ratio=5)
    layout.add_column(ratio=3)
    heading: list[RenderableType] = []
    if why:
        heading.append(Text("Why here: ", style="bold") + safe_text(why))
    if card.kind == "lead" and card.account:
        heading.append(
            Text("★ Inquiry from current customer ", style="bold")
            + safe_text(card.account, style="bold")
        )
    if card.read_only:
        heading.append(Text("Converted: read-only", style="bold"))
    layout.add_row(Group(*heading, _fields(card)), _timeline(card))
    return layout


class RecordCard(Static):
    """Shows one record; `show(None)` clears it."""

    def show(self, card: Card | None, why: str = "") -> None:
        self.border_title = f"{card.kind.title()} {card.id}" if card else "Record"
        self.update(render_card(card, why))
