"""Choosing when to call back: quick choices, or a time typed as the rep would say it."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from workstation.store.errors import StoreError
from workstation.store.values.callback_times import parse_when

QUICK = (
    ("+1h", "In 1 hour"),
    ("+2h", "In 2 hours"),
    ("tomorrow 09:00", "Tomorrow 09:00, their time"),
    ("tomorrow 14:00", "Tomorrow 14:00, their time"),
    ("+7d", "In a week"),
)


class CallbackDialog(ModalScreen[datetime | None]):
    """Returns the callback time in UTC, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="callback.cancel")]

    def __init__(self, *, who: str, zone: str | None, now: datetime) -> None:
        super().__init__()
        self.who, self.zone, self.now = who, zone, now
        self._typing = False  # a time is being typed into the box below the choices

    def compose(self) -> ComposeResult:
        with Vertical(id="callback-box"):
            yield Static(Text(f"Call back {self.who} — when?"), id="callback-title")
            yield OptionList(
                *(
                    Option(f"{n}  {label}", id=spec)
                    for n, (spec, label) in enumerate(QUICK, start=1)
                ),
                id="callback-choices",
            )
            yield Input(
                placeholder="or type a time (Tab first if it starts with a digit): +30m, "
                "14:30, tomorrow 10:00, 2026-12-01 09:00",
                id="callback-typed",
                compact=True,
                select_on_focus=False,  # focused by the first character typed: keep it
            )
            yield Static(id="callback-error", markup=False)

    def on_key(self, event) -> None:
        """Among the choices, a digit picks one; any other character starts a typed time
        ("+30m", "tomorrow 10:00") in the box below, rather than being lost.

        Once typing has started, the keys that come before the box has the focus (a fast
        typist, a paste) go on into the box, Enter included."""
        if isinstance(self.focused, Input):
            return
        typed = self.query_one("#callback-typed", Input)
        character = event.character
        if self._typing and event.key == "enter":
            event.stop()
            event.prevent_default()
            self._choose(typed.value)
            return
        if not character or not character.isprintable():
            return
        if character.isdigit() and not self._typing:
            index = int(character) - 1
            if 0 <= index < len(QUICK):
                event.stop()
                self._choose(QUICK[index][0])
        elif self._typing or not character.isspace():
            event.stop()
            event.prevent_default()
            self._typing = True
            typed.insert_text_at_cursor(character)
            typed.focus()

    @on(OptionList.OptionSelected, "#callback-choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_id or "+1h")

    @on(Input.Submitted, "#callback-typed")
    def _typed(self, event: Input.Submitted) -> None:
        self._choose(event.value)

    def _choose(self, spec: str) -> None:
        try:
            moment = parse_when(spec, now=self.now, zone=self.zone)
        except StoreError as error:
            self.query_one("#callback-error", Static).update(str(error))
            return
        if moment <= self.now:
            self.query_one("#callback-error", Static).update("That time has passed.")
            return
        self.dismiss(moment)

    def action_cancel(self) -> None:
        self.dismiss(None)
