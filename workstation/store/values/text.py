"""Text cleaned at the door: the one cleaning every text takes on its way into the store,
whichever way it comes (a CSV cell, a Salesforce field or picklist value, a command-line
argument, a form in the app, a call's notes, a script file).

Terminal escape sequences (CSI, OSC, DCS and their kin, 7- and 8-bit) are dropped whole, so
no "[31m" is left behind; what remains of the C0 and C1 controls and DEL becomes a space;
the bidi embeddings, overrides and isolates that reorder a line, zero-width spaces and byte
order marks go (right-to-left *marks* and joiners stay: names need them); a lone surrogate
(an undecodable byte) becomes U+FFFD. One-line text is trimmed with its runs of white space
made one space. Text that holds lines (`multiline`) keeps its line ends (CR LF and CR
become LF) and tabs, its lines' trailing spaces trimmed. Markup such as "[bold]" is text and
is kept as it is: screens never parse stored text as markup.

Pure Python, stdlib only: the script files' parser uses it too (`find_control`).
"""

from __future__ import annotations

import re


class BadValue(ValueError):
    """A value that cannot be stored; the message says why."""


# CSI (ESC [ … final, or 8-bit CSI); OSC (ESC ] or 8-bit OSC, to BEL or ST); DCS, SOS, PM
# and APC strings (to ST); then any other two-character escape, or a lone ESC.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-_]?"
)
_CONTROLS = (*range(0x20), *range(0x7F, 0xA0))
_FORMATS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF, 0x200B)
_ONE_LINE: dict[int, str | None] = {code: " " for code in _CONTROLS}
_ONE_LINE.update(dict.fromkeys(_FORMATS))
_ONE_LINE.update(dict.fromkeys(range(0xD800, 0xE000), "\ufffd"))
_LINES = {code: shown for code, shown in _ONE_LINE.items() if code not in (0x09, 0x0A)}
_TRAILING = re.compile(r"[ \t]+\n")
# What `clean_text` would change, for `find_control`: in lines, a CR that ends no line too.
_CHANGED = (
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\u200b\ud800-\udfff]"
)
_IN_LINES = re.compile(_CHANGED + "|\r(?!\n)")
_IN_ONE_LINE = re.compile(_CHANGED + "|[\t\n\r]")


def clean_text(
    value: str, limit: int | None = None, label: str = "value", *, multiline: bool = False
) -> str | None:
    """The text as it may be stored, or None when nothing is left; BadValue beyond `limit`
    characters (after cleaning)."""
    if multiline:
        lines = value.replace("\r\n", "\n").replace("\r", "\n")
        if not lines.isprintable():
            lines = _ESCAPES.sub("", lines).translate(_LINES)
        text = _TRAILING.sub("\n", lines).strip()
    else:
        if not value.isprintable():
            value = _ESCAPES.sub("", value).translate(_ONE_LINE)
        text = " ".join(value.split())
    if limit is not None and len(text) > limit:
        raise BadValue(f"{label} is {len(text):,} characters long; at most {limit} fit")
    return text or None


def without_controls(text: str) -> str:
    """Text with its terminal escapes, control characters and bidi controls dropped as
    `clean_text` drops them, but as it is otherwise: its line breaks and tabs kept (what a
    rep pastes)."""
    if text.isprintable():
        return text
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ESCAPES.sub("", lines).translate(_LINES)


def find_control(text: str, *, multiline: bool = False) -> int | None:
    """Where `text` first holds a character `clean_text` would not store as it is (a
    control, an escape's start, a bidi override), or None: for text refused rather than
    changed (a script file). Tabs and line ends count only in one-line text."""
    match = (_IN_LINES if multiline else _IN_ONE_LINE).search(text)
    return None if match is None else match.start()
