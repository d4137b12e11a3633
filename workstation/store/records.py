"""A record as the card shows it: every field of a lead, why it sits in the queue, and its
timeline (activities and history, newest first). Plain data, no live ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from workstation.store.models import Account, Activity, Campaign, History, Lead, Rep

TIMELINE_LIMIT = 12


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str  # "call", "email", "note", "task" or "change"
    summary: str
    detail: str = ""
    who: str | None = None


@dataclass(frozen=True, slots=True)
class LeadCard:
    id: int
    fields: list[tuple[str, str]]
    owner: str | None
    campaign: str | None
    customer_account: str | None
    timeline: list[TimelineEntry] = field(default_factory=list)


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


_CARD_FIELDS: tuple[tuple[str, str], ...] = (
    ("Name", "name"),
    ("Title", "title"),
    ("Company", "company"),
    ("Phone", "phone"),
    ("Email", "email"),
    ("Website", "website"),
    ("Industry", "industry"),
    ("Employees", "employees"),
    ("City", "city"),
    ("State", "state"),
    ("Country", "country"),
    ("Time zone", "time_zone"),
    ("Status", "status"),
    ("Lifecycle", "lifecycle_stage"),
    ("Score", "score"),
    ("Attempts", "attempt_count"),
    ("Callback", "callback_at"),
    ("Assigned", "assigned_at"),
    ("Last activity", "last_activity_at"),
    ("Lead source", "lead_source"),
    ("Lead type", "lead_type"),
    ("Do not call", "do_not_call"),
    ("Email opt-out", "email_opt_out"),
    ("Created", "created_at"),
)


def lead_card(session: Session, lead_id: int) -> LeadCard | None:
    lead = session.get(Lead, lead_id)
    if lead is None:
        return None
    name = f"{lead.first_name} {lead.last_name}" if lead.first_name else lead.last_name
    values = {"name": name} | lead.model_dump()
    fields = [(label, _fmt(values[key])) for label, key in _CARD_FIELDS]
    if lead.rejected_reason:
        fields.append(("Rejected", lead.rejected_reason))
    owner = session.get(Rep, lead.owner_id) if lead.owner_id else None
    campaign = session.get(Campaign, lead.campaign_id) if lead.campaign_id else None
    account = session.get(Account, lead.existing_account_id) if lead.existing_account_id else None
    return LeadCard(
        id=lead_id,
        fields=fields,
        owner=owner.name if owner else None,
        campaign=campaign.name if campaign else None,
        customer_account=account.name if account else None,
        timeline=lead_timeline(session, lead_id),
    )


def lead_timeline(
    session: Session, lead_id: int, limit: int = TIMELINE_LIMIT
) -> list[TimelineEntry]:
    """Activities and history of one lead, merged newest first."""
    activities = session.execute(
        select(Activity, Rep.name)
        .outerjoin(Rep, Rep.id == Activity.rep_id)
        .where(Activity.lead_id == lead_id)
        .order_by(Activity.occurred_at.desc())  # type: ignore[attr-defined]
        .limit(limit)
    ).all()
    changes = session.execute(
        select(History, Rep.name)
        .outerjoin(Rep, Rep.id == History.rep_id)
        .where(History.entity == "lead", History.entity_id == lead_id)
        .order_by(History.at.desc())  # type: ignore[attr-defined]
        .limit(limit)
    ).all()
    entries = [
        TimelineEntry(
            at=a.occurred_at,
            kind=a.kind,
            summary=a.disposition or a.subject or a.kind,
            detail=a.notes,
            who=who,
        )
        for a, who in activities
    ] + [
        TimelineEntry(
            at=h.at,
            kind="change",
            summary=f"{h.field}: {h.old_value or '—'} → {h.new_value or '—'}",
            detail=h.reason or "",
            who=who,
        )
        for h, who in changes
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
