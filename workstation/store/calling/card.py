"""A record as the card shows it: every field of a lead or contact, and its timeline
(activities and history, newest first). Plain data, no live ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from workstation.store.clock import utcnow
from workstation.store.models import Account, Activity, Campaign, Contact, History, Lead, Rep
from workstation.store.scoring.explain import explain
from workstation.store.scoring.parts import Score
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
    phone: str | None = None  # as stored (E.164): what a dial or a tel: link takes
    description: str = ""  # a lead's inquiry, a contact's description; its lines kept
    lifecycle_stage: str = ""
    # How the score is made: (rule, points) of each part, as `workstation score ID` shows.
    score_parts: tuple[tuple[str, int], ...] = ()
    score: int = 0  # as stored


def score_line(stored: int, score: Score) -> str:
    """The score and how it is made, on one line, biggest parts first: "43 = C-level title
    +25 · …". The parts are today's: "(today N)" says so when decay has moved them away
    from the stored score since it was last computed."""
    biggest = sorted(score.parts, key=lambda part: -abs(part.points))  # what a cut line keeps
    why = " · ".join(f"{part.rule} {part.points:+d}" for part in biggest)
    today = f" (today {score.total})" if score.total != stored else ""
    return f"{stored}{today} = {why or 'no rule counts yet'}"


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


_COMMON_TOP = (("Name", "name"), ("Title", "title"))
_COMMON_CONTACT = (("Phone", "phone"), ("Mobile", "mobile_phone"), ("Email", "email"))
_ADDRESS = (("Street", "street"), ("City", "city"), ("State", "state"),
            ("Postal code", "postal_code"), ("Country", "country"))  # fmt: skip
_LEAD_FIELDS = (
    *_COMMON_TOP, ("Company", "company"), *_COMMON_CONTACT, ("Website", "website"),
    ("Industry", "industry"), ("Employees", "employees"), *_ADDRESS,
    ("Time zone", "time_zone"), ("Status", "status"), ("Lifecycle", "lifecycle_stage"),
    ("Score", "score"), ("Attempts", "attempt_count"), ("Callback", "callback_at"),
    ("Assigned", "assigned_at"), ("Last activity", "last_activity_at"),
    ("Lead source", "lead_source"), ("Lead type", "lead_type"),
    ("Account type", "account_type"), ("Do not call", "do_not_call"),
    ("Email opt-out", "email_opt_out"), ("Created", "created_at"),
)  # fmt: skip
_CONTACT_FIELDS = (
    *_COMMON_TOP, ("Account", "account"), *_COMMON_CONTACT, *_ADDRESS,
    ("Time zone", "time_zone"), ("Lifecycle", "lifecycle_stage"),
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


def record_card(
    session: Session, kind: str, record_id: int, now: datetime | None = None
) -> Card | None:
    record = session.get(Lead, record_id) if kind == "lead" else session.get(Contact, record_id)
    if record is None:
        return None
    score = explain(session, record, now or utcnow())
    owner = session.get(Rep, record.owner_id) if record.owner_id else None
    account_id = record.existing_account_id if isinstance(record, Lead) else record.account_id
    account = session.get(Account, account_id) if account_id else None
    values = record.model_dump() | {
        "name": _name(record),
        "account": account.name if account else "",
        "reference": _reference(record) if isinstance(record, Contact) else "",
        "score": score_line(record.score, score),
    }
    labels = _LEAD_FIELDS if kind == "lead" else _CONTACT_FIELDS
    phone = values["phone"]
    values["phone"] = display_phone(phone)
    if values["phone"] and record.phone_extension:
        values["phone"] += f" ext. {record.phone_extension}"
    values["mobile_phone"] = display_phone(values["mobile_phone"])
    fields = [(label, _fmt(values[key])) for label, key in labels]
    if record.rejected_reason:
        fields.append(("Rejected", record.rejected_reason))
    if isinstance(record, Lead) and account is not None:
        fields.insert(0, ("★", f"customer inquiry: from {account.name}"))
    if isinstance(record, Lead) and record.contact_id is not None:
        fields.append(("Known contact", f"contact {record.contact_id}"))
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
        phone=phone,
        description=record.description or "",
        lifecycle_stage=record.lifecycle_stage,
        score_parts=tuple((part.rule, part.points) for part in score.parts),
        score=record.score,
    )


def activity_summary(activity: Activity) -> str:
    """What happened; for a call, how long it lasted too."""
    what = activity.disposition or activity.subject or activity.kind
    if activity.kind == "call" and activity.duration_seconds is not None:
        return f"{what} · {format_duration(activity.duration_seconds)}"
    return what


def timeline(
    session: Session, kind: str, record_id: int, limit: int = TIMELINE_LIMIT
) -> list[TimelineEntry]:
    """Activities and history of one lead, contact or opportunity, merged newest first."""
    owner_column = col(getattr(Activity, f"{kind}_id"))  # lead, contact or opportunity
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
    reps = _rep_names(session, [h for h, _ in changes])
    entries = [
        TimelineEntry(at=a.occurred_at, kind=a.kind, summary=activity_summary(a),
                      detail=" · ".join(filter(None, (a.notes, answers_summary(a.answers)))),
                      who=who)
        for a, who in activities
    ] + [
        TimelineEntry(at=h.at, kind="change", summary=_change(h, reps),
                      detail=h.reason or "", who=who)
        for h, who in changes
    ]  # fmt: skip
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


# How a change names its field: the card's label for it, else its words ("lifecycle_stage"
# reads "Lifecycle", "existing_account_id" reads "Existing account").
_LABELS = {key: label for label, key in (*_LEAD_FIELDS, *_CONTACT_FIELDS)} | {
    "owner_id": "Owner", "lifecycle_stage": "Lifecycle", "rejected_reason": "Rejected",
}  # fmt: skip
_REP_FIELDS = {"owner_id", "rep_id"}


def _label(field_name: str) -> str:
    if field_name in _LABELS:
        return _LABELS[field_name]
    words = field_name.removesuffix("_id").replace("_", " ")
    return words[:1].upper() + words[1:]


def _rep_names(session: Session, changes: list[History]) -> dict[str, str]:
    """The names of the reps that changes of an owner name by id."""
    ids = {int(value) for h in changes if h.field in _REP_FIELDS
           for value in (h.old_value, h.new_value) if value and value.isdigit()}  # fmt: skip
    if not ids:
        return {}
    rows = session.execute(select(col(Rep.id), col(Rep.name)).where(col(Rep.id).in_(ids))).all()
    return {str(rep_id): name for rep_id, name in rows}


def _change(change: History, reps: dict[str, str]) -> str:
    """One change as a person reads it: "Owner: — → Chloe Donovan"."""
    old, new = change.old_value, change.new_value
    if change.field in _REP_FIELDS:
        old, new = reps.get(old or "", old), reps.get(new or "", new)
    return f"{_label(change.field)}: {old or '—'} → {new or '—'}"
