"""Untrusted text made safe for the screen: a `Text` (never parsed as markup) whose control
characters are shown as visible symbols instead of reaching the terminal (TARGETS.md R4)."""

from __future__ import annotations

from rich.text import Text

# C0 controls become their Unicode "control pictures" (ESC → ␛); DEL and C1 controls, and the
# bidi embedding / override / isolate characters that could reorder the rest of a line,
# become the replacement character. Right-to-left *marks* (U+200E/F) stay: names need them.
_TABLE = {code: 0x2400 + code for code in range(0x20)}
_TABLE[0x7F] = 0x2421
_TABLE.update({code: 0xFFFD for code in range(0x80, 0xA0)})
_TABLE.update({code: 0xFFFD for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})

MAX_CHARS = 2000  # a 1 MB field is cut, not laid out


def clean(value: object) -> str:
    text = "" if value is None else str(value)
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS] + "…"
    return text.translate(_TABLE)


def safe_text(value: object, style: str = "") -> Text:
    return Text(clean(value), style=style)
