"""Untrusted text made safe for the screen: a `Text` (never parsed as markup) of the value
`display.clean()` made terminal-safe (TARGETS.md R4)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from workstation.display import clean


def safe_text(value: object, style: str | Style = "") -> Text:
    return Text(clean(value), style=style)


def cut(value: object, style: str | Style = "") -> Text:
    """`safe_text` on one line, cut with an ellipsis where its column ends (a table cell)."""
    text = safe_text(value, style)
    text.no_wrap, text.overflow = True, "ellipsis"
    return text
