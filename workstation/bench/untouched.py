"""P3, untouched-leads part (TARGETS.md: the screen ≤ 150 ms at data set L): how long the
store takes for the per-rep aggregate and for the first page of the worst rep's list, and
how long the screen takes from being pushed to the first frame displayed with its table
filled, in a headless app, beside the baseline of a bare screen (header, empty table,
footer) pushed the same way, to its first frame.

`measure_untouched(engine, runs)` returns plain figures (milliseconds, median and p95 over
`runs`) for `workstation bench` to print beside the others.
"""

from __future__ import annotations

import asyncio
import statistics
from functools import partial

from sqlalchemy import Engine
from sqlmodel import Session

from workstation.bench.stats import FrameTimer, median_and_p95, timed_ms
from workstation.store.errors import StoreError
from workstation.store.reports.untouched import untouched_page, untouched_summary
from workstation.store.reps import working_rep

TARGET_MS = 150.0


def _figures(name: str, samples: list[float]) -> dict[str, float]:
    median, p95 = median_and_p95(samples)
    return {f"{name}_median_ms": median, f"{name}_p95_ms": p95}


async def _screen_samples(engine: Engine, runs: int) -> tuple[list[float], list[float]]:
    """Push the screen and time it to the first frame displayed with the per-rep table
    filled (Textual's `post_display_hook`, as for P1 and the page step); then the baseline,
    a bare screen (header, an empty table, footer) pushed the same way, to its first frame.
    Alternating, so both see the same machine."""
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Header

    from workstation.app import WorkstationApp, make_app
    from workstation.config import Settings
    from workstation.screens.untouched import UntouchedScreen

    class TimedScreen(UntouchedScreen):
        def ready(self) -> bool:
            return self.summary is not None

    class BareScreen(Screen):
        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer()

        def ready(self) -> bool:
            return self.is_mounted

    class TimedApp(FrameTimer, WorkstationApp):
        pass

    app = make_app(Settings(database_url=str(engine.url)), engine, app_class=TimedApp)
    assert isinstance(app, TimedApp)

    def shown(kind: type) -> bool:
        screen = app.screen
        return isinstance(screen, kind) and screen.ready()  # type: ignore[attr-defined]

    samples: tuple[list[float], list[float]] = ([], [])
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(runs):
            for kind, times in zip((TimedScreen, BareScreen), samples, strict=True):
                times.append(
                    await app.time_until(
                        partial(app.push_screen, kind()),
                        partial(shown, kind),
                        what="the untouched-leads screen",
                        seconds=60,
                    )
                )
                app.pop_screen()
                await pilot.pause()
    return samples


def measure_untouched(engine: Engine, runs: int = 20) -> dict[str, float]:
    """Store aggregate, first page, and screen open-to-painted, as the first manager."""
    with Session(engine) as session:
        manager = working_rep(session, None)
        if manager is None or not manager.is_manager:
            raise StoreError("the untouched-leads benchmark needs a manager in the database")
        summary = untouched_summary(session, acting_rep_id=manager.id)
        worst = summary.reps[0].rep_id
        store = timed_ms(lambda: untouched_summary(session, acting_rep_id=manager.id), runs)
        page = timed_ms(
            lambda: untouched_page(session, acting_rep_id=manager.id, rep_id=worst), runs
        )
    screen, bare = asyncio.run(_screen_samples(engine, runs))
    return {
        "runs": runs,
        "untouched_leads": summary.total,
        "reps": len(summary.reps),
        "target_ms": TARGET_MS,
        **_figures("store", store),
        **_figures("page", page),
        **_figures("screen", screen),
        **_figures("bare_screen", bare),
        "screen_ratio": statistics.median(screen) / statistics.median(bare),
    }
