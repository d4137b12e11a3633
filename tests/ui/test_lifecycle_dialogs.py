"""Issue 20's dialogs, by their keys (Pilot): contact roles from an opportunity's page
(`R`), a reference from a customer contact's page (`f`), campaign members from a saved
filter on the campaigns screen (`f`), and a lead typed in from the queue (`L`); each
pinned at 80×24 and 120×40."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.convert_factories import HostApp
from tests.factories import NOW, make_lead
from tests.opportunity_factories import build_opp_world
from tests.ui.conftest import settle, until
from workstation.app import make_app
from workstation.config import Settings
from workstation.screens.contact_roles import ContactRolesDialog
from workstation.screens.keys import key_sections
from workstation.screens.new_lead import NewLeadDialog
from workstation.screens.pick_filter import PickFilterDialog
from workstation.screens.record_page import RecordPageScreen
from workstation.screens.reference_dialog import ReferenceDialog
from workstation.store.filters.saved import FilterSpec, add_filter
from workstation.store.lifecycle.moves import Move, move_opportunity
from workstation.store.lifecycle.new_opportunity import new_opportunity
from workstation.store.lifecycle.references import set_reference, use_reference
from workstation.store.models import CampaignMember, Contact, Lead, OpportunityContactRole

SIZES = [(80, 24), (120, 40)]


def _opportunity(engine, world) -> int:
    return new_opportunity(engine, contact_ids=[world.jane], rep_id=world.rep, at=NOW).id


def _roles(engine, opportunity_id) -> dict[int, tuple]:
    with Session(engine) as session:
        rows = session.execute(
            select(OpportunityContactRole).where(
                OpportunityContactRole.opportunity_id == opportunity_id
            )
        ).scalars()
        return {r.contact_id: (r.role, r.is_primary) for r in rows}


def _shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def _page(app, pilot, kind: str, record_id: int) -> RecordPageScreen:
    page = RecordPageScreen(kind, record_id)
    await app.push_screen(page)
    await settle(pilot)
    return page


async def test_R_on_an_opportunity_page_adds_a_contact_then_makes_it_primary(sqlite_engine):
    world = build_opp_world(sqlite_engine, kim=False)
    opp = _opportunity(sqlite_engine, world)
    app = HostApp(sqlite_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        page = await _page(app, pilot, "opportunity", opp)
        keys = dict(key_sections(page))["Record page"]
        assert ("R", "Contact roles") in keys
        await pilot.press("R")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ContactRolesDialog)
        await pilot.press("down", "tab")  # Bob, not on it yet; then the roles
        evaluator = dialog.roles.index("Evaluator")
        await pilot.press(*["down"] * evaluator, "enter")
        await settle(pilot)
        assert _roles(sqlite_engine, opp) == {
            world.jane: (None, True),
            world.bob: ("Evaluator", False),
        }
        assert "Bob Stone: Evaluator" in _shown(app, "#roles-said")
        await pilot.press("shift+tab", "p")  # Bob, still highlighted
        await settle(pilot)
        assert _roles(sqlite_engine, opp)[world.bob] == ("Evaluator", True)
        assert _roles(sqlite_engine, opp)[world.jane] == (None, False)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is page
        assert page.page is not None
        assert any(r.why == "Evaluator, primary" for r in page.page.related if r.id == world.bob)


async def test_the_roles_key_is_only_on_an_opportunitys_page(sqlite_engine):
    world = build_opp_world(sqlite_engine, kim=False)
    app = HostApp(sqlite_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        page = await _page(app, pilot, "contact", world.jane)
        keys = dict(key_sections(page))["Record page"]
        assert ("R", "Contact roles") not in keys and ("f", "Reference") in keys
        await pilot.press("R")
        await pilot.pause()
        assert app.screen is page


def _customer(engine, world) -> int:
    opp = _opportunity(engine, world)
    move_opportunity(
        engine, opportunity_id=opp, move=Move(stage="Closed Won", amount_cents=100_000),
        rep_id=world.rep, at=NOW,
    )  # fmt: skip
    return opp


async def test_f_on_a_customer_contact_marks_a_reference_and_logs_a_use_with_the_warning(
    sqlite_engine,
):
    world = build_opp_world(sqlite_engine, kim=False)
    opp = _customer(sqlite_engine, world)
    app = HostApp(sqlite_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await _page(app, pilot, "contact", world.jane)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ReferenceDialog)
        await pilot.press("enter")  # Public, highlighted first
        await settle(pilot)
        with Session(sqlite_engine) as session:
            jane = session.get(Contact, world.jane)
            assert jane is not None and (jane.reference_type, jane.lifecycle_stage) == (
                "public", "Reference",
            )  # fmt: skip
        for n in range(4):
            use_reference(sqlite_engine, contact_id=world.jane, note=f"use {n}", rep_id=world.rep,
                          at=NOW)  # fmt: skip
        app.screen.query_one("#ref-note").focus()
        await pilot.press(*"Initech call", "tab", *str(opp), "enter")
        await settle(pilot)
        assert "over the limit of 4" in _shown(app, "#ref-said")
        assert app.screen.query_one("#ref-note").value == ""
    with Session(sqlite_engine) as session:
        jane = session.get(Contact, world.jane)
        assert jane is not None and jane.reference_use_count == 5


async def test_a_refused_reference_says_why_in_the_dialog(sqlite_engine):
    world = build_opp_world(sqlite_engine, kim=False)
    app = HostApp(sqlite_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ReferenceDialog(world.bob))
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert "only a customer's contact can be a reference" in _shown(app, "#ref-said")


def _filter_world(engine):
    world = build_opp_world(engine, kim=False)
    with Session(engine) as session:
        for score in (9, 8, 7):
            make_lead(session, lead_source="Web", score=score)
        make_lead(session, lead_source="Event")
        session.commit()
    add_filter(engine, rep_id=world.manager, spec=FilterSpec("Web pool", owner="pool",
                                                             source="Web"))  # fmt: skip
    return world


async def test_f_on_the_campaigns_screen_adds_a_saved_filters_leads(sqlite_engine):
    from workstation.screens.campaigns import CampaignsScreen

    world = _filter_world(sqlite_engine)
    app = HostApp(sqlite_engine, rep="Morgan Manager")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = CampaignsScreen()
        await app.push_screen(screen)
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, PickFilterDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        await until(pilot, lambda: "3 added" in _shown(app, "#campaigns-status"), "the counts")
        assert screen.campaigns[0].members == 3
    with Session(sqlite_engine) as session:
        members = session.execute(
            select(func.count()).where(CampaignMember.campaign_id == world.webinar)
        ).scalar()
    assert members == 3


async def test_L_in_the_queue_enters_a_lead_and_bad_input_keeps_what_was_typed(
    sqlite_engine, sqlite_url
):
    world = build_opp_world(sqlite_engine, kim=False)
    app = make_app(
        Settings(database_url=sqlite_url, rep_name="Riley Rep"), sqlite_engine, clock=lambda: NOW
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, NewLeadDialog)
        await pilot.press(*"Lovelace", "tab", *"Engines", "tab", *"Ada", "tab", "tab", *"12")
        await pilot.press("enter")
        await settle(pilot)
        assert "phone '12' is not a valid number" in _shown(app, "#new-lead-error")
        assert app.screen.query_one("#new-lead-last_name").value == "Lovelace"
        await pilot.press(*["backspace"] * 2, *"(415) 555-0134", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, NewLeadDialog)
        said = [n.message for n in app._notifications]
        assert any(m.endswith("entered: Open, owner Riley Rep.") for m in said), said
    with Session(sqlite_engine) as session:
        lead = session.execute(select(Lead).where(Lead.last_name == "Lovelace")).scalar_one()
    assert (lead.first_name, lead.phone, lead.owner_id) == ("Ada", "+14155550134", world.rep)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_contact_roles_dialog(sqlite_engine, snap_compare, size):
    world = build_opp_world(sqlite_engine, kim=False)
    opp = _opportunity(sqlite_engine, world)
    app = HostApp(sqlite_engine)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(ContactRolesDialog(opp))
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_reference_dialog(sqlite_engine, snap_compare, size):
    world = build_opp_world(sqlite_engine, kim=False)
    _customer(sqlite_engine, world)
    set_reference(sqlite_engine, contact_id=world.jane, kind="private", rep_id=world.rep, at=NOW)
    use_reference(sqlite_engine, contact_id=world.jane, note="Initech", rep_id=world.rep, at=NOW)
    app = HostApp(sqlite_engine)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(ReferenceDialog(world.jane))
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_pick_filter_dialog(sqlite_engine, snap_compare, size):
    _filter_world(sqlite_engine)
    app = HostApp(sqlite_engine, rep="Morgan Manager")

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(PickFilterDialog("Spring Webinar"))
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_new_lead_dialog(sqlite_engine, snap_compare, size):
    build_opp_world(sqlite_engine, kim=False)
    app = HostApp(sqlite_engine)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(NewLeadDialog())
        await settle(pilot)
        await pilot.press(*"Lovelace", "tab", *"Engines")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_hostile_names_show_literally_in_the_new_dialogs(sqlite_engine):
    from tests.properties.hostile import assert_screen_safe

    world = _filter_world(sqlite_engine)
    opp = _customer(sqlite_engine, world)
    with Session(sqlite_engine) as session:
        jane = session.get(Contact, world.jane)
        assert jane is not None
        jane.first_name = "[@click=app.quit]Jane \x1b[31mred"
        session.commit()
    add_filter(sqlite_engine, rep_id=world.manager, spec=FilterSpec("[b]Mine[/b]"))
    app = HostApp(sqlite_engine, rep="Morgan Manager")
    async with app.run_test(size=(120, 40)) as pilot:
        for dialog, where in (
            (ContactRolesDialog(opp), "the contact roles"),
            (ReferenceDialog(world.jane), "the reference"),
            (PickFilterDialog("[i]Expo[/i]"), "the saved filters"),
        ):
            app.push_screen(dialog)
            await settle(pilot)
            shown = assert_screen_safe(app, where)
            assert ("[@click=app.quit]Jane" in shown) or ("[b]Mine[/b]" in shown), where
            await pilot.press("escape")
            await settle(pilot)
