"""A checkbox whose box is empty when off.

Textual draws the X of a checkbox in both states, in another colour when off; on many
terminals the two look alike, and a rep once ran a real import taking "Dry run" for ticked.
"""

from __future__ import annotations

from textual.widgets import Checkbox


class Tick(Checkbox):
    @property
    def BUTTON_INNER(self) -> str:  # read by ToggleButton at each render
        return "X" if self.value else " "
