"""Shown when the database holds nobody yet: offer demo data rather than an empty table."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, ProgressBar, Static

DEMO_LEADS = 3000

INTRO = (
    "This database is empty: no reps, no leads.\n\n"
    f"Load demo data to look around: {DEMO_LEADS:,} leads in every status, 6 reps "
    "(the first one a manager), campaigns with call scripts, accounts, contacts, "
    "opportunities and a few weeks of call history.\n\n"
    "To bring your own list instead, quit and run `workstation import FILE.csv`."
)


class EmptyDatabaseScreen(Screen):
    BINDINGS = [
        Binding("d", "load_demo", "Load demo data", id="empty.load_demo"),
        Binding("q", "app.quit", "Quit", id="empty.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="empty-box"):
            yield Static(Text("Welcome to Telesales Workstation", style="bold"), id="empty-title")
            yield Static(Text(INTRO), id="empty-intro")
            with Horizontal(id="empty-buttons"):
                yield Button("Load demo data", variant="primary", id="load-demo")
                yield Button("Quit", id="quit")
            yield ProgressBar(id="demo-progress", show_eta=False)
            yield Static(id="demo-stage", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#demo-progress").display = False
        self.query_one("#load-demo", Button).focus()

    @on(Button.Pressed, "#load-demo")
    def action_load_demo(self) -> None:
        self.query_one("#empty-buttons").display = False
        self.query_one("#demo-progress").display = True
        self.load_demo()

    @on(Button.Pressed, "#quit")
    def _quit(self) -> None:
        self.app.exit()

    def _progress(self, stage: str, done: int, total: int) -> None:
        bar = self.query_one("#demo-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        self.query_one("#demo-stage", Static).update(stage)

    @work(thread=True, exclusive=True)
    def load_demo(self) -> None:
        from workstation.store.demo import DemoError, generate_demo

        def progress(stage: str, done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, stage, done, total)

        try:
            generate_demo(self.app.engine, leads=DEMO_LEADS, progress=progress)
        except DemoError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self.app.open_queue)
