"""Saving, listing and archiving filters; a filter's queue key is "filter:<id>".

A rep keeps their own filters; a manager may share one with the team, and may filter a
named rep's leads (a rep works their own and the pool's). Names are one per rep among the
filters in use, in any case. A filter is archived, never deleted; the archive is in the
history.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Engine, bindparam, select, text
from sqlmodel import Session, col

from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.filters.criteria import Criteria, describe
from workstation.store.history import record_change
from workstation.store.models import (
    LIVE_FILTER,
    SHARED_FILTER,
    Campaign,
    Rep,
    SavedFilter,
    utcnow,
)
from workstation.store.permissions import PermissionDenied, acting_rep
from workstation.store.reference import LeadStatus
from workstation.store.rep_names import rep_name_key
from workstation.store.reps import find_rep
from workstation.store.rows import QueueInfo
from workstation.store.tables import table_of
from workstation.store.values.text import BadValue, clean_text

PREFIX = "filter:"
MAX_DAYS = 3650
_owner = table_of(Rep).alias("owner")
_LISTED = (
    select(
        SavedFilter,
        col(Rep.name).label("rep_name"),
        col(Campaign.name).label("campaign"),
        _owner.c.name.label("owner_name"),
    )
    .join(Rep, col(Rep.id) == col(SavedFilter.rep_id))
    .outerjoin(Campaign, col(Campaign.id) == col(SavedFilter.campaign_id))
    .outerjoin(_owner, _owner.c.id == col(SavedFilter.owner_rep_id))
)
# Each through its partial index: a rep's own filters in use, and the shared ones.
_OWN = _LISTED.where(col(SavedFilter.rep_id) == bindparam("rep_id"), text(LIVE_FILTER))
_SHARED = _LISTED.where(text(SHARED_FILTER))
_BY_ID = _LISTED.where(col(SavedFilter.id) == bindparam("filter_id"))


class FilterRefused(StoreError):
    """A filter could not be saved, found or archived; nothing was changed."""


@dataclass(frozen=True, slots=True)
class FilterSpec:
    """A filter as a rep types it: names, not ids. Empty text and None filter nothing."""

    name: str
    shared: bool = False
    owner: str = "mine"  # "mine", "pool", or a rep's name
    source: str | None = None
    offer: str | None = None
    campaign: str | None = None
    industry: str | None = None
    state: str | None = None
    country: str | None = None
    status: str | None = None
    score_min: int | None = None
    score_max: int | None = None
    inactive_days: int | None = None
    active_days: int | None = None


@dataclass(frozen=True, slots=True)
class FilterInfo(QueueInfo):
    """A saved filter as a queue (`key`, `title`: its name, `description`: its criteria),
    and whose it is."""

    id: int
    rep_id: int
    rep_name: str
    shared: bool
    archived: bool
    criteria: Criteria
    campaign: str | None  # the campaign's name
    owner_name: str | None  # the named rep, for an owner of "rep"


def is_filter_key(key: str) -> bool:
    return key.startswith(PREFIX)


def _info(row) -> FilterInfo:
    saved: SavedFilter = row[0]
    criteria = Criteria.of(saved)
    words = describe(criteria, owner_name=row.owner_name or "", campaign_name=row.campaign or "")
    assert saved.id is not None
    return FilterInfo(
        f"{PREFIX}{saved.id}", saved.name, words, "lead", saved.id, saved.rep_id, row.rep_name,
        saved.shared, saved.archived, criteria, row.campaign, row.owner_name,
    )  # fmt: skip


def saved_filters(session: Session, *, rep_id: int | None) -> list[FilterInfo]:
    """The filters a rep works: their own in use, and the team's shared ones, by name."""
    own = session.execute(_OWN, {"rep_id": rep_id}).all() if rep_id is not None else []
    seen = {row[0].id for row in own}
    shared = [row for row in session.execute(_SHARED).all() if row[0].id not in seen]
    found = [_info(row) for row in (*own, *shared)]
    return sorted(found, key=lambda info: (rep_name_key(info.title), info.rep_id != rep_id))


def filter_by_key(session: Session, key: str) -> FilterInfo:
    """The filter of a queue key ("filter:<id>"), archived or not."""
    number = key.removeprefix(PREFIX)
    row = None
    if is_filter_key(key) and number.isdigit():
        row = session.execute(_BY_ID, {"filter_id": int(number)}).one_or_none()
    if row is None:
        raise FilterRefused(f"no saved filter {key!r}")
    return _info(row)


def find_filter(session: Session, *, rep_id: int | None, name: str) -> FilterInfo:
    """The rep's filter (or the team's shared one) of this name, in any case; the rep's
    own first."""
    key = rep_name_key(name)
    known = saved_filters(session, rep_id=rep_id)
    for info in known:
        if rep_name_key(info.title) == key:
            return info
    names = ", ".join(info.title for info in known) or "none yet"
    raise FilterRefused(f"no saved filter named {name!r}; yours and the team's: {names}")


def _text(value: str | None, label: str) -> str | None:
    try:
        return clean_text(value, 80, label) if value is not None else None
    except BadValue as error:
        raise FilterRefused(str(error)) from None


def _days(value: int | None, label: str) -> int | None:
    if value is not None and not 0 < value <= MAX_DAYS:
        raise FilterRefused(f"{label} is a number of days from 1 to {MAX_DAYS}, not {value}")
    return value


def _criteria(session: Session, spec: FilterSpec, *, manager: bool) -> Criteria:
    owner, owner_rep_id = spec.owner.strip().lower(), None
    if owner not in ("mine", "pool", "me"):
        if not manager:
            raise PermissionDenied(
                "a rep filters their own leads or the pool's: owner is mine or pool"
            )
        owner, owner_rep_id = "rep", find_rep(session, spec.owner).id
    campaign_id = None
    if spec.campaign:
        campaign_id = session.execute(
            select(col(Campaign.id)).where(col(Campaign.name) == spec.campaign.strip())
        ).scalar_one_or_none()
        if campaign_id is None:
            raise FilterRefused(f"no campaign named {spec.campaign!r}")
    status = _text(spec.status, "status")
    if status is not None:
        statuses = session.execute(select(col(LeadStatus.name))).scalars().all()
        status = next((s for s in statuses if s.lower() == status.lower()), None)
        if status is None:
            raise FilterRefused(f"no lead status {spec.status!r}; statuses: {', '.join(statuses)}")
    low, high = spec.score_min, spec.score_max
    if low is not None and high is not None and low > high:
        raise FilterRefused(f"the lowest score ({low}) is above the highest ({high})")
    return Criteria(
        owner="mine" if owner == "me" else owner, owner_rep_id=owner_rep_id,
        lead_source=_text(spec.source, "source"), lead_type=_text(spec.offer, "offer"),
        campaign_id=campaign_id, industry=_text(spec.industry, "industry"),
        state=_text(spec.state, "state"), country=_text(spec.country, "country"),
        status=status, score_min=low, score_max=high,
        inactive_days=_days(spec.inactive_days, "inactive days"),
        active_days=_days(spec.active_days, "active days"),
    )  # fmt: skip


def add_filter(
    engine: Engine, *, rep_id: int | None, spec: FilterSpec, now: datetime | None = None
) -> FilterInfo:
    """Save `spec` as the rep's filter (shared with the team: managers only)."""
    now = now or utcnow()
    with write_session(engine) as session:
        rep = acting_rep(session, rep_id, "save a filter")
        if spec.shared and not rep.is_manager:
            raise PermissionDenied(f"{rep.name} is a rep: only a manager shares a filter")
        name = _text(spec.name, "name")
        if name is None:
            raise FilterRefused("a filter needs a name")
        clash = session.execute(
            _OWN.where(col(SavedFilter.name_key) == rep_name_key(name)), {"rep_id": rep.id}
        ).first()
        if clash is not None:
            raise FilterRefused(f"you have a filter named {clash[0].name!r} already")
        criteria = _criteria(session, spec, manager=rep.is_manager)
        saved = SavedFilter(
            rep_id=rep.id, name=name, name_key=rep_name_key(name), shared=spec.shared,
            created_at=now, updated_at=now,
            **{f.name: getattr(criteria, f.name) for f in fields(Criteria)},
        )  # fmt: skip
        session.add(saved)
        session.flush()
        assert saved.id is not None
        return filter_by_key(session, f"{PREFIX}{saved.id}")


def archive_filter(
    engine: Engine,
    *,
    rep_id: int | None,
    name: str | None = None,
    key: str | None = None,
    now: datetime | None = None,
) -> FilterInfo:
    """Archive the rep's filter of this name or queue key (a manager: a shared one too).
    Its queue leaves the list; the row stays, archived."""
    now = now or utcnow()
    with write_session(engine) as session:
        rep = acting_rep(session, rep_id, "archive a filter")
        if key is not None:
            info = filter_by_key(session, key)
        else:
            info = find_filter(session, rep_id=rep.id, name=name or "")
        if info.rep_id != rep.id and not (rep.is_manager and info.shared):
            raise PermissionDenied(
                f"{info.title!r} is {info.rep_name}'s: only they archive it (or a manager, "
                "once it is shared)"
            )
        saved = session.get(SavedFilter, info.id)
        assert saved is not None
        saved.archived, saved.updated_at = True, now
        record_change(
            session, entity="saved_filter", entity_id=info.id, field="archived",
            old=False, new=True, rep_id=rep.id, at=now,
        )  # fmt: skip
        return filter_by_key(session, info.key)
