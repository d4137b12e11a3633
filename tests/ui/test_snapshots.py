"""What a rep sees, pinned at fixed terminal sizes (update with --snapshot-update): the
queue, the card scrolled, the card of a record with an address, a mobile and an inquiry,
every key (`?`), and the convert wizard's review, each at 80×24 and 120×40."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.convert_factories import build_world
from tests.ui.conftest import settle
from tests.ui.test_record_card_scroll import _give_the_top_lead_a_past
from workstation.screens.convert_wizard import ConvertWizard
from workstation.store.models import Lead

SIZES = [(80, 24), (120, 40)]


def _pressing(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_queue_at_120x40(app_factory, snap_compare):
    assert snap_compare(app_factory(), terminal_size=(120, 40))


def test_queue_at_80x24(app_factory, snap_compare):
    assert snap_compare(app_factory(), terminal_size=(80, 24))


def test_empty_database_offer(app_factory, snap_compare):
    assert snap_compare(app_factory(fill=False), terminal_size=(100, 30))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_card_with_calls(app_factory, sqlite_engine, snap_compare, size):
    app = app_factory()
    _give_the_top_lead_a_past(sqlite_engine)
    assert snap_compare(app, terminal_size=size, run_before=_pressing())


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_card_scrolled(app_factory, sqlite_engine, snap_compare, size):
    app = app_factory()
    _give_the_top_lead_a_past(sqlite_engine)
    assert snap_compare(app, terminal_size=size, run_before=_pressing("h", "pagedown"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_every_key(app_factory, snap_compare, size):
    assert snap_compare(app_factory(), terminal_size=size, run_before=_pressing("question_mark"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_wizard_review(app_factory, sqlite_engine, snap_compare, size):
    world = build_world(sqlite_engine)
    app = app_factory("Riley Rep", fill=False)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(ConvertWizard(world.lead))
        await pilot.pause()
        await pilot.press("r")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def _give_the_top_lead_its_record_fields(engine) -> None:
    """Eve (the top of Morgan's queue) gets an extension, a mobile, an address and an
    inquiry of a few lines, one of them markup that must show literally."""
    with Session(engine) as session:
        lead = session.exec(select(Lead).where(Lead.score == 1000)).one()
        lead.phone, lead.phone_extension, lead.mobile_phone = "+14155550134", "972", "+14155550199"
        lead.street, lead.city, lead.postal_code = "1 Main St Suite 5", "San Francisco", "94105"
        lead.state, lead.country, lead.account_type = "CA", "US", "Prospect"
        lead.description = "Wants a demo for [bold]20 seats[/bold].\nCall after 3pm, not Fridays."
        session.commit()


@pytest.mark.parametrize(
    ("size", "keys"),
    [((80, 24), ("h", *["down"] * 6)), ((120, 40), ())],
    ids=["80x24", "120x40"],
)
def test_the_card_with_record_fields(app_factory, sqlite_engine, snap_compare, size, keys):
    app = app_factory()
    _give_the_top_lead_its_record_fields(sqlite_engine)
    assert snap_compare(app, terminal_size=size, run_before=_pressing(*keys))
