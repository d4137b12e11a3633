"""Updating a Static without laying the screen out again when its size stays.

`Static.update` lays out the whole screen (every widget repainted) in case the new content
is taller or shorter. The script panel changes with each record, mostly to the same height
(the same script, another name in it): then a repaint of that widget does."""

from __future__ import annotations

from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Static


def update_in_place(widget: Static, content: VisualType) -> None:
    """Show `content` in `widget`; a layout only if its height changes (or isn't known)."""
    height, width = widget.size.height, widget.size.width
    widget.update(content, layout=False)
    fixed = widget.styles.height is not None and not widget.styles.height.is_auto
    if fixed or not widget.is_mounted or width <= 0:
        if not fixed:
            widget.refresh(layout=True)
        return
    parent = widget.parent
    container = parent.size if isinstance(parent, Widget) else widget.size
    if widget.get_content_height(container, widget.screen.size, width) != height:
        widget.refresh(layout=True)
