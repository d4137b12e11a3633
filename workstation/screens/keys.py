"""Every key of the screen beneath, on one scrollable screen (`?` anywhere).

The footer shows what fits in a line; this lists all of it, shown in the footer or not:
the keys where the focus is, the screen's own (each call outcome, undo, edit, convert,
reject, the manager's screens), the keys of its parts that take the focus (the card, the
script), and the app's; each with its keys in effect (the settings' keymap). Esc, q or ?
closes it.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

TWO_COLUMNS = 70  # from this width the keys take two columns


def _title(node: DOMNode, screen: Screen) -> str:
    if node is screen:
        return getattr(screen, "KEYS_TITLE", "This screen")
    if node is screen.app:
        return "Everywhere"
    return getattr(node, "KEYS_TITLE", "Where the focus is")


def key_sections(screen: Screen) -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(key, what it does)]) for every key of `screen`, shown in the footer or not:
    its active keys by where they are bound, then those of its parts that say what they
    are (`KEYS_TITLE`) and take the focus to use them."""
    app = screen.app
    sections: dict[str, list[tuple[str, str]]] = {}
    seen: set[tuple[str, str]] = set()

    def add(title: str, bindings: Iterable[Binding]) -> None:
        for binding in bindings:
            key = app.get_key_display(binding)
            if not binding.description or (title, key) in seen:
                continue
            seen.add((title, key))
            sections.setdefault(title, []).append((key, binding.description))

    active = list(screen.active_bindings.values())
    order = [screen, *(a.node for a in active if a.node not in (screen, app)), app]
    for node in dict.fromkeys(order):
        bindings = [a.binding for a in active if a.node is node]
        # The node's own keys (they carry ids) before those it inherits from Textual.
        add(_title(node, screen), sorted(bindings, key=lambda b: b.id is None))
    keymap = app._keymap  # as Textual's Screen reads it, for the bindings in effect
    for widget in screen.query("*"):
        title = getattr(widget, "KEYS_TITLE", None)
        if title and title not in sections:
            remapped = BindingsMap(widget.BINDINGS)
            remapped.apply_keymap(keymap)
            add(title, (binding for _, binding in remapped))
    return list(sections.items())


def _table(keys: list[tuple[str, str]], columns: int) -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    for _ in range(columns):
        grid.add_column(style="bold", no_wrap=True, justify="right")
        grid.add_column(ratio=1)
    rows = -(-len(keys) // columns)
    padded = keys + [("", "")] * (rows * columns - len(keys))
    for row in range(rows):
        cells: list[Text] = []
        for column in range(columns):
            key, what = padded[column * rows + row]
            cells += [Text(key), Text(what)]
        grid.add_row(*cells)
    return grid


def render_keys(sections: list[tuple[str, list[tuple[str, str]]]], width: int) -> Group:
    columns = 2 if width >= TWO_COLUMNS else 1
    parts: list[RenderableType] = []
    for title, keys in sections:
        parts += [Text(title, style="bold underline"), _table(keys, columns), Text()]
    return Group(*parts[:-1])


class KeysScreen(ModalScreen[None]):
    """The keys of `screen`, which stays beneath."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close", id="keys.close"),
    ]
    DEFAULT_CSS = """
    KeysScreen { align: center middle; }
    #keys-box {
        width: 110; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    #keys-list { height: auto; max-height: 100%; }
    """

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.sections = key_sections(screen)

    def compose(self) -> ComposeResult:
        with Vertical(id="keys-box"), VerticalScroll(id="keys-list"):
            yield Static(id="keys-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        box = self.query_one("#keys-box")
        box.border_title = "Keys"
        box.border_subtitle = "↑↓ PgUp PgDn scroll · Esc close"
        self.query_one("#keys-list").focus()

    def on_resize(self) -> None:
        width = self.query_one("#keys-box").content_size.width or self.size.width
        self.query_one("#keys-text", Static).update(render_keys(self.sections, width))
