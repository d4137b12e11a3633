"""The campaigns screen (managers): list, add and edit by keys; a refused value is named and
the form stays open; complete at 80x24 (snapshots at 80x24 and 120x40)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.convert_factories import HostApp, build_world
from tests.ui.conftest import workers_done
from workstation.screens.campaign_form import CampaignForm
from workstation.screens.campaigns import CampaignsScreen
from workstation.store.lifecycle.campaigns import campaign_info


async def _open(app, pilot) -> CampaignsScreen:
    screen = CampaignsScreen()
    await app.push_screen(screen)
    await workers_done(app)
    await pilot.pause()
    return screen


async def test_a_manager_adds_then_edits_a_campaign(sqlite_engine):
    build_world(sqlite_engine)
    app = HostApp(sqlite_engine, rep="Morgan Manager")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        assert [c.name for c in screen.campaigns] == ["Autumn Expo", "Spring Webinar"]
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CampaignForm)
        await pilot.press(*"Trade Show", "tab", *"Event", "tab", *"Trial", "tab", "tab")
        await pilot.press("tab", "tab", *"lots")  # a budget that is no amount
        await pilot.press("ctrl+s")
        await workers_done(app)
        await pilot.pause()
        assert "not an amount" in str(app.screen.query_one("#campaign-error").render())
        await pilot.press(*["backspace"] * 4, *"2500", "ctrl+s")
        await workers_done(app)
        await pilot.pause()
        await workers_done(app)
        await pilot.pause()
        assert app.screen is screen and screen.campaigns[0].name == "Trade Show"
        await pilot.press("enter")  # edit the one under the cursor: the new one
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CampaignForm) and form.info.name == "Trade Show"
        form.query_one("#campaign-status-changes").value = "Attended:responded"
        await pilot.press("ctrl+s")
        await workers_done(app)
        await pilot.pause()
    with Session(sqlite_engine) as session:
        info = campaign_info(session, "Trade Show")
    assert (info.channel, info.offer, info.budget_cents) == ("Event", "Trial", 250_000)
    assert [s.label for s in info.statuses] == ["Sent", "Responded", "Attended"]


@pytest.mark.parametrize(("rep", "opens"), [("Morgan Manager", True), ("Riley Rep", False)])
async def test_m_opens_the_campaigns_screen_for_managers_only(app_factory, rep, opens):
    app = app_factory(rep)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, CampaignsScreen) is opens


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("form", [False, True])
def test_the_campaigns_screen(sqlite_engine, snap_compare, size, form):
    build_world(sqlite_engine)

    async def open_it(pilot):
        await _open(pilot.app, pilot)
        if form:
            await pilot.press("enter")
            await pilot.pause()

    app = HostApp(sqlite_engine, rep="Morgan Manager")
    assert snap_compare(app, terminal_size=size, run_before=open_it)
