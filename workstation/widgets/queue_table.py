"""The queue table: one page of a queue at a time, paged by key in the store.

The widget never holds more than one page. Moving down past the last row (or up past the
first) asks the screen for the neighbouring page, so scrolling feels continuous through a
million rows while memory holds a hundred.

It draws itself line by line (Textual's Line API): a fixed header, then only the rows in
view, each one Strip cached until its row, the width or the focus changes. A page of rows is
no more widgets than one, which keeps the first frame and the page step cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workstation.display import ago
from workstation.store.rows import Page, QueueRow
from workstation.widgets.safe_text import safe_text

# (label, flexible): a fixed column is as wide as its header and the widest cell of the
# page; the flexible ones share what is left, each between FLEX_MIN and FLEX_MAX.
COLUMNS = (("Name", True), ("Company", True), ("Score", False), ("Status", True),
           ("Tries", False), ("Callback", False), ("Assigned", False))  # fmt: skip
RIGHT = {"Score", "Tries"}
FLEX_MIN, FLEX_MAX = 4, 32
PADDING = 1  # blank cells on each side of a column
HEADER = -1  # the header line's place among the cached lines


def row_cells(row: QueueRow, now: datetime, *, marked: bool = False) -> tuple[Text, ...]:
    name = safe_text(row.name)
    if row.is_customer_inquiry:
        name = Text("★ ") + name
    if marked:
        name = Text("✓ ", style="bold") + name
    return (
        name,
        safe_text(row.company),
        Text(str(row.score)),
        # The whole status, cut with an ellipsis where it must be: the part before the
        # dash alone says "Contact" for "Contact – No Opportunity" beside "Contacted".
        safe_text(row.status),
        Text(str(row.attempt_count)),
        Text(ago(row.callback_at, now)),
        Text(ago(row.assigned_at, now)),
    )


def content_widths(rows: list[tuple[Text, ...]]) -> list[int]:
    """The width each column's header and cells need, uncut."""
    widths = [len(label) for label, _ in COLUMNS]
    for cells in rows:
        widths = [max(w, cell.cell_len) for w, cell in zip(widths, cells, strict=True)]
    return widths


def least_widths(rows: list[tuple[Text, ...]]) -> list[int]:
    """The width below which a column would mislead: its header, and for the status, room
    to tell every status on the page apart (cut with an ellipsis after the part behind
    the dash has begun: "Contact – N…" beside "Contact – C…" and "Contacted – R…")."""
    least = [max(FLEX_MIN, len(label)) for label, _ in COLUMNS]
    at = [label for label, _ in COLUMNS].index("Status")
    statuses = {cells[at].plain for cells in rows}
    least[at] = max(least[at], _telling_apart(statuses))
    return least


def _telling_apart(statuses: set[str]) -> int:
    if not statuses:
        return 0
    need = max(len(s.split(" – ")[0]) + 5 if " – " in s else 0 for s in statuses)
    longest = max(len(s) for s in statuses)
    while need < longest and len({s[: need - 1] if len(s) > need else s for s in statuses}) < len(
        statuses
    ):
        need += 1
    return min(need, longest)


def column_widths(
    width: int, content: list[int] | None = None, least: list[int] | None = None
) -> list[int]:
    """Each column's width for a table `width` cells wide: a fixed one as wide as its
    content (`content_widths`), the flexible ones sharing the rest, none below its
    `least_widths`."""
    content = content or [len(label) for label, _ in COLUMNS]
    least = least or [max(FLEX_MIN, len(label)) for label, _ in COLUMNS]
    flexible = [i for i, (_, flex) in enumerate(COLUMNS) if flex]
    fixed = sum(w for i, w in enumerate(content) if i not in flexible)
    room = width - fixed - 2 * PADDING * len(COLUMNS)
    shares = _share(room, [content[i] for i in flexible], [least[i] for i in flexible])
    widths = list(content)
    for i, share in zip(flexible, shares, strict=True):
        widths[i] = share
    return widths


def _share(room: int, wanted: list[int], least: list[int]) -> list[int]:
    """`room` cells for columns wanting `wanted`: what each wants when all fit, else an even
    share, a column wanting less (or needing more) than that taking it and leaving the
    rest to the others."""
    wanted = [max(low, min(FLEX_MAX, w)) for w, low in zip(wanted, least, strict=True)]
    shares = [0] * len(wanted)
    left = list(range(len(wanted)))
    while left:
        even = room // len(left)
        settled = [i for i in left if wanted[i] <= even or least[i] >= even]
        if not settled:
            for i in left:
                shares[i] = even
            break
        for i in settled:
            shares[i] = wanted[i] if wanted[i] <= even else least[i]
            room -= shares[i]
            left.remove(i)
    return shares


def _line(cells: tuple[Text, ...], widths: list[int], style: Style) -> Text:
    line = Text(style=style, no_wrap=True, end="")
    for (label, _), cell, width in zip(COLUMNS, cells, widths, strict=True):
        cell = cell.copy()
        cell.no_wrap = True
        if cell.cell_len > width:
            cell.truncate(width, overflow="ellipsis")
        line.append(" " * PADDING)
        if label in RIGHT:
            line.append(" " * (width - cell.cell_len))
            line.append_text(cell)
        else:
            line.append_text(cell)
            line.append(" " * (width - cell.cell_len))
        line.append(" " * PADDING)
    return line


class QueueTable(ScrollView, can_focus=True):
    """A page of queue rows with a row cursor; rows are QueueRows, keyed by record id."""

    DEFAULT_CSS = """
    QueueTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        &:focus {
            background-tint: $foreground 5%;
            & > .queue-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .queue-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .queue-table--even-row { background: $surface-lighten-1 50%; }
        &:dark > .queue-table--even-row { background: $surface-darken-1 40%; }
        & > .queue-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    COMPONENT_CLASSES = {"queue-table--header", "queue-table--even-row", "queue-table--cursor"}
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False, id="queue_table.cursor_up"),
        Binding("down", "cursor_down", "Down", show=False, id="queue_table.cursor_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="queue_table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="queue_table.page_down"),
        Binding("home", "first_row", "First row", show=False, id="queue_table.first_row"),
        Binding("end", "last_row", "Last row", show=False, id="queue_table.last_row"),
    ]

    @dataclass
    class EdgeReached(Message):
        """The cursor tried to leave the page: `forward` is down, else up."""

        forward: bool

    @dataclass
    class RowHighlighted(Message):
        """The rep moved the cursor onto `row` (a page loaded or a record shown by the screen
        moves it without this message: the card keeps the record being worked)."""

        row: QueueRow

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.marked: set[int] = set()  # record ids marked for a bulk action, across pages
        self._rows: list[QueueRow] = []
        self._cells: list[tuple[Text, ...]] = []
        self._now: datetime | None = None
        self._cursor = 0
        self._strips: dict[tuple[int, bool], Strip] = {}  # (row or HEADER, is cursor) → line
        self._width = 0
        self._content = content_widths([])
        self._least = least_widths([])

    # The page ---------------------------------------------------------------------------
    def show_page(self, page: Page, *, now: datetime, at_end: bool = False) -> None:
        self._rows = list(page.rows)
        self._now = now
        self._cells = [row_cells(r, now, marked=r.id in self.marked) for r in self._rows]
        self._content = content_widths(self._cells)
        self._least = least_widths(self._cells)
        self._strips.clear()
        self._cursor = len(self._rows) - 1 if at_end and self._rows else 0
        self._resize()
        self.scroll_to(y=0 if not at_end else self.max_scroll_y, animate=False, immediate=True)
        self._follow_cursor()
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def current(self) -> QueueRow | None:
        """The row under the cursor."""
        return self._rows[self._cursor] if self._rows else None

    def row(self, index: int) -> QueueRow:
        return self._rows[index]

    def cells(self, index: int) -> tuple[Text, ...]:
        """What row `index` shows, cell by cell."""
        return self._cells[index]

    def row_index(self, record_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == record_id), None)

    def move_cursor(self, row: int) -> None:
        """Put the cursor on `row` (no RowHighlighted: the rep did not move it)."""
        if not self._rows:
            return
        row = max(0, min(row, len(self._rows) - 1))
        if row != self._cursor:
            self._strips.pop((self._cursor, True), None)
            self._refresh_row(self._cursor)
            self._cursor = row
            self._refresh_row(row)
        self._follow_cursor()

    def toggle_mark(self) -> None:
        """Mark or unmark the row under the cursor for a bulk action."""
        row = self.current
        if row is None or self._now is None:
            return
        self.marked.symmetric_difference_update({row.id})
        self._cells[self._cursor] = row_cells(row, self._now, marked=row.id in self.marked)
        self._strips = {k: v for k, v in self._strips.items() if k[0] != self._cursor}
        self._refresh_row(self._cursor)

    # Moving -----------------------------------------------------------------------------
    def _move_by(self, rows: int) -> None:
        """Move the cursor `rows` down (up if negative), stopping at the page's ends; from
        an end, ask for the neighbouring page instead."""
        if not self._rows:
            return
        edge = len(self._rows) - 1 if rows > 0 else 0
        if self._cursor == edge:
            self.post_message(self.EdgeReached(forward=rows > 0))
            return
        self._user_move(max(0, min(self._cursor + rows, len(self._rows) - 1)))

    def _user_move(self, row: int) -> None:
        if row != self._cursor:
            self.move_cursor(row)
            self.post_message(self.RowHighlighted(self._rows[row]))

    def action_cursor_down(self) -> None:
        self._move_by(1)

    def action_cursor_up(self) -> None:
        self._move_by(-1)

    def action_page_down(self) -> None:
        self._move_by(max(1, self._visible_rows()))

    def action_page_up(self) -> None:
        self._move_by(-max(1, self._visible_rows()))

    def action_first_row(self) -> None:
        if self._rows:
            self._user_move(0)

    def action_last_row(self) -> None:
        if self._rows:
            self._user_move(len(self._rows) - 1)

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return  # the header, the border or a scrollbar
        row = offset.y - 1 + round(self.scroll_offset.y)
        if 0 <= row < len(self._rows):
            self._user_move(row)

    # Drawing ----------------------------------------------------------------------------
    def _visible_rows(self) -> int:
        return max(0, self.scrollable_content_region.height - 1)  # less the header

    def _follow_cursor(self) -> None:
        """Scroll so the cursor's row is in view."""
        top, visible = round(self.scroll_offset.y), self._visible_rows()
        if not visible:
            return
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + visible:
            self.scroll_to(y=self._cursor - visible + 1, animate=False, immediate=True)

    def _refresh_row(self, index: int) -> None:
        y = index - round(self.scroll_offset.y) + 1
        if y >= 1:
            self.refresh_line(y)

    def _resize(self) -> None:
        width = self.scrollable_content_region.width or self.size.width
        if width != self._width:
            self._width = width
            self._strips.clear()
        self.virtual_size = Size(width, len(self._rows) + 1)

    def on_resize(self) -> None:
        self._resize()
        self._follow_cursor()

    def on_focus(self) -> None:
        self._strips.clear()  # the focus tints every row and colours the cursor
        self.refresh()

    on_blur = on_focus

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        width = self._width or self.size.width
        index = round(self.scroll_offset.y) + y - 1 if y else HEADER
        if index >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        is_cursor = index == self._cursor
        key = (index, is_cursor)
        if (strip := self._strips.get(key)) is not None:
            return strip
        widths = column_widths(width, self._content, self._least)
        if index == HEADER:
            style = self.get_component_rich_style("queue-table--header")
            header = tuple(Text(label) for label, _ in COLUMNS)
            strip = self._strips[key] = self._strip(_line(header, widths, style), width, style)
        else:
            style = self.rich_style
            if index % 2:
                style += self.get_component_rich_style("queue-table--even-row")
            line = _line(self._cells[index], widths, style)
            if is_cursor:
                cursor = self.get_component_rich_style("queue-table--cursor")
                line.stylize(cursor)
                style += cursor
            strip = self._strips[key] = self._strip(line, width, style)
        return strip

    def _strip(self, line: Text, width: int, style: Style) -> Strip:
        segments = [s for s in line.render(self.app.console) if s.text != "\n"]
        # Rich renders a Text with no spans without its own style: beneath every segment.
        segments = list(Segment.apply_style(segments, style))
        return Strip(segments).adjust_cell_length(width, style).simplify()
