"""Whether a lead is in sales' hands: the one rule behind `lead.is_open`.

A lead is open for sales when its status is neither closed nor converted AND it is not a
Name: Names (lifecycle stage Name) are marketing's pool (seed 001's split brain) and no
sales queue, count or `next` shows them. Every place that writes `is_open` (changes,
imports, the Salesforce importer, the demo, the migration that set it for stored rows)
asks this module, so that the queues' partial indexes, which test the plain column, say
the same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, literal

NAME = "Name"  # marketing's pool: the lifecycle stage sales never sees


class StatusFlags(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def is_closed(self) -> bool: ...
    @property
    def is_converted(self) -> bool: ...


def status_is_open(flags: StatusFlags) -> bool:
    """A status a lead can be worked at (neither closed nor converted)."""
    return not (flags.is_closed or flags.is_converted)


def open_statuses(statuses: Iterable[StatusFlags]) -> set[str]:
    """The names of the statuses (LeadStatus rows) a lead can be worked at."""
    return {s.name for s in statuses if status_is_open(s)}


def in_sales_hands(*, status_open: bool, lifecycle_stage: str) -> bool:
    """`lead.is_open`: an open status, and not a Name."""
    return status_open and lifecycle_stage != NAME


def in_sales_hands_sql(status_open: Any, lifecycle_stage: Any) -> ColumnElement[bool]:
    """The rule as an SQL expression, for a bulk write that sets a lead's stage."""
    return and_(status_open, lifecycle_stage != literal(NAME))


# The same rule in SQL, over a lead row joined to its lead_status row (the migration).
IN_SALES_HANDS_SQL = (
    f"NOT (lead_status.is_closed OR lead_status.is_converted) AND lead.lifecycle_stage <> '{NAME}'"
)
