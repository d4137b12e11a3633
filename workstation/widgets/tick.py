"""A checkbox whose box is empty when off.

Textual draws the X of a checkbox in both states, in another colour when off; on many
terminals the two look alike, and a rep once ran a real import taking "Dry run" for ticked.
"""

from __future__ import annotations

from textual.widgets import Checkbox


class Tick(Checkbox):
    # ToggleButton declares BUTTON_INNER as a class attribute and reads it at each render:
    # a property makes the glyph follow the value.
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "
