"""What the rep captured on the lead's calls, for the conversion to reuse: the contact role
the script's Authority answer names, and whether the lead was ever qualified at all."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session, col

from workstation.store.conversion.lookups import contact_roles
from workstation.store.models import Activity, History, Lead

AUTHORITY = "authority"
SALES_QUALIFIED = "Sales Qualified"
# Authority answers that name no contact role by themselves (the built-in script's choices
# are "Decision maker", "Influencer" and "End user").
ROLE_OF_ANSWER = {"end user": "Other", "user": "Other", "economic decision maker": "Economic Buyer"}

_REVERSES = col(Activity.reverses_id)
_NOT_REVERSED = col(Activity.id).not_in(select(_REVERSES).where(_REVERSES.is_not(None)))


def role_from_answers(session: Session, lead_id: int) -> str | None:
    """The contact role the lead's latest Authority answer names (None: no answer, or
    one that names no role)."""
    answers = session.execute(
        select(col(Activity.answers))
        .where(
            col(Activity.lead_id) == lead_id,
            col(Activity.kind) == "call",
            col(Activity.answers).is_not(None),
            _NOT_REVERSED,
        )
        .order_by(col(Activity.occurred_at).desc(), col(Activity.id).desc())
    ).scalars()
    for given in answers:
        answer = given.get(AUTHORITY) if isinstance(given, dict) else None
        if isinstance(answer, str) and answer.strip():
            return _role(session, answer)
    return None


def _role(session: Session, answer: str) -> str | None:
    said = " ".join(answer.split()).casefold()
    roles = {role.casefold(): role for role in contact_roles(session)}
    return roles.get(said) or roles.get(ROLE_OF_ANSWER.get(said, "").casefold())


def lead_labels(session: Session, lead_ids: Iterable[int]) -> dict[int, str]:
    """ "First Last (Company)" of each lead, by id."""
    ids = list(lead_ids)
    rows = session.execute(
        select(col(Lead.id), col(Lead.first_name), col(Lead.last_name), col(Lead.company)).where(
            col(Lead.id).in_(ids)
        )
    ).all()
    return {
        row.id: f"{f'{row.first_name} ' if row.first_name else ''}{row.last_name} ({row.company})"
        for row in rows
    }


def never_qualified(session: Session, lead_ids: Iterable[int]) -> list[int]:
    """The leads that never reached Sales Qualified (by a call, the script's answers or by
    hand), in the order given."""
    ids = list(dict.fromkeys(lead_ids))
    now_qualified = set(
        session.execute(
            select(col(Lead.id)).where(
                col(Lead.id).in_(ids), col(Lead.lifecycle_stage) == SALES_QUALIFIED
            )
        ).scalars()
    )
    once_qualified = set(
        session.execute(
            select(col(History.entity_id)).where(
                col(History.entity) == "lead",
                col(History.entity_id).in_(ids),
                col(History.field) == "lifecycle_stage",
                col(History.new_value) == SALES_QUALIFIED,
            )
        ).scalars()
    )
    return [i for i in ids if i not in now_qualified | once_qualified]
