"""One cold start, timed from outside: `python -m workstation.bench_probe hello|queue [URL]`.

The parent (`workstation bench`) starts this process and reads one line: when the first
frame is on screen (the hello app's Ready event; for the workstation, the first frame that
shows queue rows), the process prints its peak RSS and the number of rows shown, then
exits. `hello` is the baseline: a bare Textual app with one Static.
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
    from workstation.app import WorkstationApp, make_app
    from workstation.config import Settings
    from workstation.store.db import make_engine
    from workstation.store.schema import ensure_current
    from workstation.widgets.queue_table import QueueTable

    class Probe(WorkstationApp):
        reported = False

        def post_display_hook(self) -> None:
            # The first frame that shows queue rows: the queue is interactive.
            if self.reported or not self.screen.query(QueueTable):
                return
            rows = self.screen.query_one(QueueTable).row_count
            if rows:
                self.reported = True
                _report(rows)
                self.exit()

    engine = make_engine(url)
    ensure_current(engine)
    settings = Settings(database_url=url)
    app = make_app(settings, engine)
    Probe(settings, engine, app.rep).run(headless=True)


if __name__ == "__main__":
    if sys.argv[1] == "hello":
        run_hello()
    else:
        run_queue(sys.argv[2])
