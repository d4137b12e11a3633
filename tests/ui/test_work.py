"""The one way screens run store work (`workstation.work`): the call in a thread, its
answer on the UI thread, a store error shown once, cleaned, or handed to the screen."""

from __future__ import annotations

import threading
from functools import partial

from textual.app import App, ComposeResult
from textual.widgets import Static

from workstation.store.errors import StoreError
from workstation.work import in_thread, show_store_error, ui_callback


class _Host(App):
    def compose(self) -> ComposeResult:
        yield Static(id="screen-part")


async def test_the_call_runs_in_a_thread_and_its_result_comes_back_on_the_ui_thread():
    app, seen = _Host(), []
    async with app.run_test():
        node = app.query_one(Static)

        def back(caller: int) -> None:
            seen.append((caller, threading.get_ident()))

        in_thread(node, threading.get_ident, back, group="t")
        await app.workers.wait_for_complete()
        assert not list(app._notifications)
    [(caller, receiver)] = seen
    assert caller != receiver == app._thread_id


async def test_a_store_error_is_shown_once_cleaned_and_never_as_markup():
    app, results = _Host(), []

    def refused() -> None:
        raise StoreError("[b]no[/b] \x1b[31mred\x1b[0m at postgresql://me:pw@host/db\nsee above")

    async with app.run_test():
        in_thread(app.query_one(Static), refused, results.append, group="t")
        await app.workers.wait_for_complete()
        [shown] = app._notifications
    assert results == []
    assert shown.message == "[b]no[/b] ␛[31mred␛[0m at postgresql://me:***@host/db\nsee above"
    assert (shown.severity, shown.markup) == ("error", False)


async def test_a_screen_that_says_it_in_place_gets_the_error_instead():
    app, refusals = _Host(), []

    def refused() -> None:
        raise StoreError("not allowed")

    async with app.run_test():
        in_thread(app.query_one(Static), refused, print, group="t", on_error=refusals.append)
        await app.workers.wait_for_complete()
        assert not list(app._notifications)
    assert [str(error) for error in refusals] == ["not allowed"]


async def test_other_errors_it_may_end_with_are_told_with_what_failed():
    app = _Host()

    def write() -> None:
        raise PermissionError(13, "Permission denied")

    async with app.run_test():
        node = app.query_one(Static)
        failed = partial(show_store_error, node, failed_to="export")
        in_thread(node, write, print, group="t", on_error=failed, errors=(OSError, StoreError))
        await app.workers.wait_for_complete()
        [shown] = app._notifications
    assert shown.message == "Could not export: [Errno 13] Permission denied"


async def test_progress_reported_in_the_thread_is_shown_on_the_ui_thread():
    app, steps = _Host(), []
    async with app.run_test():
        node = app.query_one(Static)
        progress = ui_callback(node, lambda done: steps.append((done, threading.get_ident())))

        def run() -> int:
            for done in (1, 2):
                progress(done)
            return 2

        in_thread(node, run, lambda _: None, group="t")
        await app.workers.wait_for_complete()
    assert steps == [(1, app._thread_id), (2, app._thread_id)]
