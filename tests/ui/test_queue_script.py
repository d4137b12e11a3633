"""The script panel in the queue, on demo data: leads from two campaigns show two scripts
with their own values; BANT answered from the keyboard, then 1, stores the answers with the
call, raises the score in the same transaction and offers conversion (issue 4's "done when")."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from tests.factories import NOW
from tests.ui.conftest import settle
from tests.ui.test_script_panel import text_of
from workstation.app import make_app
from workstation.config import Settings
from workstation.store.demo.generate import generate_demo
from workstation.store.models import Activity, Lead
from workstation.widgets.script_panel import ScriptPanel


async def test_two_campaigns_two_scripts_and_a_qualified_call(sqlite_engine, sqlite_url):
    generate_demo(sqlite_engine, leads=300, now=NOW, workers=0)
    app = make_app(
        Settings(database_url=sqlite_url, rep_name=None), sqlite_engine, clock=lambda: NOW
    )
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        panel = app.screen.query_one(ScriptPanel)
        seen = {panel.view.script_name: app.screen.card.id}
        for _ in range(30):
            if len(seen) == 2:
                break
            await pilot.press("5")  # No Answer: the next lead opens
            await settle(pilot)
            seen.setdefault(panel.view.script_name, app.screen.card.id)
        assert len(seen) == 2, seen
        card = app.screen.card
        text = text_of(panel)
        assert f"Hi {panel.view.values['first_name']}, this is {app.store.rep.name}" in text
        assert f"Product {panel.view.product}  Source {panel.view.lead_source}" in text
        with Session(sqlite_engine) as session:
            before = session.get(Lead, card.id).score
        await pilot.press("s", "y", "right", "down", "enter", *"too slow", "enter", "right")
        await pilot.pause()
        assert any("qualification rule" in str(n.message) for n in app._notifications)
        await pilot.press("1")
        await settle(pilot)
        with Session(sqlite_engine) as session:
            lead = session.get(Lead, card.id)
            answers = (
                session.execute(
                    select(Activity.answers)
                    .where(Activity.lead_id == card.id)
                    .order_by(Activity.id.desc())
                )
                .scalars()
                .first()
            )
        assert answers == {
            "budget": True,
            "authority": "Decision maker",
            "need": "too slow",
            "timeline": "This quarter",
        }
        # The four answers (+40) and the qualified call (+25), recomputed in its transaction.
        assert lead.score == before + 40 + 25 and lead.lifecycle_stage == "Sales Qualified"
        assert app.screen.card.id == card.id  # stays for conversion
        assert "✓ Qualified" in text_of(panel) and "last: too slow" in text_of(panel)
