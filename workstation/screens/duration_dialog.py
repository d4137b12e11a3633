"""Correcting how long the last call lasted: the screen times a call from its card to the
outcome key, which is too long when the card was open well before the rep dialled.

Returns the seconds typed, or None when cancelled. A duration that cannot be read is said
in one line and the dialog stays open."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from workstation.store.values.durations import BadDuration, parse_duration


class DurationDialog(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="duration.cancel")]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="duration-box"):
            yield Static(Text(f"How long was {self.what}?"), id="duration-title")
            yield Static(
                "1:05 (minutes:seconds), 95 (seconds) or 2m, then Enter. Esc cancels.",
                markup=False,
            )
            yield Input(placeholder="1:05", id="duration-typed", compact=True)
            yield Static(id="duration-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        try:
            seconds = parse_duration(event.value)
        except BadDuration as error:
            self.query_one("#duration-error", Static).update(str(error))
            return
        self.dismiss(seconds)

    def action_cancel(self) -> None:
        self.dismiss(None)
