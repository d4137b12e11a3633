"""Campaigns run from the app (DESIGN.md "Campaign", seed 002): created and edited by
managers, with their channel (lead source), offer (lead type), product of interest, dates,
budgeted and actual cost, call script, email template and member statuses.

Member statuses are never removed (a member may hold any of them): a change adds a status
or changes one's flags, and afterwards a campaign has exactly one default and at least one
status that counts as responded, or nothing is written. An email template may use only
the call script's placeholders (`scripts.text.PLACEHOLDERS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, insert, select
from sqlmodel import Session, col

from workstation.store.conversion.rules import ConversionRefused
from workstation.store.conversion.terms import parse_amount
from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.models import CallScript, Campaign, CampaignMember, CampaignMemberStatus
from workstation.store.permissions import require_manager
from workstation.store.reference import DEFAULT_MEMBER_STATUSES
from workstation.store.scripts.text import PLACEHOLDERS, unknown_placeholders
from workstation.store.tables import table_of
from workstation.store.values.ids import BadId, read_id
from workstation.store.values.text import BadValue, clean_text

_LIMITS = {
    name: table_of(Campaign).c[name].type.length  # type: ignore[attr-defined]
    for name in ("name", "channel", "offer", "product")
}
_LABEL_LIMIT = table_of(CampaignMemberStatus).c["label"].type.length  # type: ignore[attr-defined]


class CampaignRefused(StoreError):
    """The campaign change breaks a rule; nothing was written."""


@dataclass(frozen=True, slots=True)
class MemberStatusChange:
    """Add a member status, or change one's flags (None: leave the flag as it is)."""

    label: str
    is_default: bool | None = None
    has_responded: bool | None = None


@dataclass(frozen=True, slots=True)
class CampaignChanges:
    """What to set; None leaves a field as it is (a new campaign: empty). Money is typed
    text ("5000", "$1,250.50") or "" to forget it; dates likewise ""."""

    name: str | None = None
    channel: str | None = None
    offer: str | None = None
    product: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    budget: str | None = None
    actual_cost: str | None = None
    active: bool | None = None
    script: str | None = None  # a call script's name; "" for none
    email_template: str | None = None
    statuses: tuple[MemberStatusChange, ...] = ()


@dataclass(frozen=True, slots=True)
class MemberStatusInfo:
    label: str
    is_default: bool
    has_responded: bool


@dataclass(frozen=True, slots=True)
class CampaignInfo:
    id: int
    name: str
    channel: str
    offer: str
    product: str
    start_date: date | None
    end_date: date | None
    budget_cents: int | None
    actual_cost_cents: int | None
    active: bool
    script: str | None
    email_template: str
    statuses: tuple[MemberStatusInfo, ...]
    members: int
    responses: int


def add_member_statuses(session: Session, campaign_id: int) -> None:
    """Give a new campaign the default member statuses (Sent, the default; Responded)."""
    session.execute(
        insert(CampaignMemberStatus),
        [dict(status, campaign_id=campaign_id) for status in DEFAULT_MEMBER_STATUSES],
    )


def default_member_status(
    session: Session, campaign_id: int, *, dry_run: bool = False
) -> tuple[str, bool]:
    """The label and responded flag a new member gets. A campaign with no member statuses
    at all (made before it had any) is given the defaults first (a dry run only says
    what they would be)."""
    rows = session.execute(
        select(
            col(CampaignMemberStatus.label),
            col(CampaignMemberStatus.has_responded),
            col(CampaignMemberStatus.is_default),
        ).where(col(CampaignMemberStatus.campaign_id) == campaign_id)
    ).all()
    if not rows and dry_run:
        default = next(s for s in DEFAULT_MEMBER_STATUSES if s["is_default"])
        return default["label"], default["has_responded"]
    if not rows:
        add_member_statuses(session, campaign_id)
        return default_member_status(session, campaign_id)
    for label, responded, is_default in rows:
        if is_default:
            return label, responded
    raise CampaignRefused(f"campaign {campaign_id} has no default member status: give it one")


STATUS_FLAGS = ("default", "responded", "unresponded")


def parse_status_changes(text: str) -> tuple[MemberStatusChange, ...]:
    """Member status changes as typed: "Attended:responded, Registered:default" (a label,
    then any of the flags, each after a colon; commas between statuses)."""
    changes = []
    for item in text.split(","):
        if not item.strip():
            continue
        label, *flags = (part.strip() for part in item.split(":"))
        wrong = [flag for flag in flags if flag.lower() not in STATUS_FLAGS]
        if wrong:
            raise CampaignRefused(
                f"member status {item.strip()!r}: after the label come "
                f"{', '.join(STATUS_FLAGS)} (not {wrong[0]!r})"
            )
        lowered = {flag.lower() for flag in flags}
        responded = True if "responded" in lowered else False if "unresponded" in lowered else None
        changes.append(
            MemberStatusChange(
                label, is_default=True if "default" in lowered else None, has_responded=responded
            )
        )
    return tuple(changes)


def find_campaign(session: Session, wanted: str | int) -> Campaign:
    """The campaign named `wanted` (any case) or with that id."""
    text = str(wanted).strip()
    campaign = session.execute(
        select(Campaign).where(func.lower(Campaign.name) == text.lower()).limit(1)
    ).scalar_one_or_none()
    if campaign is None and text.isdigit():
        try:
            campaign = session.get(Campaign, read_id(text, what="a campaign id"))
        except BadId as error:
            raise CampaignRefused(str(error)) from None
    if campaign is None:
        raise CampaignRefused(f"no campaign named {text!r} (or with that id)")
    return campaign


def _text(value: str, field: str) -> str:
    try:
        return clean_text(value, _LIMITS[field], f"a campaign's {field}") or ""
    except BadValue as error:
        raise CampaignRefused(str(error)) from None


def _money(value: str, what: str) -> int | None:
    if not value.strip():
        return None
    try:
        return parse_amount(value)
    except ConversionRefused:
        raise CampaignRefused(
            f"{what} {value.strip()!r} is not an amount like 5000 or $1,250.50"
        ) from None


def _day(value: str, what: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CampaignRefused(f"{what} {value.strip()!r} is not a date like 2027-03-31") from None


def _apply(session: Session, campaign: Campaign, changes: CampaignChanges) -> None:
    if changes.name is not None:
        name = _text(changes.name, "name")
        if not name:
            raise CampaignRefused("a campaign needs a name")
        other = session.execute(
            select(col(Campaign.id)).where(
                func.lower(Campaign.name) == name.lower(), col(Campaign.id) != campaign.id
            )
        ).first()
        if other is not None:
            raise CampaignRefused(f"there is a campaign named {name!r} already")
        campaign.name = name
    for field in ("channel", "offer", "product"):
        value = getattr(changes, field)
        if value is not None:
            setattr(campaign, field, _text(value, field))
    if changes.start_date is not None:
        campaign.start_date = _day(changes.start_date, "the start date")
    if changes.end_date is not None:
        campaign.end_date = _day(changes.end_date, "the end date")
    if campaign.start_date and campaign.end_date and campaign.end_date < campaign.start_date:
        raise CampaignRefused(
            f"the campaign ends ({campaign.end_date}) before it starts ({campaign.start_date})"
        )
    if changes.budget is not None:
        campaign.budget_cents = _money(changes.budget, "the budget")
    if changes.actual_cost is not None:
        campaign.actual_cost_cents = _money(changes.actual_cost, "the actual cost")
    if changes.active is not None:
        campaign.active = changes.active
    if changes.script is not None:
        campaign.call_script_id = _script_id(session, changes.script)
    if changes.email_template is not None:
        unknown = unknown_placeholders(changes.email_template)
        if unknown:
            line, name = unknown[0]
            raise CampaignRefused(
                f"the email template's line {line} names {{{name}}}, which nothing fills; "
                f"placeholders: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
            )
        campaign.email_template = changes.email_template
    session.add(campaign)


def _script_id(session: Session, name: str) -> int | None:
    if not name.strip():
        return None
    found = session.execute(
        select(col(CallScript.id)).where(func.lower(CallScript.name) == name.strip().lower())
    ).scalar_one_or_none()
    if found is None:
        names = ", ".join(
            session.execute(select(col(CallScript.name)).order_by(col(CallScript.name))).scalars()
        )
        raise CampaignRefused(
            f"no call script named {name.strip()!r}; scripts: {names or 'none yet'}"
        )
    return found


def _change_statuses(
    session: Session, campaign_id: int, changes: tuple[MemberStatusChange, ...]
) -> None:
    if not changes:
        return
    rows = {
        s.label.casefold(): s
        for s in session.execute(
            select(CampaignMemberStatus).where(col(CampaignMemberStatus.campaign_id) == campaign_id)
        ).scalars()
    }
    new_default = next((c for c in reversed(changes) if c.is_default), None)
    if new_default is not None:  # one default at a time (a unique index): the old one first
        for row in rows.values():
            if row.is_default and row.label.casefold() != new_default.label.strip().casefold():
                row.is_default = False
                session.add(row)
        session.flush()
    for change in changes:
        try:
            label = clean_text(change.label, _LABEL_LIMIT, "a member status") or ""
        except BadValue as error:
            raise CampaignRefused(str(error)) from None
        if not label:
            raise CampaignRefused("a member status needs a label")
        row = rows.get(label.casefold())
        if row is None:
            row = CampaignMemberStatus(
                campaign_id=campaign_id, label=label, sort_order=len(rows) + 1
            )
            rows[label.casefold()] = row
        if change.has_responded is not None:
            row.has_responded = change.has_responded
        if change.is_default is not None:
            row.is_default = change.is_default and change is new_default
        session.add(row)
    session.flush()
    defaults = [r.label for r in rows.values() if r.is_default]
    if len(defaults) != 1:
        raise CampaignRefused(
            "a campaign has exactly one default member status"
            + (f", not {len(defaults)}: {', '.join(defaults)}" if defaults else ": name one")
        )
    if not any(r.has_responded for r in rows.values()):
        raise CampaignRefused(
            "a campaign needs at least one member status that counts as responded"
        )


def _info(session: Session, campaign: Campaign) -> CampaignInfo:
    assert campaign.id is not None
    statuses = session.execute(
        select(CampaignMemberStatus)
        .where(col(CampaignMemberStatus.campaign_id) == campaign.id)
        .order_by(col(CampaignMemberStatus.sort_order), col(CampaignMemberStatus.id))
    ).scalars()
    members, responses = session.execute(
        select(func.count(), func.count().filter(col(CampaignMember.has_responded))).where(
            col(CampaignMember.campaign_id) == campaign.id
        )
    ).one()
    script = session.get(CallScript, campaign.call_script_id) if campaign.call_script_id else None
    return CampaignInfo(
        id=campaign.id,
        name=campaign.name,
        channel=campaign.channel,
        offer=campaign.offer,
        product=campaign.product,
        start_date=campaign.start_date,
        end_date=campaign.end_date,
        budget_cents=campaign.budget_cents,
        actual_cost_cents=campaign.actual_cost_cents,
        active=campaign.active,
        script=script.name if script else None,
        email_template=campaign.email_template,
        statuses=tuple(MemberStatusInfo(s.label, s.is_default, s.has_responded) for s in statuses),
        members=members,
        responses=responses,
    )


def add_campaign(engine: Engine, *, changes: CampaignChanges, rep_id: int | None) -> CampaignInfo:
    """A new campaign with the default member statuses (Sent, Responded) and `changes`."""
    with write_session(engine) as session:
        require_manager(session, rep_id, "add campaigns")
        if not (changes.name or "").strip():
            raise CampaignRefused("a campaign needs a name")
        campaign = Campaign(name="")
        _apply(session, campaign, changes)
        session.flush()
        assert campaign.id is not None
        add_member_statuses(session, campaign.id)
        _change_statuses(session, campaign.id, changes.statuses)
        return _info(session, campaign)


def change_campaign(
    engine: Engine, *, campaign: str | int, changes: CampaignChanges, rep_id: int | None
) -> CampaignInfo:
    """Edit campaign `campaign` (a name or an id)."""
    with write_session(engine) as session:
        require_manager(session, rep_id, "edit campaigns")
        found = find_campaign(session, campaign)
        assert found.id is not None
        _apply(session, found, changes)
        session.flush()
        _change_statuses(session, found.id, changes.statuses)
        return _info(session, found)


def list_campaigns(session: Session, *, active_only: bool = False) -> list[CampaignInfo]:
    """Every campaign (few: tens to hundreds), newest first."""
    query = select(Campaign).order_by(col(Campaign.id).desc())
    if active_only:
        query = query.where(col(Campaign.active))
    return [_info(session, c) for c in session.execute(query).scalars()]


def campaign_info(session: Session, campaign: str | int) -> CampaignInfo:
    return _info(session, find_campaign(session, campaign))
