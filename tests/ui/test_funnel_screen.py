"""The funnel screen, driven by keys: every tab fills from its worker, the period key reloads
the report, export writes what the screen shows, and a rep is refused."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from tests.factories import NOW
from tests.ui.conftest import workers_done
from workstation.display import clean
from workstation.screens.funnel import PERIODS, FunnelScreen
from workstation.screens.save_file import SaveFileDialog
from workstation.store.models import Activity, Lead
from workstation.store.reps import working_rep
from workstation.widgets.bar_chart import BarChart


async def _open(app, pilot) -> FunnelScreen:
    screen = FunnelScreen()
    await app.push_screen(screen)
    await workers_done(app)
    await pilot.pause()
    return screen


def _bars(screen, chart_id: str) -> list[tuple[str, str]]:
    return [(bar.label, bar.text) for bar in screen.query_one(chart_id, BarChart).bars]


def _log_calls(engine) -> None:
    """Riley dials twice this week (one connect); one old call falls outside 30 days."""
    with Session(engine) as session:
        riley = working_rep(session, "Riley Rep").id
        lead_id = session.execute(select(Lead.id).where(Lead.owner_id == riley)).scalars().first()
        for disposition, days in (("No Answer", 1), ("Connected – Call Back", 2), ("Busy", 40)):
            session.add(
                Activity(
                    lead_id=lead_id,
                    rep_id=riley,
                    disposition=disposition,
                    occurred_at=NOW - timedelta(days=days),
                )
            )
        session.commit()


async def test_every_tab_fills_and_the_period_key_reloads(app_factory):
    app = app_factory()
    _log_calls(app.store.engine)
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await _open(app, pilot)
        # 136 leads, none moved along the funnel yet; created 3 days ago: all in 30 days.
        assert _bars(screen, "#funnel-lead-chart")[:2] == [("Name", "136 100%"), ("Lead", "136 0%")]
        assert _bars(screen, "#funnel-sources-chart") == [("(none)", "0% of 136 · won $0.00")]
        assert _bars(screen, "#funnel-reps-chart") == [("Riley Rep", "2")]
        assert screen.query_one("#funnel-reps-0").get_row_at(0)[1].plain == "2"
        assert not any(pane.loading for pane in screen.query("TabPane"))
        await pilot.press("5")
        assert screen.query_one("TabbedContent").active == "funnel-reps"
        while PERIODS[screen.period][1] is not None:  # step to "all time"
            await pilot.press("p")
        await workers_done(app)
        await pilot.pause()
        assert _bars(screen, "#funnel-reps-chart") == [("Riley Rep", "3")]
        assert "all time" in clean(str(screen.query_one("#funnel-status").render()))
        await pilot.press("6")
        assert screen.query_one("TabbedContent").active == "funnel-money"
        titles = [t.border_title for t in screen.query("#funnel-money DataTable")]
        assert titles == ["Pipeline and won by campaign", "Pipeline and won by source"]


async def test_export_writes_the_report(app_factory, tmp_path):
    app = app_factory()
    async with app.run_test(size=(130, 40)) as pilot:
        await _open(app, pilot)
        await pilot.press("e")
        assert isinstance(app.screen, SaveFileDialog)
        field = app.screen.query_one("#save-file-path")
        field.value = str(tmp_path / "funnel.txt")
        await pilot.press("enter")
        await pilot.pause()
    text = (tmp_path / "funnel.txt").read_text(encoding="utf-8")
    assert text.startswith("Funnel: records created, and activity logged, in the last 30 days")
    for title in (
        "Lead funnel",
        "By lead source (channel)",
        "Pipeline and won by campaign",
        "Time in status",
        "Rep activity",
    ):
        assert title in text


async def test_a_rep_is_refused(app_factory):
    app = app_factory("Riley Rep")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _open(app, pilot)
        status = clean(str(screen.query_one("#funnel-status").render()))
        assert "Riley Rep is a rep, not a manager: only managers may see the funnel" in status
        assert not screen.query_one("#funnel-tabs").display
        assert not screen.query_one("#funnel-lead-chart", BarChart).bars
