"""The org's picklist values in a Salesforce export made into ours: opportunity stages,
campaign member statuses and lead sources mapped onto ours, or added as rows where nothing
of ours matches, each decision counted for the report. Lead statuses are not among them:
they take the one rule every file of leads takes (`imports.statuses`), which never adds
one. Dates, flags and numbers are read as every import reads them (`values.formats`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from workstation.store.imports.picklists import (
    MEMBER_STATUS_SYNONYMS,
    STAGE_SYNONYMS,
    lead_source,
    match_picklist,
    picklist_key,
)
from workstation.store.lifecycle.campaigns import add_member_statuses
from workstation.store.models import CampaignMemberStatus
from workstation.store.reference import Disposition, OpportunityStage


@dataclass(frozen=True, slots=True)
class Mapping:
    picklist: str  # "Opportunity stage", "Campaign member status", "Lead source"
    theirs: str
    ours: str
    how: str  # "same", "mapped" or "added"
    count: int


class Picklists:
    """The org's picklist values resolved against ours within one import's session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: Counter[tuple[str, str, str, str]] = Counter()
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

    def stage(
        self, value: str, *, probability: int | None, closed: bool, won: bool
    ) -> OpportunityStage:
        name = match_picklist(value, self._stages, STAGE_SYNONYMS)
        if name is not None:
            self._note("Opportunity stage", value, name)
            return self._stages[name]
        row = OpportunityStage(
            name=value.strip(),
            sort_order=max(s.sort_order for s in self._stages.values()) + 1,
            probability=probability or 0,
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
