"""The lifecycle stage dialog (`l` on the queue card): pick a stage, a reason typed first to
move back; a refusal says why and changes nothing. Pinned by snapshots at 80x24 and 120x40."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.convert_factories import HostApp, build_world
from tests.ui.conftest import settle
from workstation.screens.queue import QueueScreen
from workstation.screens.stage_dialog import StageDialog
from workstation.store.models import Lead


async def test_accepting_then_moving_back_with_a_reason(sqlite_engine):
    world = build_world(sqlite_engine)
    with Session(sqlite_engine) as session:
        session.get_one(Lead, world.fresh_lead).lifecycle_stage = "Marketing Qualified"
        session.commit()
    app, results = HostApp(sqlite_engine), []
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = StageDialog(record_id=world.fresh_lead, name="Zed", stage="Marketing Qualified")
        app.push_screen(dialog, results.append)
        await pilot.pause()
        await pilot.press("enter")  # the next stage on is highlighted: Sales Accepted
        await pilot.pause()
    assert (results[0].old_stage, results[0].new_stage) == ("Marketing Qualified", "Sales Accepted")
    app, results = HostApp(sqlite_engine), []
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = StageDialog(record_id=world.fresh_lead, name="Zed", stage="Sales Accepted")
        app.push_screen(dialog, results.append)
        await pilot.pause()
        await pilot.press("up", "up", "enter")  # past Sales Accepted (now) and MQL: Lead
        await pilot.pause()
        assert "needs a reason" in str(app.screen.query_one("#stage-error").render())
        await pilot.click("#stage-reason")
        await pilot.press(*"no budget", "shift+tab", "enter")
        await pilot.pause()
    assert results[0].new_stage == "Lead" and results[0].reason == "no budget"
    with Session(sqlite_engine) as session:
        assert session.get_one(Lead, world.fresh_lead).lifecycle_stage == "Lead"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_stage_dialog(world_engine_for_snapshot, snap_compare, size):
    engine, world = world_engine_for_snapshot

    async def open_it(pilot):
        pilot.app.push_screen(
            StageDialog(record_id=world.fresh_lead, name="Zed Quill", stage="Lead")
        )
        await pilot.pause()

    assert snap_compare(HostApp(engine), terminal_size=size, run_before=open_it)


@pytest.fixture
def world_engine_for_snapshot(sqlite_engine):
    return sqlite_engine, build_world(sqlite_engine)


async def test_l_on_the_queue_moves_the_cards_person_to_the_next_stage(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        card = app.screen.card
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, StageDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.card.lifecycle_stage == "Marketing Qualified"
    with Session(sqlite_engine) as session:
        assert session.get_one(Lead, card.id).lifecycle_stage == "Marketing Qualified"
