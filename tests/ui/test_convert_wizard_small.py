"""At 80×24 the convert wizard fits the width and its review, taller than the screen,
scrolls with PgDn/PgUp so the rep reads all of it before converting."""

from __future__ import annotations

from tests.convert_factories import build_world
from tests.ui.conftest import settle
from workstation.screens.convert_wizard import ConvertWizard


async def test_the_wizard_fits_80_columns_and_its_review_scrolls(app_factory, sqlite_engine):
    world = build_world(sqlite_engine)
    app = app_factory("Riley Rep", fill=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ConvertWizard(world.lead))
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        wizard = app.screen
        assert wizard.current == "review"
        box = wizard.query_one("#convert-box")
        assert box.region.x >= 0 and box.region.right <= 80 and box.region.bottom <= 24
        assert box.max_scroll_y > 0  # the review is taller than the screen
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown")
        await pilot.pause()
        assert box.scroll_offset.y == box.max_scroll_y
        await pilot.press("pageup")
        await pilot.pause()
        assert box.scroll_offset.y < box.max_scroll_y
        assert wizard.current == "review"  # the page keys scrolled, nothing else
