"""The saved filters on the queue screen: read into its list of queues (after the built-in
ones, each with its count), a new one saved from the filter editor (`f`) and shown at once,
the one on screen archived (`A`). Store work in thread workers, as everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workstation.handle import store_of
from workstation.store.rows import QUEUE_INFO
from workstation.widgets.queue_list import QueueBar, QueueList
from workstation.work import in_thread

if TYPE_CHECKING:
    from workstation.screens.queue import QueueScreen
    from workstation.store.filters.saved import FilterInfo


class SavedQueues:
    """Keeps `screen.queues` (the built-in queues, then the rep's saved filters) current."""

    def __init__(self, screen: QueueScreen) -> None:
        self.screen = screen

    def load(self, *, then_show: str | None = None) -> None:
        """Read the filters anew; then show the queue `then_show`, if given."""
        in_thread(
            self.screen, self._read, lambda found: self._show(found, then_show), group="filters"
        )

    def _read(self) -> list[FilterInfo]:
        from workstation.store.filters.saved import saved_filters

        store = store_of(self.screen)
        with store.open_session() as session:
            return saved_filters(session, rep_id=store.rep.id)

    def _show(self, found: list[FilterInfo], then_show: str | None) -> None:
        screen = self.screen
        screen.queues = {**QUEUE_INFO, **{info.key: info for info in found}}
        for queues in screen.query(QueueList):
            queues.show_queues(screen.queues)
        for bar in screen.query(QueueBar):
            bar.show_queues(screen.queues)
        if then_show in screen.queues:
            screen.action_show_queue(then_show)
        elif screen.queue_key not in screen.queues:  # archived: back to the rep's own
            screen.action_show_queue("my-leads")
        else:
            screen.load_counts()

    def open_editor(self) -> None:
        from workstation.screens.filter_editor import FilterEditor

        def saved(info: FilterInfo | None) -> None:
            if info is not None:
                self.screen.notify(f"Saved {info.title}: {info.description}", markup=False)
                self.load(then_show=info.key)

        manager = store_of(self.screen).rep.is_manager
        self.screen.app.push_screen(FilterEditor(manager=manager), saved)

    def archive_shown(self) -> None:
        """Archive the saved filter on screen, once the rep says so."""
        from workstation.screens.confirm import ConfirmDialog

        screen = self.screen
        info = screen.queues[screen.queue_key]
        if info.key in QUEUE_INFO:
            screen.notify("Only a saved filter is archived: open one first.", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                in_thread(screen, lambda: self._archive(info.key), self._archived, group="filters")

        question = f"Archive the saved filter {info.title}? It leaves the list; nothing is lost."
        screen.app.push_screen(ConfirmDialog(question), answered)

    def _archive(self, key: str) -> FilterInfo:
        from workstation.store.filters.saved import archive_filter

        store = store_of(self.screen)
        return archive_filter(store.engine, rep_id=store.rep.id, key=key, now=store.clock())

    def _archived(self, info: FilterInfo) -> None:
        self.screen.notify(f"Archived {info.title}.", markup=False)
        self.load(then_show="my-leads")
