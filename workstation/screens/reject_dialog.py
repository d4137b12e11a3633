"""Rejecting a lead or a contact "by sales": pick the reason, and it is done.

Nothing is deleted: the record leaves the sales queues and keeps its history (see
`workstation.store.calling.reject`). Returns the `RejectResult`, or None when cancelled.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from workstation.display import clean
from workstation.handle import store_of
from workstation.store.calling.reject import REJECT_REASONS, RejectResult, reject
from workstation.store.errors import StoreError


class RejectDialog(ModalScreen[RejectResult | None]):
    """Reject lead (or contact) `record_id`, called `name`, with a reason from the list."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="reject.cancel")]
    DEFAULT_CSS = """
    RejectDialog { align: center middle; }
    #reject-box {
        width: 76; max-width: 100%; height: auto; max-height: 100%; overflow-y: auto;
        border: round $error; padding: 0 1; background: $surface;
    }
    #reject-reasons { height: auto; margin: 1 0; }
    #reject-error { color: $text-error; }
    """

    def __init__(self, *, record_id: int, name: str, kind: str = "lead") -> None:
        super().__init__()
        self.record_id, self.name_shown, self.kind = record_id, name, kind

    def compose(self) -> ComposeResult:
        with Vertical(id="reject-box"):
            title = f"Reject {self.kind} {self.record_id}, {self.name_shown}: why?"
            yield Static(Text(clean(title), style="bold"), id="reject-title")
            yield OptionList(
                *(
                    Option(
                        reason.label
                        if self.kind == "contact"
                        else f"{reason.label}  → {reason.lead_status}",
                        id=reason.label,
                    )
                    for reason in REJECT_REASONS
                ),
                id="reject-reasons",
            )
            yield Static(
                Text(
                    "Nothing is deleted: it leaves the sales queues, moves to the Rejected "
                    "stage with the reason, and keeps its history; the funnel counts it."
                ),
                id="reject-note",
            )
            yield Static(id="reject-error", markup=False)
        yield Footer()

    @on(OptionList.OptionSelected, "#reject-reasons")
    def _reason_chosen(self, event: OptionList.OptionSelected) -> None:
        reason = event.option_id or ""
        store = store_of(self)
        try:
            result = reject(
                store.engine,
                kind=self.kind,
                record_id=self.record_id,
                reason=reason,
                rep_id=store.rep.id,
                at=store.clock(),
            )
        except StoreError as error:
            self.query_one("#reject-error", Static).update(str(error))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
