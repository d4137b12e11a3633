"""At 80×24 the queue screen is complete: the queues with their counts (one line standing
for the sidebar), a few rows of the queue, the record, and the script's own text."""

from __future__ import annotations

from tests.ui.conftest import settle
from workstation.widgets.queue_table import QueueTable


def _lines(widget) -> list[str]:
    return [widget.render_line(y).text for y in range(widget.region.height)]


def _marked(bar) -> str:
    """The queue the bar marks as the current one."""
    return "".join(s.text for s in bar.render_line(0) if s.style and s.style.reverse)


async def test_the_queues_and_their_counts_show_at_80x24(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one("#queue-bar")
        assert bar.region.height == 1 and bar.region.bottom <= 24
        (line,) = _lines(bar)
        assert "My leads 105" in line and "Pool 5" in line and "Recent 0" in line
        assert _marked(bar) == "My leads 105"
        app.screen.action_cycle_queue()
        await settle(pilot)
        assert app.screen.queue_key == "callbacks" and _marked(bar) == "Due 0"


async def test_the_script_text_shows_at_80x24(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        body = app.screen.query_one("#script-body")
        assert body.region.height >= 3
        shown = " ".join(" ".join(_lines(section)) for section in body.children)
        assert "this is Morgan" in " ".join(shown.split())
        table = app.screen.query_one(QueueTable)
        assert table.region.height >= 5 and table.region.bottom < 24
