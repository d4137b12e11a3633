"""Values in a Salesforce export made into ours: dates and flags as Salesforce writes them,
and the org's picklist values (lead statuses, opportunity stages, campaign member statuses,
lead sources) mapped onto ours, or added as rows where nothing of ours matches, each
decision counted for the report.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlmodel import Session, col

from workstation.store.imports.picklists import (
    LEAD_STATUS_SYNONYMS,
    MEMBER_STATUS_SYNONYMS,
    STAGE_SYNONYMS,
    lead_source,
    match_picklist,
    picklist_key,
)
from workstation.store.lifecycle.campaigns import add_member_statuses
from workstation.store.models import CampaignMemberStatus
from workstation.store.reference import Disposition, LeadStatus, OpportunityStage


class NotADate(ValueError):
    """A date cell in no form Salesforce or a spreadsheet writes."""


# A date as Excel writes it back in the US (month first) or, when the first number can't be
# a month, as elsewhere (day first): 02/23/26, 2/3/2026, 02/24/26 02:18 AM, 23.02.2026 14:05.
_SPREADSHEET = re.compile(
    r"(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
)


def sf_datetime(text: str) -> datetime | None:
    """A time as an aware UTC time: Salesforce's `2024-01-19T09:42:24.000+0000`, without
    milliseconds (`…:24Z`, `…:24+00:00`), a bare date, or a spreadsheet's re-saved form
    (`02/24/26 02:18 AM`); a time without a zone is UTC. NotADate when it is none of these."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = _spreadsheet(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def sf_date(text: str) -> date | None:
    """A date in any form `sf_datetime` reads (a timestamp's own day, not UTC's)."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return _spreadsheet(text).date()


def _spreadsheet(text: str) -> datetime:
    match = _SPREADSHEET.fullmatch(text)
    if match is None:
        raise NotADate(text)
    first, second, year, hour, minute, seconds, half = match.groups()
    month, day = int(first), int(second)
    if month > 12:
        month, day = day, month
    full_year = int(year) + (2000 if int(year) < 70 else 1900) if len(year) == 2 else int(year)
    hours = int(hour or 0)
    if half:
        if not 1 <= hours <= 12:
            raise NotADate(text)
        hours = hours % 12 + (12 if half.lower() == "pm" else 0)
    try:
        return datetime(full_year, month, day, hours, int(minute or 0), int(seconds or 0))
    except ValueError:
        raise NotADate(text) from None


def sf_flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "y", "x")


def sf_cents(text: str) -> int:
    """An amount such as `1124741.15` in whole cents, exactly."""
    try:
        return int((Decimal(text.strip() or "0") * 100).to_integral_value())
    except InvalidOperation:
        return 0


@dataclass(frozen=True, slots=True)
class Mapping:
    picklist: str  # "Lead status", "Opportunity stage", "Campaign member status", "Lead source"
    theirs: str
    ours: str
    how: str  # "same", "mapped" or "added"
    count: int


class Picklists:
    """The org's picklist values resolved against ours within one import's session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: Counter[tuple[str, str, str, str]] = Counter()
        self._statuses = {s.name: s for s in session.execute(select(LeadStatus)).scalars()}
        self._added: set[tuple[str, str]] = set()  # (picklist, value) this import added
        self._stages = {s.name: s for s in session.execute(select(OpportunityStage)).scalars()}
        self._dispositions = list(session.execute(select(col(Disposition.name))).scalars())

    def _note(self, picklist: str, theirs: str, ours: str, how: str | None = None) -> str:
        if how is None and (picklist, ours) in self._added:
            how = "added"
        elif how is None:
            how = "same" if picklist_key(theirs) == picklist_key(ours) else "mapped"
        elif how == "added":
            self._added.add((picklist, ours))
        self.seen[(picklist, theirs, ours, how)] += 1
        return ours

    def mappings(self) -> list[Mapping]:
        return [Mapping(*key, count) for key, count in sorted(self.seen.items())]

    def lead_status(self, value: str, *, converted: bool) -> tuple[str, bool]:
        """(our status, is_open) for a lead's Status and IsConverted."""
        converted_status = next(n for n, s in self._statuses.items() if s.is_converted)
        if converted:
            return self._note("Lead status", value or "(none)", converted_status), False
        default = next(n for n, s in self._statuses.items() if s.is_default)
        if not value.strip():
            return self._note("Lead status", "(none)", default), True
        name = match_picklist(value, self._statuses, LEAD_STATUS_SYNONYMS)
        if name is None or self._statuses[name].is_converted:
            # Only a conversion converts: a lead that was not converted keeps its own status.
            name = self._add_status(value.strip())
            self._note("Lead status", value, name, "added")
        else:
            self._note("Lead status", value, name)
        status = self._statuses[name]
        return name, not (status.is_closed or status.is_converted)

    def _add_status(self, value: str) -> str:
        existing = self._statuses.get(value)
        if existing is not None:
            return value
        row = LeadStatus(
            name=value,
            sort_order=max(s.sort_order for s in self._statuses.values()) + 1,
            is_closed=picklist_key(value).startswith("closed"),
            description="Imported from Salesforce.",
        )
        self.session.add(row)
        self.session.flush()
        self._statuses[value] = row
        return value

    def stage(self, value: str, *, probability: str, closed: bool, won: bool) -> OpportunityStage:
        name = match_picklist(value, self._stages, STAGE_SYNONYMS)
        if name is not None:
            self._note("Opportunity stage", value, name)
            return self._stages[name]
        row = OpportunityStage(
            name=value.strip(),
            sort_order=max(s.sort_order for s in self._stages.values()) + 1,
            probability=max(0, min(100, int(float(probability or 0)))),
            is_closed=closed,
            is_won=won,
        )
        self.session.add(row)
        self.session.flush()
        self._stages[row.name] = row
        self._note("Opportunity stage", value, row.name, "added")
        return row

    def disposition(self, value: str) -> str | None:
        """Ours for a call's CallDisposition when it names one of ours (as our exports
        write them), else None: a disposition is ours, with the keys and rules it has."""
        return match_picklist(value, self._dispositions, {}) if value.strip() else None

    def source(self, value: str) -> str | None:
        if not value.strip():
            return None
        return self._note("Lead source", value, lead_source(value.strip()))

    def member_status(self, campaign_id: int, value: str, *, responded: bool) -> str:
        """The campaign's own status for `value`, added to the campaign when it has none."""
        labels = list(
            self.session.execute(
                select(col(CampaignMemberStatus.label)).where(
                    col(CampaignMemberStatus.campaign_id) == campaign_id
                )
            ).scalars()
        )
        if not labels:
            add_member_statuses(self.session, campaign_id)
            return self.member_status(campaign_id, value, responded=responded)
        label = match_picklist(value, labels, MEMBER_STATUS_SYNONYMS)
        if label is not None:
            return self._note("Campaign member status", value, label)
        last = self.session.execute(
            select(func.max(CampaignMemberStatus.sort_order)).where(
                col(CampaignMemberStatus.campaign_id) == campaign_id
            )
        ).scalar()
        self.session.add(
            CampaignMemberStatus(
                campaign_id=campaign_id,
                label=value.strip(),
                sort_order=(last or 0) + 1,
                has_responded=responded,
            )
        )
        self.session.flush()
        return self._note("Campaign member status", value, value.strip(), "added")
