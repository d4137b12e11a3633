"""New inquiries from people we know already (seed 002, DESIGN.md "Queues").

A new lead whose email or phone is an existing contact's stays a lead, linked to that
contact (`lead.contact_id`), and is neither merged into the contact nor made a second
contact. Its status says where it goes: "Contact – Current Opportunity" when the contact's
account has an open opportunity (owned by that opportunity's owner, who handles it; the
status is closed, so reps' calling queues leave it out), else "Contact – No Opportunity"
(owned by the contact's owner, worked like any lead).

A lead from the domain of a customer account (one with a Closed Won opportunity of at
least $1, seed 001) is a customer inquiry: it keeps that account as its existing account
(`lead.existing_account_id`, marked ★ in the queues and on the card), and is worked
through the same lead process (cross-sell).

The imports call `route_known_contacts` where a row matches a stored contact, and
`customer_accounts` once per import; both take the import's connection and transaction.
Only a manager hands records to other reps (DESIGN.md "Who may do what", and row-level
security on PostgreSQL): a rep's import leaves a lead routed to someone else in the pool,
with the owner it is for named in the history (`for_importer`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, and_, func, select

from workstation.store.conversion.matching import domains_of
from workstation.store.models import Account, Contact, Opportunity, OpportunityContactRole, Rep
from workstation.store.reference import CONTACT_CURRENT_OPP, CONTACT_NO_OPP, OpportunityStage
from workstation.store.tables import table_of

_account = table_of(Account)
_contact = table_of(Contact)
_opportunity = table_of(Opportunity)
_role = table_of(OpportunityContactRole)
_stage = table_of(OpportunityStage)
_rep = table_of(Rep)

CUSTOMER_CENTS = 100  # "who have paid us $1 or more" (seed 001)

# Accounts with a won opportunity of at least $1.
_WON = (
    select(_opportunity.c.account_id)
    .join(_stage, _stage.c.name == _opportunity.c.stage)
    .where(_stage.c.is_won, _opportunity.c.amount_cents >= CUSTOMER_CENTS)
)


@dataclass(frozen=True, slots=True)
class KnownContact:
    """Where a new lead from an existing contact goes."""

    contact_id: int
    status: str  # CONTACT_CURRENT_OPP or CONTACT_NO_OPP
    owner_id: int | None
    opportunity_id: int | None  # the open opportunity it goes to the owner of
    meant_for: int | None = None  # the rep it is for, when a rep's import left it in the pool

    @property
    def reason(self) -> str:
        if self.opportunity_id is None:
            why = f"already contact {self.contact_id}, no open opportunity: to its owner"
        else:
            why = (
                f"already contact {self.contact_id}, open opportunity {self.opportunity_id}: "
                "to that opportunity's owner, not the calling queues"
            )
        if self.meant_for is not None:
            why += f" (rep #{self.meant_for}; a rep's import: in the pool for a manager to give)"
        return why


def for_importer(route: KnownContact, *, may_hand_over: bool, rep_id: int | None) -> KnownContact:
    """The route as the importing rep may take it: to another rep only for a manager (or a
    system task, `rep_id` None); otherwise the pool."""
    if may_hand_over or route.owner_id is None or route.owner_id == rep_id:
        return route
    return KnownContact(route.contact_id, route.status, None, route.opportunity_id, route.owner_id)


def may_hand_over(connection: Connection, rep_id: int | None) -> bool:
    """Whether the importer may give records to other reps (a manager, or no rep)."""
    if rep_id is None:
        return True
    role = connection.execute(select(_rep.c.role).where(_rep.c.id == rep_id)).scalar()
    return role == "manager"


def is_customer_account(connection: Connection, account_id: int) -> bool:
    """Whether the account has a Closed Won opportunity of at least $1."""
    query = select(_WON.where(_opportunity.c.account_id == account_id).exists())
    return bool(connection.execute(query).scalar())


def customer_accounts(connection: Connection) -> dict[str, int]:
    """Domain (lower case) -> customer account (the oldest of several): few, read once
    per import."""
    query = (
        select(func.lower(_account.c.domain), _account.c.id)
        .where(_account.c.domain.is_not(None), _account.c.id.in_(_WON))
        .order_by(_account.c.id.desc())
    )
    return {domain: account for domain, account in connection.execute(query)}


def customer_account_of(
    accounts: dict[str, int], email: str | None, website: str | None
) -> int | None:
    """The customer account a lead with this email and website inquires from, if any."""
    if not accounts:
        return None
    return next((accounts[d] for d, _ in domains_of(email, website) if d in accounts), None)


def route_known_contacts(
    connection: Connection, contact_ids: Iterable[int]
) -> dict[int, KnownContact]:
    """Where each contact's new lead goes. Of several open opportunities at its account,
    one the contact has a role on comes first, then the newest."""
    wanted = sorted(set(contact_ids))
    if not wanted:
        return {}
    contacts = connection.execute(
        select(_contact.c.id, _contact.c.account_id, _contact.c.owner_id).where(
            _contact.c.id.in_(wanted)
        )
    ).all()
    accounts = {account for _, account, _ in contacts if account is not None}
    has_role = (
        select(_role.c.id)
        .where(
            and_(_role.c.opportunity_id == _opportunity.c.id, _role.c.contact_id == _contact.c.id)
        )
        .exists()
    )
    opportunities = (
        connection.execute(
            select(
                _contact.c.id,
                _opportunity.c.id,
                _opportunity.c.owner_id,
            )
            .join(_opportunity, _opportunity.c.account_id == _contact.c.account_id)
            .where(
                _contact.c.id.in_(wanted),
                _opportunity.c.account_id.in_(accounts),
                _opportunity.c.is_closed.is_(False),
            )
            .order_by(
                _contact.c.id,
                has_role.desc(),
                _opportunity.c.created_at.desc(),
                _opportunity.c.id.desc(),
            )
        ).all()
        if accounts
        else []
    )
    first: dict[int, tuple[int, int | None]] = {}
    for contact_id, opportunity_id, owner_id in opportunities:
        first.setdefault(contact_id, (opportunity_id, owner_id))
    routes: dict[int, KnownContact] = {}
    for contact_id, _, contact_owner in contacts:
        found = first.get(contact_id)
        if found is None:
            routes[contact_id] = KnownContact(contact_id, CONTACT_NO_OPP, contact_owner, None)
        else:
            opportunity_id, owner = found
            owner = owner if owner is not None else contact_owner
            routes[contact_id] = KnownContact(
                contact_id, CONTACT_CURRENT_OPP, owner, opportunity_id
            )
    return routes
