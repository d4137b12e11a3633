"""Marketing's pool of Names (seed 001): people at lifecycle stage Name, leads and
contacts, that no sales queue, count or `next` shows (`sales_hands`). A page of them, best
score first, paged by key; promoting one by hand; flagging one inactive (marketing stops
promoting it) or active again. Never deleted. The Names screen and `workstation names`
show and act on them; managers only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    TextClause,
    and_,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlmodel import Session, col

from workstation.store.db import write_session
from workstation.store.errors import StoreError
from workstation.store.history import record_change
from workstation.store.marketing.moves import Move, make_move
from workstation.store.marketing.promotion import BY_HAND, promotion
from workstation.store.models import NAMES, Account, CampaignMember, Contact, Lead, utcnow
from workstation.store.permissions import lock_person, require_manager
from workstation.store.records.page import person_name
from workstation.store.sales_hands import NAME

PAGE = 100


class NamesRefused(StoreError):
    """No such Name, or not one any more; nothing changed."""


@dataclass(frozen=True, slots=True)
class NameRow:
    kind: str  # "lead" or "contact"
    id: int
    name: str
    company: str
    score: int
    source: str | None
    last_response_at: datetime | None
    active: bool

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.score, self.kind, self.id)


@dataclass(frozen=True, slots=True)
class NamesPage:
    rows: tuple[NameRow, ...]
    next_after: tuple[int, str, int] | None  # the key the next page starts after


def _last_response(column: Any, person_id: Any) -> Any:
    return (
        select(func.max(CampaignMember.responded_at))
        .where(column == person_id, col(CampaignMember.has_responded))
        .scalar_subquery()
    )


def _names(inactive: bool):
    lead_where: list[ColumnElement[bool] | TextClause] = [
        text(NAMES),  # literally: the partial index ix_lead_names
        col(Lead.is_converted).is_(False),
    ]
    contact_where: list[ColumnElement[bool]] = [col(Contact.lifecycle_stage) == NAME]
    if not inactive:
        lead_where.append(col(Lead.active).is_(True))
        contact_where.append(col(Contact.active).is_(True))
    leads = select(
        literal("lead").label("kind"), col(Lead.id).label("id"), col(Lead.first_name),
        col(Lead.last_name), col(Lead.company).label("company"), col(Lead.score),
        col(Lead.lead_source).label("source"),
        _last_response(col(CampaignMember.lead_id), col(Lead.id)).label("last_response_at"),
        col(Lead.active),
    ).where(*lead_where)  # fmt: skip
    contact_columns: tuple[Any, ...] = (
        literal("contact").label("kind"), col(Contact.id).label("id"), col(Contact.first_name),
        col(Contact.last_name), func.coalesce(col(Account.name), "").label("company"),
        col(Contact.score), col(Contact.lead_source).label("source"),
        _last_response(col(CampaignMember.contact_id), col(Contact.id)).label("last_response_at"),
        col(Contact.active),
    )  # fmt: skip
    contacts = (
        select(*contact_columns)
        .select_from(Contact)
        .outerjoin(Account, col(Account.id) == col(Contact.account_id))
        .where(*contact_where)
    )
    return union_all(leads, contacts).subquery("names")


def names_page(
    session: Session,
    *,
    inactive: bool = False,
    after: tuple[int, str, int] | None = None,
    limit: int = PAGE,
) -> NamesPage:
    """A page of Names, best score first (then leads before contacts, then by id), after
    the key `after`; with `inactive`, the inactive ones too."""
    names = _names(inactive)
    statement = select(names)
    if after is not None:
        score, kind, record_id = after
        statement = statement.where(
            or_(
                names.c.score < score,
                and_(
                    names.c.score == score,
                    or_(
                        names.c.kind > kind,
                        and_(names.c.kind == kind, names.c.id > record_id),
                    ),
                ),
            )
        )
    statement = statement.order_by(names.c.score.desc(), names.c.kind, names.c.id).limit(limit + 1)
    found = [
        NameRow(
            kind=row.kind,
            id=row.id,
            name=person_name(row.first_name, row.last_name),
            company=row.company or "",
            score=row.score,
            source=row.source,
            last_response_at=row.last_response_at,
            active=bool(row.active),
        )
        for row in session.execute(statement)
    ]
    more = len(found) > limit
    rows = tuple(found[:limit])
    return NamesPage(rows, rows[-1].key if more else None)


def _name(session: Session, kind: str, record_id: int) -> Lead | Contact:
    if kind not in ("lead", "contact"):
        raise NamesRefused(f"a Name is a lead or a contact, not a {kind!r}")
    record, _ = lock_person(session, kind, record_id)
    if record is None:
        raise NamesRefused(f"no {kind} {record_id}")
    if record.lifecycle_stage != NAME:
        raise NamesRefused(
            f"{kind} {record_id} is not a Name (it is at {record.lifecycle_stage}); "
            "nothing was changed"
        )
    return record


def promote_name(
    engine: Engine,
    *,
    kind: str,
    record_id: int,
    rep_id: int | None,
    at: datetime | None = None,
) -> Move:
    """Promote Name `record_id` to Marketing Qualified by hand (managers)."""
    at = at or utcnow()
    with write_session(engine) as session:
        require_manager(session, rep_id, "promote Names")
        move = promotion(session, _name(session, kind, record_id), BY_HAND)
        make_move(session, move, rep_id=rep_id, at=at)
        return move


def set_name_active(
    engine: Engine,
    *,
    kind: str,
    record_id: int,
    active: bool,
    rep_id: int | None,
    at: datetime | None = None,
) -> NameRow:
    """Flag Name `record_id` active or inactive (managers), with the change in history."""
    at = at or utcnow()
    with write_session(engine) as session:
        require_manager(session, rep_id, "activate or deactivate Names")
        record = _name(session, kind, record_id)
        assert record.id is not None
        if record.active != active:
            why = "reactivated" if active else "deactivated"
            record_change(
                session, entity=kind, entity_id=record.id, field="active", old=record.active,
                new=active, rep_id=rep_id, at=at, reason=f"Name {why} by marketing",
            )  # fmt: skip
            record.active = active
            record.version += 1
            record.updated_at = at
            session.add(record)
        return NameRow(
            kind, record.id,
            person_name(record.first_name, record.last_name),
            record.company if isinstance(record, Lead) else "", record.score,
            record.lead_source, None, record.active,
        )  # fmt: skip
