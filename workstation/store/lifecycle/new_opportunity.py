"""A new opportunity for one or more contacts of an account (from the "Contacts – No Opp."
queue or the command line): the contact that Salesforce's "New Opportunity" on a contact
would make, in one transaction.

It opens at the first stage ($0 unless given, closing at the end of the quarter unless
given), owned by the first contact's owner (else the acting rep), with the campaign named
as its primary campaign source. The first contact is its primary contact role; each
contact moves forward to lifecycle stage Opportunity (a Customer stays one). The account
then has an open opportunity, so its contacts leave "Contacts – No Opp.", and the new
inquiries from those contacts (leads linked to them, `lead.contact_id`, waiting as
"Contact – No Opportunity") go to the opportunity's owner as "Contact – Current
Opportunity", as the imports route them (`known_people`). A rep moves only their own or
the pool's such leads; a manager, any.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, func, or_, select
from sqlmodel import Session, col

from workstation.store.changes import change_lead
from workstation.store.conversion.choices import end_of_quarter
from workstation.store.conversion.lookups import first_open_stage
from workstation.store.conversion.terms import check_amount
from workstation.store.conversion.terms import check_close_date as check_new_close_date
from workstation.store.db import write_session
from workstation.store.history import record_change
from workstation.store.lifecycle.contact_roles import active_contact, add_role, check_role
from workstation.store.lifecycle.rules import OpportunityRefused, one_line
from workstation.store.models import Account, Campaign, Lead, Opportunity, utcnow
from workstation.store.permissions import require_active, require_owner_or_manager
from workstation.store.reference import CONTACT_CURRENT_OPP, CONTACT_NO_OPP
from workstation.store.rows import RepInfo


@dataclass(frozen=True, slots=True)
class NewOpportunity:
    id: int
    name: str
    account_id: int
    stage: str
    probability: int
    amount_cents: int
    close_date: date
    owner_id: int | None
    campaign_id: int | None
    contact_ids: tuple[int, ...]  # the first is the primary contact
    contact_lifecycles: tuple[str, ...]


def find_campaign(session: Session, campaign: int | str) -> Campaign:
    """A campaign by id, or by name (case aside)."""
    if isinstance(campaign, int):
        found = session.get(Campaign, campaign)
    else:
        wanted = " ".join(campaign.split()).casefold()
        found = session.execute(
            select(Campaign).where(func.lower(Campaign.name) == wanted)
        ).scalar_one_or_none()
    if found is None:
        raise OpportunityRefused(f"no campaign {campaign!r}")
    return found


def new_opportunity(
    engine: Engine,
    *,
    contact_ids: Sequence[int],
    rep_id: int | None,
    name: str | None = None,
    amount_cents: int | None = None,
    close_date: date | None = None,
    campaign: int | str | None = None,
    roles: Mapping[int, str | None] | None = None,
    at: datetime | None = None,
) -> NewOpportunity:
    """Open an opportunity for `contact_ids` (all of one account), the first primary;
    `roles` gives a contact's role (blank by default)."""
    at = at or utcnow()
    ids = list(dict.fromkeys(contact_ids))
    if not ids:
        raise OpportunityRefused("a new opportunity needs at least one contact")
    title = one_line(name, "the opportunity's name")
    with write_session(engine) as session:
        require_active(session, rep_id, "create opportunities")
        contacts = [active_contact(session, contact_id) for contact_id in ids]
        rep: RepInfo | None = None
        if rep_id is not None:
            rep = require_owner_or_manager(
                session,
                rep_id,
                [c.owner_id for c in contacts],
                "open opportunities for",
                records="contacts",
            )
        accounts = {c.account_id for c in contacts}
        if None in accounts or len(accounts) > 1:
            raise OpportunityRefused(
                "an opportunity belongs to one account: give contacts of one account "
                f"(contacts {', '.join(map(str, ids))} are at accounts "
                f"{', '.join(str(a) for a in sorted(accounts, key=str))})"
            )
        account = session.get(Account, contacts[0].account_id)
        assert account is not None and account.id is not None  # a contact's account
        chosen = None if campaign is None else find_campaign(session, campaign)
        checked_roles = {i: check_role(session, (roles or {}).get(i)) for i in ids}
        stage, probability = first_open_stage(session)
        default_name = f"{account.name} – {chosen.name}" if chosen else account.name
        opportunity = Opportunity(
            account_id=account.id,
            name=title or default_name[:255],
            amount_cents=0 if amount_cents is None else check_amount(amount_cents),
            stage=stage,
            probability=probability,
            close_date=end_of_quarter(at.date())
            if close_date is None
            else check_new_close_date(close_date, today=at.date()),
            owner_id=contacts[0].owner_id if contacts[0].owner_id is not None else rep_id,
            lead_source=chosen.channel if chosen and chosen.channel else contacts[0].lead_source,
            campaign_id=chosen.id if chosen else None,
            created_at=at,
        )
        session.add(opportunity)
        session.flush()
        assert opportunity.id is not None
        why = f"new opportunity {opportunity.id} for contact(s) {', '.join(map(str, ids))}"
        record_change(
            session,
            entity="opportunity",
            entity_id=opportunity.id,
            field="stage",
            old=None,
            new=stage,
            rep_id=rep_id,
            reason=why,
            at=at,
        )
        for n, contact in enumerate(contacts):
            add_role(
                session,
                opportunity,
                contact,
                role=checked_roles[contact.id or 0],
                primary=n == 0,
                rep_id=rep_id,
                reason=why,
                at=at,
            )
        _route_known_leads(session, opportunity, ids, rep, reason=why, at=at)
        return NewOpportunity(
            id=opportunity.id,
            name=opportunity.name,
            account_id=account.id,
            stage=stage,
            probability=probability,
            amount_cents=opportunity.amount_cents,
            close_date=opportunity.close_date,
            owner_id=opportunity.owner_id,
            campaign_id=opportunity.campaign_id,
            contact_ids=tuple(ids),
            contact_lifecycles=tuple(c.lifecycle_stage for c in contacts),
        )


def _route_known_leads(
    session: Session,
    opportunity: Opportunity,
    contact_ids: Sequence[int],
    rep: RepInfo | None,
    *,
    reason: str,
    at: datetime,
) -> None:
    """The contacts' waiting inquiries to the opportunity's owner, out of the queues."""
    query = select(Lead).where(
        col(Lead.contact_id).in_(contact_ids), col(Lead.status) == CONTACT_NO_OPP
    )
    if rep is not None and not rep.is_manager:
        query = query.where(or_(col(Lead.owner_id) == rep.id, col(Lead.owner_id).is_(None)))
    for lead in session.execute(query.order_by(col(Lead.id))).scalars():
        change_lead(
            session,
            lead,
            rep_id=None if rep is None else rep.id,
            status=CONTACT_CURRENT_OPP,
            owner_id=opportunity.owner_id,
            reason=reason,
            at=at,
        )
