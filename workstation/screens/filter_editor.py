"""A new saved filter, typed in a form (`f` on the queue screen): the criteria of a queue
of the leads and its name. Every field is an input in tab order; Enter in any field or
Ctrl+S saves, Esc cancels. A refusal (a name taken, no such campaign) is said on the form,
which stays open with everything typed. Saved, it returns the filter: its queue joins the
list with its count."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from workstation.handle import store_of
from workstation.widgets.tick import Tick
from workstation.work import in_thread

# (field of FilterSpec, label, placeholder); text fields, then the numbers.
TEXT_FIELDS = (
    ("name", "Name", "e.g. West coast demos"),
    ("owner", "Whose leads", "mine (default), pool, or a rep's name"),
    ("source", "Source", "e.g. Web"),
    ("offer", "Offer (lead type)", "e.g. Demo Request"),
    ("campaign", "Campaign", "a campaign's name"),
    ("industry", "Industry", "e.g. Retail"),
    ("state", "State", "e.g. CA"),
    ("country", "Country", "e.g. US"),
    ("status", "Status", "e.g. Open"),
)
NUMBER_FIELDS = (
    ("inactive_days", "No activity for", "days (or never any)"),
    ("active_days", "Activity within", "days"),
)
NUMBERS = ("score_min", "score_max", "inactive_days", "active_days")
HINT = "Empty fields filter nothing; text matches whole values, in any case."


class FilterEditor(ModalScreen):
    """Returns the saved filter (`FilterInfo`), or None when cancelled."""

    KEYS_TITLE = "New saved filter"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="filter.save"),
        Binding("escape", "cancel", "Cancel", id="filter.cancel"),
    ]

    def __init__(self, *, manager: bool) -> None:
        super().__init__()
        self.manager = manager

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-box"):
            yield Static("New saved filter: a queue of the leads", id="filter-heading")
            for name, label, placeholder in TEXT_FIELDS:
                with Horizontal(classes="filter-row"):
                    yield Label(label, classes="filter-label")
                    yield Input(placeholder=placeholder, id=f"filter-{name}", compact=True)
            with Horizontal(classes="filter-row"):
                yield Label("Score from", classes="filter-label")
                yield Input(type="integer", id="filter-score_min", compact=True)
                yield Label(" to ", classes="filter-to")
                yield Input(type="integer", id="filter-score_max", compact=True)
            for name, label, placeholder in NUMBER_FIELDS:
                with Horizontal(classes="filter-row"):
                    yield Label(label, classes="filter-label")
                    yield Input(
                        type="integer", placeholder=placeholder, id=f"filter-{name}", compact=True
                    )
            if self.manager:
                yield Tick("Share with the team", id="filter-shared", compact=True)
            yield Static(HINT, id="filter-hint", markup=False)
            yield Static(id="filter-error", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#filter-name", Input).focus()

    def spec(self):
        """The form as a `FilterSpec`: empty fields None."""
        from workstation.store.filters.saved import FilterSpec

        def value(name: str) -> str | None:
            return self.query_one(f"#filter-{name}", Input).value.strip() or None

        def number(name: str) -> int | None:
            typed = value(name)
            return int(typed) if typed not in (None, "-") else None

        texts = {name: value(name) for name, _, _ in TEXT_FIELDS}
        numbers = {name: number(name) for name in NUMBERS}
        shared = self.manager and self.query_one("#filter-shared", Tick).value
        return FilterSpec(
            **{**texts, "name": texts["name"] or "", "owner": texts["owner"] or "mine"},
            **numbers,
            shared=shared,
        )

    @on(Input.Submitted)
    def action_save(self) -> None:
        from workstation.store.filters.saved import add_filter

        spec = self.spec()

        def save():
            store = store_of(self)
            return add_filter(store.engine, rep_id=store.rep.id, spec=spec, now=store.clock())

        in_thread(self, save, self.dismiss, group="filter", on_error=self._refused)

    def _refused(self, error: Exception) -> None:
        self.query_one("#filter-error", Static).update(str(error))

    def action_cancel(self) -> None:
        self.dismiss(None)
