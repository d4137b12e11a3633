"""The campaigns screen (managers): every campaign with its channel, offer, dates, costs
and how many members responded; `a` adds one, Enter edits the one under the cursor (a form,
`campaign_form`), `f` adds the leads of a saved filter to it as members (`pick_filter`).
The CLI twins are `workstation campaign add|set|list|add-members`.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from workstation.display import clean, money
from workstation.handle import store_of
from workstation.store.lifecycle.campaigns import CampaignInfo, list_campaigns
from workstation.widgets.safe_text import cut
from workstation.work import in_thread

# (heading, width): at 80 columns every one shows; long names are cut with an ellipsis.
COLUMNS = (
    ("Campaign", 22), ("Channel", 10), ("Offer", 10), ("On", 3), ("Members", 7),
    ("Resp.", 5), ("Cost", 9),
)  # fmt: skip


def _row(info: CampaignInfo) -> tuple[Text, ...]:
    cost = "" if info.actual_cost_cents is None else money(info.actual_cost_cents)
    return (
        cut(info.name),
        cut(info.channel),
        cut(info.offer),
        Text("yes" if info.active else "no"),
        Text(f"{info.members:,}", justify="right"),
        Text(f"{info.responses:,}", justify="right"),
        Text(cost, justify="right"),
    )


class CampaignsScreen(Screen):
    """Lists the campaigns; Esc goes back."""

    BINDINGS = [
        Binding("a", "add", "Add", id="campaigns.add"),
        Binding("enter", "edit", "Edit", id="campaigns.edit", show=True),
        Binding("f", "add_members", "Members from a filter", id="campaigns.add_members"),
        Binding("r", "refresh", "Refresh", id="campaigns.refresh", show=False),
        Binding("escape", "back", "Back", id="campaigns.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.campaigns: list[CampaignInfo] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Campaigns — a adds, Enter edits, f adds a saved filter's leads, Esc goes back",
            id="campaigns-status",
        )
        yield DataTable(id="campaigns-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading, width in COLUMNS:
            table.add_column(heading, width=width)
        self.load()

    def load(self, select_id: int | None = None) -> None:
        def read() -> list[CampaignInfo]:
            with store_of(self).open_session() as session:
                return list_campaigns(session)

        in_thread(self, read, lambda found: self._show(found, select_id), group="campaigns")

    def _show(self, campaigns: list[CampaignInfo], select_id: int | None) -> None:
        self.campaigns = campaigns
        table = self.query_one(DataTable)
        table.clear()
        for info in campaigns:
            table.add_row(*_row(info), key=str(info.id))
        if not campaigns:
            self.query_one("#campaigns-status", Static).update("No campaigns yet: a adds one.")
        if select_id is not None:
            at = next((i for i, c in enumerate(campaigns) if c.id == select_id), 0)
            table.move_cursor(row=at)

    def _open_form(self, info: CampaignInfo | None) -> None:
        from workstation.screens.campaign_form import CampaignForm

        def saved(result: CampaignInfo | None) -> None:
            if result is not None:
                self.notify(f"Campaign {result.name} saved.", markup=False)
                self.load(select_id=result.id)

        self.app.push_screen(CampaignForm(info), saved)

    def action_add(self) -> None:
        self._open_form(None)

    @on(DataTable.RowSelected, "#campaigns-table")
    def action_edit(self) -> None:
        table = self.query_one(DataTable)
        if self.campaigns and 0 <= table.cursor_row < len(self.campaigns):
            self._open_form(self.campaigns[table.cursor_row])

    def action_add_members(self) -> None:
        """The leads of a saved filter join the campaign under the cursor."""
        table = self.query_one(DataTable)
        if not (self.campaigns and 0 <= table.cursor_row < len(self.campaigns)):
            return
        from workstation.screens.pick_filter import PickFilterDialog
        from workstation.store.lifecycle.campaign_members import (
            MembersAdded,
            add_members_from_filter,
        )

        info = self.campaigns[table.cursor_row]

        def chosen(name: str | None) -> None:
            if name is None:
                return

            def add() -> MembersAdded:
                store = store_of(self)
                return add_members_from_filter(
                    store.engine, campaign=info.id, filter_name=name, rep_id=store.rep.id,
                    at=store.clock(),
                )  # fmt: skip

            in_thread(self, add, self._added, group="campaign-members")

        self.app.push_screen(PickFilterDialog(info.name), chosen)

    def _added(self, done) -> None:
        line = (
            f"{done.campaign}: {done.matched:,} lead(s) in {done.filter}, {done.added:,} added "
            f"as {done.status}, {done.already:,} already members"
        )
        self.query_one("#campaigns-status", Static).update(Text(clean(line)))
        self.notify(line, markup=False)
        self.load(select_id=done.campaign_id)

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
