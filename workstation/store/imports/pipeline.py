"""The one way rows of leads come in, whether from a CSV file (`leads.import_leads`) or the
Lead file of a Salesforce export (`salesforce.importer`): the same column plan and options,
the same cleansing in `rows` (reachability, statuses, values read as the file writes them),
the same matching against the leads and contacts already here in `upsert`, the same
errors file and the same lines in the report.

What this module holds is the part both drivers share around those: the rules a file's
rows are cleaned by, the tally of what became of them, and how the tally is told.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, select
from sqlmodel import Session, col

from workstation.store.errors import StoreError
from workstation.store.imports.campaigns import CampaignInfo
from workstation.store.imports.columns import FIELDS_BY_NAME, ColumnPlan
from workstation.store.imports.pool import ErrorsFile
from workstation.store.imports.rows import LEAD_VALUES, UNDECODABLE, Cleaned, RowRules
from workstation.store.imports.statuses import Statuses, means_converted, parse_status_map
from workstation.store.reference import LeadStatus
from workstation.store.values.formats import Formats

_SOURCE_STATUS = LEAD_VALUES.index("source_status")
LINES_NAMED = 10  # lines a report names of a kind (the errors file has them all)


def lead_statuses(connection: Connection) -> list[LeadStatus]:
    with Session(bind=connection) as session:
        found = session.execute(select(LeadStatus).order_by(col(LeadStatus.sort_order)))
        return list(found.scalars())


@dataclass(frozen=True, slots=True)
class LeadOptions:
    """What the user asked of the rows of leads, the same for both importers."""

    region: str = "US"  # phones written without a country
    country: str | None = None  # Country of rows without one (--region, when named)
    source: str | None = None  # LeadSource of every row (--source)
    status_map: tuple[str, ...] = ()  # --status-map options, as written
    formats: Formats = field(default_factory=Formats)

    def check(self, statuses: list[LeadStatus]) -> None:
        """StatusMapError when the status map cannot be used: before anything is written."""
        parse_status_map(self.status_map, tuple((s.name, s.is_converted) for s in statuses))

    def rules(
        self,
        plan: ColumnPlan,
        statuses: list[LeadStatus],
        *,
        undecodable: bool = False,
        campaign: CampaignInfo | None = None,
        as_written: bool = False,
    ) -> RowRules:
        named: Statuses = tuple((s.name, s.is_converted) for s in statuses)
        return RowRules(
            plan,
            self.region.upper(),
            named,
            undecodable=undecodable,
            source=self.source,
            default_source=(campaign.channel or None) if campaign else None,
            default_type=(campaign.offer or None) if campaign else None,
            status_map=parse_status_map(self.status_map, named),
            formats=self.formats,
            country=self.country,
            as_written=as_written,
        )


def errors_path_for(path: Path, asked: Path | str | None) -> Path:
    """Where the rows of `path` that are refused (or kept without a bad value) go: `asked`,
    else beside it (leads.csv → leads.errors.csv); never over `path` itself."""
    errors = Path(asked).expanduser() if asked else path.with_name(f"{path.stem}.errors.csv")
    try:
        same = errors.exists() and os.path.samefile(errors, path)
    except OSError:
        same = False
    if same:
        raise StoreError(
            f"the errors file {errors} is the file being imported: writing the refused rows "
            "there would overwrite it; name another with --errors FILE"
        )
    return errors


@dataclass(slots=True)
class LeadTally:
    """What became of a file's rows of leads, beyond created / updated / unchanged."""

    rows: int = 0
    kept_statuses: Counter[str] = field(default_factory=Counter)  # in source_status
    ignored: Counter[str] = field(default_factory=Counter)  # column → cells not empty
    undecodable: list[int] = field(default_factory=list)  # lines with bytes that aren't text

    def take(self, outcome, line_base: int, errors: ErrorsFile) -> Cleaned | None:
        """A cleaned row to write, or None for a row refused (written to `errors`). A row
        kept without a bad value is written to `errors` too, and returned."""
        self.rows += 1
        if outcome.__class__ is list:  # refused: [line, reason, cells]
            line = line_base + outcome[0]
            errors.add(line, outcome[1], outcome[2], kept=len(outcome) == 4)
            if len(outcome) == 3:
                if outcome[1] == UNDECODABLE:
                    self.undecodable.append(line)
                return None
            outcome = outcome[3]  # kept without a bad value: [line, reason, cells, values]
        if outcome[_SOURCE_STATUS] is not None:
            self.kept_statuses[outcome[_SOURCE_STATUS]] += 1
        return outcome

    def count_ignored(self, plan: ColumnPlan, counts: list[int]) -> None:
        for name, count in zip(plan.unmapped, counts, strict=True):
            if count:
                self.ignored[name] += count


def describe_columns(plan: ColumnPlan) -> dict[str, str]:
    fields = plan.field_of()
    return {plan.header[i]: FIELDS_BY_NAME[name].label for i, name in sorted(fields.items())}


def describe_tally(
    tally: LeadTally,
    *,
    unmapped: tuple[str, ...],
    statuses: Statuses,
    default_status: str,
    encoding: str,
) -> list[str]:
    """The report's lines on statuses kept, columns ignored and undecodable lines."""
    lines = []
    if tally.undecodable:
        shown = ", ".join(f"{line:,}" for line in tally.undecodable[:LINES_NAMED])
        more = len(tally.undecodable) - LINES_NAMED
        count = len(tally.undecodable)
        lines.append(
            f"Warning: {count:,} line{'' if count == 1 else 's'} hold bytes that are not "
            f"{encoding}: {shown}{f' and {more:,} more' if more > 0 else ''} (refused, with "
            "their bytes as they were, in the errors file; if the whole file is in another "
            "encoding, name it with --encoding)"
        )
    if tally.kept_statuses:
        listed = ", ".join(
            f"{value!r}{' (means converted)' if means_converted(value, statuses) else ''} "
            f"({count:,})"
            for value, count in tally.kept_statuses.most_common()
        )
        lines.append(
            f"Statuses that are none of ours, kept in SourceStatus, imported as "
            f"{default_status}: {listed}; map them with --status-map FROM=TO"
        )
    if unmapped:
        listed = ", ".join(
            f"{column} ({tally.ignored[column]:,})" if tally.ignored[column] else column
            for column in unmapped
        )
        lines.append(f"Ignored columns (values left out): {listed}")
    return lines
