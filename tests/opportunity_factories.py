"""A small world for the opportunity tests: an account with two contacts of one rep's and
one of another's, a manager, and a campaign."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from tests.convert_factories import add, make_campaign
from tests.factories import make_rep
from workstation.store.models import Account, Contact, History


@dataclass
class OppWorld:
    rep: int
    other_rep: int
    manager: int
    acme: int
    jane: int  # Riley's, Sales Qualified
    bob: int  # Riley's, Sales Accepted
    kim: int  # the other rep's contact at Acme
    globex_contact: int  # Riley's, at another account
    webinar: int


def build_opp_world(engine: Engine, *, kim: bool = True) -> OppWorld:
    with Session(engine) as session:
        rep = make_rep(session, "Riley Rep")
        other = make_rep(session, "Pat Other")
        manager = make_rep(session, "Morgan Manager", role="manager")
        webinar = make_campaign(session, "Spring Webinar", channel="Webinar")
        acme = add(session, Account(name="Acme, Inc.", owner_id=rep.id))
        globex = add(session, Account(name="Globex", owner_id=rep.id))

        def person(first, last, account, owner, stage="Sales Accepted"):
            return add(
                session,
                Contact(
                    first_name=first,
                    last_name=last,
                    account_id=account,
                    owner_id=owner,
                    lifecycle_stage=stage,
                ),
            ).id

        world = OppWorld(
            rep=rep.id,
            other_rep=other.id,
            manager=manager.id,
            acme=acme.id,
            jane=person("Jane", "Doe", acme.id, rep.id, "Sales Qualified"),
            bob=person("Bob", "Stone", acme.id, rep.id),
            kim=person("Kim", "Lee", acme.id, other.id) if kim else 0,
            globex_contact=person("Gil", "Bert", globex.id, rep.id),
            webinar=webinar.id,
        )
        session.commit()
        return world


def history(engine: Engine, entity: str, entity_id: int, field: str) -> list[tuple]:
    """(old, new, reason) of one field's changes, oldest first."""
    with Session(engine) as session:
        return [
            tuple(row)
            for row in session.execute(
                select(col(History.old_value), col(History.new_value), col(History.reason))
                .where(
                    col(History.entity) == entity,
                    col(History.entity_id) == entity_id,
                    col(History.field) == field,
                )
                .order_by(col(History.id))
            )
        ]


def stage_of(engine: Engine, contact_id: int) -> str:
    with Session(engine) as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None
        return contact.lifecycle_stage
