"""The convert wizard driven with Pilot: a few keys convert into the duplicates it found,
or create everything; nothing is written before the review; each step is pinned by a
snapshot at 120×40."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from textual.widgets import OptionList

from tests.convert_factories import HostApp, build_world, plain, snapshot
from tests.factories import make_lead
from workstation.screens.convert_wizard import ConvertWizard
from workstation.screens.queue import QueueScreen
from workstation.store.conversion.convert import convert_lead
from workstation.store.models import Lead
from workstation.widgets.convert_preview import ConvertPreview

SIZE = (120, 40)


@pytest.fixture
def world(sqlite_engine):
    return build_world(sqlite_engine)


def preview_text(app) -> str:
    return plain(app.screen.query_one(ConvertPreview).content)


async def open_wizard(pilot, lead_id: int, results: list) -> ConvertWizard:
    wizard = ConvertWizard(lead_id)
    pilot.app.push_screen(wizard, results.append)
    await pilot.pause()
    return wizard


async def test_a_few_keys_convert_into_the_duplicates_found(app_factory, world, sqlite_engine):
    app = app_factory("Riley Rep", fill=False)
    results: list = []
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot, world.lead, results)
        assert "email domain acme.com" in preview_text(app)
        await pilot.press("r")
        assert wizard.current == "review"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
    (result,) = results
    assert (result.account_id, result.account_created) == (world.acme, False)
    assert (result.contact_id, result.contact_created) == (world.jane, False)
    assert result.opportunity_created and result.primary and result.campaign_id == world.webinar
    with Session(sqlite_engine) as session:
        assert session.get(Lead, world.lead).is_converted


async def test_create_everything_with_a_role(app_factory, world):
    app = app_factory("Riley Rep", fill=False)
    results: list = []
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot, world.lead, results)
        await pilot.press("end", "enter")  # the last account option: create new
        assert wizard.current == "contact"
        assert wizard.plan.contact.action == "create"  # a new account has no contacts
        await pilot.press("enter", "enter")  # new contact, new opportunity
        await pilot.press("down", "down")  # (blank) → Decision Maker → Economic Buyer
        assert "role Economic Buyer" in preview_text(app)
        await pilot.press("enter", "down", "enter")  # the older campaign: Autumn Expo
        assert wizard.current == "review"
        review = preview_text(app)
        assert "Creates account “Acme”" in review and "Autumn Expo" in review
        await pilot.press("enter")
        await pilot.pause()
    (result,) = results
    assert result.account_created and result.contact_created and result.opportunity_created
    assert (result.role, result.campaign_id) == ("Economic Buyer", world.event)


async def test_moving_around_writes_nothing_and_escape_cancels(app_factory, world, sqlite_engine):
    app = app_factory("Riley Rep", fill=False)
    results: list = []
    before = snapshot(sqlite_engine)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot, world.lead, results)
        await pilot.press("enter", "enter", "down")  # highlight the open opportunity
        assert wizard.plan.opportunity.id == world.open_opportunity
        await pilot.press("backspace", "backspace")
        assert wizard.current == "account"
        await pilot.press("escape")
        await pilot.pause()
    assert results == [None]
    assert snapshot(sqlite_engine) == before


async def test_a_second_primary_is_refused_at_the_review(app_factory, world, sqlite_engine):
    app = app_factory("Riley Rep", fill=False)
    results: list = []
    before = snapshot(sqlite_engine)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot, world.lead, results)
        await pilot.press("enter", "enter", "down", "enter")  # attach to the open opportunity
        assert "Bob Stone is the primary contact already" in preview_text(app)
        assert not wizard.plan.role.primary
        await pilot.press("p", "r")
        assert "already has a primary contact (Bob Stone)" in preview_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is wizard  # still open, showing why
        assert "already has a primary contact" in preview_text(app)
        await pilot.press("escape")
    assert results == [None]
    assert snapshot(sqlite_engine) == before


async def test_a_do_not_call_lead_asks_first(app_factory, world, sqlite_engine):
    with Session(sqlite_engine) as session:
        session.get(Lead, world.lead).do_not_call = True
        session.commit()
    app = app_factory("Riley Rep", fill=False)
    results: list = []
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot, world.lead, results)
        assert wizard.current == "dnc"
        await pilot.press("r")  # no skipping the confirmation
        assert wizard.current == "dnc"
        await pilot.press("enter", "r", "enter")
        await pilot.pause()
    assert results[0].contact_filled[-1] == "do_not_call"


async def test_hostile_text_is_literal_and_a_converted_lead_only_explains(
    app_factory, world, sqlite_engine
):
    with Session(sqlite_engine) as session:
        hostile = make_lead(
            session, company="[bold]Evil[/bold] Corp", last_name="[@click=app.quit]x"
        )
        session.commit()
        hostile_id = hostile.id
    app = app_factory("Riley Rep", fill=False)
    results: list = []
    async with app.run_test(size=SIZE) as pilot:
        await open_wizard(pilot, hostile_id, results)
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(0).prompt.plain] == [
            "Create new account “[bold]Evil[/bold] Corp”"
        ]
        assert "Creates account “[bold]Evil[/bold] Corp”" in preview_text(app)
        await pilot.press("escape")
        convert_lead(app.store.engine, lead_id=world.lead, rep_id=world.rep)
        await open_wizard(pilot, world.lead, results)
        assert "is already converted" in preview_text(app)
        await pilot.press("escape")
        assert app.is_running
    assert results == [None, None]


@pytest.mark.parametrize(
    ("step", "keys"),
    [
        ("account", ()),
        ("contact", ("enter",)),
        ("opportunity", ("enter",) * 2),
        ("role", ("enter",) * 3),
        ("campaign", ("enter",) * 4),
        ("review", ("enter",) * 5),
    ],
)
def test_each_step_at_120x40(world, sqlite_engine, snap_compare, step, keys):
    async def open_at_step(pilot) -> None:
        await open_wizard(pilot, world.lead, [])
        await pilot.press(*keys)
        assert pilot.app.screen.current == step

    assert snap_compare(HostApp(sqlite_engine), terminal_size=SIZE, run_before=open_at_step)


def test_the_do_not_call_step_at_120x40(world, sqlite_engine, snap_compare):
    with Session(sqlite_engine) as session:
        session.get(Lead, world.lead).do_not_call = True
        session.commit()

    async def open_it(pilot) -> None:
        await open_wizard(pilot, world.lead, [])

    assert snap_compare(HostApp(sqlite_engine), terminal_size=SIZE, run_before=open_it)
