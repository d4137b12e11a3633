"""What a rep sees, pinned at fixed terminal sizes (update with --snapshot-update): the
queue, the card scrolled, every key (`?`), and the convert wizard's review, each at 80×24
and 120×40."""

from __future__ import annotations

import pytest

from tests.convert_factories import build_world
from tests.ui.conftest import settle
from tests.ui.test_record_card_scroll import _give_the_top_lead_a_past
from workstation.screens.convert_wizard import ConvertWizard

SIZES = [(80, 24), (120, 40)]


def _pressing(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_queue_at_120x40(app_factory, snap_compare):
    assert snap_compare(app_factory(), terminal_size=(120, 40))


def test_queue_at_80x24(app_factory, snap_compare):
    assert snap_compare(app_factory(), terminal_size=(80, 24))


def test_empty_database_offer(app_factory, snap_compare):
    assert snap_compare(app_factory(fill=False), terminal_size=(100, 30))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_card_with_calls(app_factory, sqlite_engine, snap_compare, size):
    app = app_factory()
    _give_the_top_lead_a_past(sqlite_engine)
    assert snap_compare(app, terminal_size=size, run_before=_pressing())


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_card_scrolled(app_factory, sqlite_engine, snap_compare, size):
    app = app_factory()
    _give_the_top_lead_a_past(sqlite_engine)
    assert snap_compare(app, terminal_size=size, run_before=_pressing("h", "pagedown"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_every_key(app_factory, snap_compare, size):
    assert snap_compare(app_factory(), terminal_size=size, run_before=_pressing("question_mark"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_wizard_review(app_factory, sqlite_engine, snap_compare, size):
    world = build_world(sqlite_engine)
    app = app_factory("Riley Rep", fill=False)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(ConvertWizard(world.lead))
        await pilot.pause()
        await pilot.press("r")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
