"""Callbacks announced as they fall due, while the queue screen is open: a toast naming
them, and the queue counts read again (Call-backs Due grows), with no key pressed.

The time of the rep's next callback is read once (and again after a call is logged, and
with every refresh); each second the screen's timer compares it with the store's clock,
the injected one, in memory. Only once that time has passed does a worker read which
callbacks fell due since the last look, and when the next one falls due.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from workstation.handle import store_of
from workstation.work import in_thread, show_store_error

if TYPE_CHECKING:
    from workstation.screens.queue import QueueScreen
    from workstation.store.calling.callbacks_due import DueCallback

TOAST_SECONDS = 15


class CallbackReminders:
    def __init__(self, screen: QueueScreen) -> None:
        self.screen = screen
        self.next_due: datetime | None = None
        self.looked_until: datetime | None = None  # callbacks due by then are announced
        self.announcing = False  # a worker is reading what fell due: one at a time

    def start(self) -> None:
        self.looked_until = store_of(self.screen).clock()  # those due already are listed
        self.look_ahead()

    def look_ahead(self) -> None:
        """Read when the next callback falls due (one set or moved meanwhile, say)."""
        after = self.looked_until
        if after is None:
            return

        def read() -> datetime | None:
            from workstation.store.calling.callbacks_due import next_callback_at

            store = store_of(self.screen)
            with store.open_session() as session:
                return next_callback_at(session, rep_id=store.rep.id, after=after)

        in_thread(self.screen, read, self._next_is, group="reminders-ahead")

    def _next_is(self, when: datetime | None) -> None:
        if not self.announcing:  # else the announcement says what comes next
            self.next_due = when

    def tick(self) -> None:
        """Each second: has the next callback fallen due by the store's clock?"""
        now = store_of(self.screen).clock()
        due, since = self.next_due, self.looked_until
        if self.announcing or due is None or since is None or now < due:
            return
        self.announcing = True

        def read() -> tuple[list[DueCallback], datetime | None]:
            from workstation.store.calling.callbacks_due import (
                callbacks_came_due,
                next_callback_at,
            )

            store = store_of(self.screen)
            with store.open_session() as session:
                due = callbacks_came_due(session, rep_id=store.rep.id, since=since, until=now)
                return due, next_callback_at(session, rep_id=store.rep.id, after=now)

        def failed(error: Exception) -> None:
            self.announcing = False  # said once (`show_store_error`); tried again next second
            show_store_error(self.screen, error)

        in_thread(
            self.screen, read, lambda found: self._announce(now, *found), group="reminders-due",
            on_error=failed,
        )  # fmt: skip

    def _announce(self, now: datetime, due: list[DueCallback], next_due: datetime | None) -> None:
        self.looked_until, self.next_due, self.announcing = now, next_due, False
        if due:  # one toast (the app shows one at a time), the first by name
            first = due[0]
            who = f"{first.name} · {first.company}" if first.company else first.name
            more = f" and {len(due) - 1} more" if len(due) > 1 else ""
            self.screen.notify(
                f"Callback due now: {who}{more}", title="Call-backs Due", markup=False,
                timeout=TOAST_SECONDS,
            )  # fmt: skip
        if due:
            self.screen.load_counts()
