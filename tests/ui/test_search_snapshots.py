"""The search screen with results, and the page of a lead, contact, account and
opportunity, pinned at 80×24 and 120×40 (update with --snapshot-update)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tests.convert_factories import add, build_world
from tests.factories import NOW
from tests.ui.conftest import settle, until
from workstation.screens.record_page import RecordPageScreen, open_record_page
from workstation.screens.search import SearchScreen
from workstation.store.models import Activity

SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]


def _world_with_calls(engine):
    world = build_world(engine)
    with Session(engine) as session:
        call = Activity(contact_id=world.jane, rep_id=world.rep, kind="call",
                        disposition="Connected – Call Back", notes="[bold]call after 3[/bold]",
                        answers={"budget": True}, duration_seconds=95,
                        occurred_at=NOW - timedelta(hours=1))  # fmt: skip
        email = Activity(contact_id=world.bob, rep_id=world.rep, kind="email",
                         subject="Pricing sent", occurred_at=NOW - timedelta(hours=2))  # fmt: skip
        add(session, call)
        add(session, email)
        for table in ("account", "contact", "opportunity"):  # made at the real "now"
            session.execute(text(f"UPDATE {table} SET created_at = :at"), {"at": NOW})
        session.commit()
    return world


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_the_search_screen(app_factory, sqlite_engine, snap_compare, size):
    _world_with_calls(sqlite_engine)
    app = app_factory("Riley Rep", fill=False)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *"acme")
        await until(
            pilot,
            lambda: isinstance(app.screen, SearchScreen) and app.screen.shown_for == "acme",
            "the results",
        )
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
@pytest.mark.parametrize("kind", ["lead", "contact", "account", "opportunity"])
def test_a_record_page(app_factory, sqlite_engine, snap_compare, size, kind):
    world = _world_with_calls(sqlite_engine)
    record_id = {
        "lead": world.lead, "contact": world.jane, "account": world.acme,
        "opportunity": world.open_opportunity,
    }[kind]  # fmt: skip
    app = app_factory("Riley Rep", fill=False)

    async def run_before(pilot) -> None:
        await settle(pilot)
        open_record_page(app, kind, record_id)
        await until(
            pilot,
            lambda: isinstance(app.screen, RecordPageScreen) and app.screen.page is not None,
            "the page",
        )
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
