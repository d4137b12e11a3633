"""A yes-or-no question before an action the rep should not take by a slip of the finger
(logging a call on a do-not-call person): y or Enter goes ahead, n or Esc does nothing.

Returns True to go ahead, False otherwise. Keyboard only, with nothing to focus: the
dialog's own keys are the only ones that reach it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from workstation.widgets.safe_text import safe_text


class ConfirmDialog(ModalScreen[bool]):
    """Ask `question` (plain text, never markup: it may carry a record's name)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("enter", "answer(True)", "Yes", id="confirm.enter", show=False),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "Cancel", id="confirm.cancel"),
    ]
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    #confirm-box {
        width: 64; max-width: 100%; height: auto;
        border: round $warning; padding: 1 2; background: $surface;
    }
    #confirm-keys { color: $text-muted; margin: 1 0 0 0; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(safe_text(self.question, style="bold"), id="confirm-question")
            yield Static(Text("y or Enter: yes    n or Esc: no"), id="confirm-keys")
        yield Footer(compact=True)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
