"""An email sent from a campaign's template, logged as an activity of the person it went
to: the timeline shows it, and it counts as activity (the untouched-leads report and
"last activity" see it). The subject is the activity's subject, the body its notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.models import Activity, Contact, utcnow
from workstation.store.permissions import lock_own_record
from workstation.store.tables import table_of

_SUBJECT_LIMIT = table_of(Activity).c["subject"].type.length  # type: ignore[attr-defined]


class EmailRefused(StoreError):
    """The email cannot be logged (no such person, or one who opted out)."""


@dataclass(frozen=True, slots=True)
class EmailLogged:
    activity_id: int
    kind: str
    record_id: int
    subject: str


def log_email(
    engine: Engine,
    *,
    kind: str,
    record_id: int,
    subject: str,
    body: str,
    rep_id: int | None,
    at: datetime | None = None,
) -> EmailLogged:
    """Log an email sent to lead or contact `record_id`, in one transaction."""
    at = at or utcnow()
    with write_session(engine) as session:
        record = lock_own_record(session, kind, record_id, rep_id=rep_id, action="log emails to")
        if record is None:
            raise EmailRefused(f"no {kind} {record_id}")
        if record.email_opt_out:
            raise EmailRefused(f"{kind} {record_id} opted out of email; nothing was logged")
        subject = " ".join(subject.split())[:_SUBJECT_LIMIT]
        activity = Activity(
            lead_id=record_id if kind == "lead" else None,
            contact_id=record_id if kind == "contact" else None,
            account_id=record.account_id if isinstance(record, Contact) else None,
            rep_id=rep_id,
            kind="email",
            subject=subject,
            notes=body,
            occurred_at=at,
        )
        session.add(activity)
        record.last_activity_at = at
        session.add(record)
        session.flush()
        assert activity.id is not None
        return EmailLogged(activity.id, kind, record_id, subject)
