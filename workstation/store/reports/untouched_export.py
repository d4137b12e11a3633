"""The untouched-leads report written out: per-rep counts as CSV, the lead list as CSV, and
both together as JSON (`workstation untouched --format …` and the screen's export).

Values follow `exports.stream`: times in ISO-8601 UTC with milliseconds, formula-safe CSV cells
(the same escaping, imported, not copied), ASCII-only JSON that is safe to print to any
terminal. Leads are written as they come from the paged iterator, so a long list is never
held whole.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from workstation.store.exports.formulas import escape_formula
from workstation.store.exports.stream import _timestamp
from workstation.store.reports.untouched import BUCKETS, UntouchedLead, UntouchedSummary

SUMMARY_COLUMNS = ("RepId", "Rep", "IsActive", "Untouched", *BUCKETS, "OldestAssignedDate")
LEAD_COLUMNS = (
    "Id",
    "Name",
    "Company",
    "Phone",
    "Status",
    "Score",
    "OwnerId",
    "Owner",
    "AssignedDate",
    "AgeHours",
    "Bucket",
)


def ours_summary(first_line: str) -> bool:
    return first_line == ",".join(SUMMARY_COLUMNS)


def ours_leads(first_line: str) -> bool:
    return first_line == ",".join(LEAD_COLUMNS)


def _summary_values(summary: UntouchedSummary) -> Iterable[dict[str, Any]]:
    for rep in summary.reps:
        oldest = rep.oldest_assigned_at
        yield {
            "RepId": rep.rep_id,
            "Rep": rep.name,
            "IsActive": rep.active,
            "Untouched": rep.count,
            **dict(zip(BUCKETS, rep.buckets, strict=True)),
            "OldestAssignedDate": None if oldest is None else _timestamp(oldest),
        }


def _lead_values(row: UntouchedLead, owners: dict[int, str]) -> dict[str, Any]:
    return {
        "Id": row.id,
        "Name": row.name,
        "Company": row.company,
        "Phone": row.phone,
        "Status": row.status,
        "Score": row.score,
        "OwnerId": row.owner_id,
        "Owner": owners.get(row.owner_id),
        "AssignedDate": _timestamp(row.assigned_at),
        "AgeHours": round(row.age.total_seconds() / 3600, 1),
        "Bucket": BUCKETS[row.bucket],
    }


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape_formula(str(value))


def write_summary_csv(out: TextIO, summary: UntouchedSummary) -> int:
    writer = csv.writer(out)
    writer.writerow(SUMMARY_COLUMNS)
    rows = [[_csv_cell(v) for v in values.values()] for values in _summary_values(summary)]
    writer.writerows(rows)
    return len(rows)


def write_leads_csv(out: TextIO, rows: Iterable[UntouchedLead], summary: UntouchedSummary) -> int:
    owners = {rep.rep_id: rep.name for rep in summary.reps}
    writer = csv.writer(out)
    writer.writerow(LEAD_COLUMNS)
    written = 0
    for row in rows:
        writer.writerow([_csv_cell(v) for v in _lead_values(row, owners).values()])
        written += 1
    return written


def write_json(out: TextIO, summary: UntouchedSummary, rows: Iterable[UntouchedLead]) -> int:
    """One object: the threshold, the per-rep counts and buckets, and every lead listed."""
    owners = {rep.rep_id: rep.name for rep in summary.reps}
    head = {
        "Now": _timestamp(summary.now),
        "ThresholdHours": summary.hours,
        "Total": summary.total,
        "Buckets": list(BUCKETS),
        "Reps": list(_summary_values(summary)),
    }
    # The head without its closing brace, then the leads streamed into it one by one.
    out.write(json.dumps(head, indent=1)[:-2] + ',\n "Leads": [')
    written = 0
    for row in rows:
        out.write(("\n  " if written == 0 else ",\n  ") + json.dumps(_lead_values(row, owners)))
        written += 1
    out.write("\n ]\n}\n" if written else "]\n}\n")
    return written
