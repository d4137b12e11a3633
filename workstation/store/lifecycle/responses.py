"""Campaign responses, and the people they bring back (seed 001: a rejected lead is
"ignored by Sales until they have done something new").

A response is a campaign membership whose status counts as responded. When a membership
becomes one (a new member with a responded status, or a member's status moved to one),
a lead or contact that sales rejected or marketing nurtured is reopened for sales
(`reopen.reopen_for_sales`), with the campaign and status in the history. A response the
person had given already brings nobody back a second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, or_, select
from sqlmodel import Session, col

from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.lifecycle.campaigns import find_campaign
from workstation.store.lifecycle.known_people import may_hand_over
from workstation.store.lifecycle.reopen import PUT_ASIDE, is_put_aside, reopen_for_sales
from workstation.store.models import (
    Campaign,
    CampaignMember,
    CampaignMemberStatus,
    Contact,
    Lead,
    utcnow,
)
from workstation.store.permissions import lock_own_record, require_active
from workstation.store.scoring.explain import rescore


class ResponseRefused(StoreError):
    """The response names no such person, campaign or member status; nothing changed."""


@dataclass(frozen=True, slots=True)
class ResponseLogged:
    campaign: str
    kind: str  # "lead" or "contact"
    id: int
    status: str
    responded: bool
    new_response: bool  # the membership became a response just now
    reopened: bool  # the person was put aside and is back for sales
    lifecycle_stage: str
    created: bool = False  # a new Name (a response from someone unknown: `marketing.responders`)


def _reason(campaign: str, status: str) -> str:
    return f"responded to campaign {campaign} ({status}): reopened for sales"


def reopen_responders(
    connection: Connection,
    who: Sequence[tuple[str, int]],
    *,
    campaign: str,
    rep_id: int | None,
    status: str,
    at: datetime,
) -> int:
    """Reopen the put-aside people among `who` ((kind, id) that just responded), in the
    caller's transaction; how many were reopened. Only they are loaded: most are not. A
    rep's import reopens only their own people and the pool's (a manager's, anyone's)."""
    reopened = 0
    anyone = may_hand_over(connection, rep_id)
    with Session(bind=connection) as session:
        for model, kind in ((Lead, "lead"), (Contact, "contact")):
            ids = [i for k, i in who if k == kind]
            if not ids:
                continue
            aside = select(model).where(
                col(model.id).in_(ids), col(model.lifecycle_stage).in_(PUT_ASIDE)
            )
            if not anyone:
                owner = col(model.owner_id)
                aside = aside.where(or_(owner.is_(None), owner == rep_id))
            for record in session.execute(aside.with_for_update()).scalars():
                if is_put_aside(record):
                    reopen_for_sales(
                        session, record, rep_id=rep_id, reason=_reason(campaign, status), at=at
                    )
                    reopened += 1
        session.flush()
    return reopened


def record_response(
    engine: Engine,
    *,
    campaign: str,
    kind: str,
    record_id: int,
    status: str | None,
    rep_id: int | None,
    at: datetime | None = None,
) -> ResponseLogged:
    """Make lead or contact `record_id` a member of `campaign` (a name or an id) with
    member status `status` (None: the first status that counts as responded), or move
    its membership to that status; a new response reopens a put-aside person."""
    if kind not in ("lead", "contact"):
        raise ResponseRefused(f"a campaign member is a lead or a contact, not a {kind!r}")
    at = at or utcnow()
    with write_session(engine) as session:
        require_active(session, rep_id, "log campaign responses")
        found = find_campaign(session, campaign)
        chosen = member_status(session, found, status)
        return respond(session, found, chosen, kind=kind, record_id=record_id, rep_id=rep_id, at=at)


def member_status(session: Session, campaign: Campaign, wanted: str | None) -> CampaignMemberStatus:
    """The campaign's member status `wanted` (None: the first that counts as responded)."""
    statuses = list(
        session.execute(
            select(CampaignMemberStatus)
            .where(col(CampaignMemberStatus.campaign_id) == campaign.id)
            .order_by(col(CampaignMemberStatus.sort_order))
        ).scalars()
    )
    return _status(statuses, wanted, campaign.name)


def respond(
    session: Session,
    found: Campaign,
    chosen: CampaignMemberStatus,
    *,
    kind: str,
    record_id: int,
    rep_id: int | None,
    at: datetime,
) -> ResponseLogged:
    """`record_response` in the caller's transaction, the campaign and status found."""
    assert found.id is not None
    record = lock_own_record(
        session, kind, record_id, rep_id=rep_id, action="log campaign responses of"
    )
    if record is None:
        raise ResponseRefused(f"no {kind} {record_id}")
    if isinstance(record, Lead) and record.is_converted:
        raise ResponseRefused(
            f"lead {record_id} was converted: log the response on contact "
            f"{record.converted_contact_id}"
        )
    member_of = col(CampaignMember.lead_id if kind == "lead" else CampaignMember.contact_id)
    member = session.execute(
        select(CampaignMember)
        .where(col(CampaignMember.campaign_id) == found.id, member_of == record_id)
        .limit(1)
    ).scalar_one_or_none()
    was_response = member is not None and member.has_responded
    if member is None:
        member = CampaignMember(
            campaign_id=found.id,
            lead_id=record_id if kind == "lead" else None,
            contact_id=record_id if kind == "contact" else None,
            created_at=at,
        )
    member.status = chosen.label
    member.has_responded = chosen.has_responded or was_response
    if chosen.has_responded and not was_response:
        member.responded_at = at
    session.add(member)
    if isinstance(record, Lead):
        record.campaign_id = found.id  # its most recent campaign
    new_response = chosen.has_responded and not was_response
    reopened = new_response and is_put_aside(record)
    if reopened:
        reopen_for_sales(
            session, record, rep_id=rep_id, reason=_reason(found.name, chosen.label), at=at
        )
    session.add(record)
    rescore(session, record, at)  # the response counts in this same transaction
    return ResponseLogged(
        found.name,
        kind,
        record_id,
        chosen.label,
        member.has_responded,
        new_response,
        reopened,
        record.lifecycle_stage,
    )


def _status(
    statuses: list[CampaignMemberStatus], wanted: str | None, campaign: str
) -> CampaignMemberStatus:
    if wanted is None:
        responded = [s for s in statuses if s.has_responded]
        if not responded:
            raise ResponseRefused(f"campaign {campaign} has no member status that responds")
        return responded[0]
    for status in statuses:
        if status.label.casefold() == wanted.strip().casefold():
            return status
    labels = ", ".join(s.label for s in statuses)
    raise ResponseRefused(f"campaign {campaign} has no member status {wanted!r}; it has: {labels}")
