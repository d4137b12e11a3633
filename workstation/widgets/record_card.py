"""The record card: every field of the current lead and its timeline, as ONE renderable.

One Static repainted per lead (rather than a widget per field) keeps the key-to-frame time
down. Every value is wrapped in `Text`, so a lead called `[bold]Eve[/]` shows literally.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from workstation.store.records import LeadCard

KIND_MARK = {"call": "☎", "email": "✉", "note": "✎", "task": "☐", "change": "↻"}


def render_card(card: LeadCard | None) -> RenderableType:
    if card is None:
        return Text("No lead selected.", style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in card.fields:
        grid.add_row(Text(label), Text(value))
    for label, value in (("Owner", card.owner or "pool (unassigned)"),
                         ("Campaign", card.campaign or "")):
        grid.add_row(Text(label), Text(value))
    parts: list[RenderableType] = []
    if card.customer_account:
        parts.append(Text(f"★ Inquiry from current customer {card.customer_account}",
                          style="bold"))
    parts.append(grid)
    parts.append(Text("\nTimeline", style="bold underline"))
    if not card.timeline:
        parts.append(Text("No activity yet.", style="dim"))
    for entry in card.timeline:
        line = Text(f"{entry.at:%Y-%m-%d %H:%M} {KIND_MARK.get(entry.kind, '·')} ", style="dim")
        line.append(Text(entry.summary))
        if entry.who:
            line.append(Text(f" · {entry.who}", style="dim"))
        parts.append(line)
        if entry.detail:
            parts.append(Text(f"    {entry.detail}", style="italic"))
    return Group(*parts)


class RecordCard(Static):
    """Shows one lead; `show(None)` clears it."""

    def show(self, card: LeadCard | None) -> None:
        self.border_title = f"Lead {card.id}" if card else "Lead"
        self.update(render_card(card))
