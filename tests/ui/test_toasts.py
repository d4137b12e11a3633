"""Messages never hide the card: one at a time (an error stays until an error replaces
it), clear of the card whatever the terminal's size."""

from __future__ import annotations

import pytest
from textual.widgets._toast import Toast

from tests.ui.conftest import settle
from workstation.widgets.record_card import RecordCard


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_messages_in_a_row_leave_one_toast_clear_of_the_card(app_factory, size):
    app = app_factory()
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.press("n")
        await settle(pilot)
        for said in ("Logged No Answer", "Logged Busy", "Logged Left Voicemail"):
            app.notify(said, timeout=600)  # as calls logged fast say (none expires here)
        await pilot.pause()
        toasts = app.screen.query(Toast)
        card = app.screen.query_one(RecordCard).region
        assert len(toasts) == 1 and not toasts.first().region.overlaps(card)


async def test_an_error_stays_until_another_error_replaces_it(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        app.notify("the database refused", severity="error", timeout=600)
        app.notify("Logged No Answer", timeout=600)
        app.notify("Logged Busy", timeout=600)
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["the database refused", "Logged Busy"]
        app.notify("another refusal", severity="error", timeout=600)
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["another refusal"]
