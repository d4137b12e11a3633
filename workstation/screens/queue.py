"""The queue screen: the working rep's queues, one page of the chosen queue, and the card
of the highlighted lead."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, OptionList, Static

from workstation.store.queues import QUEUES, queue_count, queue_page
from workstation.store.records import lead_card
from workstation.widgets.queue_list import QueueList
from workstation.widgets.queue_table import QueueTable
from workstation.widgets.record_card import RecordCard

PAGE_SIZE = 100


class QueueScreen(Screen):
    BINDINGS = [
        Binding("right_square_bracket", "next_page", "Next page", id="queue.next_page"),
        Binding("left_square_bracket", "previous_page", "Prev page", id="queue.previous_page"),
        Binding("r", "refresh", "Refresh", id="queue.refresh"),
        Binding("tab", "app.focus_next", "Focus", show=False),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, queue_key: str = "my-leads") -> None:
        super().__init__()
        self.queue_key = queue_key
        # Starts of the pages before the current one, and of the current one.
        self._page_starts: list[tuple[Any, ...] | None] = []
        self._current_start: tuple[Any, ...] | None = None
        self._next_start: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield QueueList(id="queues")
            with Vertical(id="main"):
                yield QueueTable(id="queue-table")
                yield Static(id="page-info", markup=False)
                yield RecordCard(id="card")
        yield Footer()

    def on_mount(self) -> None:
        rep = self.app.rep
        self.sub_title = f"{rep.name} ({rep.role})"
        self.query_one(QueueList).highlighted = list(QUEUES).index(self.queue_key)
        self.show_queue(self.queue_key)
        self.query_one(QueueTable).focus()

    # Loading -----------------------------------------------------------------------------
    def show_queue(self, key: str) -> None:
        self.queue_key = key
        self._page_starts.clear()
        self._load_page(None)
        self.load_counts()

    def _load_page(self, start: tuple[Any, ...] | None, *, at_end: bool = False) -> None:
        with self.app.open_session() as session:
            page = queue_page(
                session, self.queue_key, rep_id=self.app.rep.id, after=start, limit=PAGE_SIZE
            )
        self._current_start = start
        self._next_start = page.next_after
        table = self.query_one(QueueTable)
        table.show_page(page, now=self.app.clock(), at_end=at_end)
        queue = QUEUES[self.queue_key]
        table.border_title = queue.title
        number = len(self._page_starts) + 1
        more = "  ] next page" if page.next_after else ""
        back = "  [ previous" if self._page_starts else ""
        info = f"page {number} · {len(page.rows)} rows{more}{back} — {queue.description}"
        if not page.rows:
            info = f"Nothing here. {queue.description}"
        self.query_one("#page-info", Static).update(Text(info))
        if not page.rows:
            self.query_one(RecordCard).show(None)

    @work(thread=True, exclusive=True, group="counts")
    def load_counts(self) -> None:
        with self.app.open_session() as session:
            counts = {key: queue_count(session, key, rep_id=self.app.rep.id) for key in QUEUES}
        self.app.call_from_thread(self.query_one(QueueList).show_counts, counts)

    # Events ------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#queues")
    @on(OptionList.OptionHighlighted, "#queues")
    def _queue_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_id and event.option_id != self.queue_key:
            self.show_queue(event.option_id)

    @on(DataTable.RowHighlighted, "#queue-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is None:
            return
        with self.app.open_session() as session:
            card = lead_card(session, int(event.row_key.value))
        self.query_one(RecordCard).show(card)

    # Actions -----------------------------------------------------------------------------
    def action_next_page(self) -> None:
        if self._next_start is None:
            self.notify("This is the last page.", severity="information")
            return
        self._page_starts.append(self._current_start)
        self._load_page(self._next_start)

    def action_previous_page(self) -> None:
        if not self._page_starts:
            self.notify("This is the first page.", severity="information")
            return
        self._load_page(self._page_starts.pop(), at_end=True)

    def action_refresh(self) -> None:
        self._load_page(self._current_start)
        self.load_counts()

    def action_show_queue(self, key: str) -> None:
        self.query_one(QueueList).highlighted = list(QUEUES).index(key)
        self.show_queue(key)
