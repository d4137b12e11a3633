"""What keeps the queue screen current while others work: every `REFRESH_SECONDS`, and when
the rep comes back to it from another screen (an import, a manager's report), the queue
counts are read again, and the record on the card, should someone have changed it since
(reassigned, called, qualified or converted it), is shown afresh with its script.

One thread worker asks for the counts and the record's version: cheap queries, never on
the event loop, so no key waits on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workstation.handle import store_of
from workstation.work import in_thread

if TYPE_CHECKING:
    from textual.timer import Timer

    from workstation.screens.queue import QueueScreen

REFRESH_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Fresh:
    counts: dict[str, int]
    record: tuple[str, int] | None  # the record on the card when asked
    version: int | None  # its version now (None: gone)


class QueueRefresher:
    """Refreshes `screen` on a timer (`start`) and on demand (`refresh`)."""

    def __init__(self, screen: QueueScreen) -> None:
        self.screen = screen
        self.timer: Timer | None = None

    def start(self) -> None:
        self.timer = self.screen.set_interval(REFRESH_SECONDS, self.refresh)

    def refresh(self) -> None:
        self.screen.reminders.look_ahead()  # a callback set or moved elsewhere meanwhile
        card = self.screen.card
        record = (card.kind, card.id) if card else None
        keys = list(self.screen.queues)
        in_thread(self.screen, lambda: self._read(record, keys), self._show, group="refresh")

    def _read(self, record: tuple[str, int] | None, keys: list[str]) -> Fresh:
        from workstation.store.models import Contact, Lead

        counts = self.screen.counts(keys)
        version = None
        if record is not None:
            with store_of(self.screen).open_session() as session:
                row = (
                    session.get(Lead, record[1])
                    if record[0] == "lead"
                    else session.get(Contact, record[1])
                )
                version = row.version if row is not None else None
        return Fresh(counts, record, version)

    def _show(self, fresh: Fresh) -> None:
        screen = self.screen
        screen.show_counts(fresh.counts)
        card = screen.card
        if card is None or fresh.record != (card.kind, card.id) or fresh.version is None:
            return  # the rep has moved on meanwhile (or the record is gone)
        if fresh.version != card.version:
            screen.show_record(card.kind, card.id, screen.why_shown())
