"""One cold start, timed from outside: `python -m workstation.bench.probe hello|queue [URL]`.

The parent (`workstation bench`) starts this process and reads a line when the first frame
is on screen (the hello app's Ready event; for the workstation, started by the `workstation`
command's own code, the first frame that shows queue rows, then a second line at the first
frame that shows the record card too): peak RSS and the number of rows shown. `hello` is
the baseline: a bare Textual app with one Static.
"""

from __future__ import annotations

import json
import resource
import sys


def _peak_kib() -> int:
    """This process's own peak RSS. ru_maxrss keeps the parent's high-water mark across
    fork and exec on Linux, so /proc's VmHWM (reset by exec) is read where it exists."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _report(rows: int) -> None:
    print(json.dumps({"rss_mb": _peak_kib() / 1024, "rows": rows}), flush=True)


def run_hello() -> None:
    from textual.app import App
    from textual.widgets import Static

    class Hello(App):
        def compose(self):
            yield Static("Hello, world")

        def on_ready(self) -> None:
            _report(0)
            self.exit()

    Hello().run(headless=True)


def run_queue(url: str) -> None:
    """Started as `workstation --db URL` starts, through the same command-line code, but
    headless. Two lines: the first frame showing queue rows (P2), then the first frame
    showing the record card as well, which after a glance start waits for the store to
    load behind the first frame."""
    from workstation.cli import main, pause_collector

    pause_collector()  # as the command does before importing the app, imported here first
    from textual.app import App

    from workstation.app import WorkstationApp
    from workstation.widgets.queue_table import QueueTable

    shown = 0

    def post_display_hook(app: App) -> None:
        nonlocal shown
        tables = app.screen.query(QueueTable)
        if not tables:
            return
        if not shown and (rows := tables.first().row_count):
            shown = rows
            _report(rows)
        if shown and getattr(app.screen, "card", None) is not None:
            _report(shown)
            app.exit()

    run = WorkstationApp.run
    # The probe patches the class the command line will build: no subclass reaches it.
    WorkstationApp.post_display_hook = post_display_hook  # type: ignore[method-assign,assignment]
    WorkstationApp.run = lambda app, **_options: run(app, headless=True)  # type: ignore[method-assign]
    sys.exit(main(["--db", url]))


if __name__ == "__main__":
    if sys.argv[1] == "hello":
        run_hello()
    else:
        run_queue(sys.argv[2])
