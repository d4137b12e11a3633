"""Choosing when to call back: a time typed as the rep would say it, or a quick choice.

Every key is the dialog's own, in the order typed: nothing in it takes the focus, so a key
pressed while the dialog is still opening (sent to the screen, as nothing is focused yet)
and one pressed later go the same way, and "14:30" typed at full speed after `3` is 14:30.
Characters always go into the time box, so a digit never picks a choice by itself: a choice
is picked with its number and Enter (a lone "1"–"5" is never a time), ↑↓ and Enter, or Enter
on an empty box.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from workstation.keys_in_order import one_line
from workstation.store.errors import StoreError
from workstation.store.values.callback_times import parse_when

QUICK = (
    ("+1h", "In 1 hour"),
    ("+2h", "In 2 hours"),
    ("tomorrow 09:00", "Tomorrow 09:00, their time"),
    ("tomorrow 14:00", "Tomorrow 14:00, their time"),
    ("+7d", "In a week"),
)
HINT = (
    "Type a time and Enter: 14:30, +30m, tomorrow 10:00, 2026-12-01 09:00 (their time). "
    "A choice: its number and Enter, or ↑↓ and Enter. Esc cancels."
)


class CallbackDialog(ModalScreen[datetime | None]):
    """Returns the callback time in UTC, or None when cancelled."""

    def __init__(self, *, who: str, zone: str | None, now: datetime) -> None:
        super().__init__()
        self.who, self.zone, self.now = who, zone, now
        self._answered = False  # keys already on their way after Enter or Esc are dropped

    def compose(self) -> ComposeResult:
        with Vertical(id="callback-box"):
            yield Static(Text(f"Call back {self.who} — when?"), id="callback-title")
            choices = OptionList(
                *(
                    Option(f"{n}  {label}", id=spec)
                    for n, (spec, label) in enumerate(QUICK, start=1)
                ),
                id="callback-choices",
            )
            typed = Input(placeholder="14:30", id="callback-typed", compact=True)
            choices.can_focus = typed.can_focus = False  # the keys are the screen's
            yield choices
            yield Static(HINT, id="callback-hint", markup=False)
            yield typed
            yield Static(id="callback-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def on_key(self, event: events.Key) -> None:
        # Stopped here, so no key from this dialog's queue reaches the screen below it
        # (a late "4" would log a Voicemail there).
        event.stop()
        event.prevent_default()
        if self._answered:
            return
        typed = self.query_one("#callback-typed", Input)
        choices = self.query_one(OptionList)
        if event.key == "escape":
            self._close(None)
        elif event.key == "enter":
            self._book(typed.value)
        elif event.key == "up":
            choices.action_cursor_up()
        elif event.key == "down":
            choices.action_cursor_down()
        elif event.key == "backspace":
            typed.action_delete_left()
        elif event.is_printable and event.character:
            typed.insert_text_at_cursor(event.character)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        if not self._answered and event.text:
            self.query_one("#callback-typed", Input).insert_text_at_cursor(one_line(event.text))

    @on(OptionList.OptionSelected, "#callback-choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._book(event.option_id or QUICK[0][0])

    def _book(self, text: str) -> None:
        """The typed time; a choice's number or an empty box stands for that choice."""
        spec = text.strip()
        if not spec:
            highlighted = self.query_one(OptionList).highlighted or 0
            spec = QUICK[highlighted][0]
        elif spec.isdigit() and 1 <= int(spec) <= len(QUICK):
            spec = QUICK[int(spec) - 1][0]
        try:
            moment = parse_when(spec, now=self.now, zone=self.zone)
        except StoreError as error:
            self.query_one("#callback-error", Static).update(str(error))
            return
        if moment <= self.now:
            self.query_one("#callback-error", Static).update("That time has passed.")
            return
        self._close(moment)

    def _close(self, moment: datetime | None) -> None:
        # `dismiss` pops whatever screen is on top: a second one would pop the queue screen
        # ("Can't pop screen") or another dialog.
        if self._answered or self.app.screen is not self:
            return
        self._answered = True
        self.dismiss(moment)

    def action_cancel(self) -> None:
        self._close(None)
