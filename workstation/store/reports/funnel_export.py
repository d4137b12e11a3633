"""The funnel report as tables of text: the same rows feed the funnel screen's tables, the
`workstation funnel` output and the screen's export, so they always agree. JSON for scripts.

Text here is raw (names from the database as stored); whoever prints it to a terminal
cleans it first, as the CLI and the screens do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from workstation.display import age, money
from workstation.store.reports.funnel import FunnelReport, SourceRow
from workstation.store.reports.funnel_history import RepActivity, StatusTime
from workstation.store.reports.funnel_money import MoneyRow
from workstation.store.reports.funnel_opportunities import OpportunityFigures


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    head: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


def percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.0%}"


def median_time(status: StatusTime) -> str:
    return age(timedelta(seconds=status.median_seconds), spaced=True)


def _steps(title: str, steps) -> Section:
    rows = [(s.name, f"{s.now:,}", f"{s.reached:,}", percent(s.rate_to_next)) for s in steps]
    return Section(title, ("Stage", "Now", "Reached", "To next"), rows)


def stage_sections(report: FunnelReport) -> list[Section]:
    return [
        _steps("Lead funnel", report.lead_funnel),
        _steps("Contact funnel", report.contact_funnel),
        Section(
            "Detours (Nurture = recycled)",
            ("Detour", "Leads", "Contacts", "Moves in"),
            [
                (d.name, f"{d.leads_now:,}", f"{d.contacts_now:,}", f"{d.moves:,}")
                for d in report.detours
            ],
        ),
        Section(
            "Between marketing and sales (recycling)",
            ("Flow", "Reason", "Moves"),
            [(f.direction, f.reason, f"{f.moves:,}") for f in report.flows],
        ),
        Section(
            "Rejected by reason",
            ("Reason", "Records"),
            [(reason, f"{count:,}") for reason, count in report.rejected_by_reason],
        ),
        *opportunity_sections(report.opportunities),
    ]


def opportunity_sections(figures: OpportunityFigures) -> list[Section]:
    weighted = f"weighted {money(figures.weighted_cents)}"
    return [
        Section(
            "Opportunities",
            ("Opportunities", "Count", "Amount", ""),
            [
                ("Pipeline (open)", f"{figures.open:,}", money(figures.open_cents), weighted),
                ("Closed Won", f"{figures.won:,}", money(figures.won_cents), ""),
                ("Closed Lost", f"{figures.lost:,}", money(figures.lost_cents), ""),
                ("Rejected by sales", f"{figures.rejected:,}", "", "not in the figures above"),
            ],
        ),
        Section(
            "Opportunities rejected by sales, by reason",
            ("Reason", "Opportunities"),
            [(reason, f"{count:,}") for reason, count in figures.rejected_by_reason],
        ),
    ]


def group_section(title: str, label: str, groups: Sequence[SourceRow]) -> Section:
    head = (label, "Leads", "MQL", "SQL", "Converted", "Conv %", "Won", "Won $", "Rejected")
    rows = [
        (
            g.name,
            f"{g.leads:,}",
            f"{g.mql:,}",
            f"{g.sql:,}",
            f"{g.converted:,}",
            percent(g.conversion_rate),
            f"{g.won:,}",
            money(g.won_amount_cents),
            f"{g.rejected:,}",
        )
        for g in groups
    ]
    return Section(title, head, rows)


def money_section(title: str, label: str, rows: Sequence[MoneyRow]) -> Section:
    head = (label, "Open", "Pipeline $", "Won", "Won $", "Cost $", "$ per won")
    return Section(
        title,
        head,
        [
            (
                r.name,
                f"{r.open_opportunities:,}",
                money(r.pipeline_cents),
                f"{r.won:,}",
                money(r.won_cents),
                "" if r.cost_cents is None else money(r.cost_cents),
                "" if r.cost_per_won_cents is None else money(r.cost_per_won_cents),
            )
            for r in rows
        ],
    )


def time_section(statuses: Sequence[StatusTime]) -> Section:
    rows = [(t.status, median_time(t), f"{t.stays:,}") for t in statuses]
    return Section("Time in status (median)", ("Status", "Median", "Stays"), rows)


def rep_section(reps: Sequence[RepActivity]) -> Section:
    head = ("Rep", "Dials", "Connects", "Connect %", "Conversions")
    rows = [
        (r.name, f"{r.dials:,}", f"{r.connects:,}", percent(r.connect_rate), f"{r.conversions:,}")
        for r in reps
    ]
    return Section("Rep activity", head, rows)


def all_sections(
    report: FunnelReport, statuses: Sequence[StatusTime], reps: Sequence[RepActivity]
) -> list[Section]:
    return [
        *stage_sections(report),
        group_section("By lead source (channel)", "Source", report.by_source),
        group_section("By lead type (offer)", "Offer", report.by_type),
        money_section("Pipeline and won by campaign", "Campaign", report.money_by_campaign),
        money_section("Pipeline and won by source", "Source", report.money_by_source),
        time_section(statuses),
        rep_section(reps),
    ]


def funnel_json(
    report: FunnelReport,
    statuses: Sequence[StatusTime],
    reps: Sequence[RepActivity],
    since: datetime | None,
) -> dict:
    data = asdict(report)
    data["since"] = None if since is None else since.isoformat()
    for key in ("by_source", "by_type"):
        for row, group in zip(data[key], getattr(report, key), strict=True):
            row |= {"conversion_rate": group.conversion_rate, "win_rate": group.win_rate}
    for key in ("money_by_campaign", "money_by_source"):
        for row, money_row in zip(data[key], getattr(report, key), strict=True):
            row["cost_per_won_cents"] = money_row.cost_per_won_cents
    data["time_in_status"] = [asdict(t) for t in statuses]
    data["reps"] = [asdict(r) | {"connect_rate": r.connect_rate} for r in reps]
    return data
