"""The queue table never cuts a header or a fixed column's value: each is as wide as its
header and its widest cell; and a status shows whole, or cut with an ellipsis, so
"Contact – No Opportunity" never reads like "Contacted"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.app import App, ComposeResult

from tests.factories import NOW
from workstation.store.reference import CONTACT_NO_OPP, CONTACTED
from workstation.store.rows import Page, QueueRow
from workstation.widgets.queue_table import COLUMNS, QueueTable


def _row(n: int, status: str, *, assigned_days: int, score: int = 50) -> QueueRow:
    return QueueRow(
        "lead", n, f"Person {n} with a long name", f"Company {n} Incorporated", None, None,
        status, score, 12, NOW - timedelta(days=3), NOW - timedelta(days=assigned_days),
        NOW, None, False, None, None, None,
    )  # fmt: skip


ROWS = [
    _row(1, CONTACT_NO_OPP, assigned_days=191, score=1000),
    _row(2, CONTACTED, assigned_days=1234),
    _row(3, "Open", assigned_days=2),
]


class _Table(App):
    def compose(self) -> ComposeResult:
        yield QueueTable()


@pytest.mark.parametrize("width", [70, 80, 100, 120, 200])
async def test_headers_and_fixed_cells_are_never_cut(width):
    app = _Table()
    async with app.run_test(size=(width, 10)) as pilot:
        table = app.query_one(QueueTable)
        table.show_page(Page(ROWS, None), now=NOW)
        await pilot.pause()
        header = table.render_line(0).text
        assert header.split() == [label for label, _ in COLUMNS]
        lines = [table.render_line(y).text for y in (1, 2, 3)]
        assert "191d ago" in lines[0] and "1234d ago" in lines[1]
        assert " 1000 " in lines[0] and " 12 " in lines[0]
        assert all(len(line) == table.scrollable_content_region.width for line in lines)


@pytest.mark.parametrize("width", [70, 80, 120])
async def test_contact_no_opportunity_reads_apart_from_contacted(width):
    app = _Table()
    async with app.run_test(size=(width, 10)) as pilot:
        table = app.query_one(QueueTable)
        table.show_page(Page(ROWS, None), now=NOW)
        await pilot.pause()
        first, second = (table.render_line(y).text for y in (1, 2))
        assert "Contact – N" in first and "Contacted" not in first
        assert "Contacted" in second
        if CONTACT_NO_OPP not in first:
            assert "…" in first  # cut, and seen to be
