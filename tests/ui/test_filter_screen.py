"""Saved filters on the queue screen, by keys: f opens the editor, the filter saved is a
queue in the list with its count, n works it, A archives it; a refusal keeps the form."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, select

from tests.ui.conftest import settle, until
from workstation.screens.confirm import ConfirmDialog
from workstation.screens.filter_editor import FilterEditor
from workstation.screens.queue import QueueScreen
from workstation.store.models import Lead, SavedFilter
from workstation.widgets.queue_list import QueueList
from workstation.widgets.queue_table import QueueTable


def _retail(engine) -> set[int]:
    """Every third lead of the manager's is in retail."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE lead SET industry = 'Retail' WHERE id % 3 = 0 AND owner_id = "
                "(SELECT id FROM rep WHERE name = 'Morgan Manager')"
            )
        )
    with Session(engine) as session:
        return set(session.exec(select(Lead.id).where(Lead.industry == "Retail")).all())


async def _saved(pilot, app, *keys: str) -> None:
    await pilot.press("f")
    await until(pilot, lambda: isinstance(app.screen, FilterEditor), "the filter editor")
    await pilot.press(*keys)
    await settle(pilot)


async def test_a_filter_typed_saved_listed_worked_and_archived(app_factory, sqlite_engine):
    app = app_factory()
    retail = _retail(sqlite_engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # Tab order: name, whose leads, source, offer, campaign, industry.
        await _saved(pilot, app, *"Retail", "tab", "tab", "tab", "tab", "tab", *"retail", "enter")
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        key = next(key for key in screen.queues if key.startswith("filter:"))
        assert screen.queue_key == key and screen.queues[key].title == "Retail"
        await until(pilot, lambda: key in screen.query_one(QueueList)._counts, "its count")
        assert screen.query_one(QueueList)._counts[key] == len(retail)
        prompt = str(screen.query_one(QueueList).get_option(key).prompt)
        assert prompt == f"Retail  {len(retail)}"
        await pilot.press("n")
        await settle(pilot)
        assert screen.card.id in retail
        assert screen.why_shown() == "next in Retail"
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("y")
        await settle(pilot)
        assert screen.queue_key == "my-leads" and key not in screen.queues
    with Session(sqlite_engine) as session:
        kept = session.exec(select(SavedFilter)).one()
    assert kept.archived and kept.industry == "retail"


async def test_a_refused_filter_keeps_the_form_and_says_why(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _saved(pilot, app, *"Odd", "tab", "tab", "tab", "tab", *"Nowhere", "enter")
        assert isinstance(app.screen, FilterEditor)
        said = str(app.screen.query_one("#filter-error").render())
        assert said == "no campaign named 'Nowhere'"
        assert app.screen.spec().campaign == "Nowhere"  # nothing typed is lost
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    with Session(sqlite_engine) as session:
        assert session.exec(select(SavedFilter)).all() == []


async def test_a_filter_named_with_markup_is_shown_as_typed(app_factory, sqlite_engine):
    from textual.content import Content

    from workstation.store.filters.saved import FilterSpec, add_filter
    from workstation.store.reps import find_rep

    app = app_factory()
    name, source = "[@click=app.quit]Mallory[/]", "[bold]Web"
    with Session(sqlite_engine) as session:
        manager = find_rep(session, "Morgan Manager").id
    add_filter(sqlite_engine, rep_id=manager, spec=FilterSpec(name, source=source))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        key = next(key for key in screen.queues if key.startswith("filter:"))
        await until(pilot, lambda: key in screen.query_one(QueueList)._counts, "its count")
        assert str(screen.query_one(QueueList).get_option(key).prompt) == f"{name}  0"
        commands = {
            Content.from_markup(command.title).plain: Content.from_markup(command.help).plain
            for command in app.get_system_commands(screen)
        }
        assert commands[f"Queue: {name}"] == f"your leads · source {source}"
        screen.action_show_queue(key)
        await settle(pilot)
        assert screen.query_one(QueueTable)._border_title.plain == name
