"""Choose the rep who gets the selected leads: the active sales reps with their open leads
and free capacity, most room first. Returns the rep's id, or None when cancelled."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from workstation.handle import store_of
from workstation.store.team.assign import rep_capacities
from workstation.widgets.safe_text import safe_text


class PickRepDialog(ModalScreen[int | None]):
    """Offer every active sales rep but `exclude` (the leads' current owner)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick_rep.cancel")]
    DEFAULT_CSS = """
    PickRepDialog { align: center middle; }
    #pick-rep-box {
        width: 64; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1; background: $surface;
    }
    #pick-rep-list { height: auto; max-height: 20; margin: 1 0 0 0; }
    """

    def __init__(self, *, leads: int, exclude: int | None = None) -> None:
        super().__init__()
        self.leads, self.exclude = leads, exclude

    def compose(self) -> ComposeResult:
        with store_of(self).open_session() as session:
            reps = [r for r in rep_capacities(session) if r.rep_id != self.exclude]
        reps.sort(key=lambda r: (-r.free, r.name))
        options = []
        for rep in reps:
            prompt = safe_text(rep.name)
            prompt.append(
                f"  {rep.free:,} free · {rep.open_leads:,} of {rep.capacity:,}", style="dim"
            )
            options.append(Option(prompt, id=str(rep.rep_id), disabled=rep.free == 0))
        with Vertical(id="pick-rep-box"):
            plural = "s" if self.leads != 1 else ""
            yield Static(Text(f"Give {self.leads} lead{plural} to…", style="bold"))
            yield OptionList(*options, id="pick-rep-list")
            if not options:
                yield Static(Text("No other active sales rep to give them to."))
        yield Footer()

    @on(OptionList.OptionSelected, "#pick-rep-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option_id or 0) or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
