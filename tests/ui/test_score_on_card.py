"""The card explains the score (issue 21): each rule that counted and its points, on one
line, hostile rule names shown as written."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.factories import NOW, make_lead, make_rep
from tests.ui.conftest import settle
from workstation.app import make_app
from workstation.config import Settings
from workstation.store.models import ScoreRule
from workstation.store.scoring.explain import rescore
from workstation.widgets.record_card import RecordCard


async def test_the_card_shows_how_the_score_is_made(sqlite_engine, sqlite_url):
    with Session(sqlite_engine) as session:
        rule = session.exec(select(ScoreRule).where(ScoreRule.name == "Target industry")).one()
        rule.name = "[bold]Banks[/]"
        session.add(rule)
        manager = make_rep(session, "Morgan Manager", role="manager")
        lead = make_lead(session, first_name="Ada", title="CEO", industry="Banking",
                         owner_id=manager.id, time_zone="America/New_York")  # fmt: skip
        rescore(session, lead, NOW)
        session.commit()
    app = make_app(Settings(database_url=sqlite_url), sqlite_engine, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        text = app.screen.query_one(RecordCard).text
    # Biggest parts first; what the card's width cuts off is on the record page (and in
    # `workstation score ID`).
    assert "\nScore 35 = C-level title +25 · [bold]Banks[/] …\n" in text
