"""The opportunities around the record on the card (a contact's account's and those it has
a role on; a converted lead's account's): Enter moves the highlighted one
(`OpportunityMoveDialog`), n opens a new one for a contact, Esc closes."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from workstation.display import clean, money
from workstation.handle import store_of
from workstation.store.lifecycle.views import OpportunityLine, record_opportunities


def _line(o: OpportunityLine) -> str:
    state = "rejected by sales" if o.is_rejected else o.stage
    return clean(f"{o.id:>5}  {o.name[:34]:<34} {state[:17]:<17} {money(o.amount_cents):>12}")


class OpportunitiesScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("n", "new", "New opportunity", id="opportunities.new"),
        Binding("escape", "close", "Close", id="opportunities.close"),
    ]
    DEFAULT_CSS = """
    OpportunitiesScreen { align: center middle; }
    #opps-box {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1; background: $surface;
    }
    #opps-list { height: auto; max-height: 16; }
    #opps-hint { color: $text-muted; }
    """

    def __init__(self, *, kind: str, record_id: int, name: str) -> None:
        super().__init__()
        self.kind, self.record_id, self.who = kind, record_id, name
        self.changed = False  # something was moved or opened: the card is to be reloaded

    def compose(self) -> ComposeResult:
        with Vertical(id="opps-box") as box:
            box.border_title = Content(clean(f"{self.who}: opportunities"))
            yield OptionList(id="opps-list")
            yield Static(id="opps-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        with store_of(self).open_session() as session:
            lines = record_opportunities(session, self.kind, self.record_id)
        listed = self.query_one("#opps-list", OptionList)
        listed.clear_options()
        listed.add_options([Option(Text(_line(o)), id=str(o.id)) for o in lines])
        hint = "Enter moves the highlighted one (stage, amount, won, lost, rejected)"
        if self.kind == "contact":
            hint += " · n a new one"
        self.query_one("#opps-hint", Static).update(
            Text(
                hint if lines else "None yet." + (" n opens one." if self.kind == "contact" else "")
            )
        )
        if lines:
            listed.highlighted = 0
        listed.focus()

    @on(OptionList.OptionSelected, "#opps-list")
    def _move(self, event: OptionList.OptionSelected) -> None:
        from workstation.screens.opportunity_move import OpportunityMoveDialog, moved_message

        def moved(result) -> None:
            if result is not None:
                self.changed = True
                self.notify(moved_message(result), markup=False)
                self.load()

        self.app.push_screen(OpportunityMoveDialog(int(event.option_id or 0)), moved)

    def action_new(self) -> None:
        if self.kind != "contact":
            self.notify("A new opportunity is for a contact: convert the lead first.")
            return
        from workstation.screens.new_opportunity import NewOpportunityDialog

        def opened(result) -> None:
            if result is not None:
                self.changed = True
                self.notify(f"Opportunity {result.id} opened.", markup=False)
                self.load()

        self.app.push_screen(NewOpportunityDialog([(self.record_id, self.who)]), opened)

    def action_close(self) -> None:
        self.dismiss(None)
