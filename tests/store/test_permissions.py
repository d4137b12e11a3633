"""Roles hold in the store: a rep is refused the manager's actions with a message that says
why, and a refused action changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.reject import reject
from workstation.store.conversion.convert import convert_lead
from workstation.store.models import History, Lead, Rep
from workstation.store.permissions import (
    PermissionDenied,
    require_manager,
    require_owner_or_manager,
    require_self_or_manager,
)
from workstation.store.reports.funnel import funnel_report
from workstation.store.reports.untouched import untouched_page, untouched_summary
from workstation.store.team.assign import (
    assign_pool_by_capacity,
    reassign,
    return_to_pool,
    set_capacity,
)


@pytest.fixture
def team(engine):
    """A manager, two reps, a manager who left; each rep owns two leads, two in the pool."""
    with Session(engine) as session:
        boss = make_rep(session, "Morgan Manager", role="manager")
        gone = make_rep(session, "Former Boss", role="manager")
        gone.active = False
        riley, sam = make_rep(session, "Riley Rep"), make_rep(session, "Sam Seller")
        leads = {
            "rileys": [make_lead(session, owner_id=riley.id).id for _ in range(2)],
            "sams": [make_lead(session, owner_id=sam.id).id for _ in range(2)],
            "pool": [make_lead(session).id for _ in range(2)],
        }
        session.commit()
        return {"boss": boss.id, "gone": gone.id, "riley": riley.id, "sam": sam.id, **leads}


def _snapshot(engine) -> tuple:
    """Everything a refused action must leave alone."""
    with Session(engine) as session:
        owners = session.execute(select(Lead.id, Lead.owner_id, Lead.version)).all()
        history = session.execute(select(func.count()).select_from(History)).scalar_one()
        capacities = session.execute(select(Rep.id, Rep.capacity)).all()
    return sorted(owners), history, sorted(capacities)


def test_checks_name_the_rep_and_the_action(engine, team):
    with Session(engine) as session:
        assert require_manager(session, team["boss"], "do it").name == "Morgan Manager"
        with pytest.raises(PermissionDenied, match=r"Riley Rep is a rep, not a manager.*fly"):
            require_manager(session, team["riley"], "fly")
        with pytest.raises(PermissionDenied, match="Former Boss is no longer an active rep"):
            require_manager(session, team["gone"], "fly")
        with pytest.raises(PermissionDenied, match="nobody is working"):
            require_manager(session, None, "fly")
        with pytest.raises(PermissionDenied, match="does not exist"):
            require_manager(session, 9999, "fly")


def test_reps_act_on_their_own_work_only(engine, team):
    with Session(engine) as session:
        riley = team["riley"]
        assert require_self_or_manager(session, riley, riley, "look").id == riley
        assert require_owner_or_manager(session, riley, [riley, riley], "move").id == riley
        with pytest.raises(PermissionDenied, match="only look for themselves"):
            require_self_or_manager(session, riley, team["sam"], "look")
        with pytest.raises(PermissionDenied, match="other reps' leads"):
            require_owner_or_manager(session, riley, [riley, team["sam"]], "move")
        with pytest.raises(PermissionDenied, match="the pool's leads"):
            require_owner_or_manager(session, riley, [None], "move")
        assert require_owner_or_manager(session, team["boss"], [team["sam"], None], "move")


@pytest.mark.parametrize(
    "action",
    [
        lambda e, t: reassign(e, t["sams"], acting_rep_id=t["riley"], to_rep_id=t["riley"]),
        lambda e, t: reassign(e, t["rileys"], acting_rep_id=t["riley"], spread=True),
        lambda e, t: return_to_pool(e, t["sams"], acting_rep_id=t["riley"]),
        lambda e, t: return_to_pool(e, t["rileys"] + t["sams"], acting_rep_id=t["riley"]),
        lambda e, t: assign_pool_by_capacity(e, acting_rep_id=t["riley"]),
        lambda e, t: assign_pool_by_capacity(e, acting_rep_id=t["riley"], to_rep_ids=[t["sam"]]),
        lambda e, t: set_capacity(e, t["riley"], 999, acting_rep_id=t["riley"]),
        lambda e, t: reassign(e, t["sams"], acting_rep_id=t["gone"], to_rep_id=t["boss"]),
        lambda e, t: convert_lead(e, lead_id=t["pool"][0], rep_id=t["gone"]),
        lambda e, t: reject(
            e, kind="lead", record_id=t["pool"][0], reason="Bogus form fill", rep_id=t["gone"]
        ),
    ],
    ids=[
        "reassign-others",
        "spread-own",
        "pool-others",
        "pool-mixed",
        "assign-pool",
        "assign-to-other",
        "capacity",
        "inactive-manager",
        "inactive-converts",
        "inactive-rejects",
    ],
)
def test_refused_writes_change_nothing(engine, team, action):
    before = _snapshot(engine)
    with pytest.raises(PermissionDenied):
        action(engine, team)
    assert _snapshot(engine) == before


@pytest.mark.parametrize(
    "report",
    [
        lambda s, t: untouched_summary(s, acting_rep_id=t["riley"]),
        lambda s, t: untouched_summary(s, acting_rep_id=t["riley"], rep_id=t["sam"]),
        lambda s, t: untouched_page(s, acting_rep_id=t["riley"], rep_id=t["sam"]),
        lambda s, t: funnel_report(s, acting_rep_id=t["riley"]),
    ],
    ids=["untouched-all", "untouched-other", "untouched-page-other", "funnel"],
)
def test_manager_reports_refuse_reps(engine, team, report):
    with Session(engine) as session, pytest.raises(PermissionDenied, match="Riley Rep"):
        report(session, team)


def test_what_a_rep_may_do(engine, team):
    riley = team["riley"]
    with Session(engine) as session:
        mine = {"acting_rep_id": riley, "rep_id": riley, "now": NOW}
        assert untouched_summary(session, **mine).reps[0].count == 2
        assert len(untouched_page(session, **mine).rows) == 2
    # Returning their own lead, and claiming for themselves, are a rep's own work.
    moved = return_to_pool(engine, team["rileys"][:1], acting_rep_id=riley)
    assert moved.moved == {team["rileys"][0]: None}
    claimed = assign_pool_by_capacity(engine, acting_rep_id=riley, to_rep_ids=[riley], limit=1)
    assert list(claimed.assigned.values()) == [riley]
