"""P1 and P3 as a rep feels them: key press to the frame that shows the result.

Both run headless in this process, the app and its baseline alike, and time from the
moment the key is handed to the app to the end of the first display (Textual's
`post_display_hook`) that shows the change. The store parts are timed beside them against
the same question asked of SQLite directly (one raw SQL statement).
"""

from __future__ import annotations

import asyncio
import sqlite3
from functools import partial

from rich.table import Table
from rich.text import Text
from sqlalchemy import Engine
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from workstation.bench.stats import FrameTimer, median_and_p95, timed_ms
from workstation.config import Settings
from workstation.screens.queue import QueueScreen
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.next_lead import next_lead
from workstation.store.calling.queues import queue_page
from workstation.store.models import OWNED
from workstation.store.reps import working_rep
from workstation.widgets.queue_table import QueueTable


def busiest_rep(session):
    """The active sales rep holding the most open callable leads: whose keys are timed."""
    from sqlalchemy import func, select, text

    from workstation.store.models import Lead, Rep
    from workstation.store.reps import RepInfo

    row = session.execute(
        select(Rep)
        .join(Lead, Lead.owner_id == Rep.id)
        .where(Rep.active, Rep.role == "rep", text(OWNED))
        .group_by(Rep.id)
        .order_by(func.count().desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return working_rep(session, None)
    return RepInfo(row.id, row.name, row.role, row.capacity, row.active)


class _CardBaseline(FrameTimer, App):
    """The baseline: a bare app whose key repaints one card of twenty fields."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="card")
        yield Footer()

    def key_n(self) -> None:
        self.shown = getattr(self, "shown", 0) + 1
        grid = Table.grid(padding=(0, 1))
        for field in range(20):
            grid.add_row(Text(f"Field {field}"), Text(f"value {self.shown} · {field}"))
        self.query_one("#card", Static).update(grid)


def _shown_after(app: _CardBaseline, presses: int) -> bool:
    return app.shown == presses + 1


async def _baseline_presses(presses: int) -> list[float]:
    app = _CardBaseline()
    samples = []
    async with app.run_test(size=(120, 40)) as pilot:
        for n in range(presses):
            samples.append(await app.timed(pilot, "n", partial(_shown_after, app, n)))
    return samples


def _card_moved(screen: QueueScreen, before: int | None) -> bool:
    return screen.card is not None and screen.card.id != before


def _page_moved(screen: QueueScreen, table: QueueTable, start: tuple | None) -> bool:
    return screen._current_start != start and table.row_count > 0


async def _app_presses(engine: Engine, url: str, presses: int) -> tuple[list[float], list[float]]:
    from workstation.app import WorkstationApp

    with engine.connect() as connection:
        from sqlmodel import Session

        with Session(bind=connection) as session:
            rep = busiest_rep(session)
    assert rep is not None

    class TimedApp(FrameTimer, WorkstationApp):
        pass

    app = TimedApp(Settings(database_url=url), engine, rep)
    next_samples, page_samples = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        for _ in range(presses):
            before = screen.card.id if screen.card else None
            next_samples.append(await app.timed(pilot, "n", partial(_card_moved, screen, before)))
            # Out of the timing: a call on that lead, so the next press finds another.
            assert screen.card is not None
            log_call(engine, rep_id=rep.id, lead_id=screen.card.id, disposition="5")
        table = screen.query_one("#queue-table", QueueTable)
        for _ in range(presses):
            start = screen._current_start
            paged = partial(_page_moved, screen, table, start)
            page_samples.append(await app.timed(pilot, "right_square_bracket", paged))
            if screen._next_start is None:
                screen.show_queue(screen.queue_key)
    return next_samples, page_samples


def measure_keys(engine: Engine, url: str, presses: int = 30) -> dict[str, tuple[float, float]]:
    """Median and p95 (ms) of: the app's n, the baseline's repaint, the app's page step."""
    baseline = asyncio.run(_baseline_presses(presses))
    app_next, app_page = asyncio.run(_app_presses(engine, url, presses))
    return {
        "baseline": median_and_p95(baseline[3:]),
        "next": median_and_p95(app_next[3:]),
        "page": median_and_p95(app_page[3:]),
    }


def measure_store(engine: Engine, path: str, runs: int = 300) -> dict[str, tuple[float, float]]:
    """Median and p95 (ms) of next_lead and of one raw SQL statement asking the same."""
    from sqlmodel import Session

    with Session(engine) as session:
        rep = busiest_rep(session)
        assert rep is not None
        first = queue_page(session, "my-leads", rep_id=rep.id, limit=1)
    store = timed_ms(lambda: next_lead(engine, rep_id=rep.id), runs)
    raw_sql = (
        f"SELECT id FROM lead WHERE owner_id = ? AND {OWNED} "
        "ORDER BY score DESC, assigned_at, id LIMIT 1"
    )
    connection = sqlite3.connect(path)
    raw = timed_ms(lambda: connection.execute(raw_sql, (rep.id,)).fetchone(), runs)
    connection.close()
    assert first.rows, "the bench data set gave the working rep no leads"
    return {"store": median_and_p95(store[10:]), "raw": median_and_p95(raw[10:])}
