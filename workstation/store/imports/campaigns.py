"""Campaigns as imports need them: found by name or made with their default member statuses,
and their member statuses (exactly one default, one that counts as responded: DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from workstation.store.errors import StoreError
from workstation.store.lifecycle.campaigns import add_member_statuses, default_member_status
from workstation.store.models import Campaign
from workstation.store.reference import DEFAULT_MEMBER_STATUSES
from workstation.store.tables import table_of
from workstation.store.values.text import BadValue, clean_text

_NAME_LIMIT = table_of(Campaign).c["name"].type.length  # type: ignore[attr-defined]
_CHANNEL_LIMIT = table_of(Campaign).c["channel"].type.length  # type: ignore[attr-defined]


class CampaignError(StoreError):
    """A campaign is missing something every campaign must have."""


@dataclass(frozen=True, slots=True)
class CampaignInfo:
    id: int
    name: str
    channel: str
    offer: str
    created: bool  # made by this call
    member_status: str  # the default status a new member gets
    member_responded: bool  # whether that status counts as responded

    @classmethod
    def of(
        cls, campaign: Campaign, member_status: str, responded: bool, *, created: bool = False
    ) -> CampaignInfo:
        """A stored campaign's, its new members getting `member_status`."""
        assert campaign.id is not None
        return cls(
            campaign.id, campaign.name, campaign.channel, campaign.offer, created,
            member_status, responded,
        )  # fmt: skip


def ensure_campaign(
    session: Session, name: str, *, channel: str | None = None, dry_run: bool = False
) -> CampaignInfo:
    """The campaign called `name` (any case), made with the default member statuses when
    there is none. A new campaign's channel is `channel` (the lead source of its leads).
    A dry run writes nothing: a campaign it would make has id 0, which no record names."""
    try:
        wanted = clean_text(name, _NAME_LIMIT, "a campaign's name")
        channel = clean_text(channel or "", _CHANNEL_LIMIT, "a campaign's channel")
    except BadValue as error:
        raise CampaignError(str(error)) from None
    if not wanted:
        raise CampaignError("a campaign needs a name")
    campaign = session.execute(
        select(Campaign).where(func.lower(Campaign.name) == wanted.lower()).limit(1)
    ).scalar_one_or_none()
    created = campaign is None
    if campaign is None and dry_run:
        default = next(s for s in DEFAULT_MEMBER_STATUSES if s["is_default"])
        return CampaignInfo(
            id=0,
            name=wanted,
            channel=channel or "",
            offer="",
            created=True,
            member_status=default["label"],
            member_responded=default["has_responded"],
        )
    if campaign is None:
        campaign = Campaign(name=wanted, channel=channel or "")
        session.add(campaign)
        session.flush()
        assert campaign.id is not None
        add_member_statuses(session, campaign.id)
    assert campaign.id is not None
    status, responded = default_member_status(session, campaign.id, dry_run=dry_run)
    return CampaignInfo.of(campaign, status, responded, created=created)
