"""`?` lists every key of the screen in view, on a screen of its own that fits 80×24 and
scrolls: the footer shows what fits in one line."""

from __future__ import annotations

import pytest

from tests.ui.conftest import settle
from workstation.screens.keys import KeysScreen
from workstation.screens.queue import QueueScreen


def _listed(app) -> dict[str, str]:
    return {key: what for _, keys in app.screen.sections for key, what in keys}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_question_mark_lists_every_key_of_the_queue(app_factory, size):
    app = app_factory()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        listed = _listed(app)
        for key in "12345678nuecxUFSIhsmvr[]":
            assert key in listed, key
        assert listed["5"] == "No ans." and listed["x"] == "Reject"
        box = app.screen.query_one("#keys-text")
        shown = "\n".join(box.render_line(y).text for y in range(box.region.height))
        assert "8 DNC" in shown and "x Reject" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


async def test_at_80x24_the_key_list_scrolls(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        scroll = app.screen.query_one("#keys-list")
        assert scroll.region.bottom <= 24 and scroll.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_offset.y == scroll.max_scroll_y


async def test_question_mark_works_on_every_screen(app_factory):
    from workstation.screens.funnel import FunnelScreen

    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, FunnelScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        assert "p" in _listed(app) and "escape" not in _listed(app)
