"""A horizontal bar chart in text: one labelled bar per row, optionally stacked in segments
(the untouched leads' aging buckets, a rep's connects within their dials), with a legend.

Bars are drawn with block characters to an eighth of a cell, sized to the widget's width at
render time, so the chart follows the terminal. Colours come from component classes styled
with theme variables. Labels are untrusted text: they go through `safe_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from workstation.widgets.safe_text import safe_text

EIGHTHS = " ▏▎▍▌▋▊▉"
SEGMENTS = 4
MAX_LABEL = 24


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    values: tuple[float, ...]  # one per segment, stacked left to right
    text: str = ""  # shown after the bar: the figure a person reads


def _cells(values: Sequence[float], scale: float, width: int) -> list[int]:
    """Eighths of a cell per segment. A cell has one colour, so inner boundaries snap to
    whole cells; the end of the bar keeps its eighths."""
    ends, total = [], 0.0
    for value in values:
        total += max(value, 0.0)
        ends.append(total / scale * width * 8 if scale > 0 else 0.0)
    if not ends:
        return []
    snapped = [round(end / 8) * 8 for end in ends[:-1]] + [round(ends[-1])]
    for n in range(1, len(snapped)):
        snapped[n] = max(snapped[n], snapped[n - 1])
    return [end - start for start, end in zip([0, *snapped[:-1]], snapped, strict=True)]


class BarChart(Widget):
    """`show(bars)` draws them. A bar of `full` fills the width left by labels and text (a
    share: 1.0, so 5% is a twentieth of it); without `full`, the longest total does."""

    COMPONENT_CLASSES = {
        *(f"bar-chart--segment-{n}" for n in range(SEGMENTS)),
        "bar-chart--label",
        "bar-chart--text",
        "bar-chart--title",
    }
    DEFAULT_CSS = """
    BarChart { height: auto; padding: 0 1; }
    BarChart > .bar-chart--segment-0 { color: $primary; }
    BarChart > .bar-chart--segment-1 { color: $accent; }
    BarChart > .bar-chart--segment-2 { color: $warning; }
    BarChart > .bar-chart--segment-3 { color: $error; }
    BarChart > .bar-chart--label { color: $foreground; }
    BarChart > .bar-chart--text { color: $text-muted; }
    BarChart > .bar-chart--title { color: $text-primary; text-style: bold; }
    """

    def __init__(
        self,
        title: str = "",
        *,
        legend: Sequence[str] = (),
        full: float | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.title = title
        self.full = full
        self.legend = tuple(legend)
        self.bars: list[Bar] = []

    def show(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.bars) + bool(self.title or self.legend) + (not self.bars)

    def _heading(self) -> Text:
        line = Text(self.title, style=self.get_component_rich_style("bar-chart--title"))
        for n, name in enumerate(self.legend):
            style = self.get_component_rich_style(f"bar-chart--segment-{n % SEGMENTS}")
            line.append("  █ ", style=style)
            line.append(name, style=self.get_component_rich_style("bar-chart--text"))
        return line

    def _bar(self, cells: list[int]) -> Text:
        bar = Text()
        for n, eighths in enumerate(cells):
            style = self.get_component_rich_style(f"bar-chart--segment-{n % SEGMENTS}")
            whole, part = divmod(eighths, 8)
            bar.append("█" * whole + (EIGHTHS[part] if part else ""), style=style)
        return bar

    def render(self) -> Text:
        lines = [self._heading()] if self.title or self.legend else []
        if not self.bars:
            lines.append(Text("Nothing to show.", style="dim"))
            return Text("\n").join(lines)
        label_width = min(MAX_LABEL, max(len(bar.label) for bar in self.bars))
        text_width = max(len(bar.text) for bar in self.bars)
        room = max(1, self.content_size.width - label_width - text_width - 3)
        longest = max(sum(max(v, 0.0) for v in bar.values) for bar in self.bars)
        scale = longest if self.full is None else max(self.full, longest)
        label_style = self.get_component_rich_style("bar-chart--label")
        text_style = self.get_component_rich_style("bar-chart--text")
        for bar in self.bars:
            label = safe_text(bar.label, style=label_style)
            label.truncate(label_width, overflow="ellipsis", pad=True)
            line = label + Text(" ") + self._bar(_cells(bar.values, scale, room))
            line.append(" " + bar.text, style=text_style)
            lines.append(line)
        return Text("\n").join(lines)
