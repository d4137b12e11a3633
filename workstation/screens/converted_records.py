"""The account, contact and opportunity a lead was converted into, each with its fields as
stored: opened with o on a converted lead's card, right after the wizard or any time later.
↑↓ and PgUp/PgDn scroll; Esc closes."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from workstation.handle import store_of
from workstation.store.conversion.records import RecordView, converted_records
from workstation.widgets.safe_text import safe_text


def record_table(view: RecordView) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in view.fields:
        grid.add_row(Text(label), safe_text(value or "—"))
    return grid


class ConvertedRecordsScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="converted.close"),
        Binding("a", "open_page('account')", "Account page", id="converted.account"),
        Binding("c", "open_page('contact')", "Contact page", id="converted.contact"),
        Binding("o", "open_page('opportunity')", "Opportunity page", id="converted.opportunity"),
    ]

    def __init__(self, lead_id: int, name: str) -> None:
        super().__init__()
        self.lead_id, self.who = lead_id, name
        self.records: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        with store_of(self).open_session() as session:
            views = converted_records(session, self.lead_id)
        self.records = {view.kind: view.id for view in views}
        with VerticalScroll(id="converted-box") as box:
            box.border_title = f"{self.who}: what the conversion made"
            if not views:
                yield Static(Text(f"Lead {self.lead_id} is not converted."))
            for view in views:
                record = Static(record_table(view), classes="converted-record")
                record.border_title = f"{view.kind.title()} {view.id}"
                yield record
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_open_page(self, kind: str) -> None:
        from workstation.screens.record_page import open_record_page

        if kind in self.records:
            open_record_page(self.app, kind, self.records[kind])
        else:
            self.notify(f"The conversion made no {kind}.", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
