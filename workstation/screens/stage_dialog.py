"""Moving a lead or a contact along the lifecycle: pick the stage (a reason typed first when
the move goes back, or brings back someone rejected or nurtured), and it is done.

The rules are the store's (`workstation.store.lifecycle.stages`); a refused move says why
here and changes nothing. Returns the `StageMoved`, or None when cancelled.
"""

from __future__ import annotations

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from workstation.display import clean
from workstation.handle import store_of
from workstation.store.errors import StoreError
from workstation.store.lifecycle.stages import StageMoved, funnel_stages, move_stage


class StageDialog(ModalScreen[StageMoved | None]):
    """Move lead (or contact) `record_id`, called `name`, now at `stage`."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="stage.cancel")]
    DEFAULT_CSS = """
    StageDialog { align: center middle; }
    #stage-box {
        width: 76; max-width: 100%; height: auto; max-height: 100%; overflow-y: auto;
        border: round $accent; padding: 0 1; background: $surface;
    }
    #stage-stages { height: auto; margin: 1 0 0 0; }
    #stage-error { color: $text-error; }
    """

    def __init__(self, *, record_id: int, name: str, stage: str, kind: str = "lead") -> None:
        super().__init__()
        self.record_id, self.name_shown, self.stage, self.kind = record_id, name, stage, kind

    def compose(self) -> ComposeResult:
        with Session(store_of(self).engine) as session:
            self.stages = funnel_stages(session, kind=self.kind)
        stages = self.stages
        with Vertical(id="stage-box"):
            title = f"Move {self.kind} {self.record_id}, {self.name_shown} (now {self.stage}) to:"
            yield Static(Text(clean(title), style="bold"), id="stage-title")
            yield OptionList(
                *(Option(name, id=name, disabled=name == self.stage) for name in stages),
                id="stage-stages",
            )
            yield Input(placeholder="Reason (needed to move back or bring back)", id="stage-reason")
            yield Static(id="stage-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """The next stage on is highlighted: the usual move (accept, qualify) is Enter."""
        if self.stage in self.stages[:-1]:
            self.query_one(OptionList).highlighted = self.stages.index(self.stage) + 1

    @on(OptionList.OptionSelected, "#stage-stages")
    def _stage_chosen(self, event: OptionList.OptionSelected) -> None:
        store = store_of(self)
        try:
            moved = move_stage(
                store.engine,
                kind=self.kind,
                record_id=self.record_id,
                stage=event.option_id or "",
                reason=self.query_one("#stage-reason", Input).value,
                rep_id=store.rep.id,
                at=store.clock(),
            )
        except StoreError as error:
            self.query_one("#stage-error", Static).update(str(error))
            return
        self.dismiss(moved)

    def action_cancel(self) -> None:
        self.dismiss(None)
