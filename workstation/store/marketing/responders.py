"""A campaign response from a person named by email or phone, not by id (issue 21: Names
"come in by import or campaign responses"). The person is looked for as an import looks
for a row (`imports.upsert.find_stored`: email, then phone, against leads and contacts);
someone known responds as `lifecycle.responses` has it (a rejected or nurtured person is
reopened for sales) and nothing of them is changed beyond that. Someone unknown becomes a
Name, marketing's and in no sales queue, cleaned as a typed lead is (`imports.entry`),
the campaign's member with the response's status, the move in the history. A Name needs
no last name ("[not provided]", as web-to-lead's blank company), but an email or a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from workstation.store.db import write_session
from workstation.store.history import record_change
from workstation.store.imports.campaigns import CampaignInfo
from workstation.store.imports.entry import LeadRefused, TypedLead, clean_typed, write_typed
from workstation.store.imports.pipeline import lead_statuses
from workstation.store.imports.rows import LEAD_VALUES, NOT_PROVIDED
from workstation.store.imports.upsert import find_stored
from workstation.store.lifecycle.campaigns import find_campaign
from workstation.store.lifecycle.responses import (
    ResponseLogged,
    ResponseRefused,
    member_status,
    respond,
)
from workstation.store.models import utcnow
from workstation.store.permissions import require_active
from workstation.store.sales_hands import NAME

_EMAIL, _PHONE = LEAD_VALUES.index("email"), LEAD_VALUES.index("phone")


class ResponderRefused(ResponseRefused):
    """The person cannot be told or taken in; nothing changed."""


@dataclass(frozen=True, slots=True)
class Responder:
    """Who responded, as given; None or blank is not given."""

    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None


def _given(value: str | None) -> str | None:
    return value if value and value.strip() else None


def record_person_response(
    engine: Engine,
    *,
    campaign: str,
    person: Responder,
    status: str | None,
    rep_id: int | None,
    region: str = "US",
    at: datetime | None = None,
) -> ResponseLogged:
    """Log `person`'s response to `campaign` (a name or an id) with member status
    `status` (None: the first that counts as responded); see the module docstring."""
    if not (_given(person.email) or _given(person.phone)):
        raise ResponderRefused("a response names its person by an email or a phone")
    at = at or utcnow()
    with write_session(engine) as session:
        require_active(session, rep_id, "log campaign responses")
        found = find_campaign(session, campaign)
        assert found.id is not None
        chosen = member_status(session, found, status)
        info = CampaignInfo.of(found, chosen.label, chosen.has_responded)
        typed = TypedLead(
            last_name=_given(person.last_name) or NOT_PROVIDED,
            company=person.company,
            first_name=person.first_name,
            email=person.email,
            phone=person.phone,
        )
        connection = session.connection()
        statuses = lead_statuses(connection)
        try:
            values = clean_typed(connection, typed, statuses, campaign=info, region=region)
        except LeadRefused as error:
            why = str(error).removeprefix("not entered: ")
            raise ResponderRefused(f"response not logged: {why}") from None
        known = find_stored(connection, values[_EMAIL], values[_PHONE])
        if known is not None:
            kind, record_id = known
            return respond(
                session, found, chosen, kind=kind, record_id=record_id, rep_id=rep_id, at=at
            )
        lead_id, made, *_ = write_typed(
            connection, values, statuses, campaign=info, rep_id=rep_id, at=at, lifecycle_stage=NAME
        )
        if not made:  # stored meanwhile by another transaction, which the writer saw
            session.expire_all()
            return respond(
                session, found, chosen, kind="lead", record_id=lead_id, rep_id=rep_id, at=at
            )
        did = "responded to" if chosen.has_responded else "added to"
        record_change(
            connection, entity="lead", entity_id=lead_id, field="lifecycle_stage", old=None,
            new=NAME, rep_id=rep_id, reason=f"{did} campaign {found.name} ({chosen.label}): "
            "a new Name", at=at,
        )  # fmt: skip
        return ResponseLogged(
            found.name,
            "lead",
            lead_id,
            chosen.label,
            chosen.has_responded,
            chosen.has_responded,
            False,
            NAME,
            created=True,
        )
