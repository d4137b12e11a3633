"""The queue table: one page of a queue at a time, paged by key in the store.

The widget never holds more than one page. PgDn asks for the page after the last row; PgUp
goes back to a page start remembered on a stack, so paging back costs what paging on does.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from workstation.store.queues import Page, QueueRow
from workstation.widgets.safe_text import safe_text

COLUMNS = (
    ("Name", 20),
    ("Company", 20),
    ("Score", 5),
    ("Status", 14),
    ("Tries", 5),
    ("Callback", 9),
    ("Assigned", 9),
)


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return ""
    delta = moment - now
    minutes = int(abs(delta.total_seconds()) // 60)
    amount = (
        f"{minutes}m"
        if minutes < 60
        else f"{minutes // 60}h"
        if minutes < 48 * 60
        else f"{minutes // 1440}d"
    )
    return f"in {amount}" if delta.total_seconds() > 0 else f"{amount} ago"


def row_cells(row: QueueRow, now: datetime) -> tuple[Text, ...]:
    name = safe_text(row.name)
    if row.is_customer_inquiry:
        name = Text("★ ") + name
    return (
        name,
        safe_text(row.company),
        Text(str(row.score), justify="right"),
        safe_text(row.status),
        Text(str(row.attempt_count), justify="right"),
        Text(_when(row.callback_at, now)),
        Text(_when(row.assigned_at, now)),
    )


class QueueTable(DataTable):
    """A page of queue rows; the row key is the lead id."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for label, width in COLUMNS:
            self.add_column(label, width=width, key=label)

    def show_page(self, page: Page, *, now: datetime, at_end: bool = False) -> None:
        self.clear()
        for row in page.rows:
            self.add_row(*row_cells(row, now), key=str(row.id))
        if page.rows:
            self.move_cursor(row=len(page.rows) - 1 if at_end else 0)

    def current_lead_id(self) -> int | None:
        if not self.row_count:
            return None
        key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return int(key.value) if key.value is not None else None
