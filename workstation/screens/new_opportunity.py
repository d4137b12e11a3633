"""A new opportunity for one or more contacts of an account (from the "Contacts – No
Opp." queue's card, or the marked contacts): its name, amount, close date, the first
contact's role and a campaign, each optional. Returns the store's `NewOpportunity`, or
None when cancelled."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from workstation.display import clean
from workstation.handle import store_of
from workstation.store.errors import StoreError
from workstation.store.lifecycle.new_opportunity import NewOpportunity, new_opportunity
from workstation.work import in_thread

FIELDS = (
    ("name", "Name", "the account – the campaign"),
    ("amount", "Amount", "0 (e.g. 1250 or $1,250.50)"),
    ("close", "Close date", "the end of the quarter (e.g. 2026-12-31)"),
    ("role", "Role", "the first one's: blank, Decision Maker, Evaluator …"),
    ("campaign", "Campaign", "none (a campaign's name or id)"),
)


class NewOpportunityDialog(ModalScreen[NewOpportunity | None]):
    """For `contacts` ((id, name) each, the first the primary contact)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Open it", id="new_opportunity.save"),
        Binding("escape", "cancel", "Cancel", id="new_opportunity.cancel"),
    ]
    DEFAULT_CSS = """
    NewOpportunityDialog { align: center middle; }
    #new-opp-box {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1; background: $surface;
    }
    #new-opp-who { margin: 0 0 1 0; }
    .new-opp-row { height: 1; }
    .new-opp-label { width: 12; }
    #new-opp-error { color: $text-error; height: auto; }
    #new-opp-hint { color: $text-muted; }
    """

    def __init__(self, contacts: list[tuple[int, str]]) -> None:
        super().__init__()
        self.contacts = contacts

    def compose(self) -> ComposeResult:
        with Vertical(id="new-opp-box") as box:
            box.border_title = "New opportunity"
            names = [
                f"{name} (primary)" if n == 0 else name for n, (_, name) in enumerate(self.contacts)
            ]
            yield Static(Text(clean("For " + ", ".join(names))), id="new-opp-who")
            for key, label, placeholder in FIELDS:
                with Horizontal(classes="new-opp-row"):
                    yield Label(label, classes="new-opp-label")
                    yield Input(id=f"new-opp-{key}", placeholder=placeholder, compact=True)
            yield Static(id="new-opp-error", markup=False)
            yield Static(
                Text("Every field may stay empty · Enter opens it at the first stage"),
                id="new-opp-hint",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#new-opp-name", Input).focus()

    def _value(self, key: str) -> str | None:
        return self.query_one(f"#new-opp-{key}", Input).value.strip() or None

    @on(Input.Submitted)
    def action_save(self) -> None:
        from datetime import date

        from workstation.store.conversion.terms import parse_amount

        try:
            amount = self._value("amount")
            cents = None if amount is None else parse_amount(amount)
            close_text = self._value("close")
            try:
                close = None if close_text is None else date.fromisoformat(close_text)
            except ValueError:
                raise StoreError(f"{close_text!r} is not a date like 2026-12-31") from None
        except StoreError as error:
            self._refused(error)
            return
        campaign = self._value("campaign")
        ids = [contact_id for contact_id, _ in self.contacts]
        role = self._value("role")

        def save() -> NewOpportunity:
            store = store_of(self)
            return new_opportunity(
                store.engine,
                contact_ids=ids,
                rep_id=store.rep.id,
                name=self._value("name"),
                amount_cents=cents,
                close_date=close,
                campaign=int(campaign) if campaign and campaign.isdigit() else campaign,
                roles={ids[0]: role},
                at=store.clock(),
            )

        in_thread(self, save, self.dismiss, group="opportunity", on_error=self._refused)

    def _refused(self, error: Exception) -> None:
        self.query_one("#new-opp-error", Static).update(clean(str(error)))

    def action_cancel(self) -> None:
        self.dismiss(None)
