"""Keys typed faster than the screens follow, and pastes: each lands where the keys before
it lead, in order, whether a dialog is still opening or the focus is still moving."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from tests.factories import NOW
from tests.ui.conftest import keys_handled, paste_fast, settle, type_fast
from workstation.screens.queue import QueueScreen
from workstation.store.models import Activity, Lead

TO_PHONE = ("tab",) * 5  # first name, last name, title, company, email, then the phone


async def _card(pilot):
    await pilot.press("n")
    await settle(pilot)
    return pilot.app.screen.card


def _saved(engine, lead_id: int) -> tuple[Lead, list[str]]:
    with Session(engine) as session:
        calls = session.execute(
            select(Activity.disposition).where(Activity.lead_id == lead_id)
        ).scalars()
        return session.get(Lead, lead_id), list(calls)


async def test_a_phone_typed_fast_into_the_edit_form_is_saved_as_typed(app_factory, sqlite_engine):
    """`e`, Tab to the phone and the number at full speed: once the digits logged calls on
    the queue under the form (6 Busy, 1 Qualified) and the rest landed in the first field."""
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _card(pilot)
        type_fast(app, "e", *TO_PHONE, *"+61 7 3121 3085", "ctrl+s")
        await keys_handled(pilot)
        lead, calls = _saved(sqlite_engine, card.id)
        assert (lead.phone, lead.first_name, calls) == ("+61731213085", "[bold]Eve[/bold]", [])
        assert isinstance(app.screen, QueueScreen)


async def test_a_phone_pasted_into_the_edit_form_is_saved_as_pasted(app_factory, sqlite_engine):
    """A paste as terminals send it, line breaks around it included, right after the keys
    that open the form and reach the phone."""
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _card(pilot)
        type_fast(app, "e", *TO_PHONE)
        paste_fast(app, "\n+61 7 3121 3085\r\n")
        type_fast(app, "ctrl+s")
        await keys_handled(pilot)
        lead, calls = _saved(sqlite_engine, card.id)
        assert (lead.phone, calls) == ("+61731213085", [])


async def test_a_callback_time_typed_before_the_dialog_opens_is_booked(app_factory, sqlite_engine):
    """`3` and `14:30` Enter in one burst: the dialog is still opening when the `1` comes,
    which once logged a Qualified call on the queue screen."""
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _card(pilot)
        type_fast(app, "3", *"14:30", "enter")
        await keys_handled(pilot)
        lead, calls = _saved(sqlite_engine, card.id)
        # 14:30 where the lead is (America/New_York, UTC-5 in November).
        assert (lead.callback_at, calls) == (
            NOW.replace(hour=19, minute=30),
            ["Connected – Call Back"],
        )


async def test_a_callback_time_pasted_is_booked(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _card(pilot)
        type_fast(app, "3")
        paste_fast(app, "\n14:30\n")
        type_fast(app, "enter")
        await keys_handled(pilot)
        lead, _ = _saved(sqlite_engine, card.id)
        assert lead.callback_at == NOW.replace(hour=19, minute=30)


async def test_outcome_keys_typed_fast_each_log_one_call_on_the_next_card(
    app_factory, sqlite_engine
):
    """`5 4 6` in one burst: one call on each of three records, in the order of the queue.
    The second key once came while the first call was still being logged and logged a
    second call on the same card (four calls on one lead within a second, in tmux)."""
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        first = await _card(pilot)
        type_fast(app, "5", "4", "6")
        await keys_handled(pilot)
        with Session(sqlite_engine) as session:
            calls = session.execute(
                select(Activity.lead_id, Activity.disposition)
                .where(Activity.lead_id.is_not(None))
                .order_by(Activity.id)
            ).all()
    leads = [lead_id for lead_id, _ in calls[-3:]]
    assert leads[0] == first.id and len(set(leads)) == 3, calls[-3:]
    assert [d for _, d in calls[-3:]] == ["No Answer", "Left Voicemail", "Busy"]
