"""The untouched-leads screen (managers): per rep, how many leads nobody touched since they
were assigned, in aging buckets, worst first, as a table and a stacked bar chart.

+ / − change the threshold, Enter opens a rep's list (`UntouchedLeadsScreen`), e exports the
table. The first report is read before the first frame, later ones (a new threshold, a
refresh) in a thread worker; for a rep the store refuses it, and the screen shows why
instead of any figures.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from workstation.display import age, clean, threshold
from workstation.handle import store_of
from workstation.store.errors import StoreError
from workstation.store.reports.untouched import (
    BUCKETS,
    UntouchedSummary,
    untouched_summary,
)
from workstation.widgets.bar_chart import Bar, BarChart
from workstation.widgets.safe_text import cut
from workstation.work import in_thread, show_store_error

THRESHOLDS = (1.0, 4.0, 8.0, 24.0, 48.0, 72.0, 168.0)  # hours, stepped with + and −
SHORT_BUCKETS = ("<1 d", "1–3 d", "3–7 d", "7+ d")


class UntouchedScreen(Screen):
    BINDINGS = [
        Binding("enter", "open_rep", "Open rep", id="untouched.open_rep", priority=True),
        Binding("plus,equals_sign", "longer", "Threshold +", id="untouched.longer"),
        Binding("minus", "shorter", "Threshold −", id="untouched.shorter"),
        Binding("e", "export", "Export", id="untouched.export"),
        Binding("r", "refresh", "Refresh", id="untouched.refresh"),
        Binding("escape", "back", "Back", id="untouched.back"),
    ]
    DEFAULT_CSS = """
    #untouched-status { height: auto; padding: 0 1; color: $text-muted; }
    #untouched-status.-refused { height: auto; color: $text-error; padding: 1 2; }
    #untouched-body { height: 1fr; }
    #untouched-reps {
        width: 3fr; height: 1fr; border: round $primary; border-title-color: $text-primary;
    }
    #untouched-chart {
        width: 2fr; height: 1fr; border: round $secondary; border-title-color: $text-secondary;
    }
    /* Narrow, the table takes the width: the chart only draws what its columns say. */
    UntouchedScreen.-narrow #untouched-chart { display: none; }
    UntouchedScreen.-narrow #untouched-reps { width: 1fr; }
    """
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, hours: float | None = None) -> None:
        """`hours`: the threshold to start with (None: the settings')."""
        super().__init__()
        self._start_hours = hours
        self.hours = 0.0  # set on mount
        self.summary: UntouchedSummary | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="untouched-status", markup=False)
        with Horizontal(id="untouched-body"):
            yield DataTable(id="untouched-reps", cursor_type="row", zebra_stripes=True)
            yield BarChart(legend=SHORT_BUCKETS, id="untouched-chart")
        yield Footer()

    def on_mount(self) -> None:
        start = self._start_hours
        self.hours = store_of(self).settings.untouched_hours if start is None else start
        self.title = "Untouched leads"
        rep = store_of(self).rep
        self.sub_title = f"{rep.name} ({rep.role})"
        table = self.query_one(DataTable)
        table.border_title = "Per rep, worst first"
        self.query_one(BarChart).border_title = "Untouched leads by age"
        table.add_column("Rep", key="rep", width=20)
        table.add_column("Untouched", key="count", width=9)
        for key, label in zip(BUCKETS, SHORT_BUCKETS, strict=True):
            table.add_column(label, key=key, width=5)
        table.add_column("Oldest", key="oldest", width=6)
        table.focus()
        # The first figures before the first frame: one aggregate over an index (40 ms at
        # data set L) costs less than a frame without them, then a second layout of it all.
        try:
            summary = self._summary()
        except StoreError as error:
            self._refuse(error)
        else:
            self._show(summary)

    def load(self) -> None:
        """The figures again, after a change (threshold, refresh, back from a rep's list)."""
        in_thread(self, self._summary, self._show, group="untouched", on_error=self._refuse)

    def _summary(self) -> UntouchedSummary:
        store = store_of(self)
        with store.open_session() as session:
            return untouched_summary(
                session, acting_rep_id=store.rep.id, hours=self.hours, now=store.clock()
            )

    def _refuse(self, error: Exception) -> None:
        """The store refused the report (to a rep): say why instead of any figures."""
        self.query_one("#untouched-body").display = False
        status = self.query_one("#untouched-status", Static)
        status.add_class("-refused")
        status.update(str(error))
        show_store_error(self, error, title="Not allowed")

    def _show(self, summary: UntouchedSummary) -> None:
        self.summary = summary
        table = self.query_one(DataTable)
        keep = self.current_rep_id()
        table.clear()
        for rep in summary.reps:
            name = cut(rep.name + (" (left)" if not rep.active else ""))
            counts = [Text(f"{n:,}", justify="right") for n in (rep.count, *rep.buckets)]
            since = rep.oldest_assigned_at  # None: the rep has no untouched lead
            oldest = "" if since is None else age(summary.now - since, spaced=True)
            table.add_row(name, *counts, Text(oldest, justify="right"), key=str(rep.rep_id))
        if keep is not None and str(keep) in {str(r.rep_id) for r in summary.reps}:
            table.move_cursor(row=table.get_row_index(str(keep)))
        self.query_one(BarChart).show(
            [Bar(r.name, tuple(map(float, r.buckets)), f"{r.count:,}") for r in summary.reps]
        )
        self.query_one("#untouched-status", Static).update(
            f"{summary.total:,} leads assigned over {threshold(summary.hours)} ago and "
            "not touched since · worst first: most 7+ days, then 3–7 … · +/− threshold"
        )

    def current_rep_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(key.value) if key.value is not None else None

    # Actions -----------------------------------------------------------------------------
    @on(DataTable.RowSelected, "#untouched-reps")
    def action_open_rep(self) -> None:
        from workstation.screens.untouched_leads import UntouchedLeadsScreen

        rep_id = self.current_rep_id()
        if self.summary is None or rep_id is None:
            return
        rep = next(r for r in self.summary.reps if r.rep_id == rep_id)
        self.app.push_screen(
            UntouchedLeadsScreen(rep_id=rep.rep_id, rep_name=rep.name, hours=self.hours),
            callback=lambda _: self.load(),
        )

    def _step(self, direction: int) -> None:
        longer = [h for h in THRESHOLDS if h > self.hours]
        shorter = [h for h in THRESHOLDS if h < self.hours]
        choices = longer[:1] if direction > 0 else shorter[-1:]
        if not choices:
            self.notify(f"The threshold is already {threshold(self.hours)}.")
            return
        self.hours = choices[0]
        self.load()

    def action_longer(self) -> None:
        self._step(+1)

    def action_shorter(self) -> None:
        self._step(-1)

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        from workstation.screens.save_file import SaveFileDialog

        if self.summary is None:
            return
        summary = self.summary
        stamp = f"{summary.now:%Y%m%d-%H%M}"
        self.app.push_screen(
            SaveFileDialog(what="the untouched leads per rep", suggested=f"untouched-{stamp}.csv"),
            callback=lambda path: self._export(path, summary),
        )

    def _export(self, path: Path | None, summary: UntouchedSummary) -> None:
        if path is None:  # the dialog was cancelled
            return
        from workstation.store.db import database_files
        from workstation.store.errors import StoreError
        from workstation.store.outputs import open_output
        from workstation.store.reports.untouched_export import ours_summary, write_summary_csv

        try:
            protect = database_files(store_of(self).engine)
            with open_output(path, ours_summary, protect=protect) as out:
                count = write_summary_csv(out, summary)
        except (OSError, StoreError) as error:
            self.notify(clean(f"Could not write {path}: {error}"), severity="error", markup=False)
            return
        self.notify(clean(f"{count} reps written to {path}"), markup=False)
