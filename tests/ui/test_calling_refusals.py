"""Keys that must not log a call, and the card after a call: a rejected lead refuses one, a
do-not-call person takes one only after y in the confirmation, and only the call that
qualifies keeps the card for c (issue 17, faults 2 and 3)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from tests.ui.conftest import settle
from workstation.screens.confirm import ConfirmDialog
from workstation.screens.queue import QueueScreen
from workstation.screens.reject_dialog import RejectDialog
from workstation.store.models import Activity, Lead


def _calls(engine, lead_id: int) -> list[str | None]:
    with Session(engine) as session:
        return list(
            session.execute(
                select(Activity.disposition)
                .where(Activity.lead_id == lead_id, Activity.kind == "call")
                .order_by(Activity.id)
            ).scalars()
        )


def _messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def _first_card(pilot, app):
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(app.screen, QueueScreen) and app.screen.card is not None
    return app.screen.card


async def test_reject_then_an_outcome_key_logs_nothing_and_says_why(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _first_card(pilot, app)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, RejectDialog)
        await pilot.press("enter")  # the first reason: Bogus form fill
        await settle(pilot)
        assert app.screen.card.id == card.id
        await pilot.press("5")
        await settle(pilot)
        assert _calls(sqlite_engine, card.id) == []
        assert any(
            f"lead {card.id} was rejected by sales (Bogus form fill)" in m for m in _messages(app)
        )
        assert app.screen.card.id == card.id


def _mark_do_not_call(engine, lead_id: int) -> None:
    """As an edit of another rep's, or an import, would while the card is on screen."""
    with Session(engine) as session:
        session.get(Lead, lead_id).do_not_call = True
        session.commit()


async def test_a_do_not_call_lead_asks_first_and_n_or_escape_log_nothing(
    app_factory, sqlite_engine
):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _first_card(pilot, app)
        _mark_do_not_call(sqlite_engine, card.id)
        for cancel in ("n", "escape"):
            await pilot.press("5")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            assert "do-not-call" in app.screen.question
            await pilot.press(cancel)
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen) and app.screen.card.id == card.id
        assert _calls(sqlite_engine, card.id) == []


async def test_a_do_not_call_lead_takes_the_call_once_confirmed(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _first_card(pilot, app)
        _mark_do_not_call(sqlite_engine, card.id)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert _calls(sqlite_engine, card.id) == ["No Answer"]
        assert app.screen.card.id != card.id  # on to the next lead, as after any call
        second = app.screen.card
        _mark_do_not_call(sqlite_engine, second.id)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("enter")  # Enter confirms too
        await settle(pilot)
        assert _calls(sqlite_engine, second.id) == ["Left Voicemail"]


async def test_after_a_qualified_call_the_next_outcome_key_moves_on(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _first_card(pilot, app)
        await pilot.press("1")
        await settle(pilot)
        assert app.screen.card.id == card.id  # kept for c
        await pilot.press("5")
        await settle(pilot)
        assert app.screen.card.id != card.id
        await pilot.press("5")  # lands on the next lead, not a third call on this one
        await settle(pilot)
        assert _calls(sqlite_engine, card.id) == ["Connected – Qualified", "No Answer"]


async def test_answers_that_meet_the_rule_keep_the_card_after_a_call_back(
    app_factory, sqlite_engine
):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _first_card(pilot, app)
        await pilot.press("s", "y", "right", "down", "enter", *"too slow", "enter", "right")
        await pilot.press("escape")
        await settle(pilot)
        assert any("qualification rule" in m for m in _messages(app))
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("1", "enter")  # the first choice: in one hour
        await settle(pilot)
        assert _calls(sqlite_engine, card.id) == ["Connected – Call Back"]
        assert app.screen.card.id == card.id  # kept for c
        await pilot.press("5")
        await settle(pilot)
        assert app.screen.card.id != card.id
