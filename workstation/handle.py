"""The handle that screens and widgets hold on the store: its engine and sessions, the
working rep, the clock and the settings. The app owns one `StoreHandle`; a screen or a
widget reaches it by `store_of(self)`, never through an untyped `self.app.<x>`.

A cold start on a SQLite file paints the first frame from a `Glance` (the queue's first
page, read with the sqlite3 module) and only then, in a thread, imports the rest of the
store and opens the engine: SQLAlchemy and the models are most of a cold start. Until
then `engine` and `open_session` wait for it, so a key pressed early is answered late,
never lost. Importing this module imports no SQLAlchemy, for the same reason.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, cast

from workstation.config import Settings
from workstation.store.clock import utcnow
from workstation.store.errors import StoreError
from workstation.store.rows import RepInfo

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session
    from textual.message_pump import MessagePump

    from workstation.store.calling.glance import Glance


def _nothing(*_args: object) -> None:
    pass


class StoreHandle:
    """The store as the screens see it. Without an `engine`, it is loaded in a thread
    (`start_loading`) once the first frame, drawn from `glance`, is on screen."""

    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine | None,
        rep: RepInfo | None,
        clock: Callable[[], datetime] = utcnow,
        glance: Glance | None = None,
        loaded: Callable[[], None] = _nothing,
        failed: Callable[[Exception], None] = _nothing,
    ) -> None:
        """`loaded` and `failed` are called in the loading thread: after the engine is
        there, or with why it could not be opened."""
        self.settings = settings
        self.clock = clock  # injectable, so tests and snapshots see a fixed "now"
        self.working_rep = rep  # None only while the empty-database screen shows
        self.glance = glance  # taken by the queue screen that shows it
        self._loaded, self._failed = loaded, failed
        self._engine = engine
        self._sessions: Callable[[], Session] | None = None
        self._ready = threading.Event()
        self._error: Exception | None = None
        self._loading = threading.Lock()
        self._loader: threading.Thread | None = None
        if engine is not None:
            self._use(engine)

    @property
    def rep(self) -> RepInfo:
        """The working rep: every screen but the empty-database one has one."""
        assert self.working_rep is not None, "no rep is working yet"
        return self.working_rep

    @property
    def engine(self) -> Engine:
        """The store's engine; waits for it while it is loaded after a glance start."""
        if not self._ready.is_set():
            self.start_loading()
            self._ready.wait()
        if self._engine is None:
            raise StoreError(f"cannot open the database: {self._error}")
        return self._engine

    def open_session(self) -> Session:
        self.engine  # noqa: B018  (waits for the store, or raises why it failed)
        assert self._sessions is not None
        return self._sessions()

    def start_loading(self) -> None:
        """Load the store in a thread, once: after the first frame, or as soon as anything
        needs it (nothing may wait for a thread that is not running)."""
        with self._loading:
            if self._loader is None and not self._ready.is_set():
                self._loader = threading.Thread(target=self._load, name="load-store")
                self._loader.daemon = True
                self._loader.start()

    def _load(self) -> None:
        try:
            from workstation.store.schema import open_engine

            self._use(open_engine(self.settings.database_url, create=True))
        except Exception as error:  # the app cannot go on without its database
            self._error = error
            self._ready.set()
            self._failed(error)
            return
        self._loaded()

    def _use(self, engine: Engine) -> None:
        from workstation.store.db import session_factory

        self._sessions = session_factory(engine)
        self._engine = engine
        self._ready.set()


class _HoldsStore(Protocol):
    store: StoreHandle


def store_of(node: MessagePump) -> StoreHandle:
    """The app's store handle, for any of its screens and widgets."""
    return cast(_HoldsStore, node.app).store
