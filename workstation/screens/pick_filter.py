"""Choose a saved filter (yours, and the team's shared ones) whose leads join a campaign
(the campaigns screen's `f`). Returns the filter's name, or None when cancelled."""

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
from workstation.store.filters.saved import saved_filters
from workstation.widgets.safe_text import safe_text


class PickFilterDialog(ModalScreen[str | None]):
    """Offer the working rep's saved filters for the campaign called `campaign`."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick_filter.cancel")]
    DEFAULT_CSS = """
    PickFilterDialog { align: center middle; }
    #pick-filter-box {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1; background: $surface;
    }
    #pick-filter-list { height: auto; max-height: 16; margin: 1 0 0 0; }
    #pick-filter-hint { color: $text-muted; }
    """

    def __init__(self, campaign: str) -> None:
        super().__init__()
        self.campaign = campaign

    def compose(self) -> ComposeResult:
        store = store_of(self)
        with store.open_session() as session:
            found = saved_filters(session, rep_id=store.rep.id)
        options = []
        for info in found:
            prompt = safe_text(info.title, "bold")
            prompt.append("  ")
            prompt.append(safe_text(info.description, "dim"))
            prompt.no_wrap, prompt.overflow = True, "ellipsis"
            options.append(Option(prompt, id=info.title))
        with Vertical(id="pick-filter-box"):
            title = f"Add the leads of a saved filter to {self.campaign}"
            yield Static(Text(clean(title), style="bold"))
            yield OptionList(*options, id="pick-filter-list")
            hint = (
                "Enter adds its leads with the default status; members stay as they are"
                if options
                else "No saved filters yet: f on the queue saves one."
            )
            yield Static(Text(hint), id="pick-filter-hint")
        yield Footer()

    @on(OptionList.OptionSelected, "#pick-filter-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
