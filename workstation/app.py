"""The Textual app, built from injected settings and an engine by `make_app`, or by
`start_app` the way the `workstation` command starts it.

A cold start on a SQLite file paints the first frame from a `Glance` (the queue's first
page, read with the sqlite3 module) and only then, in a thread, imports the rest of the
store and opens the engine: SQLAlchemy and the models are most of a cold start. Until
then `engine` and `open_session` wait for it, so a key pressed early is answered late,
never lost.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from workstation.config import Settings
from workstation.store.clock import utcnow
from workstation.store.errors import StoreError
from workstation.store.rows import PAGE_SIZE, RepInfo

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from workstation.store.calling.glance import Glance


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
        engine: Engine | None,
        rep: RepInfo | None,
        clock: Callable[[], datetime] = utcnow,
        *,
        glance: Glance | None = None,
    ) -> None:
        """Without an `engine`, the store is loaded after the first frame (`glance` is
        what that frame shows)."""
        super().__init__()
        self.settings = settings
        self.clock = clock  # injectable, so tests and snapshots see a fixed "now"
        self.rep: RepInfo = rep  # type: ignore[assignment]  (None only on the empty screen)
        self.glance = glance  # taken by the queue screen that shows it
        self._engine = engine
        self._sessions: Callable[[], Session] | None = None
        self._store_ready = threading.Event()
        self._store_error: Exception | None = None
        self._loading = threading.Lock()
        self._loader: threading.Thread | None = None
        if engine is not None:
            self._use(engine)

    def _use(self, engine: Engine) -> None:
        from workstation.store.db import session_factory

        self._sessions = session_factory(engine)
        self._engine = engine
        self._store_ready.set()

    @property
    def engine(self) -> Engine:
        """The store's engine; waits for it while it is loaded after a glance start."""
        if not self._store_ready.is_set():
            self._start_loading()
            self._store_ready.wait()
        if self._engine is None:
            raise StoreError(f"cannot open the database: {self._store_error}")
        return self._engine

    def open_session(self) -> Session:
        self.engine  # noqa: B018  (waits for the store, or raises why it failed)
        assert self._sessions is not None
        return self._sessions()

    def on_ready(self) -> None:
        if not gc.isenabled():  # paused for the start (`open_tui`)
            # What the start made lives all day: later collections need not walk it.
            gc.freeze()
            gc.enable()
        self._start_loading()

    def _start_loading(self) -> None:
        """Load the store in a thread, once: after the first frame, or as soon as anything
        needs it (nothing may wait for a thread that is not running)."""
        with self._loading:
            if self._loader is None and not self._store_ready.is_set():
                self._loader = threading.Thread(target=self._load_store, name="load-store")
                self._loader.daemon = True
                self._loader.start()

    def _load_store(self) -> None:
        """In a thread, after the first frame: the engine, then the modules the first keys
        need, so they do not import them while the rep waits."""
        try:
            from workstation.subcommands import open_engine

            self._use(open_engine(self.settings))
        except Exception as error:  # the app cannot go on without its database
            self._store_error = error
            self._store_ready.set()
            from workstation.errors import scrub

            message = f"workstation: cannot open the database: {scrub(str(error))}"
            self.call_from_thread(self.exit, None, 1, message)
            return
        import workstation.screens.callback
        import workstation.store.calling.card
        import workstation.store.calling.dispositions
        import workstation.store.calling.next_lead
        import workstation.store.scripts.rules
        import workstation.widgets.script_render  # noqa: F401

    def get_default_screen(self) -> Screen:
        """The rep's queue is the first screen itself, with no blank screen composed under
        it. On an empty database the demo-data offer goes over a blank one (`on_mount`),
        and the queue replaces it once there is data."""
        if self.rep is None:
            return super().get_default_screen()
        from workstation.screens.queue import QueueScreen

        return QueueScreen()

    def on_mount(self) -> None:
        if self.rep is None:
            from workstation.screens.empty import EmptyDatabaseScreen
            from workstation.store.team.roster import records_held

            with self.open_session() as session:
                self.push_screen(EmptyDatabaseScreen(records_held(session)))

    def open_queue(self) -> None:
        """Show the working rep's queue in place of the empty-database screen (after demo
        data, resolve the rep first)."""
        from workstation.screens.queue import QueueScreen

        if self.rep is None:
            from workstation.store.reps import working_rep

            with self.open_session() as session:
                self.rep = working_rep(session, self.settings.rep_name)  # type: ignore[assignment]
        self.switch_screen(QueueScreen())

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
            from workstation.store.rows import QUEUE_INFO

            for key, queue in QUEUE_INFO.items():
                yield SystemCommand(
                    f"Queue: {queue.title}", queue.description, lambda key=key: show_queue(key)
                )


def make_app(
    settings: Settings,
    engine: Engine,
    clock: Callable[[], datetime] = utcnow,
    *,
    app_class: type[WorkstationApp] = WorkstationApp,
) -> WorkstationApp:
    """The app over a migrated database, for the rep the settings name."""
    from sqlmodel import Session

    from workstation.store.reps import working_rep

    with Session(engine) as session:
        rep = working_rep(session, settings.rep_name)
    return app_class(settings, engine, rep, clock)


def start_app(
    settings: Settings,
    clock: Callable[[], datetime] = utcnow,
    *,
    app_class: type[WorkstationApp] = WorkstationApp,
) -> WorkstationApp:
    """The app as `workstation` starts it: from a glance when the database allows one,
    else over an engine opened (and the schema brought up to date) first."""
    from workstation.store.calling.glance import glance

    look = glance(settings.database_url, settings.rep_name, limit=PAGE_SIZE)
    if look is not None:
        return app_class(settings, None, look.rep, clock, glance=look)
    from workstation.subcommands import open_engine

    return make_app(settings, open_engine(settings), clock, app_class=app_class)
