"""What a manager sees, pinned at a fixed terminal size and a frozen clock: the untouched
leads per rep, one rep's list with leads selected, the funnel, and a rep refused
(update with --snapshot-update)."""

from __future__ import annotations

import pytest

from tests.ui.conftest import settle as settle_workers
from workstation.screens.funnel import FunnelScreen
from workstation.screens.untouched import UntouchedScreen


def _opening(screen_class, *keys: str):
    async def settle(pilot) -> None:
        await settle_workers(pilot)  # a worker a newer one replaced is cancelled, not failed
        await pilot.wait_for_scheduled_animations()

    async def run_before(pilot) -> None:
        await pilot.app.push_screen(screen_class())
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


def test_untouched_per_rep(app_factory, snap_compare):
    assert snap_compare(
        app_factory(), terminal_size=(120, 30), run_before=_opening(UntouchedScreen)
    )


def test_untouched_rep_list_with_a_selection(app_factory, snap_compare):
    assert snap_compare(
        app_factory(),
        terminal_size=(120, 30),
        run_before=_opening(UntouchedScreen, "enter", "space", "space", "down", "space"),
    )


def test_funnel_stages(app_factory, snap_compare):
    assert snap_compare(app_factory(), terminal_size=(120, 40), run_before=_opening(FunnelScreen))


def test_funnel_refused_for_a_rep(app_factory, snap_compare):
    assert snap_compare(
        app_factory("Riley Rep"), terminal_size=(100, 20), run_before=_opening(FunnelScreen)
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_untouched_at(app_factory, snap_compare, size):
    assert snap_compare(app_factory(), terminal_size=size, run_before=_opening(UntouchedScreen))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_untouched_drill_down_at(app_factory, snap_compare, size):
    assert snap_compare(
        app_factory(), terminal_size=size, run_before=_opening(UntouchedScreen, "enter")
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_funnel_at(app_factory, snap_compare, size):
    assert snap_compare(app_factory(), terminal_size=size, run_before=_opening(FunnelScreen))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_funnel_sources_at(app_factory, snap_compare, size):
    assert snap_compare(app_factory(), terminal_size=size, run_before=_opening(FunnelScreen, "2"))
