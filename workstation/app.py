"""The Textual app, built from injected settings and an engine by `make_app`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from workstation.config import Settings
from workstation.store.db import session_factory
from workstation.store.models import utcnow
from workstation.store.reps import RepInfo, working_rep


class WorkstationApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "Telesales Workstation"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", show=False),
        Binding("ctrl+p", "command_palette", "Commands", id="app.commands", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        rep: RepInfo | None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock  # injectable, so tests and snapshots see a fixed "now"
        self.engine = engine
        self.open_session = session_factory(engine)
        self.rep: RepInfo = rep  # type: ignore[assignment]  (None only on the empty screen)

    def on_mount(self) -> None:
        if self.rep is None:
            from workstation.screens.empty import EmptyDatabaseScreen

            self.push_screen(EmptyDatabaseScreen())
        else:
            self.open_queue()

    def open_queue(self) -> None:
        """Show the working rep's queue (after demo data, resolve the rep first)."""
        from workstation.screens.queue import QueueScreen

        if self.rep is None:
            with self.open_session() as session:
                self.rep = working_rep(session, self.settings.rep_name)  # type: ignore[assignment]
        if len(self.screen_stack) > 1:  # replacing the empty-database screen
            self.switch_screen(QueueScreen())
        else:
            self.push_screen(QueueScreen())

    def action_open_untouched(self) -> None:
        from workstation.screens.untouched import UntouchedScreen

        self.push_screen(UntouchedScreen())

    def action_open_funnel(self) -> None:
        from workstation.screens.funnel import FunnelScreen

        self.push_screen(FunnelScreen())

    def action_open_scripts(self) -> None:
        from workstation.screens.scripts import ScriptsScreen
        from workstation.widgets.script_panel import ScriptPanel

        def reload_scripts(_) -> None:  # an edited script shows on the record being worked
            for panel in self.screen.query(ScriptPanel):
                panel.reload()

        self.push_screen(ScriptsScreen(), reload_scripts)

    def action_open_import(self) -> None:
        from workstation.screens.import_file import show_import_screen

        show_import_screen(self)  # the same screen each time: a running import stays in view

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key binding of the screen is also a palette command."""
        yield from super().get_system_commands(screen)
        seen = set()
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.description and binding.action not in seen:
                seen.add(binding.action)
                action = binding.action
                yield SystemCommand(
                    binding.description,
                    f"key: {binding.key}",
                    lambda action=action: screen.run_action(action),
                )
        show_queue = getattr(screen, "action_show_queue", None)
        if show_queue is not None:
            from workstation.store.queues import QUEUES

            for key, queue in QUEUES.items():
                yield SystemCommand(
                    f"Queue: {queue.title}", queue.description, lambda key=key: show_queue(key)
                )


def make_app(
    settings: Settings, engine: Engine, clock: Callable[[], datetime] = utcnow
) -> WorkstationApp:
    """The app over a migrated database, for the rep the settings name."""
    with Session(engine) as session:
        rep = working_rep(session, settings.rep_name)
    return WorkstationApp(settings, engine, rep, clock)
