"""The skipped line lays the screen out only when its number of lines changes; whatever
it skips, its height always matches what it shows."""

from __future__ import annotations

from workstation.widgets.skipped_line import SkippedLine

SHORT_A = "Skipped 1: Ann Ames: called in the last hour"
SHORT_B = "Skipped 1: Bob Bell: attempt cap reached (6 of 6)"
LONG = "Skipped 4: " + "; ".join(f"Lead {n}: called in the last hour" for n in range(4))


async def _shown(pilot, line: SkippedLine, text: str) -> tuple[int, str]:
    line.show(text)
    await pilot.pause()
    first = line.render_line(0).text.strip()
    return line.region.height, first


async def test_its_height_follows_its_text_through_every_change(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        line = app.screen.query_one(SkippedLine)
        assert await _shown(pilot, line, "") == (1, "")
        assert await _shown(pilot, line, SHORT_A) == (1, SHORT_A)
        assert await _shown(pilot, line, SHORT_B) == (1, SHORT_B)  # a repaint, no layout
        height, first = await _shown(pilot, line, LONG)
        assert height == 2 and first.startswith("Skipped 4: Lead 0")
        assert await _shown(pilot, line, SHORT_A) == (1, SHORT_A)
        assert await _shown(pilot, line, "") == (1, "")
        assert await _shown(pilot, line, "") == (1, "")


async def test_after_a_resize_it_is_laid_out_for_the_new_width(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        line = app.screen.query_one(SkippedLine)
        height, _ = await _shown(pilot, line, LONG)
        assert height == 1  # a small terminal gives it one line
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert line.region.height == 2
        assert await _shown(pilot, line, SHORT_A) == (1, SHORT_A)


def _skip_the_top_leads(engine) -> dict[str, int]:
    """Morgan's best leads, each uncallable for one of four reasons; how many per reason."""
    from datetime import timedelta

    from sqlmodel import Session, select

    from tests.factories import NOW
    from workstation.store.models import Lead, Rep

    reasons = {
        "called in the last hour": {"last_activity_at": NOW - timedelta(minutes=10)},
        "attempt cap reached": {"attempt_count": 9},
        "outside calling hours": {"time_zone": "Asia/Tokyo"},
        "callback not due yet": {"callback_at": NOW + timedelta(hours=3)},
    }
    with Session(engine) as session:
        morgan = session.exec(select(Rep).where(Rep.name == "Morgan Manager")).one()
        leads = session.exec(
            select(Lead).where(Lead.score >= 90, Lead.owner_id == morgan.id).order_by(Lead.id)
        ).all()
        counts = dict.fromkeys(reasons, 0)
        for n, lead in enumerate(leads):
            reason = list(reasons)[n % 4]
            for field, value in reasons[reason].items():
                setattr(lead, field, value)
            counts[reason] += 1
        session.commit()
    return counts


async def test_every_skip_reason_is_counted_listed_and_cleared_on_a_queue_switch(
    app_factory, sqlite_engine
):
    from tests.ui.conftest import settle
    from workstation.screens.queue import QueueScreen

    app = app_factory()
    counts = _skip_the_top_leads(sqlite_engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        line = app.screen.query_one(SkippedLine)
        text = str(line.render())
        total = sum(counts.values())
        assert text.startswith(f"Skipped {total} (k lists them): ")
        for reason, count in counts.items():
            assert f"{count} {reason}" in text
        await pilot.press("k")
        await pilot.pause()
        from workstation.screens.skipped import SkippedScreen

        assert isinstance(app.screen, SkippedScreen)
        assert len(app.screen.skips) == total
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("v")  # another queue: what n skipped in this one goes
        await settle(pilot)
        assert str(line.render()) == "" and not line.skips
