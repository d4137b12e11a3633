"""The line under the queue that says which leads `n` passed over, and why: how many for
each reason, every reason (k lists the leads themselves, `screens.skipped`).

Its height follows its text: one line (empty when nothing was skipped), or two where the
screen lets a long one wrap (`max-height` in the stylesheet). A Static whose text changes
normally has the whole screen laid out again, which on the queue screen (a script's
Markdown sections among its widgets) costs ~15 ms, most of the time from `n` to the new
card. Only a change in the number of lines needs that; a new text on as many lines is a
repaint.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from workstation.widgets.safe_text import safe_text

if TYPE_CHECKING:
    from workstation.store.calling.next_lead import Skip

# A reason's particulars (a time, a count, a zone) differ from lead to lead: the summary
# counts leads by what the reason is.
_KINDS = (
    (re.compile(r"^callback set"), "callback not due yet"),
    (re.compile(r"where they are"), "outside calling hours"),
)


def reason_kind(reason: str) -> str:
    for pattern, kind in _KINDS:
        if pattern.search(reason):
            return kind
    return re.sub(r"\s*\(.*?\)", "", reason).strip() or reason


def summary(skips: Sequence[Skip]) -> Text:
    """ "Skipped 117 (k lists them): 80 outside calling hours · 30 called in the last hour ·
    7 attempt cap reached": every reason, the commonest first."""
    if not skips:
        return Text()
    counts = Counter(reason_kind(skip.reason) for skip in skips).most_common()
    reasons = " · ".join(f"{count} {kind}" for kind, count in counts)
    return safe_text(f"Skipped {len(skips)} (k lists them): {reasons}")


class SkippedLine(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self._lines: int | None = 1  # as laid out; None: unknown
        self.skips: list[Skip] = []  # the leads the last `n` passed over

    def show_skips(self, skips: Sequence[Skip]) -> None:
        """What the last `n` passed over, counted by reason."""
        self.skips = list(skips)
        self.show(summary(self.skips))

    def clear(self) -> None:
        self.show_skips([])

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
