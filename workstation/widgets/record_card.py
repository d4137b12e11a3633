"""The record card: every field of the current lead or contact and its timeline, as ONE
renderable.

One Static repainted per record (rather than a widget per field) keeps the key-to-frame
time down. Every value goes through `safe_text`, so a lead called `[bold]Eve[/]` shows
literally and an escape sequence in a company name never reaches the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from workstation.widgets.safe_text import safe_text

if TYPE_CHECKING:  # the store's queries load after the first frame (see app.py)
    from workstation.store.calling.card import Card

KIND_MARK = {"call": "☎", "email": "✉", "note": "✎", "task": "☐", "change": "↻"}


# What the card and the script say while the store loads behind the first frame.
LOADING = "Opening the database…"
WIDE = 100  # from this width the fields take two columns and the timeline sits beside them


# In one column (a small terminal) the card shows its first lines only: what a rep needs on
# the call comes first, the rest in the record's order after it.
CALL_FIRST = ("Name", "Company", "Account", "Phone", "Status", "Lifecycle", "Attempts",
              "Callback", "Time zone", "Score", "Title", "Email")  # fmt: skip


def _fields(card: Card, columns: int) -> Table:
    """Label/value pairs, in one or two columns of pairs."""
    pairs = [*card.fields, ("Owner", card.owner or "pool (unassigned)")]
    if card.campaign:
        pairs.append(("Campaign", card.campaign))
    if columns == 1:
        rank = {label: n for n, label in enumerate(CALL_FIRST)}
        pairs.sort(key=lambda pair: rank.get(pair[0], len(rank)))  # stable: the rest keep order
    grid = Table.grid(padding=(0, 1), expand=True)
    for _ in range(columns):
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
    rows = -(-len(pairs) // columns)
    padded = pairs + [("", "")] * (rows * columns - len(pairs))
    for row in range(rows):
        cells: list[Text] = []
        for column in range(columns):
            label, value = padded[column * rows + row]
            cells += [Text(label), safe_text(value)]
        grid.add_row(*cells)
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


def render_card(card: Card | None, why: str = "", width: int = WIDE) -> RenderableType:
    if card is None:
        return Text("No record selected. Press n for the next lead.", style="dim")
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
    if width < WIDE:  # narrow: one column of fields, the timeline underneath
        return Group(*heading, _fields(card, 1), Text(), _timeline(card))
    layout = Table.grid(padding=(0, 2), expand=True)
    layout.add_column(ratio=5)
    layout.add_column(ratio=3)
    layout.add_row(Group(*heading, _fields(card, 2)), _timeline(card))
    return layout


class RecordCard(Static):
    """Shows one record; `show(None)` clears it; `show_loading()` says one is on its way.
    A record's layout follows the card's width."""

    def __init__(self, **kwargs) -> None:
        super().__init__(render_card(None), **kwargs)
        self._shown: tuple[Card | None, str] = (None, "")

    def show(self, card: Card | None, why: str = "") -> None:
        self.border_title = f"{card.kind.title()} {card.id}" if card else "Record"
        self._shown = (card, why)
        self.update(render_card(card, why, self.content_size.width or WIDE), layout=self._sized())

    def _sized(self) -> bool:
        """Whether a new record may change the card's size, so the screen must be laid out
        again: only when the card's height or width follows its content. Sized by the
        screen (the queue screen's 1fr × 1fr), a Static shows what fits and scrolls
        nothing, so a new record needs a repaint only, not the layout of every widget on
        the screen (15 ms on the queue screen, most of the time from n to the new card)."""
        height, width = self.styles.height, self.styles.width
        return height is None or height.is_auto or width is None or width.is_auto

    def show_loading(self) -> None:
        """Until the store has loaded behind the first frame."""
        self.border_title = "Record"
        self._shown = (None, "")
        self.update(Text(LOADING, style="dim"))

    def on_resize(self) -> None:
        card, why = self._shown
        if card is not None:  # without a record, the one line shown wraps by itself
            self.show(card, why)  # laid out for the new width: no second layout
