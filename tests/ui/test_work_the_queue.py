"""`n` and the outcome keys work the queue on screen (#17 item 11): each queue gives its own
records, one after the other, contacts and recycled leads included; My Leads by default."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.factories import NOW, make_lead
from tests.ui.conftest import fill_small_queue, settle
from workstation.store import reference
from workstation.store.models import Activity, Contact, Lead, Rep
from workstation.store.rows import QUEUE_INFO
from workstation.store.values.rules import ATTEMPT_CAP

ZONE = "America/New_York"  # 10:00 there at NOW


def _records(engine, queue: str) -> list[tuple[str, int]]:
    """Two records of the manager's (the app's rep) in `queue`, in the order `n` takes them."""
    with Session(engine) as session:
        rep = session.execute(select(Rep).where(Rep.name == "Morgan Manager")).scalar_one()
        made: list[Lead | Contact] = []
        for n in range(2):
            if queue == "contacts":
                contact = Contact(last_name=f"Contact{n}", owner_id=rep.id, time_zone=ZONE)
                session.add(contact)
                session.flush()
                made.append(contact)
                continue
            values: dict = {"owner_id": rep.id, "time_zone": ZONE, "score": 0}
            if queue == "callbacks":
                values["callback_at"] = NOW - timedelta(hours=2 - n)
            elif queue == "callbacks-upcoming":
                values["callback_at"] = NOW + timedelta(hours=1 + n)
            elif queue == "nurture":
                values.update(
                    status=reference.NURTURING,
                    is_open=False,
                    lifecycle_stage="Nurture",
                    attempt_count=ATTEMPT_CAP,
                    last_activity_at=NOW - timedelta(days=3),
                )
            made.append(make_lead(session, last_name=f"{queue}{n}", **values))
        session.commit()
        order = [(type(r).__tablename__, r.id) for r in made]
    return order[::-1] if queue == "nurture" else order  # Nurture: newest first


async def _open_queue(pilot, app, key: str) -> None:
    for _ in range(10):  # `v` steps through the queue list
        if app.screen.queue_key == key:
            return
        await pilot.press("v")
        await settle(pilot)
    raise AssertionError(f"v never reached {key}")


def _calls_on(engine, kind: str, record_id: int) -> int:
    column = Activity.lead_id if kind == "lead" else Activity.contact_id
    with Session(engine) as session:
        return session.execute(
            select(func.count()).where(column == record_id, Activity.kind == "call")
        ).scalar_one()


@pytest.mark.parametrize("queue", ["callbacks", "callbacks-upcoming", "contacts", "nurture"])
async def test_n_and_an_outcome_key_move_through_the_queue_on_screen(
    app_factory, sqlite_engine, queue
):
    fill_small_queue(sqlite_engine)
    first, second = _records(sqlite_engine, queue)
    app = app_factory(fill=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _open_queue(pilot, app, queue)
        await pilot.press("n")
        await settle(pilot)
        card = app.screen.card
        assert (card.kind, card.id) == first
        await pilot.press("5")  # No Answer: logged, and on to the next of this queue
        await settle(pilot)
        card = app.screen.card
        assert (card.kind, card.id) == second
        await pilot.press("5")  # the queue is worked out: it says so, and stays
        await settle(pilot)
        card = app.screen.card
        assert (card.kind, card.id) == second and app.screen.queue_key == queue
        title = QUEUE_INFO[queue].title
        assert f"nothing callable in {title} right now" in _messages(app)
    assert _calls_on(sqlite_engine, *first) == _calls_on(sqlite_engine, *second) == 1


def _messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_my_leads_is_the_default_and_n_there_never_offers_a_contact(
    app_factory, sqlite_engine
):
    fill_small_queue(sqlite_engine)
    _records(sqlite_engine, "contacts")
    app = app_factory(fill=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.queue_key == "my-leads"
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.card.kind == "lead" and app.screen.card.name.startswith("[bold]Eve")


async def test_a_worked_out_queue_says_so_and_keeps_its_card(app_factory, sqlite_engine):
    fill_small_queue(sqlite_engine)
    (only,) = _records(sqlite_engine, "contacts")[:1]
    app = app_factory(fill=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _open_queue(pilot, app, "contacts")
        await pilot.press("n", "5")
        await settle(pilot)
        await pilot.press("n", "5")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.queue_key == "contacts"
        assert "nothing callable in Contacts – No Opp. right now" in _messages(app)
    assert _calls_on(sqlite_engine, *only) == 1


async def test_a_contact_takes_a_callback_and_undo_from_its_queue(app_factory, sqlite_engine):
    from workstation.screens.callback import CallbackDialog
    from workstation.screens.queue import QueueScreen

    fill_small_queue(sqlite_engine)
    first, second = _records(sqlite_engine, "contacts")
    app = app_factory(fill=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _open_queue(pilot, app, "contacts")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, CallbackDialog)
        await pilot.press("1", "enter")  # in one hour
        await settle(pilot)
        assert (app.screen.card.kind, app.screen.card.id) == second
        with Session(sqlite_engine) as session:
            contact = session.get(Contact, first[1])
            assert (contact.callback_at, contact.attempt_count) == (NOW + timedelta(hours=1), 1)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert (app.screen.card.kind, app.screen.card.id) == first
        with Session(sqlite_engine) as session:
            contact = session.get(Contact, first[1])
            assert (contact.callback_at, contact.attempt_count) == (None, 0)
