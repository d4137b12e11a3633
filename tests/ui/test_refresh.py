"""The queue screen keeps up with others' work: on its periodic tick, and when the rep comes
back to it from another screen, the queue counts move and a record someone else changed
(reassigned, qualified) shows afresh on the card and in the script."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.factories import NOW, make_lead
from tests.ui.conftest import settle
from workstation.store.calling.dispositions import log_call
from workstation.store.models import Rep
from workstation.store.team.assign import reassign
from workstation.widgets.queue_list import QueueList
from workstation.widgets.record_card import RecordCard
from workstation.widgets.script_panel import ScriptPanel


def _rep_id(engine, name: str) -> int:
    with Session(engine) as session:
        return session.exec(select(Rep).where(Rep.name == name)).one().id


def _my_leads_count(app) -> str:
    return str(app.screen.query_one(QueueList).get_option_at_index(0).prompt).split()[-1]


async def test_the_tick_shows_a_lead_reassigned_by_someone_else(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        from workstation.screens.queue_refresh import REFRESH_SECONDS

        assert screen.refresher.timer is not None
        assert screen.refresher.timer._interval == REFRESH_SECONDS
        lead = screen.card.id
        assert _my_leads_count(app) == "105"
        riley, morgan = (
            _rep_id(sqlite_engine, "Riley Rep"),
            _rep_id(sqlite_engine, "Morgan Manager"),
        )
        reassign(sqlite_engine, [lead], acting_rep_id=morgan, to_rep_id=riley, at=NOW)
        screen.refresher.refresh()  # what the timer does
        await settle(pilot)
        assert screen.card.id == lead and screen.card.owner == "Riley Rep"
        assert "Riley Rep" in screen.query_one(RecordCard).text
        assert _my_leads_count(app) == "104"


async def test_the_tick_shows_a_lead_qualified_by_someone_else(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        card, panel = screen.card, screen.query_one(ScriptPanel)
        loaded = panel.view
        morgan = _rep_id(sqlite_engine, "Morgan Manager")
        log_call(sqlite_engine, rep_id=morgan, disposition="1", lead_id=card.id, now=NOW)
        screen.refresher.refresh()
        await settle(pilot)
        assert screen.card.version > card.version
        assert "Sales Qualified" in screen.query_one(RecordCard).text
        assert panel.view is not loaded  # the script was read again for the new version


async def test_coming_back_to_the_queue_counts_what_an_import_added(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert _my_leads_count(app) == "105"
        with Session(sqlite_engine) as session:
            make_lead(session, owner_id=_rep_id(sqlite_engine, "Morgan Manager"), score=5)
            session.commit()
        await pilot.press("question_mark")  # any other screen: the import, a report …
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert _my_leads_count(app) == "106"


async def test_assigning_the_lead_on_the_card_shows_its_new_owner(app_factory, sqlite_engine):
    from workstation.screens.pick_rep import PickRepDialog

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        lead = screen.card.id
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PickRepDialog)
        riley = str(_rep_id(sqlite_engine, "Riley Rep"))
        options = app.screen.query_one("#pick-rep-list")
        options.highlighted = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == riley
        )
        await pilot.press("enter")
        await settle(pilot)
        assert screen.card.id == lead and screen.card.owner == "Riley Rep"
        assert "Riley Rep" in screen.query_one(RecordCard).text
