"""The wizard reuses what the rep captured: the contact role from the Authority answer,
the new opportunity's name, amount and close date typed on its step; bulk conversion warns
about leads never qualified and names them; a converted lead's account, contact and
opportunity open from its card."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from tests.convert_factories import HostApp, add, build_world, plain
from tests.factories import NOW
from tests.ui.conftest import settle
from tests.ui.test_convert_wizard import open_wizard, preview_text
from workstation.screens.ask import AskDialog
from workstation.screens.bulk_convert import BulkConvertScreen
from workstation.screens.convert_wizard import ConvertWizard
from workstation.screens.converted_records import ConvertedRecordsScreen
from workstation.screens.queue import QueueScreen
from workstation.store.models import Activity, Opportunity

SIZE = (120, 40)


@pytest.fixture
def world(sqlite_engine):
    world = build_world(sqlite_engine)
    with Session(sqlite_engine) as session:
        add(
            session,
            Activity(
                lead_id=world.lead, rep_id=world.rep, disposition="Connected – Qualified",
                answers={"authority": "Decision maker", "budget": True},
                occurred_at=NOW - timedelta(hours=1),
            ),
        )  # fmt: skip
        session.commit()
    return world


async def test_the_role_starts_as_the_authority_answer_names(app_factory, world):
    app, results = app_factory("Riley Rep", fill=False), []
    async with app.run_test(size=SIZE) as pilot:
        await open_wizard(pilot, world.lead, results)
        await pilot.press("r")
        assert "role Decision Maker" in preview_text(app)
        await pilot.press("enter")
        await pilot.pause()
    assert results[0].role == "Decision Maker"


async def test_the_new_opportunity_s_terms_are_typed_and_checked(app_factory, world, sqlite_engine):
    app, results = app_factory("Riley Rep", fill=False), []
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot, world.lead, results)
        await pilot.press("enter", "enter")
        assert wizard.current == "opportunity"
        await pilot.press("a", *"ten", "enter")
        assert isinstance(app.screen, AskDialog)
        assert "'ten' is not an amount" in plain(app.screen.query_one("#ask-error").content)
        await pilot.press(*["backspace"] * 3, *"$1,250.50", "enter")
        await pilot.press("d", *"2027-02-28", "enter")
        await pilot.press("n", *"Acme 40 seats", "enter")
        assert app.screen is wizard
        assert "$1,250.50" in preview_text(app) and "closes 2027-02-28" in preview_text(app)
        await pilot.press("r", "enter")
        await pilot.pause()
    with Session(sqlite_engine) as session:
        made = session.get(Opportunity, results[0].opportunity_id)
        assert (made.name, made.amount_cents, made.close_date) == (
            "Acme 40 seats", 125_050, date(2027, 2, 28),
        )  # fmt: skip


async def test_bulk_conversion_warns_about_the_never_qualified_and_names_every_lead(
    sqlite_engine, world
):
    app, results = HostApp(sqlite_engine), []
    async with app.run_test(size=SIZE) as pilot:
        screen = BulkConvertScreen([world.lead, world.fresh_lead])
        app.push_screen(screen, results.append)
        await pilot.pause()
        warning = plain(screen.query_one("#bulk-warning").content)
        assert "1 never qualified" in warning and f"lead {world.fresh_lead} Zed Quill" in warning
        assert "Jane Doe" not in warning
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = plain(screen.query_one("#bulk-result").content)
    assert f"✓ lead {world.lead} Jane Doe (Acme) →" in summary
    assert f"✓ lead {world.fresh_lead} Zed Quill (Initech LLC) (never qualified) →" in summary


async def test_o_opens_what_a_lead_was_converted_into(app_factory, world):
    app = app_factory("Riley Rep", fill=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.show_record("lead", world.fresh_lead)
        await pilot.press("o")  # not converted: nothing to open
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConvertWizard)
        await pilot.press("enter", "enter")  # to the opportunity
        await pilot.press("a", *"900", "enter", "r", "enter")  # typing replaces the $0.00
        await settle(pilot)
        assert app.screen.card.read_only
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ConvertedRecordsScreen)
        shown = " ".join(plain(s.content) for s in app.screen.query(".converted-record"))
    for seen in ("Initech LLC", "zed@gmail.com", "$900.00", "Zed Quill (no role, primary)"):
        assert seen in shown


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_the_converted_records(app_factory, world, sqlite_engine, snap_compare, size):
    from workstation.store.conversion.convert import convert_lead
    from workstation.store.conversion.rules import ConversionChoices

    convert_lead(
        sqlite_engine, lead_id=world.fresh_lead, rep_id=world.rep, at=NOW,
        choices=ConversionChoices(amount_cents=90_000, role="Evaluator"),
    )  # fmt: skip

    async def open_it(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(ConvertedRecordsScreen(world.fresh_lead, "Zed Quill"))
        await pilot.pause()

    app = app_factory("Riley Rep", fill=False)  # the app's own stylesheet
    assert snap_compare(app, terminal_size=size, run_before=open_it)


def test_the_never_qualified_warning_at_100x30(world, sqlite_engine, snap_compare):
    async def open_it(pilot) -> None:
        pilot.app.push_screen(BulkConvertScreen([world.lead, world.fresh_lead]))
        await pilot.pause()

    assert snap_compare(HostApp(sqlite_engine), terminal_size=(100, 30), run_before=open_it)
