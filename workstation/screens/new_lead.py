"""A new lead typed by the rep (the queue's `L`; the CLI twin is `workstation lead new`):
last name and company, then first name, email, phone, title, lead source and campaign,
and whether it is the rep's own (else it waits in the pool). It is taken in as an import
takes a row (`store.imports.entry`); a value that cannot be used is said in one line and
everything typed stays. Returns the store's `LeadEntered`, or None when cancelled.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, Input, Label, Static

from workstation.display import clean
from workstation.handle import store_of
from workstation.store.imports.entry import LeadEntered, TypedLead, enter_lead
from workstation.work import in_thread

FIELDS = (
    ("last_name", "Last name", "required"),
    ("company", "Company", "blank: [not provided]"),
    ("first_name", "First name", ""),
    ("email", "Email", "an email or a phone is needed"),
    ("phone", "Phone", "as written: (415) 555-0134, +44 20 7946 0001"),
    ("title", "Title", ""),
    ("lead_source", "Lead source", "Web, Event … (blank: the campaign's channel)"),
    ("campaign", "Campaign", "a campaign's name or id (optional)"),
)


class NewLeadDialog(ModalScreen[LeadEntered | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Enter it", id="new_lead.save"),
        Binding("escape", "cancel", "Cancel", id="new_lead.cancel"),
    ]
    DEFAULT_CSS = """
    NewLeadDialog { align: center middle; }
    #new-lead-box {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1; background: $surface;
    }
    .new-lead-row { height: 1; }
    .new-lead-label { width: 13; }
    #new-lead-mine { border: none; padding: 0; height: 1; margin: 1 0 0 0; }
    #new-lead-error { color: $text-error; height: auto; }
    #new-lead-hint { color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="new-lead-box") as box:
            box.border_title = "New lead"
            for key, label, placeholder in FIELDS:
                with Horizontal(classes="new-lead-row"):
                    yield Label(label, classes="new-lead-label")
                    yield Input(id=f"new-lead-{key}", placeholder=placeholder, compact=True)
            yield Checkbox("Mine (else it waits in the pool)", True, id="new-lead-mine")
            yield Static(id="new-lead-error", markup=False)
            yield Static(
                Text("Checked and matched as an import's row · Enter enters it · Esc cancels"),
                id="new-lead-hint",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#new-lead-last_name", Input).focus()

    def _typed(self) -> TypedLead:
        values = {key: self.query_one(f"#new-lead-{key}", Input).value for key, _, _ in FIELDS}
        return TypedLead(**values)

    @on(Input.Submitted)
    def action_save(self) -> None:
        typed = self._typed()
        mine = self.query_one("#new-lead-mine", Checkbox).value

        def save() -> LeadEntered:
            store = store_of(self)
            return enter_lead(
                store.engine,
                typed,
                rep_id=store.rep.id,
                own=mine,
                region=store.settings.phone_region,
                at=store.clock(),
            )

        in_thread(self, save, self.dismiss, group="new-lead", on_error=self._refused)

    def _refused(self, error: Exception) -> None:
        """Said in one line; what was typed stays to be fixed."""
        self.query_one("#new-lead-error", Static).update(clean(str(error)))

    def action_cancel(self) -> None:
        self.dismiss(None)
