"""The record card shows the whole record and scrolls from the keyboard: its fields, owner,
campaign and source, its calls with their notes and script answers, and its history; at
120×40 the latest calls are in view without scrolling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.factories import NOW
from tests.ui.conftest import settle, until
from workstation.store.models import Activity, Campaign, History, Lead, Rep
from workstation.widgets.record_card import WIDE, RecordCard

CALLS = 5


def _give_the_top_lead_a_past(engine, changes: int = 8) -> int:
    """Eve (the top of Morgan's queue) gets a campaign, a source, calls and history."""
    with Session(engine) as session:
        lead = session.exec(select(Lead).where(Lead.score == 1000)).one()
        rep = session.exec(select(Rep).where(Rep.name == "Riley Rep")).one()
        campaign = Campaign(name="Spring Webinar", channel="Webinar")
        session.add(campaign)
        session.flush()
        lead.campaign_id, lead.lead_source = campaign.id, "Webinar signup"
        for n in range(CALLS):
            session.add(
                Activity(
                    lead_id=lead.id,
                    rep_id=rep.id,
                    disposition="No Answer" if n else "Left Voicemail",
                    notes=f"note of call {n}",
                    answers={"budget": True, "seats": 20 + n},
                    occurred_at=NOW - timedelta(days=CALLS - n),
                )
            )
        for n in range(changes):
            session.add(
                History(
                    entity="lead",
                    entity_id=lead.id,
                    field="status",
                    old_value=f"old {n}",
                    new_value=f"new {n}",
                    rep_id=rep.id,
                    at=NOW - timedelta(days=30 + n),
                )
            )
        session.commit()
        return lead.id


def _in_view(card: RecordCard) -> str:
    return "\n".join(card.render_line(y).text for y in range(card.scrollable_content_region.height))


async def _card_of_the_top_lead(app_factory, sqlite_engine, pilot_size):
    app = app_factory()
    lead_id = _give_the_top_lead_a_past(sqlite_engine)
    return app, lead_id


async def test_the_latest_calls_are_in_view_at_120x40(app_factory, sqlite_engine):
    app, lead_id = await _card_of_the_top_lead(app_factory, sqlite_engine, (120, 40))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        card = app.screen.query_one(RecordCard)
        assert app.screen.card.id == lead_id
        shown = _in_view(card)
        # Newest first: the last two calls, with their notes and answers, without a scroll.
        assert "note of call 4" in shown and "note of call 3" in shown
        assert "Seats: 24" in shown
        assert "Owner" in shown


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_whole_record_is_on_the_card(app_factory, sqlite_engine, size):
    app, _ = await _card_of_the_top_lead(app_factory, sqlite_engine, size)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        text = app.screen.query_one(RecordCard).text
        for n in range(CALLS):
            assert f"note of call {n}" in text
        for n in range(8):
            assert f"Status: old {n} → new {n}" in text
        for label in ("Owner", "Campaign", "Lead source", "Email opt-out", "Created"):
            assert label in text
        assert "Spring Webinar" in text and "Webinar signup" in text and "Morgan Manager" in text


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_card_scrolls_from_the_keyboard(app_factory, sqlite_engine, size):
    app, _ = await _card_of_the_top_lead(app_factory, sqlite_engine, size)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        card = app.screen.query_one(RecordCard)
        last = card.text.splitlines()[-1].strip()
        assert last not in _in_view(card)  # the end of the record is out of view
        await pilot.press("h")
        assert app.focused is card
        await pilot.press("end")
        await pilot.pause()
        assert last in _in_view(card)
        await pilot.press("home")
        await pilot.pause()
        assert card.scroll_offset.y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert card.scroll_offset.y > 0
        await pilot.press("escape")
        assert app.focused is not card
        await pilot.press("down")  # the queue has the arrows again
        await pilot.pause()
        assert app.screen.query_one("#queue-table").cursor_row == 1


@pytest.mark.parametrize("size", [(240, 40), (120, 40), (80, 24)])
async def test_a_long_past_arrives_after_the_first_view(app_factory, sqlite_engine, size):
    """The lines in view are drawn with the key, the rest just after: both columns of a
    wide card (fields and activity), all of them in the end."""
    app = app_factory()
    _give_the_top_lead_a_past(sqlite_engine, changes=25)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        card = app.screen.query_one(RecordCard)
        await until(pilot, lambda: "Status: old 24" in card.text, "the oldest change")
        assert len(card.text.splitlines()) > card.scrollable_content_region.height
        for n in range(25):
            assert f"Status: old {n} →" in card.text
        assert "Created" in card.text
        if size[0] == 240:  # wide: the activity beside the fields
            assert card.scrollable_content_region.width >= WIDE
        last = card.text.splitlines()[-1].strip()
        await pilot.press("h", "end")
        await pilot.pause()
        assert last in _in_view(card)
