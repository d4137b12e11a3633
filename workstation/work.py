"""How a screen or a widget runs store work off the UI thread and gets its answer back,
and the one place a store error is shown.

The pattern (every worker of the screens and widgets follows it):

    def _assign(self, lead_ids: list[int], rep_id: int) -> None:
        def assign() -> ReassignSummary:  # in the thread: it may import, query, write
            store = store_of(self)
            return reassign(store.engine, lead_ids, acting_rep_id=store.rep.id, ...)

        in_thread(self, assign, self._assigned, group="call")

    def _assigned(self, summary: ReassignSummary) -> None:  # on the UI thread
        ...

`in_thread` runs the call in a thread worker of the screen (by default exclusive in its
group: the newest call of a group supersedes the older ones), then hands its result to
`then` on the UI thread. A `StoreError` from the call (or another of the `errors` it may
end with, such as an OSError from a file being written) goes to `on_error` on the UI
thread instead, and without one to `show_store_error`: a notification that shows the
message as it is (never parsed as markup, no password, control characters as symbols). A
screen that says it in place (a dialog's error line, a status line) passes its own
`on_error`. Any other exception is a bug, and ends the app with its traceback, as
Textual's workers do.

A store call short enough for the UI thread catches StoreError and hands it to the same
places. Progress reported from inside the call reaches the screen by `ui_callback`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from workstation.errors import readable
from workstation.store.errors import StoreError

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.widget import Widget
    from textual.worker import Worker

Result = TypeVar("Result")
Params = ParamSpec("Params")


def in_thread(
    node: Widget,
    call: Callable[[], Result],
    then: Callable[[Result], object],
    *,
    group: str,
    on_error: Callable[[Exception], object] | None = None,
    errors: tuple[type[Exception], ...] = (StoreError,),
    exclusive: bool = True,
) -> Worker[None]:
    """Run `call` in a thread worker of `node`; `then(result)` on the UI thread, or
    `on_error(error)` (by default `show_store_error`) should it raise one of `errors`.

    The worker ends once `then` or `on_error` has run: waiting for the workers waits for
    what they show."""

    def run() -> None:
        try:
            result = call()
        except errors as error:
            if on_error is None:
                node.app.call_from_thread(show_store_error, node, error)
            else:
                node.app.call_from_thread(on_error, error)
            return
        node.app.call_from_thread(then, result)

    return node.run_worker(run, name=group, group=group, exclusive=exclusive, thread=True)


def ui_callback(node: Widget, callback: Callable[Params, object]) -> Callable[Params, None]:
    """`callback` made callable from a worker's thread: each call runs it on the UI thread
    (and waits for it), for progress reported while the call runs."""

    def forward(*args: Params.args, **kwargs: Params.kwargs) -> None:
        node.app.call_from_thread(callback, *args, **kwargs)

    return forward


def show_store_error(
    node: Widget,
    error: Exception,
    *,
    title: str = "",
    severity: SeverityLevel = "error",
    failed_to: str = "",
) -> None:
    """Tell the rep what the store refused, and why (its message says what to do);
    `failed_to` says what could not be done ("export")."""
    message = f"Could not {failed_to}: {error}" if failed_to else str(error)
    node.notify(readable(message), title=title, severity=severity, markup=False)
