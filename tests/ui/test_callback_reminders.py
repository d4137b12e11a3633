"""A callback that falls due while the app is open is announced, a toast and the queue's
count, with no key pressed: the store's clock (injected here, and moved on) decides."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import NOW
from tests.ui.conftest import fill_small_queue, settle, until
from workstation.app import make_app
from workstation.config import Settings
from workstation.widgets.queue_list import QueueList


async def test_a_callback_falling_due_is_announced_without_a_key(sqlite_engine, sqlite_url):
    fill_small_queue(sqlite_engine)  # Riley's callbacks: 13 of them, due at NOW + 2 h
    now = [NOW]
    app = make_app(
        Settings(database_url=sqlite_url, rep_name="Riley Rep"),
        sqlite_engine,
        clock=lambda: now[0],
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        queues = screen.query_one(QueueList)
        await until(pilot, lambda: queues._counts.get("callbacks") == 0, "the counts")
        await until(pilot, lambda: screen.reminders.next_due is not None, "the next callback")
        assert screen.reminders.next_due == NOW + timedelta(hours=2)
        now[0] = NOW + timedelta(hours=1, minutes=59)
        screen.reminders.tick()  # as the timer does each second: not due yet
        await settle(pilot)
        assert not list(app._notifications)
        now[0] = NOW + timedelta(hours=2)
        await until(pilot, lambda: queues._counts.get("callbacks") == 13, "the count")
        toasts = [n.message for n in app._notifications]
        assert toasts == ["Callback due now: Pat000 Lee · Firm 000 Ltd and 12 more"]
        app.clear_notifications()
        now[0] = NOW + timedelta(hours=3)
        screen.reminders.tick()
        await settle(pilot)
        assert not list(app._notifications)  # each announced once
