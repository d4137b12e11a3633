"""The funnel screen (managers): lead and contact funnels with conversion rates, lead sources
(channels) and lead types (offers) through to won business, time in status, rep activity,
and pipeline and won amounts per campaign and source (cost per won deal: seed 002's ROI).

Each tab pairs a bar chart (what a person would rather look at) with the table behind it.
The report is three store calls in three thread workers, so each tab fills as soon as its
part is ready; p steps the period (records created, and activity logged, within it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from workstation.display import clean, money
from workstation.handle import store_of
from workstation.store.reports.funnel import FunnelReport, SourceRow, funnel_report
from workstation.store.reports.funnel_export import (
    Section,
    all_sections,
    group_section,
    median_time,
    money_section,
    percent,
    rep_section,
    stage_sections,
    time_section,
)
from workstation.store.reports.funnel_history import (
    RepActivity,
    StatusTime,
    rep_activity,
    time_in_status,
)
from workstation.tables import section_lines
from workstation.widgets.bar_chart import Bar, BarChart
from workstation.widgets.safe_text import safe_text
from workstation.work import in_thread, show_store_error

PERIODS: tuple[tuple[str, int | None], ...] = (
    ("the last 30 days", 30),
    ("the last 90 days", 90),
    ("the last 365 days", 365),
    ("all time", None),
    ("the last 7 days", 7),
)
FUNNEL_HEADING = "Funnel: records created, and activity logged, in"
TABS = ("stages", "sources", "offers", "times", "reps", "money")
# The stages tab's tables: the two funnels, detours, the flows between marketing and sales,
# rejections, opportunities and their rejections by sales (`funnel_export.stage_sections`).
STAGE_TABLES = 7


def _group_figures(group: SourceRow) -> str:
    rate, won = percent(group.conversion_rate), money(group.won_amount_cents)
    return f"{rate} of {group.leads:,} · won {won}"


class FunnelScreen(Screen):
    BINDINGS = [
        Binding("p", "next_period", "Period", id="funnel.period"),
        *(
            Binding(str(n), f"show_tab('{tab}')", tab.title(), id=f"funnel.tab_{tab}", show=False)
            for n, tab in enumerate(TABS, start=1)
        ),
        Binding("e", "export", "Export", id="funnel.export"),
        Binding("r", "refresh", "Refresh", id="funnel.refresh"),
        Binding("escape", "back", "Back", id="funnel.back"),
    ]
    DEFAULT_CSS = """
    #funnel-status { height: auto; padding: 0 1; color: $text-muted; }
    #funnel-status.-refused { height: auto; color: $text-error; padding: 1 2; }
    #funnel-tabs, #funnel-tabs ContentSwitcher, #funnel-tabs TabPane { height: 1fr; }
    #funnel-tabs TabPane { padding: 0; }
    #funnel-tabs VerticalScroll { height: 1fr; }
    FunnelScreen DataTable {
        height: auto; max-height: 24; margin: 0 1 1 1;
        border: round $primary-muted; border-title-color: $text-primary;
    }
    FunnelScreen BarChart { margin: 1 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.period = 0
        self.parts: dict[str, object] = {}
        self._since: datetime | None = None  # of the report being loaded or shown

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="funnel-status", markup=False)
        with TabbedContent(id="funnel-tabs"):
            with TabPane("1 Stages", id="funnel-stages"), VerticalScroll():
                yield BarChart("Leads reaching each stage", id="funnel-lead-chart")
                yield BarChart("Contacts reaching each stage", id="funnel-contact-chart")
                for n in range(STAGE_TABLES):
                    yield DataTable(id=f"funnel-stages-{n}", cursor_type="row")
            for tab, title in (("sources", "2 Sources"), ("offers", "3 Offers")):
                with TabPane(title, id=f"funnel-{tab}"), VerticalScroll():
                    yield BarChart(
                        "Converted, out of the leads", full=1.0, id=f"funnel-{tab}-chart"
                    )
                    yield DataTable(id=f"funnel-{tab}-0", cursor_type="row")
            with TabPane("4 Time in status", id="funnel-times"), VerticalScroll():
                yield BarChart("Median time in each status", id="funnel-times-chart")
                yield DataTable(id="funnel-times-0", cursor_type="row")
            with TabPane("5 Reps", id="funnel-reps"), VerticalScroll():
                yield BarChart(
                    "Dials per rep", legend=("connected", "not connected"), id="funnel-reps-chart"
                )
                yield DataTable(id="funnel-reps-0", cursor_type="row")
            with TabPane("6 Won", id="funnel-money"), VerticalScroll():
                yield BarChart("Won per campaign", id="funnel-money-chart")
                for n in range(2):
                    yield DataTable(id=f"funnel-money-{n}", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Funnel"
        rep = store_of(self).rep
        self.sub_title = f"{rep.name} ({rep.role})"
        self.load()

    # Loading -----------------------------------------------------------------------------
    def load(self) -> None:
        label, days = PERIODS[self.period]
        since = None if days is None else store_of(self).clock() - timedelta(days=days)
        self.parts.clear()
        for tab in TABS:
            self.query_one(f"#funnel-{tab}", TabPane).loading = True
        self.query_one("#funnel-status", Static).update(
            f"Records created, and activity logged, in {label} · p: change the period · "
            f"1–{len(TABS)}: tabs · loading…"
        )
        self._since = since
        for part in ("report", "times", "reps"):
            self.load_part(part, since)

    def load_part(self, part: str, since) -> None:
        """One of the three parts, beside the others (not exclusive: all three are wanted)."""

        def read() -> object:
            calls = {"report": funnel_report, "times": time_in_status, "reps": rep_activity}
            store = store_of(self)
            with store.open_session() as session:
                return calls[part](session, acting_rep_id=store.rep.id, since=since)

        shown = partial(self._show, part, since)
        in_thread(self, read, shown, group="funnel", on_error=self._refuse, exclusive=False)

    def _refuse(self, error: Exception) -> None:
        """The store refused the report (to a rep): say why, once, instead of any figures."""
        if self.query_one("#funnel-tabs").display:
            self.query_one("#funnel-tabs").display = False
            status = self.query_one("#funnel-status", Static)
            status.add_class("-refused")
            status.update(str(error))
            show_store_error(self, error, title="Not allowed")

    def _show(self, part: str, since, result) -> None:
        if since != self._since:
            return  # an answer for a period no longer shown
        self.parts[part] = result
        if part == "report":
            self._show_report(result)
        elif part == "times":
            self._fill("times", [time_section(result)])
            self.query_one("#funnel-times-chart", BarChart).show(
                [Bar(t.status, (t.median_seconds,), median_time(t)) for t in result]
            )
        else:
            self._fill("reps", [rep_section(result)])
            self.query_one("#funnel-reps-chart", BarChart).show(
                [
                    Bar(r.name, (r.connects, r.dials - r.connects), f"{r.dials:,}")
                    for r in result
                    if r.dials or r.conversions
                ]
            )
        if len(self.parts) == 3:
            status = self.query_one("#funnel-status", Static)
            status.update(str(status.render()).replace(" · loading…", ""))

    def _show_report(self, report: FunnelReport) -> None:
        self._fill("stages", stage_sections(report))
        for which, steps in (("lead", report.lead_funnel), ("contact", report.contact_funnel)):
            self.query_one(f"#funnel-{which}-chart", BarChart).show(
                [
                    Bar(s.name, (s.reached,), f"{s.reached:,} {percent(s.rate_to_next)}".strip())
                    for s in steps
                ]
            )
        for tab, label, groups in (
            ("sources", "Source", report.by_source),
            ("offers", "Offer", report.by_type),
        ):
            self._fill(tab, [group_section("", label, groups)])
            self.query_one(f"#funnel-{tab}-chart", BarChart).show(
                [Bar(g.name, (g.conversion_rate or 0.0,), _group_figures(g)) for g in groups]
            )
        self._fill(
            "money",
            [
                money_section("Pipeline and won by campaign", "Campaign", report.money_by_campaign),
                money_section("Pipeline and won by source", "Source", report.money_by_source),
            ],
        )
        self.query_one("#funnel-money-chart", BarChart).show(
            [
                Bar(r.name, (r.won_cents,), f"{money(r.won_cents)} · {r.won:,} won")
                for r in report.money_by_campaign
                if r.won
            ]
        )

    def _fill(self, tab: str, sections: list[Section]) -> None:
        for n, section in enumerate(sections):
            table = self.query_one(f"#funnel-{tab}-{n}", DataTable)
            table.clear(columns=True)
            table.border_title = section.title or None
            rows = [[safe_text(value) for value in row] for row in section.rows]
            for i, head in enumerate(section.head):
                # As wide as the header and the widest cell: a width measured by the table
                # itself was once the header's alone after a period change ("Rep" → "Nic").
                width = max([len(head), *(row[i].cell_len for row in rows)])
                table.add_column(head, key=str(i), width=width)
            for cells in rows:
                for figure in cells[1:]:
                    figure.justify = "right"
                table.add_row(*cells)
        self.query_one(f"#funnel-{tab}", TabPane).loading = False

    # Actions -----------------------------------------------------------------------------
    def action_next_period(self) -> None:
        self.period = (self.period + 1) % len(PERIODS)
        self.load()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = f"funnel-{tab}"

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        from workstation.screens.save_file import SaveFileDialog

        if len(self.parts) < 3:
            self.notify("The report is still loading: export when it is complete.")
            return
        # Each part is what its loader returned (`_show`): the report, the times, the reps.
        report = cast(FunnelReport, self.parts["report"])
        times = cast("Sequence[StatusTime]", self.parts["times"])
        reps = cast("Sequence[RepActivity]", self.parts["reps"])
        lines = section_lines(all_sections(report, times, reps))
        heading = f"{FUNNEL_HEADING} {PERIODS[self.period][0]}"
        self.app.push_screen(
            SaveFileDialog(
                what="the funnel", suggested=f"funnel-{store_of(self).clock():%Y%m%d-%H%M}.txt"
            ),
            callback=lambda path: self._write(path, [heading, *lines]),
        )

    def _write(self, path: Path | None, lines: list[str]) -> None:
        if path is None:  # the dialog was cancelled
            return
        from workstation.store.db import database_files
        from workstation.store.errors import StoreError
        from workstation.store.outputs import first_line_starting, open_output

        try:
            protect = database_files(store_of(self).engine)
            with open_output(path, first_line_starting(FUNNEL_HEADING), protect=protect) as out:
                out.write("\n".join(lines) + "\n")
        except (OSError, StoreError) as error:
            self.notify(clean(f"Could not write {path}: {error}"), severity="error", markup=False)
            return
        self.notify(clean(f"Funnel written to {path}"), markup=False)
