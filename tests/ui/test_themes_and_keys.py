"""Themes and remappable keys: the settings' theme is the app's; a theme picked from the
palette is written to the settings file; the keymap moves a binding to other keys, and the
footer, `?` and the palette show the keys in effect. Every binding has an id to remap."""

from __future__ import annotations

from tests.ui.conftest import settle, until
from workstation.bindings import every_binding
from workstation.screens.keys import KeysScreen, key_sections
from workstation.settings_file import HEADER
from workstation.widgets.queue_table import QueueTable


def test_every_binding_has_an_id():
    assert [b.id for b in every_binding() if b.id.startswith("(no id)")] == []
    assert {"queue.next_lead", "app.quit", "card.done", "queue_table.cursor_down"} <= {
        b.id for b in every_binding()
    }


async def test_the_settings_theme_is_the_apps(app_factory):
    app = app_factory(theme="nord")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "nord" and app.current_theme.name == "nord"


async def test_a_theme_picked_in_the_palette_is_saved(app_factory, tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(f"{HEADER}\nattempt_cap = 5\n", encoding="utf-8")
    app = app_factory(path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme", "enter")  # Textual's own "Theme" command
        await pilot.pause()
        await pilot.press(*"dracula", "enter")
        await until(pilot, lambda: "dracula" in path.read_text(encoding="utf-8"), "the file")
        assert app.theme == "dracula"
    assert path.read_text(encoding="utf-8") == f'{HEADER}\nattempt_cap = 5\ntheme = "dracula"\n'


async def test_the_keymap_moves_a_binding_and_every_list_shows_it(app_factory):
    app = app_factory(keymap={"queue.next_lead": "j", "card.done": "ctrl+b"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        active = screen.active_bindings
        assert active["j"].binding.id == "queue.next_lead" and "n" not in active
        footer = {key.key: key.description for key in screen.query("FooterKey")}
        assert footer.get("j") == "Next" and "n" not in footer
        sections = dict(key_sections(screen))
        own = dict(next(iter(sections.values())))  # the screen's own keys come first
        assert own["j"] == "Next" and "n" not in own
        card = dict(sections["The card (h or Tab to it)"])
        assert card.get("^b") == "Back" and "h" not in card, card
        commands = {c.title: c.help for c in app.get_system_commands(screen)}
        assert commands["Next"] == "key: j"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)


async def test_a_keymap_id_that_is_no_bindings_is_said(app_factory):
    app = app_factory(keymap={"queue.nxt_lead": "j"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("no binding has the id queue.nxt_lead" in m for m in said), said


async def test_the_queue_rows_take_the_themes_colours(app_factory):
    """Rich renders a Text with no spans without its base style: rows of plain cells came
    out in the terminal's own colours, dark in a light theme, and lost their stripes."""
    app = app_factory(theme="textual-light")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        table.blur()
        await pilot.pause()
        odd, even = table.render_line(3), table.render_line(4)
        backgrounds = {seg.style.bgcolor for seg in [*odd, *even] if seg.style}
        assert all(seg.style and seg.style.bgcolor for seg in [*odd, *even])
        assert len(backgrounds) == 2  # the stripes
        assert all(sum(c.get_truecolor()) > 3 * 150 for c in backgrounds)  # light
