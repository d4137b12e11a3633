"""The team: the first manager of a database without one, then managers only; nobody is
deleted, the last manager stays, and every change is in the history."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.factories import make_lead
from workstation.store.errors import StoreError
from workstation.store.models import History, Rep
from workstation.store.permissions import PermissionDenied
from workstation.store.reps import UnknownRep
from workstation.store.team.roster import TeamChangeRefused, add_rep, change_rep


def _history(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = session.execute(
            select(History.entity_id, History.field, History.old_value, History.new_value)
            .where(History.entity == "rep")
            .order_by(History.id)
        )
        return [tuple(row) for row in rows]


def test_a_database_without_reps_gets_its_first_manager_then_managers_add_reps(engine):
    with Session(engine) as session:
        make_lead(session)  # imported leads, nobody to work them
        session.commit()
    with pytest.raises(TeamChangeRefused, match="no manager yet"):
        add_rep(engine, "Riley Rep", acting_rep_id=None)
    boss = add_rep(engine, "  Morgan   Manager ", role="manager", acting_rep_id=None)
    assert (boss.name, boss.role, boss.capacity, boss.active) == (
        "Morgan Manager",
        "manager",
        200,
        True,
    )
    with pytest.raises(PermissionDenied, match="nobody is working"):
        add_rep(engine, "Riley Rep", acting_rep_id=None)  # a manager exists now
    riley = add_rep(
        engine, "Riley Rep", capacity=50, email="Riley@Example.COM", acting_rep_id=boss.id
    )
    with pytest.raises(PermissionDenied, match="only managers may add a rep"):
        add_rep(engine, "Sam Seller", acting_rep_id=riley.id)
    with pytest.raises(TeamChangeRefused, match="named Riley Rep already"):
        add_rep(engine, "RILEY rep", acting_rep_id=boss.id)
    with Session(engine) as session:
        assert session.get(Rep, riley.id).email == "riley@example.com"
        assert session.execute(select(func.count()).select_from(Rep)).scalar() == 2
    assert _history(engine) == [
        (boss.id, "active", None, "True"),
        (riley.id, "active", None, "True"),
    ]


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("", {}, "needs a name"),
        ("x" * 121, {}, "at most 120"),
        ("Ann", {"role": "boss"}, "rep or manager"),
        ("Ann", {"capacity": -1}, "between 0 and 1,000,000 open leads, not -1"),
        ("Ann", {"capacity": 10**20}, "between 0 and 1,000,000 open leads"),
        ("Ann", {"email": "not-an-address"}, "is not valid"),
    ],
)
def test_a_rep_that_cannot_be_added_is_refused_and_nothing_is_written(
    engine, name, options, message
):
    with pytest.raises(StoreError, match=message):
        add_rep(engine, name, **{"role": "manager", **options}, acting_rep_id=None)
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Rep)).scalar() == 0


def test_changes_are_logged_and_the_last_manager_stays(engine):
    boss = add_rep(engine, "Morgan Manager", role="manager", acting_rep_id=None)
    riley = add_rep(engine, "Riley Rep", acting_rep_id=boss.id)
    with pytest.raises(TeamChangeRefused, match="last active manager"):
        change_rep(engine, "morgan manager", active=False, acting_rep_id=boss.id)
    with pytest.raises(TeamChangeRefused, match="last active manager"):
        change_rep(engine, "Morgan Manager", role="rep", acting_rep_id=boss.id)
    with pytest.raises(PermissionDenied):
        change_rep(engine, "Riley Rep", capacity=999, acting_rep_id=riley.id)
    with pytest.raises(UnknownRep, match="reps: Morgan Manager, Riley Rep"):
        change_rep(engine, "Nobody", active=False, acting_rep_id=boss.id)
    changed = change_rep(engine, "riley rep", role="manager", capacity=80, acting_rep_id=boss.id)
    assert (changed.role, changed.capacity) == ("manager", 80)
    gone = change_rep(engine, "Morgan Manager", active=False, acting_rep_id=riley.id)
    assert gone.active is False
    with pytest.raises(PermissionDenied, match="no longer an active rep"):
        change_rep(engine, "Riley Rep", capacity=10, acting_rep_id=boss.id)
    assert _history(engine)[2:] == [
        (riley.id, "capacity", "200", "80"),
        (riley.id, "role", "rep", "manager"),
        (boss.id, "active", "True", "False"),
    ]
    with Session(engine) as session:  # nobody deleted
        assert session.execute(select(func.count()).select_from(Rep)).scalar() == 2
