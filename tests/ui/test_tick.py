"""The checkbox a rep reads at a glance: an empty box when off, an X when on."""

from __future__ import annotations

from textual.app import App, ComposeResult

from workstation.widgets.tick import Tick


class _Form(App):
    def compose(self) -> ComposeResult:
        yield Tick("Dry run", id="dry-run")


async def test_the_box_is_empty_when_off_and_ticked_when_on():
    app = _Form()
    async with app.run_test() as pilot:
        tick = app.query_one(Tick)
        assert tick._button.plain == "▐ ▌"
        await pilot.click(Tick)
        assert tick.value is True and tick._button.plain == "▐X▌"
        await pilot.press("enter")  # focused by the click: Enter toggles it back
        assert tick.value is False and tick._button.plain == "▐ ▌"
