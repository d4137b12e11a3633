"""A record as the card shows it: every field of a lead or contact, and its timeline
(activities and history, newest first). Plain data, no live ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from workstation.store.models import Account, Activity, Campaign, Contact, History, Lead, Rep
from workstation.store.scripts.rules import answers_summary
from workstation.store.values.cleansing import display_phone
from workstation.store.values.durations import format_duration

TIMELINE_LIMIT = 30  # the card scrolls: a record's past, bar the very long


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str  # "call", "email", "note", "task" or "change"
    summary: str
    detail: str = ""
    who: str | None = None


@dataclass(frozen=True, slots=True)
class Card:
    kind: str  # "lead" or "contact"
    id: int
    name: str
    version: int
    read_only: bool  # a converted lead
    fields: list[tuple[str, str]]
    owner: str | None
    campaign: str | None
    account: str | None  # a contact's account; a lead's existing customer account
    time_zone: str | None
    timeline: list[TimelineEntry] = field(default_factory=list)


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


_COMMON_TOP = (("Name", "name"), ("Title", "title"))
_COMMON_CONTACT = (("Phone", "phone"), ("Email", "email"))
_LEAD_FIELDS = (
    *_COMMON_TOP, ("Company", "company"), *_COMMON_CONTACT, ("Website", "website"),
    ("Industry", "industry"), ("Employees", "employees"), ("City", "city"),
    ("State", "state"), ("Country", "country"), ("Time zone", "time_zone"),
    ("Status", "status"), ("Lifecycle", "lifecycle_stage"), ("Score", "score"),
    ("Attempts", "attempt_count"), ("Callback", "callback_at"), ("Assigned", "assigned_at"),
    ("Last activity", "last_activity_at"), ("Lead source", "lead_source"),
    ("Lead type", "lead_type"), ("Do not call", "do_not_call"),
    ("Email opt-out", "email_opt_out"), ("Created", "created_at"),
)  # fmt: skip
_CONTACT_FIELDS = (
    *_COMMON_TOP, ("Account", "account"), *_COMMON_CONTACT, ("State", "state"),
    ("Country", "country"), ("Time zone", "time_zone"), ("Lifecycle", "lifecycle_stage"),
    ("Score", "score"), ("Attempts", "attempt_count"), ("Callback", "callback_at"),
    ("Last activity", "last_activity_at"), ("Lead source", "lead_source"),
    ("Reference", "reference"), ("Do not call", "do_not_call"),
    ("Email opt-out", "email_opt_out"), ("Created", "created_at"),
)  # fmt: skip


def _name(record: Lead | Contact) -> str:
    return f"{record.first_name} {record.last_name}" if record.first_name else record.last_name


def _reference(contact: Contact) -> str:
    """ "no", or the kind of reference and how often it was used."""
    if contact.reference_type is None:
        return "no"
    kind = "private calls only" if contact.reference_type == "private" else "public"
    return f"{kind} · used {contact.reference_use_count} time(s)"


def record_card(session: Session, kind: str, record_id: int) -> Card | None:
    record = session.get(Lead, record_id) if kind == "lead" else session.get(Contact, record_id)
    if record is None:
        return None
    owner = session.get(Rep, record.owner_id) if record.owner_id else None
    account_id = record.existing_account_id if isinstance(record, Lead) else record.account_id
    account = session.get(Account, account_id) if account_id else None
    values = record.model_dump() | {
        "name": _name(record),
        "account": account.name if account else "",
        "reference": _reference(record) if isinstance(record, Contact) else "",
    }
    labels = _LEAD_FIELDS if kind == "lead" else _CONTACT_FIELDS
    values["phone"] = display_phone(values["phone"])
    fields = [(label, _fmt(values[key])) for label, key in labels]
    if record.rejected_reason:
        fields.append(("Rejected", record.rejected_reason))
    campaign_id = record.campaign_id if isinstance(record, Lead) else None
    campaign = session.get(Campaign, campaign_id) if campaign_id else None
    return Card(
        kind=kind,
        id=record_id,
        name=values["name"],
        version=record.version,
        read_only=isinstance(record, Lead) and record.is_converted,
        fields=fields,
        owner=owner.name if owner else None,
        campaign=campaign.name if campaign else None,
        account=account.name if account else None,
        time_zone=record.time_zone,
        timeline=timeline(session, kind, record_id),
    )


def _summary(activity: Activity) -> str:
    """What happened; for a call, how long it lasted too."""
    what = activity.disposition or activity.subject or activity.kind
    if activity.kind == "call" and activity.duration_seconds is not None:
        return f"{what} · {format_duration(activity.duration_seconds)}"
    return what


def timeline(
    session: Session, kind: str, record_id: int, limit: int = TIMELINE_LIMIT
) -> list[TimelineEntry]:
    """Activities and history of one record, merged newest first."""
    owner_column = col(Activity.lead_id if kind == "lead" else Activity.contact_id)
    activities = session.execute(
        select(Activity, col(Rep.name))
        .outerjoin(Rep, col(Rep.id) == Activity.rep_id)
        .where(owner_column == record_id)
        .order_by(col(Activity.occurred_at).desc())
        .limit(limit)
    ).all()
    changes = session.execute(
        select(History, col(Rep.name))
        .outerjoin(Rep, col(Rep.id) == History.rep_id)
        .where(col(History.entity) == kind, col(History.entity_id) == record_id)
        .order_by(col(History.at).desc())
        .limit(limit)
    ).all()
    entries = [
        TimelineEntry(at=a.occurred_at, kind=a.kind, summary=_summary(a),
                      detail=" · ".join(filter(None, (a.notes, answers_summary(a.answers)))),
                      who=who)
        for a, who in activities
    ] + [
        TimelineEntry(at=h.at, kind="change",
                      summary=f"{h.field}: {h.old_value or '—'} → {h.new_value or '—'}",
                      detail=h.reason or "", who=who)
        for h, who in changes
    ]  # fmt: skip
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
