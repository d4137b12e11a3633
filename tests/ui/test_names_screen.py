"""The Names screen (marketing, managers): Names best score first, paged by key; `p`
promotes one to sales, `d` deactivates and reactivates, `i` hides the inactive ones; `N`
opens it for managers only (snapshots at 80x24 and 120x40)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.convert_factories import HostApp
from tests.store.test_recycle import build
from tests.ui.conftest import workers_done
from workstation.screens.names import NamesScreen
from workstation.store.models import Lead


async def _open(app, pilot) -> NamesScreen:
    screen = NamesScreen()
    await app.push_screen(screen)
    await workers_done(app)
    await pilot.pause()
    return screen


async def _press(app, pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await workers_done(app)
        await pilot.pause()


def _names(screen: NamesScreen) -> list[str]:
    return [row.name for row in screen.rows]


async def test_a_manager_pages_promotes_and_deactivates_names(sqlite_engine, monkeypatch):
    monkeypatch.setattr("workstation.screens.names.PAGE", 4)
    world = build(sqlite_engine)
    app = HostApp(sqlite_engine, rep="Marketing Manager")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(app, pilot)
        first = ["name_inactive", "returned_unchanged", "name_bad_data", "returned_then_responded"]
        assert _names(screen) == first
        await _press(app, pilot, "right_square_bracket")
        assert _names(screen) == ["promote_hot", "contact_name_hot", "promote_at_threshold",
                                  "name_cold"]  # fmt: skip
        await _press(app, pilot, "right_square_bracket")
        assert _names(screen) == ["contact_name_cold"]
        await _press(app, pilot, "left_square_bracket", "left_square_bracket")
        assert _names(screen) == first
        await _press(app, pilot, "down", "down", "down", "p")  # returned_then_responded
        assert "returned_then_responded" not in _names(screen)
        await _press(app, pilot, "ctrl+home", "d")  # name_inactive, made active
        assert screen.rows[0].name == "name_inactive" and screen.rows[0].active
        await _press(app, pilot, "d", "i")  # inactive again, then hidden
        assert "name_inactive" not in _names(screen) and not screen.inactive
    with Session(sqlite_engine) as session:
        promoted = session.get(Lead, world.ids["returned_then_responded"])
        assert (promoted.lifecycle_stage, promoted.is_open) == ("Marketing Qualified", True)
        assert session.get(Lead, world.ids["name_inactive"]).active is False


async def test_promoting_what_is_no_longer_a_name_is_refused_in_one_line(sqlite_engine):
    world = build(sqlite_engine)
    app = HostApp(sqlite_engine, rep="Marketing Manager")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(app, pilot)
        with Session(sqlite_engine) as session:  # someone else promotes it meanwhile
            lead = session.get(Lead, world.ids["name_inactive"])
            lead.lifecycle_stage = "Lead"
            session.commit()
        notes = []
        monkeypatch_notify = screen.notify

        def notify(message, **kwargs):
            notes.append(message)
            return monkeypatch_notify(message, **kwargs)

        screen.notify = notify  # type: ignore[method-assign]
        await _press(app, pilot, "p")
    assert any("is not a Name (it is at Lead)" in str(note) for note in notes), notes


@pytest.mark.parametrize(("rep", "opens"), [("Morgan Manager", True), ("Riley Rep", False)])
async def test_n_opens_the_names_screen_for_managers_only(app_factory, rep, opens):
    app = app_factory(rep)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("N")
        await pilot.pause()
        assert isinstance(app.screen, NamesScreen) is opens


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_names_screen(sqlite_engine, snap_compare, size):
    build(sqlite_engine)

    async def open_it(pilot):
        await _open(pilot.app, pilot)

    app = HostApp(sqlite_engine, rep="Marketing Manager")
    assert snap_compare(app, terminal_size=size, run_before=open_it)


@pytest.mark.parametrize(("size", "whole"), [((80, 24), False), ((120, 40), True)])
async def test_a_wide_terminal_gives_the_columns_its_room(sqlite_engine, size, whole):
    """At 80 columns every column shows, long names cut; at 120 the room left over goes to
    name, company and source, so "Purchased List" and a long company show whole."""
    from textual.widgets import DataTable

    build(sqlite_engine)
    app = HostApp(sqlite_engine, rep="Marketing Manager")
    async with app.run_test(size=size) as pilot:
        screen = await _open(app, pilot)
        table = screen.query_one(DataTable)
        width = {str(c.label): c.get_render_width(table) for c in table.columns.values()}
    assert sum(width.values()) <= size[0]
    padding = 2  # a cell's one space each side
    fits = {
        "Company": width["Company"] - padding >= len("Frontiervista Software Inc."),
        "Source": width["Source"] - padding >= len("Purchased List"),
    }
    assert fits == {"Company": whole, "Source": whole}
