"""One rep's untouched leads, oldest assignment first, a page at a time (paged by key in the
store): select leads with Space (or a whole page with a), then one key moves them: t to a
rep chosen from a list, s spread over the reps by open capacity, p back to the pool. Moved
leads leave the list at once (their new assignment is fresh). e exports the rep's list.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from workstation.display import ago, clean, threshold
from workstation.handle import store_of
from workstation.store.errors import StoreError
from workstation.store.reports.untouched import BUCKETS, UntouchedPage, untouched_page
from workstation.store.team.assign import ReassignSummary, reassign, return_to_pool
from workstation.widgets.safe_text import cut
from workstation.work import in_thread, show_store_error

PAGE_SIZE = 100
MARK = "●"


# (label, key, width): a width of 0 takes a share of what the others leave, by WEIGHTS.
COLUMNS = (
    (" ", "mark", 1),
    ("Id", "id", 7),
    ("Name", "name", 0),
    ("Company", "company", 0),
    ("Status", "status", 0),
    ("Assigned", "age", 10),
    ("Age", "bucket", 8),
)
WEIGHTS = {"name": 22, "company": 24, "status": 29}  # and the most each takes
LEAST = 8


def _widths(width: int) -> dict[str, int]:
    """Each column's width in a table `width` cells wide (each column pads a cell a side)."""
    fixed = sum(w for _, _, w in COLUMNS) + 2 * len(COLUMNS)
    room, total = max(0, width - fixed), sum(WEIGHTS.values())
    return {
        key: w or max(LEAST, min(WEIGHTS[key], room * WEIGHTS[key] // total))
        for _, key, w in COLUMNS
    }


class UntouchedLeadsScreen(Screen):
    BINDINGS = [
        Binding("space", "toggle_mark", "Select", id="untouched_leads.toggle", priority=True),
        Binding("a", "select_page", "Select page", id="untouched_leads.select_page"),
        Binding("t", "to_rep", "To rep…", id="untouched_leads.to_rep"),
        Binding("s", "spread", "Spread", id="untouched_leads.spread"),
        Binding("p", "to_pool", "To pool", id="untouched_leads.to_pool"),
        Binding("right_square_bracket", "next_page", "Next page", id="untouched_leads.next"),
        Binding("left_square_bracket", "previous_page", "Prev page", id="untouched_leads.prev"),
        Binding("e", "export", "Export", id="untouched_leads.export"),
        Binding("escape", "back", "Back", id="untouched_leads.back"),
    ]
    DEFAULT_CSS = """
    #untouched-leads-status { height: 1; padding: 0 1; color: $text-muted; }
    #untouched-leads { height: 1fr; border: round $primary; border-title-color: $text-primary; }
    """

    def __init__(self, *, rep_id: int, rep_name: str, hours: float) -> None:
        super().__init__()
        self.rep_id, self.rep_name, self.hours = rep_id, rep_name, hours
        self.selected: set[int] = set()
        self._page_starts: list[tuple[datetime, int] | None] = []
        self._current_start: tuple[datetime, int] | None = None
        self._next_start: tuple[datetime, int] | None = None
        self._page: UntouchedPage | None = None
        self._widths: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="untouched-leads-status", markup=False)
        yield DataTable(id="untouched-leads", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Untouched leads"
        self.sub_title = clean(self.rep_name)
        table = self.query_one(DataTable)
        table.border_title = clean(f"{self.rep_name}: untouched for {threshold(self.hours)}+")
        self._add_columns()
        table.focus()
        self._load(None)

    def _add_columns(self) -> None:
        """The columns, for the screen's width: the text ones share what the others leave."""
        table = self.query_one(DataTable)
        self._widths = _widths(self.size.width - 4)  # less the border and the scrollbar
        for label, key, _ in COLUMNS:
            table.add_column(label, key=key, width=self._widths[key])

    def on_resize(self) -> None:
        if _widths(self.size.width - 4) != self._widths and self._page is not None:
            self.query_one(DataTable).clear(columns=True)
            self._add_columns()
            self._show(self._page)

    # Loading -----------------------------------------------------------------------------
    def _load(self, start: tuple[datetime, int] | None) -> None:
        store = store_of(self)
        try:
            with store.open_session() as session:
                page = untouched_page(
                    session,
                    acting_rep_id=store.rep.id,
                    rep_id=self.rep_id,
                    hours=self.hours,
                    now=store.clock(),
                    after=start,
                    limit=PAGE_SIZE,
                )
        except StoreError as error:
            self.query_one("#untouched-leads-status", Static).update(str(error))
            show_store_error(self, error, title="Not allowed")
            return
        self._current_start, self._next_start = start, page.next_after
        self._show(page)

    def _show(self, page: UntouchedPage) -> None:
        self._page = page
        table = self.query_one(DataTable)
        row, keep = table.cursor_row, self._cursor_lead()
        table.clear()
        now = store_of(self).clock()
        for lead in page.rows:
            table.add_row(
                Text(MARK if lead.id in self.selected else " "),
                Text(str(lead.id), justify="right"),
                cut(lead.name),
                cut(lead.company),
                cut(lead.status),
                Text(ago(lead.assigned_at, now, spaced=True)),
                Text(BUCKETS[lead.bucket]),
                key=str(lead.id),
            )
        if any(lead.id == keep for lead in page.rows):  # the cursor stays on its lead
            table.move_cursor(row=table.get_row_index(str(keep)))
        elif page.rows:
            table.move_cursor(row=min(row, len(page.rows) - 1))
        self._status(len(page.rows))

    def _status(self, shown: int | None = None) -> None:
        number = len(self._page_starts) + 1
        shown = self.query_one(DataTable).row_count if shown is None else shown
        more = " · ] next page" if self._next_start else ""
        back = " · [ previous" if self._page_starts else ""
        text = (
            f"page {number} · {shown} leads{more}{back} · {len(self.selected)} selected · "
            "Space select, t to a rep, s spread, p to pool"
        )
        if not shown and not self._page_starts:
            text = "Nothing untouched here: every lead of this rep has been worked."
        self.query_one("#untouched-leads-status", Static).update(text)

    def _cursor_lead(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return None if key.value is None else int(key.value)

    def _chosen(self) -> list[int]:
        """The selected leads, or the one under the cursor when none is selected."""
        if self.selected:
            return sorted(self.selected)
        lead_id = self._cursor_lead()
        return [] if lead_id is None else [lead_id]

    # Selecting ---------------------------------------------------------------------------
    def _mark(self, lead_id: int, on: bool) -> None:
        (self.selected.add if on else self.selected.discard)(lead_id)
        self.query_one(DataTable).update_cell(str(lead_id), "mark", Text(MARK if on else " "))

    def action_toggle_mark(self) -> None:
        lead_id = self._cursor_lead()
        if lead_id is None:
            return
        self._mark(lead_id, lead_id not in self.selected)
        table = self.query_one(DataTable)
        table.move_cursor(row=min(table.cursor_row + 1, table.row_count - 1))
        self._status()

    def action_select_page(self) -> None:
        table = self.query_one(DataTable)
        keys = [int(row.value) for row in table.rows if row.value is not None]
        everything = all(key in self.selected for key in keys)
        for key in keys:
            self._mark(key, not everything)
        self._status()

    # Moving ------------------------------------------------------------------------------
    def action_to_rep(self) -> None:
        from workstation.screens.pick_rep import PickRepDialog

        chosen = self._chosen()

        def picked(rep_id: int | None) -> None:
            if rep_id is not None:
                self.move(chosen, "rep", rep_id)

        if chosen:
            self.app.push_screen(
                PickRepDialog(leads=len(chosen), exclude=self.rep_id), callback=picked
            )

    def action_spread(self) -> None:
        if chosen := self._chosen():
            self.move(chosen, "spread")

    def action_to_pool(self) -> None:
        if chosen := self._chosen():
            self.move(chosen, "pool")

    def move(self, lead_ids: list[int], how: str, rep_id: int | None = None) -> None:
        """One store call, one transaction, off the UI thread."""

        def move() -> ReassignSummary:
            store = store_of(self)
            me, at = store.rep.id, store.clock()
            reason = f"untouched for {threshold(self.hours)}+"
            if how == "pool":
                return return_to_pool(
                    store.engine, lead_ids, acting_rep_id=me, reason=reason, at=at
                )
            return reassign(
                store.engine,
                lead_ids,
                acting_rep_id=me,
                to_rep_id=rep_id,
                spread=how == "spread",
                reason=reason,
                at=at,
            )

        not_moved = partial(show_store_error, self, title="Not moved")
        in_thread(self, move, self._moved, group="move", on_error=not_moved)

    def _moved(self, result: ReassignSummary) -> None:
        self.selected -= set(result.moved)
        self.notify(clean(result.describe()), markup=False)
        self._load(self._current_start)

    # Paging and the rest -----------------------------------------------------------------
    def action_next_page(self) -> None:
        if self._next_start is None:
            self.notify("This is the last page.")
            return
        self._page_starts.append(self._current_start)
        self._load(self._next_start)
        self.query_one(DataTable).move_cursor(row=0)

    def action_previous_page(self) -> None:
        if not self._page_starts:
            self.notify("This is the first page.")
            return
        self._load(self._page_starts.pop())
        self.query_one(DataTable).move_cursor(row=0)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_export(self) -> None:
        from workstation.screens.save_file import SaveFileDialog

        now = store_of(self).clock()
        slug = "".join(c if c.isalnum() else "-" for c in self.rep_name.lower()).strip("-")
        self.app.push_screen(
            SaveFileDialog(
                what=clean(f"{self.rep_name}'s untouched leads"),
                suggested=f"untouched-{slug}-{now:%Y%m%d-%H%M}.csv",
            ),
            callback=lambda path: None if path is None else self.export(path),
        )

    def export(self, path: Path) -> None:
        def write() -> int:
            from workstation.store.db import database_files
            from workstation.store.outputs import open_output
            from workstation.store.reports.untouched import iter_untouched, untouched_summary
            from workstation.store.reports.untouched_export import ours_leads, write_leads_csv

            store = store_of(self)
            with (
                store.open_session() as session,
                open_output(path, ours_leads, protect=database_files(store.engine)) as out,
            ):
                summary = untouched_summary(
                    session,
                    acting_rep_id=store.rep.id,
                    hours=self.hours,
                    rep_id=self.rep_id,
                    now=store.clock(),
                )
                leads = iter_untouched(
                    session,
                    acting_rep_id=store.rep.id,
                    hours=self.hours,
                    rep_id=self.rep_id,
                    now=summary.now,
                )
                return write_leads_csv(out, leads, summary)

        def written(count: int) -> None:
            self.notify(clean(f"{count} leads written to {path}"), markup=False)

        failed = partial(show_store_error, self, failed_to="export")
        in_thread(
            self, write, written, group="export", on_error=failed, errors=(OSError, StoreError)
        )
