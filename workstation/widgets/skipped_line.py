"""The line under the queue that says which leads `n` passed over, and why.

Its height follows its text: one line (empty when nothing was skipped), or two where the
screen lets a long one wrap (`max-height` in the stylesheet). A Static whose text changes
normally has the whole screen laid out again, which on the queue screen (a script's
Markdown sections among its widgets) costs ~15 ms, most of the time from `n` to the new
card. Only a change in the number of lines needs that; a new text on as many lines is a
repaint.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static


class SkippedLine(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self._lines: int | None = 1  # as laid out; None: unknown

    def show(self, text: Text | str) -> None:
        if not text and not self.content:
            return  # nothing skipped, again
        lines = self._lines_for(text)
        self.update(text, layout=lines is None or lines != self._lines)
        self._lines = lines

    def on_resize(self) -> None:
        self._lines = None  # laid out anew, for a width the count was not made for

    def _lines_for(self, text: Text | str) -> int | None:
        """How many lines `text` takes here, or None when that cannot be told."""
        if not text:
            return 1
        width, limit = self.content_size.width, self.styles.max_height
        if not width or limit is None or not limit.is_cells:
            return None
        cells = text.cell_len if isinstance(text, Text) else cell_len(text)
        # Wrapped by words, a text wider than a line may take more lines than its width
        # says, but never fewer than two, and the limit cuts it.
        return 1 if cells <= width else min(2, int(limit.value))
