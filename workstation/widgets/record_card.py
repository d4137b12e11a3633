"""The record card: every field of the current lead or contact, its calls (with notes and
script answers) and its history, drawn as ONE renderable and scrolled line by line.

What a rep needs before dialling comes first (why the record is here, the call fields,
then its calls, newest first); the rest of the record and its history follow, a scroll
away. The card takes the focus (h or Tab) and scrolls with the arrows, PgUp/PgDn,
Home/End; Esc gives the focus back.

The record is rendered once per record into lines (Textual's Line API), so a new record
is a repaint, not a layout of the screen (~15 ms on the queue screen, most of the time
from n to the new card). Every value goes through `safe_text`, so a lead called
`[bold]Eve[/]` shows literally and an escape sequence in a company name never reaches the
terminal.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workstation.dialling import dialable, tel_link
from workstation.widgets.safe_text import safe_text

if TYPE_CHECKING:  # the store's queries load after the first frame (see app.py)
    from workstation.store.calling.card import Card, TimelineEntry

KIND_MARK = {"call": "☎", "email": "✉", "note": "✎", "task": "☐", "change": "↻"}


# What the card and the script say while the store loads behind the first frame.
LOADING = "Opening the database…"
WIDE = 100  # from this width the fields take two columns and the timeline sits beside them


# In one column (a small terminal) what a rep needs on the call comes first, then the
# record's calls, then the other fields in the record's order.
CALL_FIRST = ("Name", "Company", "Account", "Phone", "Mobile", "Status", "Attempts",
              "Callback", "Time zone", "Owner")  # fmt: skip
DESCRIPTION_LINES = 12  # of a long inquiry, the first lines; the rest is in the export


def _pairs(card: Card) -> list[tuple[str, str]]:
    # The score has a line of its own (`_score`): how it is made takes the width.
    pairs = [pair for pair in card.fields if pair[0] != "Score"]
    pairs.append(("Owner", card.owner or "pool (unassigned)"))
    if card.campaign:
        pairs.append(("Campaign", card.campaign))
    return pairs


def _pair(label: str, value: str, label_width: int, width: int, link: str = "") -> Text:
    line = Text(label.ljust(label_width), style="bold", no_wrap=True)
    line.append(" ")
    # The phone is a tel: link (OSC 8 where the terminal has it): a click dials it.
    line.append_text(safe_text(value, style=Style(link=link) if link else ""))
    line.truncate(width, overflow="ellipsis")
    return line


def _fields(
    pairs: list[tuple[str, str]], columns: int, width: int, phone: str | None = None
) -> list[Text]:
    """Label/value pairs, one line each, in one or two columns of pairs; a value too long
    for its column ends in an ellipsis. Plain lines, not a table: a table measures every
    cell, ten times the cost of the rest of the card."""
    if not pairs:
        return []
    label_width = max(len(label) for label, _ in pairs)
    column = (width - 2 * (columns - 1)) // columns
    rows = -(-len(pairs) // columns)
    lines = []
    for row in range(rows):
        line = Text(no_wrap=True)
        for n, (label, value) in enumerate(pairs[row::rows]):
            link = tel_link(phone) if phone and label == "Phone" else ""
            cell = _pair(label, value, label_width, column, link)
            if n:
                line.append("  ")
            line.append_text(cell)
            line.append(" " * (column - cell.cell_len))
        lines.append(line)
    return lines


def _score(card: Card, width: int) -> list[Text]:
    """The score and each rule that made it, on one line the width of the fields."""
    value = dict(card.fields).get("Score")
    if value is None:
        return []
    line = Text("Score ", style="bold", no_wrap=True)
    line.append_text(safe_text(value))
    line.truncate(width, overflow="ellipsis")
    return [line]


def _description(card: Card) -> list[Text]:
    """The inquiry (a contact's description), its own lines kept, after the call fields:
    what the person asked for is what the rep calls about."""
    if not card.description:
        return []
    lines = card.description.splitlines()
    shown = [safe_text(line) for line in lines[:DESCRIPTION_LINES]]
    if len(lines) > DESCRIPTION_LINES:
        shown.append(Text(f"… {len(lines) - DESCRIPTION_LINES} more lines", style="dim"))
    return [Text("Description", style="bold"), *shown]


def _entries(title: str, entries: list[TimelineEntry], empty: str) -> list[Text]:
    lines = [Text(title, style="bold underline")]
    if not entries:
        lines.append(Text(empty, style="dim"))
    for entry in entries:
        line = Text(f"{entry.at:%m-%d %H:%M} {KIND_MARK.get(entry.kind, '·')} ", style="dim")
        line.append_text(safe_text(entry.summary))
        if entry.who:
            line.append_text(safe_text(f" · {entry.who}", style="dim"))
        lines.append(line)
        if entry.detail:
            lines.append(safe_text(f"   {entry.detail}", style="italic"))
    return lines


def _activity(card: Card) -> list[Text]:
    """The record's calls, then the rest of its history (both newest first)."""
    calls = [entry for entry in card.timeline if entry.kind == "call"]
    others = [entry for entry in card.timeline if entry.kind != "call"]
    return [
        *_entries(f"Calls ({len(calls)})", calls, "No calls yet."),
        Text(),
        *_entries("History", others, "No other activity yet."),
    ]


def card_columns(
    card: Card | None, why: str = "", width: int = WIDE
) -> tuple[list[Text], list[Text]]:
    """The card's lines for a card `width` cells wide: one column of them, or (from WIDE)
    the record's fields beside its activity, each a list of lines (the second empty in one
    column)."""
    if card is None:
        return [Text("No record selected. Press n for the next lead.", style="dim")], []
    heading: list[Text] = []
    if why:
        heading.append(Text("Why here: ", style="bold") + safe_text(why))
    if card.kind == "lead" and card.account:
        heading.append(
            Text("★ Inquiry from current customer ", style="bold")
            + safe_text(card.account, style="bold")
        )
    if card.read_only:
        heading.append(Text("Converted: read-only", style="bold"))
    pairs = _pairs(card)
    phone = dialable(card.phone)
    if width < WIDE:  # narrow: the call fields, the calls, then the rest of the record
        first = [pair for label in CALL_FIRST for pair in pairs if pair[0] == label]
        rest = [pair for pair in pairs if pair[0] not in CALL_FIRST]
        return [
            *heading,
            *_score(card, width),
            *_fields(first, 1, width, phone),
            *_description(card),
            *_activity(card),
            Text(),
            Text("Details", style="bold underline"),
            *_fields(rest, 1, width),
        ], []
    left = (width - GUTTER) * 5 // 8
    fields = _fields(pairs, 2, left, phone)
    return [*heading, *_score(card, left), *fields, *_description(card)], _activity(card)


GUTTER = 2  # cells between the fields and the activity, on a wide card


def render_card(card: Card | None, why: str = "", width: int = WIDE) -> RenderableType:
    """The card as one renderable (its lines in one column)."""
    left, right = card_columns(card, why, width)
    return Group(*left, *([Text()] if right else []), *right)


class RecordCard(ScrollView, can_focus=True):
    """Shows one record; `show(None)` clears it; `show_loading()` says one is on its way.
    A record's layout follows the card's width."""

    KEYS_TITLE = "The card (h or Tab to it)"
    BINDINGS = [
        Binding("up", "scroll_up", "Scroll up", show=False, id="card.scroll_up"),
        Binding("down", "scroll_down", "Scroll down", show=False, id="card.scroll_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="card.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="card.page_down"),
        Binding("home", "scroll_home", "Top", show=False, id="card.scroll_home"),
        Binding("end", "scroll_end", "Bottom", show=False, id="card.scroll_end"),
        Binding("escape,h", "done", "Back", id="card.done"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[Card | None, str] = (None, "")
        self._columns: tuple[list[Text], list[Text]] = card_columns(None)
        self._lines: list[Strip] = []
        self._pieces: list[list[Strip]] = []  # each column's lines, before they are joined
        self._style = Style()  # the card's style when last painted
        self._styled: dict[int, Strip] = {}  # lines in that style, by index
        self._width = 0
        self._rendered = 0  # how many times the lines were rendered: a late rest is dropped

    def show(self, card: Card | None, why: str = "") -> None:
        self.border_title = f"{card.kind.title()} {card.id}" if card else "Record"
        self._shown = (card, why)
        self._draw(card_columns(card, why, self.scrollable_content_region.width or WIDE))

    def show_loading(self) -> None:
        """Until the store has loaded behind the first frame."""
        self.border_title = "Record"
        self._shown = (None, "")
        self._draw(([Text(LOADING, style="dim")], []))

    @property
    def why(self) -> str:
        """Why the record shown is here."""
        return self._shown[1]

    def render(self) -> RenderableType:
        """What the card shows, as one renderable (it paints line by line)."""
        left, right = self._columns
        return Group(*left, *right) if right else (left[0] if len(left) == 1 else Group(*left))

    @property
    def content(self) -> RenderableType:
        return self.render()

    @property
    def text(self) -> str:
        """Every line of the record as shown, scrolled into view or not."""
        return "\n".join(strip.text.rstrip() for strip in self._lines)

    def _draw(self, columns: tuple[list[Text], list[Text]]) -> None:
        self._columns = columns
        self._render_lines()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def _render_lines(self) -> None:
        """The record's lines for the card's width, in one column or (a wide card) the
        fields beside the activity. Each column's lines in view come at once, the rest after
        the frame: the key that brought the record waits for the first only."""
        width = self.scrollable_content_region.width
        self._width = width
        self._rendered += 1
        if width <= 0:
            self._lines, self._styled = [], {}
            return
        left, right = self._columns
        if right:  # the fields, and the activity beside them
            fields = (width - GUTTER) * 5 // 8
            columns = [(left, fields), (right, width - fields - GUTTER)]
        else:
            columns = [(left, width)]
        in_view = self.scrollable_content_region.height + 1
        self._pieces, rests = [], []
        for texts, column_width in columns:
            strips: list[Strip] = []
            done = 0
            while done < len(texts) and len(strips) < in_view:
                strips += self._strips(texts[done : done + 1], column_width)
                done += 1
            self._pieces.append(strips)
            rests.append((texts[done:], column_width))
        self._lines, self._styled = self._joined(), {}
        if any(texts for texts, _ in rests):
            self.call_after_refresh(self._render_rest, self._rendered, rests)
        self._set_height(len(self._lines))

    def _joined(self) -> list[Strip]:
        """The card's lines from its columns' lines (one column, or two side by side)."""
        if len(self._pieces) == 1:
            return list(self._pieces[0])
        left_lines, right_lines = self._pieces
        fields = (self._width - GUTTER) * 5 // 8
        gap = Strip([Segment(" " * GUTTER)], GUTTER)
        blank = Strip.blank(fields)
        return [
            Strip.join([(a or blank).adjust_cell_length(fields), gap, b or Strip([])])
            for a, b in zip_longest(left_lines, right_lines)
        ]

    def _render_rest(self, rendered: int, rests: list[tuple[list[Text], int]]) -> None:
        """The lines below the first view, unless another record (or width) came since."""
        if rendered == self._rendered:
            shown = len(self._lines)
            for strips, (texts, column_width) in zip(self._pieces, rests, strict=True):
                if texts:
                    strips += self._strips(texts, column_width)
            self._lines = self._joined()
            self._styled = {index: self._styled[index] for index in range(shown - 1)
                            if index in self._styled}  # fmt: skip
            self._set_height(len(self._lines))
            if self.scroll_offset.y + self.scrollable_content_region.height >= shown - 1:
                self.refresh()  # scrolled down to them already

    def _set_height(self, height: int) -> None:
        """The scroll range for `height` lines. The screen is laid out again only where the
        card's size follows its content, or the scrollbar comes or goes; otherwise the
        scrollbar is told the new range and a repaint does."""
        size = Size(self._width, height)
        if size == self.virtual_size:
            return
        styles = self.styles
        auto = styles.height is None or styles.height.is_auto
        fits = self.scrollable_content_region.height
        overflowed = self.virtual_size.height > fits
        if auto or overflowed != (height > fits) or not self.show_vertical_scrollbar:
            self.virtual_size = size  # laid out anew
            return
        self.set_reactive(RecordCard.virtual_size, size)
        self.vertical_scrollbar.window_virtual_size = height  # the scrollbar repaints

    def _strips(self, lines: list[Text], width: int) -> list[Strip]:
        console = self.app.console
        options = console.options.update_width(max(width, 1)).reset_height()
        return [Strip(line) for line in console.render_lines(Group(*lines), options, pad=False)]

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in `crop`, in the card's style of this paint: a line is styled and
        padded once, not every time the card is painted again (the call timer repaints it
        each second)."""
        style = self.rich_style
        if style != self._style:
            self._style, self._styled = style, {}
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, self._style)
        strip = self._styled.get(index)
        if strip is None or strip.cell_length != width:
            line = self._lines[index].apply_style(self._style)
            strip = self._styled[index] = line.adjust_cell_length(width, self._style)
        return strip

    def on_resize(self) -> None:
        card, why = self._shown
        width = self.scrollable_content_region.width
        if card is not None and width != self._width:
            self._columns = card_columns(card, why, width)  # the layout for this width
        if width != self._width:
            self._render_lines()
        self.virtual_size = Size(width, len(self._lines))

    def action_done(self) -> None:
        """Give the focus back to what comes before the card (the queue)."""
        if self.has_focus:
            self.screen.focus_previous()
