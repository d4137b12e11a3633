"""The Textual app, built from injected settings and an engine by `make_app`, or by
`start_app` the way the `workstation` command starts it.

The app owns the `StoreHandle` (`workstation.handle`) its screens reach the store by. A cold
start on a SQLite file paints the first frame from a `Glance` and lets the handle load the
store after it; the app then imports the modules the first keys need, or, should the
database not open, ends saying why.

The settings give the theme and the keymap (binding id → keys); a theme picked from the
command palette ("Theme") is written back to the settings file.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from workstation.config import Settings
from workstation.handle import StoreHandle
from workstation.keys_in_order import KeysInOrder
from workstation.screens.search_commands import RecordSearch
from workstation.store.clock import utcnow
from workstation.store.rows import PAGE_SIZE, RepInfo

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from textual.notifications import Notify
    from textual.theme import Theme

    from workstation.store.calling.glance import Glance


class WorkstationApp(KeysInOrder):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "Telesales Workstation"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", show=False),
        Binding("ctrl+p", "command_palette", "Commands", id="app.commands", show=False),
        Binding("question_mark", "show_keys", "Keys", id="app.keys", show=False),
        Binding("slash", "search", "Search records", id="app.search", show=False),
    ]
    COMMANDS = KeysInOrder.COMMANDS | {RecordSearch}

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
        self.store = StoreHandle(
            settings,
            engine=engine,
            rep=rep,
            clock=clock,
            glance=glance,
            loaded=self._import_for_first_keys,
            failed=self._cannot_open_store,
        )
        self.theme = self._saved_theme = settings.theme
        if settings.keymap:
            self.set_keymap(dict(settings.keymap))

    def _on_notify(self, event: Notify) -> None:
        """A new message replaces the ones shown (an error gives way to errors only), so
        toasts never pile up over the screen: a rep logging calls fast saw a column of
        them. (Textual keeps no public list of the messages shown.)"""
        severity = event.notification.severity
        for shown in list(self._notifications):
            if shown.severity != "error" or severity == "error":
                self._unnotify(shown, refresh=False)
        super()._on_notify(event)

    async def on_event(self, event: events.Event) -> None:
        """A paste goes to the focused widget cleaned as an import cleans a cell: an input
        shows what it holds as it is, so an escape pasted there would reach the terminal."""
        if isinstance(event, events.Paste) and not event.is_forwarded:
            from workstation.store.values.cleansing import without_controls

            safe = without_controls(event.text)
            if safe != event.text:
                event = events.Paste(safe)
        await super().on_event(event)

    def on_ready(self) -> None:
        if not gc.isenabled():  # paused for the start (`open_tui`)
            # What the start made lives all day: later collections need not walk it.
            gc.freeze()
            gc.enable()
        self.store.start_loading()

    def _import_for_first_keys(self) -> None:
        """In the loading thread, once the store is there: the modules the first keys
        need, so they do not import them while the rep waits."""
        import workstation.screens.callback
        import workstation.store.calling.card
        import workstation.store.calling.dispositions
        import workstation.store.calling.next_lead
        import workstation.store.scripts.rules
        import workstation.widgets.script_render  # noqa: F401

    def _cannot_open_store(self, error: Exception) -> None:
        """In the loading thread: the app cannot go on without its database."""
        from workstation.errors import scrub

        message = f"workstation: cannot open the database: {scrub(str(error))}"
        self.call_from_thread(self.exit, None, 1, message)

    def get_default_screen(self) -> Screen:
        """The rep's queue is the first screen itself, with no blank screen composed under
        it. On an empty database the demo-data offer goes over a blank one (`on_mount`),
        and the queue replaces it once there is data."""
        if self.store.working_rep is None:
            return super().get_default_screen()
        from workstation.screens.queue import QueueScreen

        return QueueScreen()

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.store.settings.keymap:
            self._check_keymap()
        if self.store.working_rep is None:
            from workstation.screens.empty import EmptyDatabaseScreen
            from workstation.store.team.roster import records_held

            with self.store.open_session() as session:
                self.push_screen(EmptyDatabaseScreen(records_held(session)))

    def _remember_theme(self, theme: Theme) -> None:
        """A theme picked in the palette is written to the settings file, to stay."""
        path = self.store.settings.path
        if path is None or theme.name == self._saved_theme:
            return
        self._saved_theme = theme.name
        from workstation.settings_file import save_theme
        from workstation.work import in_thread

        def saved(_: None) -> None:
            self.notify(f"Theme {theme.name} saved in {path}.", markup=False)

        in_thread(self.screen, lambda: save_theme(path, theme.name), saved, group="theme")

    def _check_keymap(self) -> None:
        """A keymap id that is no binding's is said once (a typo would otherwise do nothing)."""
        from workstation.bindings import unknown_ids

        unknown = unknown_ids(dict(self.store.settings.keymap))
        if unknown:
            self.notify(
                f"Settings file {self.store.settings.path}: keys: no binding has the id "
                f"{', '.join(unknown)} (`workstation config --keys` lists them)",
                severity="warning",
                markup=False,
            )

    def open_queue(self) -> None:
        """Show the working rep's queue in place of the empty-database screen (after demo
        data, resolve the rep first)."""
        from workstation.screens.queue import QueueScreen

        if self.store.working_rep is None:
            from workstation.store.reps import working_rep

            with self.store.open_session() as session:
                self.store.working_rep = working_rep(session, self.store.settings.rep_name)
        self.switch_screen(QueueScreen())

    def action_show_keys(self) -> None:
        """Every key of the screen in view, on a screen of its own."""
        from workstation.screens.keys import KeysScreen

        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.screen))

    def action_search(self) -> None:
        """The search screen, over whatever screen is showing."""
        from workstation.screens.search import SearchScreen

        if self.store.working_rep is not None and not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen())

    def action_open_untouched(self) -> None:
        from workstation.screens.untouched import UntouchedScreen

        if self._managers_only("The untouched-leads report"):
            self.push_screen(UntouchedScreen())

    def action_open_funnel(self) -> None:
        from workstation.screens.funnel import FunnelScreen

        if self._managers_only("The funnel"):
            self.push_screen(FunnelScreen())

    def _managers_only(self, what: str) -> bool:
        """A manager's screen opens for a manager; a rep is told so in one line, instead of
        an empty screen whose keys do nothing (the store refuses a rep all the same)."""
        rep = self.store.working_rep
        if rep is not None and rep.is_manager:
            return True
        self.notify(f"{what} is for managers.", severity="warning", markup=False)
        return False

    def action_open_campaigns(self) -> None:
        from workstation.screens.campaigns import CampaignsScreen

        if self._managers_only("Campaigns"):
            self.push_screen(CampaignsScreen())

    def action_open_names(self) -> None:
        from workstation.screens.names import NamesScreen

        if self._managers_only("The Names screen"):
            self.push_screen(NamesScreen())

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
        """Every key binding of the screen is also a palette command, with its keys in
        effect (the keymap's, where it remaps them)."""
        yield from super().get_system_commands(screen)
        in_effect: dict[str, list[str]] = {}
        for active in screen.active_bindings.values():
            if active.node is screen and active.binding.id:
                keys = in_effect.setdefault(active.binding.id, [])
                keys.append(self.get_key_display(active.binding))
        seen = set()
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.description and binding.action not in seen:
                seen.add(binding.action)
                action = binding.action
                keys = in_effect.get(binding.id or "") or [binding.key]
                yield SystemCommand(
                    binding.description,
                    f"key: {', '.join(keys)}",
                    lambda action=action: screen.run_action(action),
                )
        show_queue = getattr(screen, "action_show_queue", None)
        if show_queue is not None:
            from textual.markup import escape

            # The palette reads its titles and help as markup: a saved filter's name and
            # criteria are the rep's own words, escaped so that they show as typed.
            for key, queue in getattr(screen, "queues", {}).items():
                yield SystemCommand(
                    escape(f"Queue: {queue.title}"),
                    escape(queue.description),
                    lambda key=key: show_queue(key),
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
    from workstation.store.schema import open_engine

    engine = open_engine(settings.database_url, create=True)  # the first run makes it
    return make_app(settings, engine, clock, app_class=app_class)
