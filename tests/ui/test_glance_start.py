"""A cold start the way `workstation` makes one: the first frame from a glance (sqlite3
only), the store loaded behind it; keys pressed meanwhile are answered, not lost."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session
from textual.widgets import Static

from tests.factories import NOW, make_rep
from tests.ui.conftest import fill_small_queue, settle, until
from workstation.app import start_app
from workstation.config import Settings
from workstation.screens.queue import QueueScreen
from workstation.store import schema
from workstation.store.rows import QUEUE_INFO
from workstation.widgets.queue_list import QueueList
from workstation.widgets.queue_table import QueueTable
from workstation.widgets.record_card import RecordCard


@pytest.fixture
def glance_app(sqlite_engine, sqlite_url):
    fill_small_queue(sqlite_engine)
    sqlite_engine.dispose()
    return lambda rep=None: start_app(Settings(database_url=sqlite_url, rep_name=rep), lambda: NOW)


async def test_the_first_frame_comes_before_the_store(glance_app):
    app = glance_app()
    assert app.store.glance is not None and app.store._engine is None
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, QueueScreen) and app.store.glance is None
        table = screen.query_one(QueueTable)
        assert table.row_count == 100
        assert table.cells(0)[0].plain == "[bold]Eve[/bold] [@click=app.quit]x[/]"
        # Then the store: the card of the first row, the dispositions, the counts.
        await until(pilot, lambda: screen.card is not None and screen.dispositions, "the store")
        assert screen.card.id == table.row(0).id
        await until(
            pilot,
            lambda: str(screen.query_one(QueueList).options[0].prompt)[-3:] == "105",
            "the counts",
        )
        # The glance's cursor reads the store's second page.
        await pilot.press("right_square_bracket")
        await settle(pilot)  # its card's script loads before the app ends
        assert table.row_count == 5


async def test_a_key_pressed_while_the_store_loads_is_answered(glance_app, monkeypatch):
    opened, pressed = schema.open_engine, threading.Event()

    def open_once_pressed(url, **options):
        pressed.wait(20)  # the store loads only once the key is in, however slow the machine
        return opened(url, **options)

    monkeypatch.setattr(schema, "open_engine", open_once_pressed)
    app = glance_app("Riley Rep")
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(QueueTable)
        assert table.row_count == 26 and app.screen.queue_key == "my-leads"
        down = table.action_cursor_down

        def down_then_load() -> None:
            down()
            pressed.set()

        table.action_cursor_down = down_then_load
        await pilot.press("down")  # waits for the store, then shows that lead's card
        # Not any card: the first row's may come first, from the store's own start.
        await until(
            pilot,
            lambda: app.screen.card is not None and app.screen.card.id == table.row(1).id,
            "the card of the row the key moved to",
        )
        await settle(pilot)
        assert pressed.is_set() and table.cursor_row == 1


async def test_the_card_says_it_is_loading_until_the_store_is_there(glance_app, monkeypatch):
    opened, release = schema.open_engine, threading.Event()

    def held_open(url, **options):
        release.wait(20)
        return opened(url, **options)

    monkeypatch.setattr(schema, "open_engine", held_open)
    app = glance_app()
    async with app.run_test(size=(120, 40)) as pilot:
        card = app.screen.query_one(RecordCard)
        script = app.screen.query_one("#script-context", Static)
        try:
            assert str(card.render()) == str(script.render()) == "Opening the database…"
            await pilot.resize_terminal(80, 24)  # a resize keeps saying so
            assert str(card.render()) == "Opening the database…"
        finally:
            release.set()
        await until(pilot, lambda: app.screen.card is not None, "the store")
        await pilot.pause()
        assert "Opening" not in str(card.render())
        assert "Opening" not in str(script.render())
        assert card.border_title == f"Lead {app.screen.card.id}"


async def test_nothing_to_show_says_so_once_the_store_is_there(sqlite_engine, sqlite_url):
    with Session(sqlite_engine) as session:
        make_rep(session, "Nina New")  # no leads anywhere: her queue and the pool are empty
        session.commit()
    sqlite_engine.dispose()
    app = start_app(Settings(database_url=sqlite_url, rep_name="Nina New"), lambda: NOW)
    assert app.store.glance is not None
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        card = screen.query_one(RecordCard)
        script = screen.query_one("#script-context", Static)
        await until(pilot, lambda: bool(screen.dispositions), "the store")
        await pilot.pause()
        assert screen.card is None and screen.query_one(QueueTable).row_count == 0
        assert str(card.render()).startswith("No record selected")
        assert str(script.render()).startswith("No record")


async def test_a_store_that_fails_to_load_ends_the_app_with_why(glance_app, monkeypatch):
    def broken(url, **options):
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(schema, "open_engine", broken)
    app = glance_app()
    exits, exit_app = [], app.exit
    app.exit = lambda *args: (exits.append(args), exit_app(*args))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: not app.is_running, "the app to end")
    assert app.return_code == 1
    assert exits == [(None, 1, "workstation: cannot open the database: disk I/O error")]


async def test_a_rep_holding_nothing_starts_on_the_pool(sqlite_engine, sqlite_url):
    fill_small_queue(sqlite_engine)
    with Session(sqlite_engine) as session:
        make_rep(session, "Nina New")
        session.commit()
    sqlite_engine.dispose()
    app = start_app(Settings(database_url=sqlite_url, rep_name="Nina New"), lambda: NOW)
    assert app.store.glance is not None and app.store.glance.queue_key == "pool"
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: screen.card is not None, "the store")
        await settle(pilot)  # the card's script loads before the app ends
        assert screen.queue_key == "pool"
        assert screen.query_one(QueueList).highlighted == list(QUEUE_INFO).index("pool")
        assert screen.query_one(QueueTable).row_count == 5
        assert screen.card.name.startswith("Pool")
