"""Cells a spreadsheet would run (OWASP CSV injection, CWE-1236; TARGETS.md R5), escaped
the one way every CSV the app writes escapes them, and unescaped the one way imports read
them back.

A cell starting with = + - @, tab, CR or NUL gets a single quote in front, so a spreadsheet
shows it instead of evaluating it ("-1+2", "=HYPERLINK(…)", "@SUM(…)"). A plain number is
left alone ("+14155550123", "-12.50": a sign and digits run nothing), so phones don't come
out with a quote every spreadsheet and CRM shows. A cell that already starts with a quote
gets one too, so escaping is reversible: to read a cell back, drop one leading quote before
a formula character (`unescape_formula`).
"""

from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0", "'")
_PLAIN_NUMBER = re.compile(r"[+-]\d+(?:\.\d+)?")


def escape_formula(text: str) -> str:
    """The text as a CSV cell a spreadsheet shows and never runs."""
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def unescape_formula(cell: str) -> str:
    """Undo `escape_formula`: one leading quote before a formula character."""
    if cell[:1] == "'" and cell[1:2] and cell[1:].startswith(FORMULA_PREFIXES):
        return cell[1:]
    return cell


def as_if_escaped(cell: str) -> str:
    """A cell of a file nothing escaped (a Salesforce org's export, our Data Loader one),
    in the form an escaped file writes it, for a reader that undoes the escape: only a
    cell that would read as escaped ("'=…") changes, and it reads back as written."""
    return "'" + cell if unescape_formula(cell) != cell else cell


def escape_as_read(cell: str) -> str:
    """A cell of a file being imported, written back (the errors file) so that it reads as
    it did and runs nothing: one escaped already stays as it is, never escaped twice."""
    return cell if unescape_formula(cell) != cell else escape_formula(cell)
