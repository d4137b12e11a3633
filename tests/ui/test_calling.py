"""Working the queue with the keyboard: next lead, every disposition, callbacks, undo,
edit with a stale-save refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.factories import NOW
from tests.ui.conftest import settle, type_fast, until
from workstation.screens.callback import CallbackDialog
from workstation.screens.confirm import ConfirmDialog
from workstation.screens.edit_record import EditRecordDialog
from workstation.screens.queue import QueueScreen
from workstation.store import reference
from workstation.store.models import Activity, Lead
from workstation.widgets.record_card import RecordCard


async def _asking_when(pilot, app):
    """The next lead's card, with the callback dialog (key 3) open over it."""
    await pilot.press("n")
    await settle(pilot)
    card = app.screen.card
    await pilot.press("3")
    await pilot.pause()
    assert isinstance(app.screen, CallbackDialog)
    return card


def _lead(engine, lead_id) -> Lead:
    with Session(engine) as session:
        return session.get(Lead, lead_id)


async def test_n_claims_the_best_lead_and_shows_its_card(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        assert screen.card is not None and screen.card.name.startswith("[bold]Eve")


EFFECTS = {
    "1": (reference.CONTACTED, "Sales Qualified", False),
    "2": (reference.NO_INTEREST, "Nurture", False),
    "4": (reference.WORKING, "Lead", False),
    "5": (reference.WORKING, "Lead", False),
    "6": (reference.WORKING, "Lead", False),
    "7": (reference.BAD_DATA, "Inactive", False),
    "8": (reference.NO_INTEREST, "Lead", True),
}


@pytest.mark.parametrize("key", sorted(EFFECTS))
async def test_each_disposition_key(app_factory, sqlite_engine, key):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        first = app.screen.card
        await pilot.press("m", *"rang twice", "enter", key)
        if key == "8":  # do-not-call asks first
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
            await pilot.press("y")
        await settle(pilot)
        lead = _lead(sqlite_engine, first.id)
        status, stage, dnc = EFFECTS[key]
        assert (lead.status, lead.lifecycle_stage, lead.do_not_call) == (status, stage, dnc)
        assert lead.attempt_count == 1 and lead.last_activity_at == NOW
        with Session(sqlite_engine) as session:
            notes = (
                session.execute(select(Activity.notes).where(Activity.lead_id == first.id))
                .scalars()
                .all()
            )
        assert notes == ["rang twice"]
        assert app.screen.query_one("#notes").value == ""
        if key == "1":  # qualified: it stays, so that converting is one key away
            assert app.screen.card.id == first.id
        else:  # the next lead opened by itself
            assert app.screen.card.id != first.id


async def test_do_not_call_is_asked_and_no_logs_nothing(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        first = app.screen.card
        await pilot.press("8")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        assert "Mark " in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.card.id == first.id
        lead = _lead(sqlite_engine, first.id)
        assert not lead.do_not_call and lead.attempt_count == 0


async def test_qualified_then_c_opens_the_convert_wizard(app_factory):
    from workstation.screens.convert_wizard import ConvertWizard

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        lead_id = app.screen.card.id
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConvertWizard) and app.screen.lead_id == lead_id


async def test_space_marks_rows_for_bulk_conversion(app_factory):
    from workstation.screens.bulk_convert import BulkConvertScreen

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#queue-table")
        await pilot.press("space", "down", "space")
        assert len(table.marked) == 2
        assert table.cells(0)[0].plain.startswith("✓ ")
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, BulkConvertScreen)
        assert sorted(app.screen.lead_ids) == sorted(table.marked)


async def test_after_a_bulk_conversion_the_card_of_a_converted_lead_is_read_only(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        card = app.screen.card
        assert not card.read_only
        await pilot.press("C")  # nothing marked: the lead on the card
        await pilot.pause()
        await pilot.press("enter")  # convert
        await settle(pilot)
        await pilot.press("enter")  # close the summary
        await settle(pilot)
        assert app.screen.card.id == card.id and app.screen.card.read_only


async def test_call_back_offers_choices_by_number_or_arrows(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        first = await _asking_when(pilot, app)
        await pilot.press("1", "enter")  # the first choice: in one hour
        await settle(pilot)
        lead = _lead(sqlite_engine, first.id)
        assert lead.callback_at == NOW + timedelta(hours=1)
        assert lead.status == reference.CONTACTED
        second = await _asking_when(pilot, app)
        await pilot.press("down", "enter")  # the second choice: in two hours
        await settle(pilot)
        assert _lead(sqlite_engine, second.id).callback_at == NOW + timedelta(hours=2)


async def test_a_typed_callback_time_starts_in_the_box_below_the_choices(
    app_factory, sqlite_engine
):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        first = await _asking_when(pilot, app)
        await pilot.press("plus", "3", "0", "m", "enter")
        await settle(pilot)
        assert _lead(sqlite_engine, first.id).callback_at == NOW + timedelta(minutes=30)


async def test_a_clock_time_typed_fast_after_3_is_booked_as_typed(app_factory, sqlite_engine):
    """`3` then `14:30` Enter at full speed: the digits are the time, not choices (the `1`
    once picked "In 1 hour" and the `4` crashed the app on the closed dialog)."""
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _asking_when(pilot, app)
        type_fast(app, "1", "4", ":", "3", "0", "enter")
        await settle(pilot)
        # 14:30 where the lead is (America/New_York, UTC-5 in November).
        assert _lead(sqlite_engine, card.id).callback_at == NOW.replace(hour=19, minute=30)
        assert app.is_running and isinstance(app.screen, QueueScreen)


async def test_a_closed_callback_dialog_ignores_what_comes_after(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await _asking_when(pilot, app)
        dialog = app.screen
        dialog.action_cancel()
        dialog.action_cancel()  # a second close of a closed dialog: once "Can't pop screen"
        await settle(pilot)
        await pilot.press("escape", "enter", "1")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, QueueScreen)


async def test_the_queue_counts_follow_a_claim_from_the_pool(app_factory, sqlite_engine):
    from tests.factories import make_rep
    from tests.ui.conftest import fill_small_queue
    from workstation.widgets.queue_list import QueueList

    fill_small_queue(sqlite_engine)
    with Session(sqlite_engine) as session:
        make_rep(session, "Sam New")  # holds nothing: n claims from the pool
        session.commit()
    app = app_factory("Sam New", fill=False)

    def counts() -> dict[str, int]:
        options = app.screen.query_one(QueueList).options
        return {
            str(o.prompt).rsplit(maxsplit=1)[0]: int(str(o.prompt).split()[-1]) for o in options
        }

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = counts()
        await pilot.press("n")
        await settle(pilot)
        after = counts()
        assert (before["My Leads"], before["New in Pool"]) == (0, 5)
        assert (after["My Leads"], after["New in Pool"]) == (1, 4)


async def test_the_queue_counts_follow_a_call_that_closes_a_lead(app_factory):
    from workstation.widgets.queue_list import QueueList

    app = app_factory("Riley Rep")  # holds leads: the next lead after the call is their own

    def my_leads() -> int:
        return int(str(app.screen.query_one(QueueList).options[0].prompt).split()[-1])

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        before = my_leads()
        await pilot.press("2")  # not interested: the lead closes
        await settle(pilot)
        assert my_leads() == before - 1


async def test_call_back_cancelled_logs_nothing(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("3", "escape")
        await settle(pilot)
        with Session(sqlite_engine) as session:
            assert session.execute(select(func.count()).select_from(Activity)).scalar() == 0


async def test_u_undoes_the_last_call(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        first = app.screen.card
        await pilot.press("7")
        await settle(pilot)
        assert _lead(sqlite_engine, first.id).status == reference.BAD_DATA
        await pilot.press("u")
        await settle(pilot)
        lead = _lead(sqlite_engine, first.id)
        assert (lead.status, lead.attempt_count, lead.is_open) == ("Open", 0, True)
        assert app.screen.card.id == first.id


async def test_edit_saves_and_a_stale_save_is_refused(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        lead_id = app.screen.card.id
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditRecordDialog)
        assert app.screen.focused is app.screen.query("Input").first()  # type at once
        # Meanwhile another rep saves the same lead.
        with Session(sqlite_engine) as session:
            other = session.get(Lead, lead_id)
            other.title, other.version = "Changed elsewhere", other.version + 1
            session.commit()
        app.screen.query_one("#edit-title").value = "Head of Sales"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EditRecordDialog)
        assert "saved by someone else" in str(app.screen.query_one("#edit-error").render())
        assert _lead(sqlite_engine, lead_id).title == "Changed elsewhere"
        await pilot.press("escape")
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#edit-title").value = "Head of Sales"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        saved = _lead(sqlite_engine, lead_id)
        assert (saved.title, saved.updated_at) == ("Head of Sales", NOW)  # the app's clock


async def test_a_manager_assigns_marked_pool_leads_and_a_rep_may_not(app_factory, sqlite_engine):
    from workstation.screens.pick_rep import PickRepDialog

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.action_show_queue("pool")
        await pilot.pause()
        table = app.screen.query_one("#queue-table")
        await pilot.press("space", "down", "space", "a")
        await pilot.pause()
        assert isinstance(app.screen, PickRepDialog)
        await pilot.press("enter")  # the rep with the most room: Riley Rep
        await settle(pilot)
        assert app.screen.query_one("#queue-table").row_count == 3
        assert not table.marked
    with Session(sqlite_engine) as session:
        assigned = session.execute(
            select(Lead.owner_id, Lead.assigned_at).where(Lead.last_name.in_(["Pool4", "Pool3"]))
        ).all()
    assert len(set(assigned)) == 1 and assigned[0][0] is not None
    assert assigned[0][1] == NOW  # the app's clock
    rep_app = app_factory("Riley Rep", fill=False)
    async with rep_app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(rep_app.screen, PickRepDialog)


async def test_script_answers_are_saved_with_the_call_and_move_the_score(
    app_factory, sqlite_engine
):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        lead_id = app.screen.card.id
        score_before = _lead(sqlite_engine, lead_id).score
        await pilot.press("s", "y", "escape")  # Budget: yes
        await pilot.pause()
        assert app.screen.query_one("#script").answers()
        await pilot.press("4")
        await settle(pilot)
    with Session(sqlite_engine) as session:
        answers = session.execute(
            select(Activity.answers).where(Activity.lead_id == lead_id)
        ).scalar_one()
    assert answers and True in answers.values()
    # Recomputed from the rules: the hand-set score gives way to Budget yes (+10) and a
    # voicemail (−2).
    assert score_before == 1000 and _lead(sqlite_engine, lead_id).score == 10 - 2


async def test_the_card_shows_and_the_form_edits_the_record_fields(app_factory, sqlite_engine):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        lead_id = app.screen.card.id
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EditRecordDialog)
        form.query_one("#edit-phone").value = "(415) 555-0134 x972"
        form.query_one("#edit-mobile_phone").value = "415.555.0199"
        form.query_one("#edit-street").value = "1 Main St"
        form.query_one("#edit-postal_code").value = "94105"
        form.query_one("#edit-description").focus()
        await pilot.press(*"Wants a demo.", "enter", *"After 3pm.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        saved = _lead(sqlite_engine, lead_id)
        assert (saved.phone, saved.phone_extension, saved.mobile_phone) == (
            "+14155550134",
            "972",
            "+14155550199",
        )
        assert saved.description == "Wants a demo.\nAfter 3pm."
        await until(pilot, lambda: "After 3pm." in app.screen.query_one(RecordCard).text, "card")
        text = app.screen.query_one(RecordCard).text
        assert "(415) 555-0134 ext. 972" in text and "(415) 555-0199" in text
        assert "1 Main St" in text and "94105" in text
        assert "Description\nWants a demo.\nAfter 3pm." in text
