"""Manager screens never cut text silently: percentage bars are shares of the whole width
(5% is a twentieth, not a full bar), a long label ends in an ellipsis, the untouched
drill-down fits 80 columns with Company and Status cut by an ellipsis, and the funnel's
rep names stay whole after a period change."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tests.factories import make_rep
from tests.ui.conftest import settle
from workstation.screens.funnel import FunnelScreen
from workstation.screens.untouched_leads import UntouchedLeadsScreen
from workstation.store.reps import working_rep
from workstation.widgets.bar_chart import Bar, BarChart


class _Chart(App):
    def __init__(self, chart: BarChart) -> None:
        super().__init__()
        self.chart = chart

    def compose(self) -> ComposeResult:
        yield self.chart


def _bar_cells(line: str) -> int:
    return sum(ch in "█▏▎▍▌▋▊▉" for ch in line)


async def test_a_share_fills_its_share_of_the_bar_not_the_whole():
    chart = BarChart("Converted", full=1.0)
    async with _Chart(chart).run_test(size=(100, 8)) as pilot:
        chart.show([Bar("Web", (0.05,), "5%"), Bar("Partner", (0.02,), "2%")])
        await pilot.pause()
        web, partner = (chart.render_line(y).text for y in (1, 2))
        room = chart.content_size.width - len("Partner") - len("5%") - 3
        assert abs(_bar_cells(web) - room / 20) <= 1  # a twentieth of the room, not all of it
        assert _bar_cells(partner) < _bar_cells(web)


async def test_a_long_label_ends_in_an_ellipsis():
    chart = BarChart("Median time")
    async with _Chart(chart).run_test(size=(100, 8)) as pilot:
        chart.show([Bar("Working – Deduped and attempted contact", (3.0,), "3 d")])
        await pilot.pause()
        assert "Working – Deduped and a…" in chart.render_line(1).text


async def test_the_untouched_drill_down_fits_80_columns(app_factory):
    app = app_factory()
    with app.store.open_session() as session:
        from sqlmodel import select

        from workstation.store.models import Lead
        from workstation.store.reference import CONTACT_NO_OPP

        morgan = working_rep(session, "Morgan Manager")
        for lead in session.exec(select(Lead).where(Lead.owner_id == morgan.id)).all():
            lead.status, lead.company = CONTACT_NO_OPP, f"{lead.company} International Holdings"
        session.commit()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(
            UntouchedLeadsScreen(rep_id=morgan.id, rep_name=morgan.name, hours=24)
        )
        await settle(pilot)
        table = app.screen.query_one("#untouched-leads")
        assert table.max_scroll_x == 0  # every column in view
        header = table.render_line(0).text
        assert header.split() == ["Id", "Name", "Company", "Status", "Assigned", "Age"]
        row = table.render_line(1).text
        assert "Contact – No" in row and "…" in row and "International Holdings" not in row


async def test_rep_names_stay_whole_after_a_period_change(app_factory):
    app = app_factory()
    with app.store.open_session() as session:
        make_rep(session, "Alexandra Featherstonehaugh")
        session.commit()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.push_screen(FunnelScreen())
        await settle(pilot)
        for _ in range(2):
            await pilot.press("p")
            await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        table = app.screen.query_one("#funnel-reps-0")
        shown = [table.render_line(y).text for y in range(table.region.height)]
        assert any("Alexandra Featherstonehaugh" in line for line in shown)
        assert table.columns[next(iter(table.columns))].get_render_width(table) > len(
            "Alexandra Featherstonehaugh"
        )


async def test_the_report_lines_are_whole_at_80x24(app_factory):
    from workstation.screens.untouched import UntouchedScreen

    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for screen, status, end in (
            (FunnelScreen(), "#funnel-status", "1–6: tabs"),
            (UntouchedScreen(), "#untouched-status", "+/− threshold"),
        ):
            await app.push_screen(screen)
            await settle(pilot)
            line = app.screen.query_one(status)
            shown = " ".join(line.render_line(y).text.strip() for y in range(line.region.height))
            assert shown.endswith(end)
            app.pop_screen()
            await settle(pilot)
