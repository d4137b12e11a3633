"""The queue table: one page of a queue at a time, paged by key in the store.

The widget never holds more than one page. Moving down past the last row (or up past the
first) asks the screen for the neighbouring page, so scrolling feels continuous through a
million rows while memory holds a hundred.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from workstation.store.views import Page, QueueRow
from workstation.widgets.safe_text import safe_text

COLUMNS = (("Name", 18), ("Company", 18), ("Score", 5), ("Status", 10), ("Tries", 5),
           ("Callback", 8), ("Assigned", 8))  # fmt: skip


def relative_time(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return ""
    delta = moment - now
    minutes = int(abs(delta.total_seconds()) // 60)
    amount = (f"{minutes}m" if minutes < 60 else
              f"{minutes // 60}h" if minutes < 48 * 60 else f"{minutes // 1440}d")  # fmt: skip
    return f"in {amount}" if delta.total_seconds() > 0 else f"{amount} ago"


def row_cells(row: QueueRow, now: datetime, *, marked: bool = False) -> tuple[Text, ...]:
    name = safe_text(row.name)
    if row.is_customer_inquiry:
        name = Text("★ ") + name
    if marked:
        name = Text("✓ ", style="bold") + name
    return (
        name,
        safe_text(row.company),
        Text(str(row.score), justify="right"),
        safe_text(row.status.split(" – ")[0]),  # "Working – Deduped and …" → "Working"
        Text(str(row.attempt_count), justify="right"),
        Text(relative_time(row.callback_at, now)),
        Text(relative_time(row.assigned_at, now)),
    )


class QueueTable(DataTable):
    """A page of queue rows; the row key is the record id."""

    @dataclass
    class EdgeReached(Message):
        """The cursor tried to leave the page: `forward` is down, else up."""

        forward: bool

    # True once the rep moves the cursor; False after a page is (re)loaded. The card follows
    # the cursor only when the rep moved it, never when a reload put it somewhere.
    user_moved = False

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.marked: set[int] = set()  # record ids marked for a bulk action, across pages

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for label, width in COLUMNS:
            self.add_column(label, width=width, key=label)

    def show_page(self, page: Page, *, now: datetime, at_end: bool = False) -> None:
        self.user_moved = False
        self.clear()
        for row in page.rows:
            self.add_row(*row_cells(row, now, marked=row.id in self.marked), key=str(row.id))
        self._page = {str(row.id): row for row in page.rows}
        self._now = now
        if page.rows:
            self.move_cursor(row=len(page.rows) - 1 if at_end else 0)

    def toggle_mark(self) -> None:
        """Mark or unmark the row under the cursor for a bulk action."""
        if not self.row_count:
            return
        key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        row = self._page[str(key.value)]
        self.marked.symmetric_difference_update({row.id})
        cells = row_cells(row, self._now, marked=row.id in self.marked)
        self.update_cell(str(key.value), "Name", cells[0])

    def action_cursor_down(self) -> None:
        self.user_moved = True
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.EdgeReached(forward=True))
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        self.user_moved = True
        if self.row_count and self.cursor_row <= 0:
            self.post_message(self.EdgeReached(forward=False))
            return
        super().action_cursor_up()

    def action_page_down(self) -> None:
        self.user_moved = True
        super().action_page_down()

    def action_page_up(self) -> None:
        self.user_moved = True
        super().action_page_up()

    def action_scroll_top(self) -> None:
        self.user_moved = True
        super().action_scroll_top()

    def action_scroll_bottom(self) -> None:
        self.user_moved = True
        super().action_scroll_bottom()

    async def _on_click(self, event) -> None:
        self.user_moved = True
        await super()._on_click(event)
