"""A contact as a reference (from its record page, `f`): public, private calls only, or
none (only a customer's contact becomes one); and a use of it logged, with a note and
the opportunity it was for, if any. A use past the quarter's limit is logged and warned
of here. The rules are the store's (`lifecycle.references`); a refusal is said in the
dialog, which stays open. Dismissed with whether anything changed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from workstation.display import clean
from workstation.handle import store_of
from workstation.store.errors import StoreError
from workstation.store.lifecycle.references import (
    NONE,
    REFERENCE_TYPES,
    ReferenceResult,
    ReferenceUsed,
    set_reference,
    use_reference,
    uses_this_quarter,
)
from workstation.store.models import Contact
from workstation.store.values.ids import BadId, read_id
from workstation.work import in_thread

KINDS = (*REFERENCE_TYPES, NONE)
LABELS = {**{k: v.capitalize() for k, v in REFERENCE_TYPES.items()}, NONE: "Not a reference"}


class ReferenceDialog(ModalScreen[bool]):
    KEYS_TITLE = "Reference"
    BINDINGS = [
        Binding("ctrl+s", "use", "Log a use", id="reference.use"),
        Binding("escape", "close", "Close", id="reference.close"),
    ]
    DEFAULT_CSS = """
    ReferenceDialog { align: center middle; }
    #ref-box {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1; background: $surface;
    }
    #ref-kinds { height: auto; margin: 1 0; }
    .ref-row { height: 1; }
    .ref-label { width: 13; }
    #ref-said { height: auto; }
    #ref-said.-warning { color: $text-warning; }
    #ref-said.-error { color: $text-error; }
    #ref-hint { color: $text-muted; }
    """

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="ref-box"):
            yield Static(id="ref-who")
            yield OptionList(*(Option(LABELS[k], id=k) for k in KINDS), id="ref-kinds")
            for key, label, hint in (
                ("note", "Use: note", "who called them, about what"),
                ("opportunity", "Opportunity", "its id (optional)"),
            ):
                with Horizontal(classes="ref-row"):
                    yield Label(label, classes="ref-label")
                    yield Input(id=f"ref-{key}", placeholder=hint, compact=True)
            yield Static(id="ref-said")
            yield Static(
                Text("Enter on a kind sets it · a note, then Enter logs a use · Esc closes"),
                id="ref-hint",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        kind = self.load()
        kinds = self.query_one("#ref-kinds", OptionList)
        kinds.highlighted = KINDS.index(kind) if kind in REFERENCE_TYPES else 0  # the usual
        kinds.focus()

    def load(self) -> str | None:
        """Show who it is and their uses; their reference type (None: no contact)."""
        store = store_of(self)
        with store.open_session() as session:
            contact = session.get(Contact, self.contact_id)
            if contact is None:
                self.query_one("#ref-box").border_title = f"Contact {self.contact_id}"
                self._say(f"There is no contact {self.contact_id}.", "-error")
                return None
            quarter = uses_this_quarter(session, self.contact_id, store.clock())
            name = f"{contact.first_name or ''} {contact.last_name}".strip()
            kind = contact.reference_type or NONE
            line = (
                f"{name} · {contact.lifecycle_stage} · {LABELS[kind].lower()} · "
                f"{contact.reference_use_count} use(s), {quarter} this quarter"
            )
        self.query_one("#ref-box").border_title = Content(
            clean(f"Contact {self.contact_id}: reference")
        )
        self.query_one("#ref-who", Static).update(Text(clean(line)))
        return kind

    @on(OptionList.OptionSelected, "#ref-kinds")
    def _set(self, event: OptionList.OptionSelected) -> None:
        kind = event.option_id or NONE

        def save() -> ReferenceResult:
            store = store_of(self)
            return set_reference(
                store.engine,
                contact_id=self.contact_id,
                kind=kind,
                rep_id=store.rep.id,
                at=store.clock(),
            )

        def saved(result: ReferenceResult) -> None:
            self.changed = True
            self._say(f"Now {LABELS[result.reference_type or NONE].lower()}.")
            self.load()

        in_thread(self, save, saved, group="reference", on_error=self._refused)

    @on(Input.Submitted)
    def action_use(self) -> None:
        note = self.query_one("#ref-note", Input).value
        typed = self.query_one("#ref-opportunity", Input).value.strip()
        try:
            opportunity = read_id(typed, what="an opportunity id") if typed else None
        except BadId as error:
            self._refused(error)
            return

        def log() -> ReferenceUsed:
            store = store_of(self)
            return use_reference(
                store.engine,
                contact_id=self.contact_id,
                note=note,
                opportunity_id=opportunity,
                rep_id=store.rep.id,
                at=store.clock(),
            )

        def logged(used: ReferenceUsed) -> None:
            self.changed = True
            for key in ("note", "opportunity"):
                self.query_one(f"#ref-{key}", Input).value = ""
            line = f"Use {used.id} logged: {used.uses_this_quarter} this quarter."
            if used.warning:
                self._say(f"{line} ⚠ {used.warning}", "-warning")
                self.notify(used.warning, severity="warning", markup=False)
            else:
                self._say(line)
            self.load()

        in_thread(self, log, logged, group="reference", on_error=self._refused)

    def _refused(self, error: Exception | StoreError) -> None:
        self._say(str(error), "-error")

    def _say(self, line: str, kind: str = "") -> None:
        said = self.query_one("#ref-said", Static)
        said.set_classes(kind)
        said.update(Text(clean(line)))

    def action_close(self) -> None:
        self.dismiss(self.changed)
