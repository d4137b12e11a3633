"""Shown when the database holds nobody yet: offer demo data rather than an empty table, or,
when it holds records but no reps (filled by an import), take its first manager."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, ProgressBar, Static

from workstation.handle import store_of
from workstation.work import in_thread, show_store_error, ui_callback

DEMO_LEADS = 3000

INTRO = (
    "This database is empty: no reps, no leads.\n\n"
    f"Load demo data to look around: {DEMO_LEADS:,} leads in every status, 6 reps "
    "(the first one a manager), campaigns with call scripts, accounts, contacts, "
    "opportunities and a few weeks of call history.\n\n"
    "To bring your own list instead, quit and run `workstation import FILE.csv`."
)
NO_REPS = (
    "This database holds {records} but no reps yet.\n\n"
    "Add yourself as its first manager to work them: type your name and press Enter. "
    "You can then add the reps with `workstation reps add NAME` and hand out the pool "
    "with `workstation assign`."
)


class EmptyDatabaseScreen(Screen):
    BINDINGS = [
        Binding("d", "load_demo", "Load demo data", id="empty.load_demo"),
        Binding("q", "app.quit", "Quit", id="empty.quit"),
        # While the name box has the keys, q is a letter of a name: Esc leaves instead.
        Binding("escape", "app.quit", "Quit", id="empty.escape"),
    ]

    def __init__(self, records: str | None = None) -> None:
        """`records`: what the database holds already, in words ("60 leads"), if anything."""
        super().__init__()
        self.records = records

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="empty-box"):
            yield Static(Text("Welcome to Telesales Workstation", style="bold"), id="empty-title")
            if self.records:
                yield Static(Text(NO_REPS.format(records=self.records)), id="empty-intro")
                yield Input(placeholder="Your name", id="first-manager", max_length=120)
            else:
                yield Static(Text(INTRO), id="empty-intro")
            with Horizontal(id="empty-buttons"):
                if not self.records:
                    yield Button("Load demo data", variant="primary", id="load-demo")
                yield Button("Quit", id="quit")
            yield ProgressBar(id="demo-progress", show_eta=False)
            yield Static(id="demo-stage", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#demo-progress").display = False
        self.query_one("#first-manager" if self.records else "#load-demo").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "load_demo" and self.records)

    @on(Button.Pressed, "#load-demo")
    def action_load_demo(self) -> None:
        self.query_one("#empty-buttons").display = False
        self.query_one("#demo-progress").display = True
        self.load_demo()

    @on(Input.Submitted, "#first-manager")
    def _add_first_manager(self, event: Input.Submitted) -> None:
        from workstation.store.errors import StoreError
        from workstation.store.team.roster import add_rep

        store = store_of(self)
        try:
            rep = add_rep(
                store.engine, event.value, role="manager", acting_rep_id=None, at=store.clock()
            )
        except StoreError as error:
            show_store_error(self, error)
            return
        store.working_rep = rep
        self.app.open_queue()  # type: ignore[attr-defined]

    @on(Button.Pressed, "#quit")
    def _quit(self) -> None:
        self.app.exit()

    def _progress(self, stage: str, done: int, total: int) -> None:
        bar = self.query_one("#demo-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        self.query_one("#demo-stage", Static).update(stage)

    def load_demo(self) -> None:
        progress = ui_callback(self, self._progress)

        def load() -> None:
            from workstation.store.demo.generate import generate_demo

            store = store_of(self)
            generate_demo(store.engine, leads=DEMO_LEADS, now=store.clock(), progress=progress)

        in_thread(self, load, self._loaded, group="demo", on_error=self._failed)

    def _loaded(self, _: None) -> None:
        self.app.open_queue()  # type: ignore[attr-defined]

    def _failed(self, error: Exception) -> None:
        """The demo load was refused: say why, and offer the buttons again."""
        show_store_error(self, error)
        self.query_one("#demo-progress").display = False
        self.query_one("#demo-stage", Static).update("")
        self.query_one("#empty-buttons").display = True
