"""The scripts screen, driven with Pilot: list, edit and save a script; a bad save points at
its line and stores nothing; a rep may look but not save; $EDITOR; unsaved changes."""

from __future__ import annotations

import stat
from contextlib import nullcontext

from sqlmodel import Session, select

from tests.convert_factories import HostApp
from tests.factories import make_rep
from tests.ui.conftest import settle
from workstation.screens.scripts import ScriptsScreen
from workstation.store.models import CallScript, Campaign
from workstation.store.scripts.files import format_script
from workstation.store.scripts.library import script_as_file

SIZE = (110, 32)
BODY = "## Opening\nHi {first_name}, about {product}.\n"


def build(engine) -> int:
    with Session(engine) as session:
        make_rep(session, "Morgan Manager", role="manager")
        make_rep(session, "Riley Rep")
        script = CallScript(
            name="Alpha script",
            body=BODY,
            questions=[{"key": "budget", "label": "Budget", "type": "yesno"}],
        )
        session.add(script)
        session.flush()
        session.add(Campaign(name="Alpha", call_script_id=script.id))
        session.add(CallScript(name="[@click=app.quit]Sneaky[/] script", body="Hi"))
        session.commit()
        return script.id


def stored(engine, name: str) -> CallScript | None:
    with Session(engine) as session:
        return session.exec(select(CallScript).where(CallScript.name == name)).one_or_none()


async def open_screen(app, pilot) -> ScriptsScreen:
    screen = ScriptsScreen()
    app.push_screen(screen)
    await pilot.pause()
    return screen


def status(screen) -> str:
    return str(screen.query_one("#script-status").content)


async def test_it_lists_the_scripts_and_saves_an_edit(sqlite_engine):
    script_id = build(sqlite_engine)
    app = HostApp(sqlite_engine, rep="Morgan Manager")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        options = screen.query_one("#scripts-list")
        assert [o.id for o in options.options] == [str(script_id), "built-in", str(script_id + 1)]
        assert options.options[2].prompt.plain.startswith("[@click=app.quit]Sneaky[/] script")
        area = screen.query_one("#script-text")
        with Session(sqlite_engine) as session:
            assert area.text == format_script(script_as_file(session, script_id))
        assert area.text.startswith("---\nname: Alpha script\ncampaign: Alpha\nquestion: ")
        await pilot.press("enter")  # into the editor
        area.move_cursor(area.document.end)
        await pilot.press(*"Ask about the budget.", "ctrl+s")
        await settle(pilot)
        assert stored(sqlite_engine, "Alpha script").body == BODY + "Ask about the budget."
        assert status(screen) == "Saved Alpha script."
        assert not screen.modified


async def test_a_bad_save_points_at_its_line_and_stores_nothing(sqlite_engine):
    build(sqlite_engine)
    app = HostApp(sqlite_engine, rep="Morgan Manager")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        area = screen.query_one("#script-text")
        area.load_text(area.text.replace('"type": "yesno"', '"type": "yes-no"'))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert status(screen).startswith("Not saved. Line 4: question 'budget' has type")
        assert area.cursor_location == (3, 0) and screen.modified
        area.load_text(area.text.replace("yes-no", "yesno").replace("Alpha\n", "Gamma\n"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert status(screen) == "Not saved. Line 3: there is no campaign named 'Gamma'"
    assert stored(sqlite_engine, "Alpha script").questions[0]["type"] == "yesno"


async def test_a_rep_may_read_scripts_but_not_save_them(sqlite_engine):
    build(sqlite_engine)
    app = HostApp(sqlite_engine, rep="Riley Rep")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        area = screen.query_one("#script-text")
        area.load_text(area.text + "More.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "only managers may change call scripts" in status(screen)
    assert stored(sqlite_engine, "Alpha script").body == BODY


async def test_a_new_script_and_the_built_in_default_are_stored_on_save(sqlite_engine):
    build(sqlite_engine)
    app = HostApp(sqlite_engine, rep="Morgan Manager")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        await pilot.press("ctrl+n")
        area = screen.query_one("#script-text")
        area.load_text(area.text.replace("name: New script", "name: Beta script"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(sqlite_engine, "Beta script").questions[0]["key"] == "budget"
        options = screen.query_one("#scripts-list")
        assert screen.option == options.options[options.highlighted].id
        screen.query_one("#scripts-list").focus()
        await pilot.press("down", "enter")  # the built-in default, after Beta script
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(sqlite_engine, "Default script") is not None
        assert "built-in" not in [o.id for o in options.options]


async def test_external_editor_edits_and_saves(sqlite_engine, tmp_path, monkeypatch):
    build(sqlite_engine)
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nsed -i 's/## Opening/## Greeting/' \"$1\"\n")
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("VISUAL", str(editor))
    app = HostApp(sqlite_engine, rep="Morgan Manager")
    monkeypatch.setattr(app, "suspend", nullcontext)  # the headless driver cannot suspend
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "## Greeting" in screen.query_one("#script-text").text
    assert stored(sqlite_engine, "Alpha script").body.startswith("## Greeting\n")


async def test_unsaved_changes_are_not_dropped_without_asking(sqlite_engine):
    build(sqlite_engine)
    app = HostApp(sqlite_engine, rep="Morgan Manager")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        await pilot.press("enter", *"x", "escape")  # type, then leave the editor
        assert screen.query_one("#scripts-list").has_focus
        await pilot.press("down", "enter")
        assert "Enter again drops them" in status(screen) and screen.option != "built-in"
        await pilot.press("escape")
        assert app.screen is screen and "Esc again drops them" in status(screen)
        await pilot.press("escape")
        assert app.screen is not screen
    assert stored(sqlite_engine, "Alpha script").body == BODY


def test_the_scripts_screen_at_110x32(sqlite_engine, snap_compare):
    build(sqlite_engine)

    async def open_it(pilot) -> None:
        await open_screen(pilot.app, pilot)

    app = HostApp(sqlite_engine, rep="Morgan Manager")
    assert snap_compare(app, terminal_size=SIZE, run_before=open_it)
