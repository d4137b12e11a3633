"""The app expires "Contacted – Recent Activity" by itself: when it starts, and every few
minutes while it is open, with nobody running a command."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from tests.factories import NOW, make_lead
from tests.ui.conftest import settle
from workstation.app import EXPIRY_EVERY
from workstation.store.models import Lead
from workstation.store.reference import CONTACTED, WORKING


def _contacted(engine, days_ago: int) -> int:
    with Session(engine) as session:
        lead = make_lead(
            session, status=CONTACTED, last_name=f"Spoken{days_ago}",
            last_activity_at=NOW - timedelta(days=days_ago),
        )  # fmt: skip
        session.commit()
        assert lead.id is not None
        return lead.id


def _status(engine, lead_id: int) -> str:
    with Session(engine) as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        return lead.status


async def test_the_app_sweeps_when_it_starts(app_factory, sqlite_engine):
    app = app_factory()
    old, recent = _contacted(sqlite_engine, 31), _contacted(sqlite_engine, 29)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert _status(sqlite_engine, old) == WORKING
        assert _status(sqlite_engine, recent) == CONTACTED


async def test_the_app_sweeps_again_while_it_is_open(app_factory, sqlite_engine):
    now = [NOW]
    app = app_factory()
    app.store.clock = lambda: now[0]
    lead_id = _contacted(sqlite_engine, 29)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert _status(sqlite_engine, lead_id) == CONTACTED
        # Textual keeps a node's timers in `_timers`; the interval is the timer's first repr field.
        timers = {t.name: t._interval for t in app._timers}
        assert timers["expire-recent-activity"] == EXPIRY_EVERY == 600
        now[0] = NOW + timedelta(days=2)
        app.expire_recent_activity()  # what its timer calls every few minutes
        await settle(pilot)
        assert _status(sqlite_engine, lead_id) == WORKING
