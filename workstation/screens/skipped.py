"""Every lead the last `n` passed over, each with its reason, on one scrollable screen (k on
the queue). Esc, q or k closes it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from workstation.widgets.safe_text import safe_text
from workstation.widgets.skipped_line import summary

if TYPE_CHECKING:
    from workstation.store.calling.next_lead import Skip


def render_skips(skips: Sequence[Skip]) -> Table:
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(no_wrap=True, overflow="ellipsis", ratio=2)
    grid.add_column(ratio=3)
    grid.add_row(Text("Lead", style="bold"), Text("Why n passed it over", style="bold"))
    for skip in skips:
        grid.add_row(safe_text(skip.name), safe_text(skip.reason))
    return grid


class SkippedScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,k", "dismiss(None)", "Close", id="skipped.close")]
    DEFAULT_CSS = """
    SkippedScreen { align: center middle; }
    #skipped-box {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $warning; background: $surface; padding: 0 1;
    }
    #skipped-summary { margin-bottom: 1; }
    #skipped-list { height: auto; max-height: 100%; }
    """

    def __init__(self, skips: Sequence[Skip]) -> None:
        super().__init__()
        self.skips = list(skips)

    def compose(self) -> ComposeResult:
        with Vertical(id="skipped-box"):
            yield Static(summary(self.skips), id="skipped-summary")
            with VerticalScroll(id="skipped-list"):
                yield Static(render_skips(self.skips), id="skipped-rows")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        box = self.query_one("#skipped-box")
        box.border_title = "Skipped by n"
        box.border_subtitle = "↑↓ PgUp PgDn scroll · Esc close"
        self.query_one("#skipped-list").focus()
