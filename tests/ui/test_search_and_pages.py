"""Finding records and opening their pages with the keyboard: the command palette, the
search screen (`/`), `p` on the queue, and the converted records screen; Esc goes back."""

from __future__ import annotations

from sqlmodel import Session
from textual.command import CommandPalette
from textual.widgets import OptionList

from tests.factories import make_lead
from tests.ui.conftest import settle, until
from workstation.screens.queue import QueueScreen
from workstation.screens.record_page import RecordPageScreen
from workstation.screens.search import SearchScreen


def _page_loaded(app):
    return lambda: isinstance(app.screen, RecordPageScreen) and app.screen.page is not None


async def test_a_record_typed_in_the_palette_opens_its_page(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: CommandPalette.is_open(app), "the palette")
        await pilot.press(*"Firm 007")
        options = app.screen.query_one(OptionList)
        await until(
            pilot,
            lambda: any("Pat007 Lee" in str(o.prompt) for o in options.options),
            "the lead in the palette",
        )
        first = options.get_option_at_index(0).prompt
        assert "Lead" in str(first) and "Pat007 Lee" in str(first)
        await pilot.press("enter")
        await until(pilot, _page_loaded(app), "the lead's page")
        page = app.screen.page
        assert (page.kind, page.name) == ("lead", "Pat007 Lee")
        assert dict(page.fields)["Company"] == "Firm 007 Ltd"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen), "the queue again")


async def test_the_search_screen_finds_as_you_type_and_opens_the_page(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
        await pilot.press(*"+1 415 555 0012")
        results = app.screen.query_one("#search-results", OptionList)
        await until(pilot, lambda: results.option_count == 1, "the lead by its phone")
        assert "Pat012 Lee  phone" in str(results.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await until(pilot, _page_loaded(app), "the lead's page")
        assert app.screen.page.name == "Pat012 Lee"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search again")


async def test_markup_in_a_found_name_is_shown_literally(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"eve")
        results = app.screen.query_one("#search-results", OptionList)
        await until(pilot, lambda: results.option_count == 1, "Eve")
        shown = str(results.get_option_at_index(0).prompt)
        assert "[bold]Eve[/bold] [@click=app.quit]x[/]" in shown
        await pilot.press("enter")
        await until(pilot, _page_loaded(app), "Eve's page")
        title = str(app.screen.query_one("#rp-title").render())
        assert "[bold]Eve[/bold]" in title
        assert isinstance(app.screen, RecordPageScreen)  # the [@click=app.quit] did nothing


async def test_p_on_the_queue_opens_the_cards_page(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        card = app.screen.card
        await pilot.press("p")
        await until(pilot, _page_loaded(app), "the card's page")
        assert (app.screen.page.kind, app.screen.page.id) == (card.kind, card.id)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen), "the queue again")


async def test_related_records_open_with_enter_and_escape_comes_back(app_factory, sqlite_engine):
    from tests.convert_factories import build_world
    from workstation.screens.record_page import open_record_page

    world = build_world(sqlite_engine)
    app = app_factory("Riley Rep", fill=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_record_page(app, "account", world.acme)
        await until(pilot, _page_loaded(app), "Acme's page")
        acme = app.screen
        related = acme.query_one("#rp-related", OptionList)
        assert related.has_focus
        await pilot.press("down", "enter")  # Bob Stone, the second contact
        await until(pilot, lambda: app.screen is not acme and _page_loaded(app)(), "Bob")
        assert app.screen.page.name == "Bob Stone"
        await pilot.press("down", "enter")  # his opportunity
        await until(
            pilot,
            lambda: _page_loaded(app)() and app.screen.kind == "opportunity",
            "the opportunity",
        )
        assert app.screen.page.name == "Acme – Renewal"
        await pilot.press("escape", "escape")
        await until(pilot, lambda: app.screen is acme, "Acme again")


async def test_the_converted_records_screen_opens_each_page(app_factory, sqlite_engine):
    from tests.convert_factories import build_world
    from workstation.screens.converted_records import ConvertedRecordsScreen
    from workstation.store.conversion.convert import convert_lead

    world = build_world(sqlite_engine)
    result = convert_lead(sqlite_engine, lead_id=world.lead, rep_id=world.rep)
    app = app_factory("Riley Rep", fill=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ConvertedRecordsScreen(world.lead, "Jane Doe"))
        await pilot.pause()
        for key, kind, record_id in (
            ("a", "account", result.account_id),
            ("c", "contact", result.contact_id),
            ("o", "opportunity", result.opportunity_id),
        ):
            await pilot.press(key)
            await until(pilot, _page_loaded(app), f"the {kind}'s page")
            assert (app.screen.page.kind, app.screen.page.id) == (kind, record_id)
            await pilot.press("escape")
            await until(
                pilot, lambda: isinstance(app.screen, ConvertedRecordsScreen), "converted again"
            )


async def test_the_palette_shows_a_hostile_name_literally(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: CommandPalette.is_open(app), "the palette")
        await pilot.press(*"eve")
        options = app.screen.query_one(OptionList)
        await until(
            pilot,
            lambda: any("[bold]Eve[/bold]" in str(o.prompt) for o in options.options),
            "Eve in the palette",
        )
        shown = next(str(o.prompt) for o in options.options if "Eve" in str(o.prompt))
        # The help line (parsed as markup by the palette) shows the company as stored, its
        # escapes as symbols.
        assert "[@click=app.quit]x[/]" in shown and "␛[31mEvil␛[0m Corp" in shown
        assert "\x1b" not in shown


async def test_a_long_second_line_is_cut_with_an_ellipsis_not_wrapped(app_factory, sqlite_engine):
    with Session(sqlite_engine) as session:
        for n in range(2):
            make_lead(
                session,
                first_name="Quincy",
                last_name=f"Longfellow{n}",
                company="Consolidated Intercontinental Widget Manufacturing Holdings Pty Ltd",
                email=f"quincy.longfellow{n}@consolidated-intercontinental-widgets.example.com",
                phone=f"+6141255500{n}",
            )
        session.commit()
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Longfellow")
        await until(
            pilot,
            lambda: isinstance(app.screen, SearchScreen) and app.screen.shown_for == "Longfellow",
            "the results",
        )
        results = app.screen.query_one("#search-results", OptionList)
        assert results.option_count == 2
        await settle(pilot)
        lines = [
            "".join(segment.text for segment in results.render_line(y)).rstrip()
            for y in range(results.size.height)
        ]
        # Each hit: its line and its detail cut to the width; the next hit right under.
        assert results.virtual_size.height == 4
        for detail in (lines[1], lines[3]):
            assert detail.endswith("…") and "Consolidated" in detail, lines
        for hit in (lines[0], lines[2]):
            assert hit.startswith("Lead        Quincy Longfellow"), lines
