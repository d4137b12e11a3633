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
