"""The pages of leads, contacts and opportunities (accounts: `account_page`): fields,
the timeline of calls (notes, script answers, duration), emails and history, campaign
memberships, and the related records a page opens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from workstation.store.calling.card import Card, record_card, timeline
from workstation.store.conversion.records import opportunity_view
from workstation.store.models import (
    Account,
    Campaign,
    CampaignMember,
    Contact,
    Lead,
    Opportunity,
    OpportunityContactRole,
)
from workstation.store.records.account_page import account_page
from workstation.store.records.page import Membership, RecordPage, RelatedRecord, person_name


def record_page(
    session: Session, kind: str, record_id: int, now: datetime | None = None
) -> RecordPage | None:
    """The page of one record; None when there is no such record."""
    if kind == "account":
        return account_page(session, record_id)
    if kind == "opportunity":
        return _opportunity_page(session, record_id)
    if kind not in ("lead", "contact"):
        raise ValueError(f"no page for a {kind}")
    card = record_card(session, kind, record_id, now)
    if card is None:
        return None
    fields = [*_score_rows(card), ("Owner", card.owner or "nobody")]
    if card.campaign:
        fields.append(("Campaign", card.campaign))
    related = (
        _lead_related(session, record_id)
        if kind == "lead"
        else _contact_related(session, record_id)
    )
    return RecordPage(
        kind, record_id, card.name, fields, card.timeline, memberships(session, kind, record_id),
        related,
    )  # fmt: skip


def _score_rows(card: Card) -> list[tuple[str, str]]:
    """The card's fields with the score's parts in full: one row for each rule."""
    rows = []
    for label, value in card.fields:
        if label != "Score":
            rows.append((label, value))
            continue
        today = sum(points for _, points in card.score_parts)
        rows.append(("Score", f"{card.score}" + (f" (today {today})" * (today != card.score))))
        rows += [("", f"{rule} {points:+d}") for rule, points in card.score_parts]
        if not card.score_parts:
            rows.append(("", "no rule counts yet"))
    return rows


def memberships(session: Session, kind: str, record_id: int) -> list[Membership]:
    member = col(CampaignMember.lead_id if kind == "lead" else CampaignMember.contact_id)
    rows = session.execute(
        select(col(Campaign.name), col(CampaignMember.status), col(CampaignMember.has_responded))
        .join(Campaign, col(Campaign.id) == CampaignMember.campaign_id)
        .where(member == record_id)
        .order_by(col(CampaignMember.created_at).desc())
    ).all()
    return [Membership(name, status, responded) for name, status, responded in rows]


def _lead_related(session: Session, lead_id: int) -> list[RelatedRecord]:
    lead = session.get(Lead, lead_id)
    assert lead is not None  # its card was just read
    related = []
    for kind, record_id, why in (
        ("account", lead.converted_account_id, "converted into"),
        ("contact", lead.converted_contact_id, "converted into"),
        ("opportunity", lead.converted_opportunity_id, "converted into"),
        ("account", lead.existing_account_id, "existing customer"),
    ):
        if record_id is not None:
            related.append(_named(session, kind, record_id, why))
    domain = (lead.email or "").rpartition("@")[2].lower()
    if domain:
        accounts = session.execute(
            select(col(Account.id), col(Account.name)).where(col(Account.domain) == domain)
        ).all()
        seen = {(r.kind, r.id) for r in related}
        related += [
            RelatedRecord("account", account_id, name, f"same domain: {domain}")
            for account_id, name in accounts
            if ("account", account_id) not in seen
        ]
    return related


def _contact_related(session: Session, contact_id: int) -> list[RelatedRecord]:
    contact = session.get(Contact, contact_id)
    assert contact is not None
    related = []
    if contact.account_id is not None:
        related.append(_named(session, "account", contact.account_id, "its account"))
    roles = session.execute(
        select(OpportunityContactRole, Opportunity)
        .join(Opportunity, col(Opportunity.id) == OpportunityContactRole.opportunity_id)
        .where(col(OpportunityContactRole.contact_id) == contact_id)
        .order_by(col(Opportunity.id).desc())
    ).all()
    related += [
        RelatedRecord("opportunity", o.id, o.name, f"{_role(role)} · {o.stage}")
        for role, o in roles
    ]
    return related


def _role(role: OpportunityContactRole) -> str:
    return f"{role.role or 'no role'}{', primary' if role.is_primary else ''}"


def _named(session: Session, kind: str, record_id: int, why: str) -> RelatedRecord:
    if kind == "account":
        account = session.get(Account, record_id)
        name = account.name if account else "?"
    elif kind == "contact":
        contact = session.get(Contact, record_id)
        name = person_name(contact.first_name, contact.last_name) if contact else "?"
    else:
        opportunity = session.get(Opportunity, record_id)
        name = opportunity.name if opportunity else "?"
    return RelatedRecord(kind, record_id, name, why)


def _opportunity_page(session: Session, opportunity_id: int) -> RecordPage | None:
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is None:
        return None
    view = opportunity_view(session, opportunity_id)
    roles = session.execute(
        select(OpportunityContactRole, Contact)
        .join(Contact, col(Contact.id) == OpportunityContactRole.contact_id)
        .where(col(OpportunityContactRole.opportunity_id) == opportunity_id)
        .order_by(col(OpportunityContactRole.is_primary).desc(), col(OpportunityContactRole.id))
    ).all()
    related = [_named(session, "account", opportunity.account_id, "its account")]
    related += [
        RelatedRecord("contact", c.id, person_name(c.first_name, c.last_name), _role(role))
        for role, c in roles
    ]
    return RecordPage(
        "opportunity",
        opportunity_id,
        opportunity.name,
        list(view.fields),
        timeline(session, "opportunity", opportunity_id),
        related=related,
    )
