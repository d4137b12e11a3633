"""Moving an opportunity and opening one from the queue, with keys (Pilot), and the
dialogs pinned at 80×24 and 120×40."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from textual.widgets import DataTable

from tests.convert_factories import HostApp
from tests.factories import NOW
from tests.opportunity_factories import build_opp_world, stage_of
from tests.ui.conftest import settle, until
from workstation.app import make_app
from workstation.config import Settings
from workstation.screens.new_opportunity import NewOpportunityDialog
from workstation.screens.opportunities import OpportunitiesScreen
from workstation.screens.opportunity_move import OpportunityMoveDialog
from workstation.store.lifecycle.new_opportunity import new_opportunity
from workstation.store.models import Contact, Opportunity

SIZES = [(80, 24), (120, 40)]


def _opened(engine, world):
    return new_opportunity(
        engine,
        contact_ids=[world.jane, world.bob],
        rep_id=world.rep,
        campaign="Spring Webinar",
        at=NOW,
    ).id


def _opportunity(engine, opportunity_id) -> Opportunity:
    with Session(engine) as session:
        found = session.get(Opportunity, opportunity_id)
        assert found is not None
        return found


async def test_a_stage_picked_brings_its_probability_and_enter_saves(sqlite_engine):
    world = build_opp_world(sqlite_engine, kim=False)
    opp = _opened(sqlite_engine, world)
    app, results = HostApp(sqlite_engine), []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(OpportunityMoveDialog(opp), results.append)
        await pilot.pause()
        await pilot.press("down", "down")
        assert app.screen.query_one("#move-probability").value == "50"
        await pilot.press("enter")
        await settle(pilot)
    assert (results[0].stage, results[0].probability) == ("Proposal", 50)
    assert _opportunity(sqlite_engine, opp).stage == "Proposal"


async def test_closing_lost_asks_for_the_reason_then_wins_and_rejects(sqlite_engine):
    world = build_opp_world(sqlite_engine, kim=False)
    opp = _opened(sqlite_engine, world)
    app, results = HostApp(sqlite_engine), []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(OpportunityMoveDialog(opp), results.append)
        await pilot.pause()
        await pilot.press(*["down"] * 5, "enter")  # Closed Lost, no reason
        await until(
            pilot,
            lambda: "needs a reason" in str(app.screen.query_one("#move-error").render()),
            "the refusal",
        )
        app.screen.query_one("#move-reason").focus()
        await pilot.press(*"Chose a rival", "enter")
        await settle(pilot)
    assert (results[0].stage, results[0].closed_reason) == ("Closed Lost", "Chose a rival")

    results.clear()
    app = HostApp(sqlite_engine)  # an app runs once
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(OpportunityMoveDialog(opp), results.append)
        await pilot.pause()
        app.screen.query_one("#move-reason").focus()
        await pilot.press(*"Bogus", "ctrl+r")
        await settle(pilot)
    assert results[0].is_rejected and _opportunity(sqlite_engine, opp).is_rejected


async def test_won_from_the_list_makes_the_contacts_customers(sqlite_engine):
    world = build_opp_world(sqlite_engine, kim=False)
    opp = _opened(sqlite_engine, world)
    app = HostApp(sqlite_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(OpportunitiesScreen(kind="contact", record_id=world.jane, name="Jane"))
        await pilot.pause()
        await pilot.press("enter")  # the only opportunity
        await pilot.pause()
        await pilot.press(*["down"] * 4)  # Closed Won
        app.screen.query_one("#move-amount").focus()
        await pilot.press(*"1000", "enter")  # focus selects the amount: typed over
        await settle(pilot)
        assert isinstance(app.screen, OpportunitiesScreen) and app.screen.changed
    assert _opportunity(sqlite_engine, opp).amount_cents == 100_000
    assert (stage_of(sqlite_engine, world.jane), stage_of(sqlite_engine, world.bob)) == (
        "Customer",
        "Customer",
    )


async def test_o_on_a_contact_in_the_queue_opens_an_opportunity(sqlite_engine, sqlite_url):
    world = build_opp_world(sqlite_engine, kim=False)
    app = make_app(
        Settings(database_url=sqlite_url, rep_name="Riley Rep"), sqlite_engine, clock=lambda: NOW
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.action_show_queue("contacts")
        await settle(pilot)
        assert {screen.query_one("#queue-table").row(i).id for i in range(3)} == {
            world.jane,
            world.bob,
            world.globex_contact,
        }
        await pilot.press("space", "down", "space", "O")  # Jane and Bob, marked
        await pilot.pause()
        assert isinstance(app.screen, NewOpportunityDialog)
        await pilot.press(*"Acme pilot", "tab", *"2500", "enter")
        await settle(pilot)
        assert screen.query_one("#queue-table").row_count == 1  # Globex's contact is left
    with Session(sqlite_engine) as session:
        (opp,) = session.exec(select(Opportunity)).all()
        assert (opp.name, opp.amount_cents) == ("Acme pilot", 250_000)
    assert stage_of(sqlite_engine, world.bob) == "Opportunity"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_move_dialog(sqlite_engine, snap_compare, size):
    world = build_opp_world(sqlite_engine, kim=False)
    opp = _opened(sqlite_engine, world)
    app = HostApp(sqlite_engine)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(OpportunityMoveDialog(opp))
        await pilot.pause()
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_new_opportunity_dialog(sqlite_engine, snap_compare, size):
    world = build_opp_world(sqlite_engine, kim=False)
    app = HostApp(sqlite_engine)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(NewOpportunityDialog([(world.jane, "Jane Doe"), (world.bob, "Bob")]))
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_the_funnel_shows_won_lost_and_rejected_apart(sqlite_engine):
    from workstation.screens.funnel import FunnelScreen
    from workstation.store.lifecycle.moves import Move, move_opportunity, reject_opportunity

    world = build_opp_world(sqlite_engine, kim=False)
    won, lost, bogus = (_opened(sqlite_engine, world) for _ in range(3))
    for opp, move in ((won, Move(stage="Closed Won", amount_cents=100_000)),
                      (lost, Move(stage="Closed Lost", reason="No budget"))):  # fmt: skip
        move_opportunity(sqlite_engine, opportunity_id=opp, move=move, rep_id=world.rep, at=NOW)
    reject_opportunity(sqlite_engine, opportunity_id=bogus, reason="Test", rep_id=world.rep)
    app = HostApp(sqlite_engine, rep="Morgan Manager")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = FunnelScreen()
        await app.push_screen(screen)
        await settle(pilot)
        tables = [
            [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]
            for table in screen.query("#funnel-stages DataTable").results(DataTable)
        ]
    # Found by what they hold: the tab's tables may be added to or reordered.
    at = next(n for n, rows in enumerate(tables) if rows and rows[0][0] == "Pipeline (open)")
    rows, reasons = tables[at], tables[at + 1]
    assert [row[:3] for row in rows] == [
        ["Pipeline (open)", "0", "$0.00"],
        ["Closed Won", "1", "$1,000.00"],
        ["Closed Lost", "1", "$0.00"],
        ["Rejected by sales", "1", ""],
    ]
    assert reasons[0] == ["Test", "1"]


async def test_hostile_names_show_literally_in_the_dialogs(sqlite_engine):
    from tests.properties.hostile import assert_screen_safe

    world = build_opp_world(sqlite_engine, kim=False)
    name = "[bold]Deal[/] \x1b[31mred\x1b]0;pwned\x07"
    opp = new_opportunity(
        sqlite_engine, contact_ids=[world.jane], rep_id=world.rep, name=name, at=NOW
    ).id
    with Session(sqlite_engine) as session:
        _opportunity(sqlite_engine, opp)  # stored as cleaned at the door
        jane = session.get(Contact, world.jane)
        assert jane is not None
        jane.first_name = "[@click=app.quit]Jane"
        session.commit()
    app = HostApp(sqlite_engine)
    async with app.run_test(size=(120, 40)) as pilot:
        who = "[b]Jane[/b]"
        app.push_screen(OpportunitiesScreen(kind="contact", record_id=world.jane, name=who))
        await settle(pilot)
        listed = assert_screen_safe(app, "the opportunities list")
        assert "[bold]Deal[/] red" in listed and "[b]Jane[/b]: opportunities" in listed
        await pilot.press("enter")
        await settle(pilot)
        shown = assert_screen_safe(app, "the move dialog")
        assert "[bold]Deal[/] red" in shown and "[@click=app.quit]Jane" in shown
