"""Keys (and pastes) reach the widget the keys before them lead to, in the order typed.

Textual forwards each key to whatever has the focus when the app takes the key from its
queue. What a key does (a binding pushes a dialog, Tab moves the focus, a dialog focuses
its first field once mounted) happens later, in the queues of the widgets it passes. Keys
typed or pasted faster than that went to the old place: after `e` the digits of a phone
number logged calls on the queue screen under the form, after Tab they went into the field
before, and keys sent to a dialog still opening (nothing focused yet) were dropped. So the
app holds every key until the one before it has settled: its widgets, their screen and the
app have handled what was queued, and the screen on top is mounted with its focus set; and
while the screen says it `holds_keys` (the queue, while a call is being logged and the next
card found, so that a key typed fast after an outcome acts on the next card, not again on
this one). A key typed at a human pace finds everything settled and goes at once.
"""

from __future__ import annotations

from collections import deque

from textual import events
from textual.app import App, ScreenError
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Input

# How many rounds a key may wait for the one before it to settle. Only a widget that keeps
# posting to itself (an animation, say) would need more; the keys then go on regardless,
# in their order, rather than wait for ever.
MOST_ROUNDS = 20
# A screen may hold the keys while work a key started is on its way (`holds_keys`: a call
# being logged and the next card found); they wait for it this long at most, checking this
# often.
MOST_HOLD_SECONDS = 10.0
HOLD_STEP = 0.02


def one_line(text: str) -> str:
    """Pasted text as a one-line box takes it: its lines joined by a space, trimmed, with
    no control characters."""
    lines = ("".join(c for c in line if c.isprintable()).strip() for line in text.splitlines())
    return " ".join(line for line in lines if line)


class KeysInOrder(App):
    """An app whose keys and pastes are dispatched one at a time, each once the one before
    it has settled."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held: deque[events.Key | events.Paste] = deque()
        self._settling = False
        self._rounds = 0
        self._holds = 0

    @property
    def keys_pending(self) -> bool:
        """Whether a key is still on its way or waiting for the one before it."""
        return self._settling or bool(self._held)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self._settling or self._held:
                self._held.append(event)
                return
            await self._dispatch(event)
            return
        await super().on_event(event)

    async def _dispatch(self, event: events.Key | events.Paste) -> None:
        self._settling = True
        self._rounds = 0
        self._holds = 0
        if isinstance(event, events.Paste) and isinstance(self.focused, Input):
            event = events.Paste(one_line(event.text))
        await super().on_event(event)
        self._next_round()

    def _path(self) -> list[DOMNode]:
        """What a key passes, in its order: the focused widget, its ancestors, the screen,
        and the app (where the bindings are looked up)."""
        try:
            screen = self.screen
        except ScreenError:  # no screen: the app is starting or ending
            return [self]
        path: list[DOMNode] = []
        node: DOMNode | None = screen.focused
        while node is not None and node is not screen:
            path.append(node)
            node = node.parent
        return [*path, screen, self]

    def _next_round(self) -> None:
        """Follow the key's way, one node after the other: each handles what it had
        queued (the key among it) before the next is asked, then look again."""
        path = self._path()
        hops = iter(path)

        def hop() -> None:
            for node in hops:
                if node.call_later(hop):  # a closed node has nothing left to handle
                    return
            self.call_later(self._look, path)

        hop()

    async def _look(self, path: list[DOMNode]) -> None:
        self._rounds += 1
        now = self._path()
        # The app's own queue is left out: the keys typed meanwhile wait there.
        busy = now != path or any(not node._message_queue.empty() for node in now[:-1])
        screen = now[-2] if len(now) > 1 else None
        busy = busy or (isinstance(screen, Widget) and not screen.is_mounted)  # still opening
        if busy and self._rounds < MOST_ROUNDS:
            self._next_round()
            return
        holding = isinstance(screen, Widget) and getattr(screen, "holds_keys", False)
        if holding and self._holds * HOLD_STEP < MOST_HOLD_SECONDS:
            self._holds += 1
            self.set_timer(HOLD_STEP, self._next_round)
            return
        self._settling = False
        if self._held:
            await self._dispatch(self._held.popleft())
