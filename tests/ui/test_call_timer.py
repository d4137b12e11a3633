"""A call is timed from its card to the outcome key: the clock runs on the card, the call
keeps its duration, and d corrects the last one. The app's clock is the test's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.factories import NOW
from tests.ui.conftest import fill_small_queue, keys_handled, settle, type_fast
from workstation.app import make_app
from workstation.config import Settings
from workstation.screens.ask import AskDialog
from workstation.store.models import Activity
from workstation.widgets.record_card import RecordCard


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def timed_app(sqlite_engine, sqlite_url):
    fill_small_queue(sqlite_engine)
    clock = Clock()
    app = make_app(Settings(database_url=sqlite_url), sqlite_engine, clock=clock)
    return app, clock


def _durations(engine) -> list[int | None]:
    with Session(engine) as session:
        return list(
            session.execute(
                select(Activity.duration_seconds)
                .where(Activity.kind == "call")
                .order_by(Activity.id)
            ).scalars()
        )


def _running(app) -> str:
    return str(app.screen.query_one(RecordCard).border_subtitle)


async def test_the_call_is_timed_from_its_card_to_the_outcome_key(timed_app, sqlite_engine):
    app, clock = timed_app
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        clock.now += timedelta(seconds=65)
        app.screen._show_call_time()  # the tick, once a second
        assert _running(app) == "☎ 1:05"
        await pilot.press("5")
        await settle(pilot)
        assert _durations(sqlite_engine) == [65]
        assert _running(app) == "☎ 0:00"  # the next card's call starts afresh
        clock.now += timedelta(seconds=9)
        await pilot.press("6")
        await settle(pilot)
        assert _durations(sqlite_engine) == [65, 9]


async def test_d_corrects_the_last_call_and_a_bad_duration_is_said(timed_app, sqlite_engine):
    app, clock = timed_app
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        clock.now += timedelta(seconds=400)
        await pilot.press("5")
        await settle(pilot)
        type_fast(app, "d", *"ages", "enter")
        await keys_handled(pilot)
        assert isinstance(app.screen, AskDialog)
        assert "'ages' is not a duration" in str(app.screen.query_one("#ask-error").render())
        type_fast(app, *["backspace"] * 4, *"2:00", "enter")
        await keys_handled(pilot)
        assert not isinstance(app.screen, AskDialog)
        assert _durations(sqlite_engine) == [120]


def test_the_running_call_at_120x40(timed_app, snap_compare):
    app, clock = timed_app

    async def a_minute_in(pilot) -> None:
        await settle(pilot)
        clock.now += timedelta(seconds=65)
        app.screen._show_call_time()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=a_minute_in)


def test_the_running_call_at_80x24(timed_app, snap_compare):
    app, clock = timed_app

    async def a_minute_in(pilot) -> None:
        await settle(pilot)
        clock.now += timedelta(seconds=65)
        app.screen._show_call_time()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=a_minute_in)
