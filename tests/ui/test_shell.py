"""The app shell, driven with Pilot: it opens on the rep's queue, pages by key, shows the
card of the highlighted lead, offers demo data on an empty database, quits on q."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from tests.ui.conftest import settle, until
from workstation.screens.empty import EmptyDatabaseScreen
from workstation.screens.keys import KeysScreen
from workstation.screens.queue import PAGE_SIZE, QueueScreen
from workstation.widgets.queue_list import QueueList
from workstation.widgets.queue_table import COLUMNS, QueueTable
from workstation.widgets.record_card import RecordCard


def _card_text(app) -> str:
    """What the card shows, as plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.screen.query_one(RecordCard).content)
    return console.export_text()


async def test_opens_on_the_first_managers_queue(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert app.store.rep.name == "Morgan Manager"
        table = app.screen.query_one(QueueTable)
        assert table.row_count == PAGE_SIZE
        # Highest score first: the hostile lead (score 1000) leads the queue, shown literally.
        first = table.cells(0)
        assert isinstance(first[0], Text)
        assert first[0].plain == "[bold]Eve[/bold] [@click=app.quit]x[/]"
        # Literally, not as markup (cut with an ellipsis where the card's column ends).
        assert "[bold]Eve[/bold] [@click=app.quit]x[" in _card_text(app)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        counts = [str(o.prompt) for o in app.screen.query_one(QueueList).options]
        assert counts[0].endswith("105")  # 104 + Eve
        assert app.is_running


async def test_pages_forward_and_back_by_key(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(QueueTable)
        first_page = [table.cells(i)[0].plain for i in range(table.row_count)]
        await pilot.press("right_square_bracket")
        second_page = [table.cells(i)[0].plain for i in range(table.row_count)]
        assert (len(first_page), len(second_page)) == (100, 5)
        assert not set(first_page) & set(second_page)
        await pilot.press("left_square_bracket")
        again = [table.cells(i)[0].plain for i in range(table.row_count)]
        assert again == first_page


async def test_page_keys_move_through_the_page_then_on_to_the_next(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(QueueTable)
        await pilot.press("pagedown")
        assert 0 < table.cursor_row < PAGE_SIZE - 1
        await pilot.press("end")
        last = table.cells(PAGE_SIZE - 1)[0].plain
        assert table.cursor_row == PAGE_SIZE - 1 and last in _card_text(app)
        await pilot.press("pagedown")  # from the last row, on to the next page
        await pilot.pause()
        assert table.row_count == 5 and table.cursor_row == 0
        await pilot.press("up")  # and back from its first row
        await pilot.pause()
        assert table.row_count == PAGE_SIZE and table.cursor_row == PAGE_SIZE - 1


async def test_every_column_fits_at_80_columns(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(QueueTable)
        header = "".join(segment.text for segment in table.render_line(0))
        assert header.split() == [label for label, _ in COLUMNS]
        assert len(header) == table.scrollable_content_region.width


async def test_moving_the_cursor_shows_that_leads_card(app_factory):
    app = app_factory("Riley Rep")
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(QueueTable)
        await pilot.press("down", "down")
        name = table.cells(2)[0].plain
        assert name in _card_text(app)


async def test_switching_to_the_pool_from_the_sidebar(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.action_show_queue("pool")
        await pilot.pause()
        table = app.screen.query_one(QueueTable)
        assert [table.cells(i)[0].plain for i in range(table.row_count)] == [
            f"Pool{n}" for n in (4, 3, 2, 1, 0)
        ]


async def test_empty_database_offers_demo_data(app_factory):
    app = app_factory(fill=False)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, EmptyDatabaseScreen)
        await pilot.press("enter")  # the focused button loads the demo
        await until(pilot, lambda: isinstance(app.screen, QueueScreen), "the queue")
        await settle(pilot)  # the queue's own workers end before the app does
        assert app.store.rep.is_manager
        assert app.screen.query_one(QueueList).options


async def test_a_refused_demo_load_says_why_and_offers_the_buttons_again(app_factory, monkeypatch):
    from workstation.store.demo import generate as demo

    def refuse(*_args, **_kwargs):
        raise demo.DemoError("demo data goes into an empty database only")

    monkeypatch.setattr(demo, "generate_demo", refuse)
    app = app_factory(fill=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EmptyDatabaseScreen)
        assert screen.query_one("#empty-buttons").display
        assert not screen.query_one("#demo-progress").display
        assert [n.message for n in app._notifications] == [
            "demo data goes into an empty database only"
        ]


async def test_a_database_with_leads_and_no_reps_takes_its_first_manager(
    app_factory, sqlite_engine
):
    from sqlmodel import Session

    from tests.factories import make_lead

    with Session(sqlite_engine) as session:
        for _ in range(3):
            make_lead(session)  # imported: in the pool, nobody to work them
        session.commit()
    app = app_factory(fill=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, EmptyDatabaseScreen)
        assert "holds 3 leads but no reps yet" in str(screen.query_one("#empty-intro").content)
        assert not screen.query("#load-demo")
        await pilot.press("enter")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["a rep needs a name"]
        await pilot.press(*"Dana Reyes", "enter")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen), "the queue")
        await settle(pilot)
        assert (app.store.rep.name, app.store.rep.role) == ("Dana Reyes", "manager")
        assert app.screen.query_one(QueueTable).row_count == 3  # the pool


async def test_escape_leaves_the_first_manager_screen_while_a_name_is_typed(
    app_factory, sqlite_engine
):
    from sqlmodel import Session

    from tests.factories import make_lead

    with Session(sqlite_engine) as session:
        make_lead(session)
        session.commit()
    app = app_factory(fill=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"Dan", "q")  # q is part of what is typed, not a way out
        assert app.screen.query_one("#first-manager").value == "Danq"
        assert app.is_running
        await pilot.press("escape")
        await pilot.pause()
        assert not app.is_running


async def test_the_collector_paused_for_the_start_resumes_after_the_first_frame(app_factory):
    import gc

    from workstation.cli import pause_collector

    app = app_factory()
    pause_collector()  # as `workstation` does before it imports the app
    try:
        async with app.run_test() as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # what the start made is left out of collections
    finally:
        gc.enable()
        gc.unfreeze()


async def test_q_quits(app_factory):
    app = app_factory()
    async with app.run_test() as pilot:
        await pilot.press("q")
        assert not app.is_running


async def test_on_a_small_terminal_what_was_skipped_takes_one_line(app_factory):
    from textual.widgets import Static

    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        skipped = app.screen.query_one("#skipped", Static)
        skipped.update(
            "Skipped 4: " + "; ".join(f"Lead {n}: called in the last hour" for n in range(4))
        )
        await pilot.pause()
        assert skipped.region.height == 1
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert skipped.region.height == 2  # room enough: the reasons wrap


async def test_question_mark_lists_every_key_and_closes_again(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
