"""Converting several selected leads at once, each with the wizard's defaults and in its own
transaction, then a summary of what was converted and what was refused, and why.

Leads that were never qualified are named before anything runs, and the summary names
every lead. Returns the `BulkSummary` (None when cancelled before anything ran).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from workstation.display import clean
from workstation.handle import store_of
from workstation.store.conversion.convert import BulkSummary, bulk_convert
from workstation.work import in_thread

EXPLAIN = (
    "Each lead is converted as the wizard proposes: the strongest matching account and "
    "contact (else new ones), a new $0 opportunity, the contact as primary contact role "
    "(in the role their Authority answer names), "
    "its latest campaign as the source. One transaction per lead: a lead that is refused "
    "is left as it was and the others still convert."
)


def _named(lead_id: int, names: dict[int, str]) -> str:
    return f"lead {lead_id} {names[lead_id]}" if lead_id in names else f"lead {lead_id}"


def unqualified_warning(lead_ids: Sequence[int], names: dict[int, str]) -> Text:
    """The leads marked that were never qualified, named, or nothing to say."""
    if not lead_ids:
        return Text()
    named = "; ".join(_named(lead_id, names) for lead_id in lead_ids)
    return Text(
        clean(f"⚠ {len(lead_ids)} never qualified (no call or script qualified them): {named}"),
        style="bold",
    )


def summary_text(summary: BulkSummary) -> Group:
    names, unqualified = summary.names, set(summary.never_qualified)
    lines = [
        Text(f"{len(summary.converted)} converted, {len(summary.refused)} refused", style="bold")
    ]
    for r in summary.converted:
        opportunity = f", opportunity {r.opportunity_id}" if r.opportunity_id else ""
        made = "new" if r.account_created else "existing"
        records = f"{made} account {r.account_id}, contact {r.contact_id}{opportunity}"
        never = " (never qualified)" if r.lead_id in unqualified else ""
        lines.append(Text(clean(f"✓ {_named(r.lead_id, names)}{never} → {records}")))
    lines.extend(
        Text(clean(f"✗ {_named(lead_id, names)}: {why}")) for lead_id, why in summary.refused
    )
    return Group(*lines)


class BulkConvertScreen(ModalScreen[BulkSummary | None]):
    """Convert `lead_ids` after one confirmation; shows the summary until closed."""

    BINDINGS = [Binding("escape", "close", "Close", id="bulk.close")]
    DEFAULT_CSS = """
    BulkConvertScreen { align: center middle; }
    #bulk-box {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1;
        background: $surface;
    }
    #bulk-choices { height: auto; margin: 1 0; }
    #bulk-summary { height: auto; max-height: 20; }
    """

    def __init__(self, lead_ids: Sequence[int]) -> None:
        super().__init__()
        self.lead_ids = list(dict.fromkeys(lead_ids))
        self.summary: BulkSummary | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="bulk-box"):
            title = f"Convert {len(self.lead_ids)} selected leads"
            yield Static(Text(title, style="bold"), id="bulk-title")
            yield Static(Text(EXPLAIN), id="bulk-explain")
            yield Static(id="bulk-warning")
            yield OptionList(
                Option("Convert them (do-not-call leads are refused)", id="convert"),
                Option("Convert them, do-not-call leads included: I confirm", id="convert-dnc"),
                Option("Cancel", id="cancel"),
                id="bulk-choices",
            )
            with VerticalScroll(id="bulk-summary"):
                yield Static(id="bulk-result")
        yield Footer()

    def on_mount(self) -> None:
        from workstation.store.conversion.captured import lead_labels, never_qualified

        with store_of(self).open_session() as session:
            unqualified = never_qualified(session, self.lead_ids)
            names = lead_labels(session, unqualified)
        self.query_one("#bulk-warning", Static).update(unqualified_warning(unqualified, names))

    @on(OptionList.OptionSelected, "#bulk-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_id == "cancel" or self.summary is not None:
            self.action_close()
            return
        options = self.query_one("#bulk-choices", OptionList)
        options.disabled = True
        self.query_one("#bulk-result", Static).update(Text("Converting…"))
        self.run_bulk(confirm_do_not_call=event.option_id == "convert-dnc")

    def run_bulk(self, *, confirm_do_not_call: bool) -> None:
        def convert() -> BulkSummary:
            store = store_of(self)
            return bulk_convert(
                store.engine,
                lead_ids=self.lead_ids,
                rep_id=store.rep.id,
                confirm_do_not_call=confirm_do_not_call,
                at=store.clock(),
            )

        in_thread(self, convert, self._show_summary, group="bulk-convert")

    def _show_summary(self, summary: BulkSummary) -> None:
        self.summary = summary
        self.query_one("#bulk-result", Static).update(summary_text(summary))
        options = self.query_one("#bulk-choices", OptionList)
        options.set_options([Option("Close", id="close")])
        options.disabled = False
        options.highlighted = 0
        options.focus()

    def action_close(self) -> None:
        self.dismiss(self.summary)
