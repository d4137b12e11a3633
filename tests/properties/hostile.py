"""Hostile text for the property tests, and what the screen may and may not show of it.

The text is built from pieces a hostile source would send (Rich/Textual markup, ANSI CSI,
OSC and DCS sequences, C0 and C1 controls, bidi overrides, zero-width joiners, wide CJK and
emoji), mixed with arbitrary text. `forbidden()` names every character that would act on a
terminal rather than show on it; `screen_text()` is what the app's screen holds, cell by
cell, as the compositor hands it to the terminal.
"""

from __future__ import annotations

from hypothesis import strategies as st

MARKUP = (
    "[bold]",
    "[/]",
    "[/bold]",
    "[@click=app.quit]",
    "[@click=screen.dismiss]",
    "[link=https://evil.example]",
    "[red on blue]",
    "[b]",
    "[$accent]",
    "[on $error]",
    "\\[escaped]",
    ":warning:",
)
ESCAPES = (
    "\x1b[31m",  # CSI: colour
    "\x1b[2J",  # CSI: clear the screen
    "\x1b]0;pwned\x07",  # OSC: window title
    "\x1b]52;c;aGk=\x07",  # OSC 52: the clipboard
    "\x1b]8;;https://evil.example\x1b\\",  # OSC 8: a hyperlink
    "\x1bP1$r\x1b\\",  # DCS
    "\x9b31m",  # C1 CSI
    "\x9d0;x\x9c",  # C1 OSC
    "\x07",
    "\x00",
    "\x08",
    "\r",
    "\n",
    "\t",
    "\x7f",
)
UNICODE = (
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",
    "漢字テスト",
    "👩‍👩‍👧",
    "🇺🇸",
    "e\u0301",  # a combining accent
    "ｗｉｄｅ",
)
PIECES = MARKUP + ESCAPES + UNICODE

# What must never reach the terminal: C0 controls (ESC among them), DEL, C1 controls, and the
# bidi embeddings, overrides and isolates that reorder the rest of a line.
FORBIDDEN = frozenset(
    [*map(chr, range(0x20)), "\x7f", *map(chr, range(0x80, 0xA0))]
    + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
)

_free_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=8
)


def hostile_text(max_pieces: int = 8) -> st.SearchStrategy[str]:
    """Hostile pieces and arbitrary text, starting with a letter pair (so that the field
    is never empty once cleaned) and holding at least one markup tag."""
    body = st.lists(st.one_of(st.sampled_from(PIECES), _free_text), max_size=max_pieces)
    return st.tuples(st.sampled_from(MARKUP[:7]), body).map(
        lambda parts: "Zq" + parts[0] + "".join(parts[1])
    )


def forbidden(text: str) -> set[str]:
    return {char for char in text if char in FORBIDDEN}


def screen_text(app) -> str:
    """Every cell of the app's current screen (and the screens under a dialog), as the
    compositor sends it to the terminal; one line a row."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    lines = []
    for line in update.strips:
        lines.append(
            "".join(segment.text for strip in line for segment in strip if not segment.control)
        )
    return "\n".join(lines)


def assert_safe(text: str, where: str) -> str:
    """`text` (a screen, or a widget's whole content: what scrolls into view too) holds no
    character that acts on a terminal."""
    bad = forbidden(text.replace("\n", ""))
    assert not bad, f"{where}: {sorted(map(hex, map(ord, bad)))} reached the screen"
    return text


def assert_screen_safe(app, where: str) -> str:
    """The screen shows no character that acts on a terminal; its text, for more checks."""
    return assert_safe(screen_text(app), where)
