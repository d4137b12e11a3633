"""The sidebar of queues with their live counts."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from workstation.store.rows import QUEUE_INFO


def _prompt(title: str, count: int | None) -> Text:
    text = Text(title)
    text.append(f"  {count:,}" if count is not None else "  …", style="dim")
    return text


class QueueList(OptionList):
    """One option per queue; the option id is the queue key."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            *(Option(_prompt(q.title, None), id=key) for key, q in QUEUE_INFO.items()), **kwargs
        )

    def show_counts(self, counts: dict[str, int]) -> None:
        for key, count in counts.items():
            self.replace_option_prompt(key, _prompt(QUEUE_INFO[key].title, count))
