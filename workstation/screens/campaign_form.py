"""Adding or editing a campaign in a form (managers): its channel, offer, product, dates,
costs, call script, email template and member statuses. Ctrl+S saves in one transaction;
a value the store refuses is named under the form, which stays open with what was typed.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, Input, Label, Static, TextArea

from workstation.display import clean
from workstation.handle import store_of
from workstation.store.errors import StoreError
from workstation.store.lifecycle.campaigns import (
    CampaignChanges,
    CampaignInfo,
    add_campaign,
    change_campaign,
    parse_status_changes,
)
from workstation.widgets.tick import Tick
from workstation.work import in_thread

# (field of CampaignChanges, label)
TEXT_FIELDS = (
    ("name", "Name"),
    ("channel", "Channel"),
    ("offer", "Offer"),
    ("product", "Product"),
    ("start_date", "Starts"),
    ("end_date", "Ends"),
    ("budget", "Budget $"),
    ("actual_cost", "Actual cost $"),
    ("script", "Call script"),
)


def _money(cents: int | None) -> str:
    return "" if cents is None else f"{cents // 100}.{cents % 100:02d}"


def _day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _values(info: CampaignInfo | None) -> dict[str, str]:
    if info is None:
        return {name: "" for name, _ in TEXT_FIELDS}
    return {
        "name": info.name,
        "channel": info.channel,
        "offer": info.offer,
        "product": info.product,
        "start_date": _day(info.start_date),
        "end_date": _day(info.end_date),
        "budget": _money(info.budget_cents),
        "actual_cost": _money(info.actual_cost_cents),
        "script": info.script or "",
    }


def statuses_line(info: CampaignInfo | None) -> str:
    if info is None:
        return "Member statuses: Sent (default), Responded (responded)"
    shown = [
        s.label
        + (" (default)" if s.is_default else "")
        + (" (responded)" if s.has_responded else "")
        for s in info.statuses
    ]
    return "Member statuses: " + ", ".join(shown)


class CampaignForm(ModalScreen[CampaignInfo | None]):
    """Returns the saved campaign, or None when cancelled. `info` None: a new campaign."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="campaign.save"),
        Binding("escape", "cancel", "Cancel", id="campaign.cancel"),
    ]
    DEFAULT_CSS = """
    CampaignForm { align: center middle; }
    #campaign-box {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1; background: $surface;
    }
    #campaign-box .campaign-row { height: 1; }
    #campaign-box .campaign-label { width: 14; }
    #campaign-email { height: 6; }
    #campaign-error { color: $text-error; }
    """

    def __init__(self, info: CampaignInfo | None = None) -> None:
        super().__init__()
        self.info = info
        self.values = _values(info)

    def compose(self) -> ComposeResult:
        title = "New campaign" if self.info is None else f"Edit campaign {self.info.name}"
        with VerticalScroll(id="campaign-box"):
            yield Static(clean(f"{title} — Ctrl+S saves, Esc cancels"), markup=False)
            for name, label in TEXT_FIELDS:
                with Horizontal(classes="campaign-row"):
                    yield Label(label, classes="campaign-label")
                    yield Input(value=clean(self.values[name]), id=f"campaign-{name}", compact=True)
            yield Tick(
                "Active",
                value=self.info is None or self.info.active,
                id="campaign-active",
                compact=True,
            )
            yield Static(clean(statuses_line(self.info)), id="campaign-statuses", markup=False)
            with Horizontal(classes="campaign-row"):
                yield Label("Add/change", classes="campaign-label")
                yield Input(
                    placeholder="Attended:responded, Registered:default",
                    id="campaign-status-changes",
                    compact=True,
                )
            yield Label("Email template ('Subject: …', blank line, body; {first_name} …)")
            yield TextArea(
                self.info.email_template if self.info else "", id="campaign-email", soft_wrap=True
            )
            yield Static(id="campaign-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#campaign-name", Input).focus()

    def _changes(self) -> CampaignChanges:
        typed = {name: self.query_one(f"#campaign-{name}", Input).value for name, _ in TEXT_FIELDS}
        changed = {
            name: value for name, value in typed.items() if value != clean(self.values[name])
        }
        active = self.query_one("#campaign-active", Checkbox).value
        template = self.query_one("#campaign-email", TextArea).text
        old_template = self.info.email_template if self.info else ""
        return CampaignChanges(
            **changed,
            active=None if self.info is not None and active == self.info.active else active,
            email_template=None if template == old_template else template,
            statuses=parse_status_changes(self.query_one("#campaign-status-changes", Input).value),
        )

    def action_save(self) -> None:
        try:
            changes = self._changes()
        except StoreError as error:  # a member status typed wrong
            self._refused(error)
            return
        info, store = self.info, store_of(self)

        def save() -> CampaignInfo:
            if info is None:
                return add_campaign(store.engine, changes=changes, rep_id=store.rep.id)
            return change_campaign(
                store.engine, campaign=info.id, changes=changes, rep_id=store.rep.id
            )

        in_thread(self, save, self.dismiss, group="campaign", on_error=self._refused)

    def _refused(self, error: Exception) -> None:
        self.query_one("#campaign-error", Static).update(str(error))

    def action_cancel(self) -> None:
        self.dismiss(None)
