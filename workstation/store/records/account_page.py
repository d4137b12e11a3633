"""An account's page: its fields, its contacts and opportunities, the leads at its domain
or under its name that were never converted onto it, and the activity of all of them in
one timeline: a big account's calls are split between leads and contacts, and sales must
see them together."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlmodel import Session, col

from workstation.store.calling.card import TimelineEntry, activity_summary
from workstation.store.conversion.records import account_view
from workstation.store.models import Account, Activity, Contact, Lead, Opportunity, Rep
from workstation.store.records.page import RecordPage, RelatedRecord, person_name
from workstation.store.scripts.rules import answers_summary
from workstation.store.search.find import leads_at

RELATED_LIMIT = 200  # contacts, opportunities and leads each: a page, not a report
ACTIVITY_LIMIT = 60


def account_page(session: Session, account_id: int) -> RecordPage | None:
    account = session.get(Account, account_id)
    if account is None:
        return None
    contacts = session.execute(
        select(col(Contact.id), col(Contact.first_name), col(Contact.last_name),
               col(Contact.title))
        .where(col(Contact.account_id) == account_id)
        .order_by(col(Contact.id)).limit(RELATED_LIMIT)
    ).all()  # fmt: skip
    opportunities = session.execute(
        select(col(Opportunity.id), col(Opportunity.name), col(Opportunity.stage))
        .where(col(Opportunity.account_id) == account_id)
        .order_by(col(Opportunity.id).desc())
        .limit(RELATED_LIMIT)
    ).all()
    lead_ids = leads_at(session, domain=account.domain, company=account.name, limit=RELATED_LIMIT)
    leads = (
        session.execute(
            select(col(Lead.id), col(Lead.first_name), col(Lead.last_name), col(Lead.status))
            .where(col(Lead.id).in_(lead_ids))
            .order_by(col(Lead.id).desc())
        ).all()
        if lead_ids
        else []
    )
    related = [
        *(RelatedRecord("contact", i, person_name(f, n), f"contact · {t or 'no title'}")
          for i, f, n, t in contacts),
        *(RelatedRecord("opportunity", i, name, f"opportunity · {stage}")
          for i, name, stage in opportunities),
        *(RelatedRecord("lead", i, person_name(f, n), f"lead · {status}")
          for i, f, n, status in leads),
    ]  # fmt: skip
    names = {(r.kind, r.id): r.name for r in related}
    return RecordPage(
        "account",
        account_id,
        account.name,
        list(account_view(session, account_id).fields),
        _activity(session, account_id, [c[0] for c in contacts], lead_ids, names),
        related=related,
    )


def _activity(
    session: Session,
    account_id: int,
    contact_ids: list[int],
    lead_ids: list[int],
    names: dict[tuple[str, int], str],
) -> list[TimelineEntry]:
    """Every activity of the account, its contacts and its leads, newest first, each saying
    whose it was."""
    whose = [col(Activity.account_id) == account_id]
    if contact_ids:
        whose.append(col(Activity.contact_id).in_(contact_ids))
    if lead_ids:
        whose.append(col(Activity.lead_id).in_(lead_ids))
    rows = session.execute(
        select(Activity, col(Rep.name))
        .outerjoin(Rep, col(Rep.id) == Activity.rep_id)
        .where(or_(*whose))
        .order_by(col(Activity.occurred_at).desc())
        .limit(ACTIVITY_LIMIT)
    ).all()
    entries = []
    for activity, rep in rows:
        if activity.contact_id is not None:
            on = f"{names.get(('contact', activity.contact_id), '?')} (contact)"
        elif activity.lead_id is not None:
            on = f"{names.get(('lead', activity.lead_id), '?')} (lead)"
        else:
            on = "the account"
        what = activity_summary(activity)
        detail = " · ".join(filter(None, (activity.notes, answers_summary(activity.answers))))
        entries.append(
            TimelineEntry(activity.occurred_at, activity.kind, f"{what} — {on}", detail, rep)
        )
    return entries
