"""Campaign members from a saved filter (issue 20, DESIGN.md "Campaign"): a manager adds the
leads a saved filter finds to a campaign, each with the campaign's default member status.

The filter's leads are read as its queue reads them (`calling.queues.queue_page`), a page
at a time by key, so a filter of a million leads costs pages, not one huge read. A lead
already a member is skipped, whatever its status; no membership is removed or changed.
The counts are in the campaign's history ("members", before and after). When the default
status counts as responded, the put-aside people among the new members are reopened for
sales, as an import's are (`lifecycle.responses`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, insert, select
from sqlmodel import col

from workstation.store.calling.queues import queue_page
from workstation.store.db import write_session
from workstation.store.filters.saved import find_filter, saved_filters
from workstation.store.history import record_change
from workstation.store.lifecycle.campaigns import default_member_status, find_campaign
from workstation.store.lifecycle.responses import reopen_responders
from workstation.store.models import CampaignMember, utcnow
from workstation.store.permissions import require_manager
from workstation.store.scoring.explain import rescore_people

PAGE = 1000  # leads read and written at a time


@dataclass(frozen=True, slots=True)
class MembersAdded:
    campaign_id: int
    campaign: str
    filter: str
    status: str  # the default member status the new members got
    matched: int  # leads the filter found
    added: int
    already: int  # found, and members already: left as they were
    reopened: int = 0  # put-aside people a responded default status brought back


def add_members_from_filter(
    engine: Engine,
    *,
    campaign: str | int,
    filter_name: str,
    rep_id: int | None,
    at: datetime | None = None,
    page_size: int = PAGE,
) -> MembersAdded:
    """Add the leads of the saved filter `filter_name` (the manager's own, or a shared
    one; or its queue key, "filter:<id>", which tells apart a shared filter named as one of
    the manager's) to `campaign` (a name or an id); see the module docstring."""
    at = at or utcnow()
    with write_session(engine) as session:
        require_manager(session, rep_id, "add campaign members")
        found = find_campaign(session, campaign)
        assert found.id is not None
        saved = next(
            (f for f in saved_filters(session, rep_id=rep_id) if f.key == filter_name), None
        ) or find_filter(session, rep_id=rep_id, name=filter_name)
        status, responded = default_member_status(session, found.id)
        members = col(CampaignMember.campaign_id) == found.id
        before = session.execute(select(func.count()).where(members)).scalar_one()
        matched = added = 0
        new: list[int] = []
        after = None
        while True:
            page = queue_page(
                session, saved.key, rep_id=rep_id, after=after, limit=page_size, now=at
            )
            ids = [row.id for row in page.rows]
            matched += len(ids)
            joined = set(
                session.execute(
                    select(col(CampaignMember.lead_id)).where(
                        members, col(CampaignMember.lead_id).in_(ids)
                    )
                ).scalars()
            )
            fresh = [lead_id for lead_id in ids if lead_id not in joined]
            if fresh:
                session.execute(
                    insert(CampaignMember),
                    [
                        {
                            "campaign_id": found.id,
                            "lead_id": lead_id,
                            "status": status,
                            "has_responded": responded,
                            "responded_at": at if responded else None,
                            "created_at": at,
                        }
                        for lead_id in fresh
                    ],
                )
                added += len(fresh)
                if responded:
                    new += fresh
            if page.next_after is None:
                break
            after = page.next_after
        record_change(
            session, entity="campaign", entity_id=found.id, field="members", old=before,
            new=before + added, rep_id=rep_id,
            reason=f"{added} added from saved filter {saved.title}", at=at,
        )  # fmt: skip
        reopened = 0
        if new:
            responders = [("lead", i) for i in new]
            reopened = reopen_responders(
                session.connection(), responders, campaign=found.name, rep_id=rep_id,
                status=status, at=at,
            )  # fmt: skip
            session.flush()
            rescore_people(session.connection(), responders, at)  # a response is an input
        return MembersAdded(
            found.id, found.name, saved.title, status, matched, added, matched - added, reopened
        )
