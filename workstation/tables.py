"""Columns of text that line up in a terminal, for the command line's tables (`reps`,
`untouched`, `funnel`) and the funnel screen's text export.

Every cell is measured in the cells a terminal gives it (Rich's `cell_len`), never in
characters: 山田太郎 takes eight, an emoji two (a ZWJ sequence or a flag too), a combining
accent none. Padding by `len()` would push every column after a CJK name or an emoji out
of line. Text is measured as shown, cleaned (`display.clean`): a control character has no
width to measure until it is shown as its symbol.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from rich.cells import cell_len, set_cell_size

from workstation.display import clean
from workstation.store.reports.funnel_export import Section


def pad(text: str, width: int, *, right: bool = False) -> str:
    """`text` padded with spaces to `width` cells, on the left when `right`."""
    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with "…" at its end (a wide
    character that would straddle the edge is left out)."""
    if cell_len(text) <= width:
        return pad(text, width)
    return set_cell_size(text, width - 1) + "…"


def table_lines(rows: Sequence[Sequence[str]], *, right: Container[int] = ()) -> list[str]:
    """The rows as lines of columns two spaces apart, each column as wide as its widest
    cell; the columns numbered in `right` aligned right."""
    if not rows:
        return []
    widths = [max(cell_len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(
            pad(cell, width, right=column in right)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def section_lines(sections: Sequence[Section]) -> list[str]:
    """The funnel's sections, each a title and a table: the first column left, the figures
    right. Names are shown as `clean` shows them, and measured so."""
    lines: list[str] = []
    for section in sections:
        rows = [section.head, *([clean(cell) for cell in row] for row in section.rows)]
        lines += ["", section.title, *table_lines(rows, right=range(1, len(section.head)))]
    return lines
