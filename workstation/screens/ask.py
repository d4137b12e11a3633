"""One value typed in a small dialog: a call's duration, a new opportunity's name, amount
or close date. What is typed is read by the store's own reader; a value it cannot read is
said in one line and the dialog stays open.

Returns what the reader made of the text, or None when cancelled (Esc)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from workstation.store.errors import StoreError

Value = TypeVar("Value")


class AskDialog(ModalScreen[Value | None], Generic[Value]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]

    def __init__(
        self, question: str, hint: str, read: Callable[[str], Value], *, value: str = ""
    ) -> None:
        super().__init__()
        self.question, self.hint, self.read, self.value = question, hint, read, value

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-box"):
            yield Static(Text(self.question, style="bold"), id="ask-question")
            yield Static(f"{self.hint} Enter accepts, Esc cancels.", markup=False)
            yield Input(self.value, placeholder=self.hint, id="ask-typed", compact=True)
            yield Static(id="ask-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        try:
            value = self.read(event.value)
        except StoreError as error:
            self.query_one("#ask-error", Static).update(str(error))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
