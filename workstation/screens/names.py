"""The Names screen (marketing, managers): marketing's pool of Names, best score first, a
page at a time (paged by key in the store), with each one's score, source, last campaign
response and active flag. `p` promotes the Name under the cursor to Marketing Qualified
(it enters sales' pool), `d` deactivates it or activates it again, `i` shows or hides the
inactive ones. The CLI twin is `workstation names`.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from workstation.display import clean
from workstation.handle import store_of
from workstation.store.marketing.names import (
    NameRow,
    NamesPage,
    names_page,
    promote_name,
    set_name_active,
)
from workstation.widgets.safe_text import cut
from workstation.work import in_thread, show_store_error

# (heading, width, share of the room a wider terminal leaves): at 80 columns every one
# shows, long names cut with an ellipsis; wider, name, company and source grow.
COLUMNS = (
    ("Name", 18, 0.35), ("Company", 14, 0.45), ("Score", 5, 0), ("Source", 10, 0.2),
    ("Responded", 10, 0), ("Active", 6, 0),
)  # fmt: skip
_MOST = 40  # no column grows wider than this: the eye must find the next one


def widths(total: int) -> list[int]:
    """Each column's width for a table `total` columns wide (a cell pads one each side,
    and the scrollbar takes two)."""
    room = total - sum(width + 2 for _, width, _ in COLUMNS) - 2
    return [min(max(width, _MOST) if share else width, width + int(max(room, 0) * share))
            for _, width, share in COLUMNS]  # fmt: skip


PAGE = 100

Key = tuple[int, str, int]


def _row(row: NameRow) -> tuple[Text, ...]:
    name = row.name if row.kind == "lead" else f"{row.name} (contact)"
    when = f"{row.last_response_at:%Y-%m-%d}" if row.last_response_at else ""
    return (
        cut(name),
        cut(row.company),
        Text(str(row.score), justify="right"),
        cut(row.source or ""),
        Text(when),
        Text("yes" if row.active else "no"),
    )


class NamesScreen(Screen):
    """Marketing's Names; Esc goes back."""

    BINDINGS = [
        Binding("p", "promote", "Promote", id="names.promote"),
        Binding("d", "toggle_active", "Deactivate/activate", id="names.toggle_active"),
        Binding("i", "toggle_inactive", "Inactive shown/hidden", id="names.inactive"),
        Binding("right_square_bracket", "next_page", "Next page", id="names.next"),
        Binding("left_square_bracket", "previous_page", "Prev page", id="names.prev"),
        Binding("r", "refresh", "Refresh", id="names.refresh", show=False),
        Binding("escape", "back", "Back", id="names.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[NameRow, ...] = ()
        self.inactive = True  # marketing sees every Name, the inactive ones to reactivate
        self._page_starts: list[Key | None] = []  # where each earlier page started
        self._current_start: Key | None = None
        self._next_start: Key | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="names-status", markup=False)
        yield DataTable(id="names-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Names (marketing)"
        table = self.query_one(DataTable)
        for (heading, _, _), width in zip(COLUMNS, widths(self.app.size.width), strict=True):
            table.add_column(heading, width=width)
        self.load(None)

    def load(self, start: Key | None, keep: tuple[str, int] | None = None) -> None:
        inactive = self.inactive

        def read() -> NamesPage:
            with store_of(self).open_session() as session:
                return names_page(session, inactive=inactive, after=start, limit=PAGE)

        in_thread(self, read, partial(self._show, start, keep), group="names")

    def _show(self, start: Key | None, keep: tuple[str, int] | None, page: NamesPage) -> None:
        self._current_start, self._next_start = start, page.next_after
        self.rows = page.rows
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for name in page.rows:
            table.add_row(*_row(name), key=f"{name.kind}:{name.id}")
        at = next((i for i, n in enumerate(page.rows) if (n.kind, n.id) == keep), None)
        if page.rows:
            table.move_cursor(row=at if at is not None else min(row, len(page.rows) - 1))
        self._status()

    def _status(self) -> None:
        number = len(self._page_starts) + 1
        more = " · ] next page" if self._next_start else ""
        back = " · [ previous" if self._page_starts else ""
        which = "all" if self.inactive else "active only"
        text = (
            f"Page {number} · {len(self.rows)} Names ({which}){more}{back} · "
            "p promote · d (de)activate · i inactive"
        )
        if not self.rows and not self._page_starts:
            text = "No Names: `workstation import FILE --as-names` brings a list in."
        self.query_one("#names-status", Static).update(text)

    def _current(self) -> NameRow | None:
        table = self.query_one(DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            return self.rows[table.cursor_row]
        return None

    # Acting ------------------------------------------------------------------------------
    def action_promote(self) -> None:
        name = self._current()
        if name is None:
            return

        def promote():
            store = store_of(self)
            return promote_name(
                store.engine, kind=name.kind, record_id=name.id, rep_id=store.rep.id,
                at=store.clock(),
            )  # fmt: skip

        def promoted(move) -> None:
            self.notify(clean(f"{move.name} is {move.to}: it is sales' now."), markup=False)
            self.load(self._current_start)

        failed = partial(show_store_error, self, title="Not promoted")
        in_thread(self, promote, promoted, group="act", on_error=failed)

    def action_toggle_active(self) -> None:
        name = self._current()
        if name is None:
            return

        def toggle() -> NameRow:
            store = store_of(self)
            return set_name_active(
                store.engine, kind=name.kind, record_id=name.id, active=not name.active,
                rep_id=store.rep.id, at=store.clock(),
            )  # fmt: skip

        def toggled(row: NameRow) -> None:
            state = "active" if row.active else "inactive"
            self.notify(clean(f"{row.name} is {state}."), markup=False)
            self.load(self._current_start, keep=(row.kind, row.id))

        failed = partial(show_store_error, self, title="Not changed")
        in_thread(self, toggle, toggled, group="act", on_error=failed)

    def action_toggle_inactive(self) -> None:
        self.inactive = not self.inactive
        self._page_starts.clear()
        self.load(None)

    # Paging and the rest -----------------------------------------------------------------
    def action_next_page(self) -> None:
        if self._next_start is None:
            self.notify("This is the last page.")
            return
        self._page_starts.append(self._current_start)
        self.load(self._next_start)

    def action_previous_page(self) -> None:
        if not self._page_starts:
            self.notify("This is the first page.")
            return
        self.load(self._page_starts.pop())

    def action_refresh(self) -> None:
        self.load(self._current_start)

    def action_back(self) -> None:
        self.app.pop_screen()
