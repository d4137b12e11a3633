"""The main screens over the demo data set, at 80×24 and 120×40, in the default theme and a
light one (update with --snapshot-update). The README's pictures are copies of the
default theme's at 120×40 (`tests/ui/readme_screens.py`), so they never go stale."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.factories import NOW
from tests.ui.conftest import settle
from workstation.app import make_app
from workstation.config import Settings
from workstation.store.demo.generate import generate_demo
from workstation.store.models import Rep

THEMES = ["textual-dark", "textual-light"]
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
# Each screen: whose it is (a rep works the queue, a manager reads the reports), and the
# keys that open it from the queue.
SCREENS = {
    "queue": ("rep", ()),
    "script": ("rep", ("s", "y", "down", "right")),
    "wizard": ("rep", ("c", "r")),
    "keys": ("rep", ("question_mark",)),
    "untouched": ("manager", ("U",)),
    "funnel": ("manager", ("F",)),
}


def _demo_app(engine, url: str, role: str, theme: str):
    generate_demo(engine, leads=300, seed=7, now=NOW, workers=0)
    with Session(engine) as session:
        name = session.exec(
            select(Rep.name).where(Rep.role == role, Rep.active).order_by(Rep.id)
        ).first()
    return make_app(
        Settings(database_url=url, rep_name=name, theme=theme), engine, clock=lambda: NOW
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(sqlite_engine, sqlite_url, snap_compare, screen, theme, size):
    role, keys = SCREENS[screen]

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await pilot.wait_for_scheduled_animations()

    app = _demo_app(sqlite_engine, sqlite_url, role, theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
