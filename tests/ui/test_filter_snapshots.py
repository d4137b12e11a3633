"""The filter editor pinned at 80×24 and 120×40 (update with --snapshot-update): every
field in view with criteria typed and a refusal said, and the queue list with a saved
filter and its count."""

from __future__ import annotations

import pytest

from tests.ui.conftest import settle
from tests.ui.test_snapshots import SIZES


def _typing(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


# Name, whose leads, source, offer, campaign (none such: refused on Enter).
TYPED = (*"West demos", "tab", "tab", *"Web", "tab", *"Demo Request", "tab", *"Nowhere", "enter")


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_filter_editor(app_factory, snap_compare, size):
    assert snap_compare(app_factory(), terminal_size=size, run_before=_typing(*TYPED))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_a_saved_filter_in_the_queue_list(app_factory, snap_compare, size):
    saved = (*"Top scores", *["tab"] * 9, *"90", "enter")  # score from 90
    assert snap_compare(app_factory(), terminal_size=size, run_before=_typing(*saved))
