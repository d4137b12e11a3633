"""The sidebar of queues with their live counts (the rep's saved filters after the built-in
queues), and the one-line bar that stands for it on a narrow screen."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from workstation.store.rows import QUEUE_INFO, QueueInfo


def _prompt(title: str, count: int | None) -> Text:
    text = Text(title)
    text.append(f"  {count:,}" if count is not None else "  …", style="dim")
    return text


class QueueList(OptionList):
    """One option per queue, the built-in ones and then the saved filters; the option id is
    the queue key."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            *(Option(_prompt(q.title, None), id=key) for key, q in QUEUE_INFO.items()), **kwargs
        )
        self._queues: dict[str, QueueInfo] = dict(QUEUE_INFO)
        self._counts: dict[str, int] = {}

    def show_queues(self, queues: dict[str, QueueInfo]) -> None:
        """The queues anew (a filter saved or archived), keeping the highlight and counts."""
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        self._queues = dict(queues)
        self.set_options(
            Option(_prompt(q.title, self._counts.get(key)), id=key) for key, q in queues.items()
        )
        if highlighted in queues:
            with self.prevent(OptionList.OptionHighlighted):
                self.highlighted = list(queues).index(highlighted)

    def show_counts(self, counts: dict[str, int]) -> None:
        self._counts = {**self._counts, **counts}
        for key, count in counts.items():
            if key in self._queues:
                self.replace_option_prompt(key, _prompt(self._queues[key].title, count))


# The queues in few letters, for the one-line bar of a narrow screen.
SHORT_TITLES = {
    "my-leads": "My leads",
    "callbacks": "Due",
    "callbacks-upcoming": "Upcoming",
    "pool": "Pool",
    "contacts": "Contacts",
    "nurture": "Nurture",
    "contacted": "Recent",
}


class QueueBar(Static):
    """The queues and their counts on one line, the current one marked: the sidebar of a
    screen too narrow for it (v moves to the next queue)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self._counts: dict[str, int] = {}
        self._current = ""
        self._queues: dict[str, QueueInfo] = dict(QUEUE_INFO)

    def show_queues(self, queues: dict[str, QueueInfo]) -> None:
        self._queues = dict(queues)
        self._draw()

    def show_counts(self, counts: dict[str, int]) -> None:
        self._counts = {**self._counts, **counts}
        self._draw()

    def show_current(self, key: str) -> None:
        self._current = key
        self._draw()

    def _draw(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis")
        for n, (key, queue) in enumerate(self._queues.items()):
            if n:
                line.append(" · ", style="dim")
            count = self._counts.get(key)
            shown = "…" if count is None else f"{count:,}"
            label = f"{SHORT_TITLES.get(key, queue.title)} {shown}"
            line.append(label, style="bold reverse" if key == self._current else "")
        self.update(line, layout=False)  # one line whatever it says (app.tcss)
