"""Contacted – Recent Activity expires by itself: found by `find_expiring`, made by
`moves.make_moves`, on SQLite and PostgreSQL, with the clock injected."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from tests.factories import NOW, make_lead, make_rep
from tests.store.test_team_logins import team  # noqa: F401  (the fixture)
from workstation.store import reference
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.emails import log_email
from workstation.store.marketing.moves import make_moves as apply
from workstation.store.marketing.recent_activity import (
    EXPIRING,
    Move,
    find_expiring,
    sweep,
)
from workstation.store.models import History, Lead

DAY = timedelta(days=1)
CALLED = NOW - 40 * DAY  # the connected call every test starts from


def _called_lead(engine, *, status: str = reference.DEFAULT_STATUS, hotkey: str = "1") -> int:
    """A lead at `status` that a connected call at CALLED made Contacted – Recent Activity."""
    with Session(engine) as session:
        rep = make_rep(session)
        closed = status == reference.NURTURING  # recycled: closed, its stage Nurture
        lead = make_lead(
            session, owner_id=rep.id, status=status, first_name="Ada", is_open=not closed,
            lifecycle_stage="Nurture" if closed else "Lead",
        )  # fmt: skip
        session.commit()
        rep_id, lead_id = rep.id, lead.id
    callback = CALLED + DAY if hotkey == "3" else None
    logged = log_call(
        engine, rep_id=rep_id, lead_id=lead_id, disposition=hotkey, callback_at=callback,
        now=CALLED,
    )  # fmt: skip
    assert logged.status == reference.CONTACTED
    return lead_id


def _expiring(engine, now, **kwargs) -> list[Move]:
    with Session(engine) as session:
        return find_expiring(session, now, **kwargs)


def test_day_29_stays_and_day_31_expires_back_to_working(engine):
    lead_id = _called_lead(engine)
    assert _expiring(engine, CALLED + 29 * DAY) == []
    assert _expiring(engine, CALLED + 30 * DAY - timedelta(seconds=1)) == []
    moves = _expiring(engine, CALLED + 31 * DAY)
    # It was Open before the call; it was attempted, so it goes back to Working, not Open.
    assert [move.shown() for move in moves] == [
        {
            "kind": "lead", "id": lead_id, "name": f"Ada Lead{_last_number(engine, lead_id)}",
            "from": reference.CONTACTED, "to": reference.WORKING,
            "reason": "no call in 30 days: Contacted – Recent Activity expired",
            "flow": "expired",
        }
    ]  # fmt: skip
    with Session(engine) as session:
        assert apply(session, moves, None, CALLED + 31 * DAY) == moves
        session.commit()
    with Session(engine) as session:
        lead = session.get(Lead, lead_id)
        assert (lead.status, lead.is_open) == (reference.WORKING, True)
        row = (
            session.execute(
                select(History)
                .where(col(History.entity_id) == lead_id, col(History.field) == "status")
                .order_by(col(History.id).desc())
            )
            .scalars()
            .first()
        )
        assert (row.old_value, row.new_value, row.rep_id, row.at) == (
            reference.CONTACTED, reference.WORKING, None, CALLED + 31 * DAY,
        )  # fmt: skip
        assert row.reason == moves[0].reason
    assert _expiring(engine, CALLED + 31 * DAY) == []  # a second run moves nothing


def _last_number(engine, lead_id: int) -> str:
    with Session(engine) as session:
        return session.get(Lead, lead_id).last_name.removeprefix("Lead")


def test_a_newer_call_extends_the_window(engine):
    lead_id = _called_lead(engine)
    with Session(engine) as session:
        rep_id = session.get(Lead, lead_id).owner_id
    log_call(engine, rep_id=rep_id, lead_id=lead_id, disposition="1", now=CALLED + 20 * DAY)
    assert _expiring(engine, CALLED + 31 * DAY) == []
    assert _expiring(engine, CALLED + 49 * DAY) == []
    assert [m.id for m in _expiring(engine, CALLED + 51 * DAY)] == [lead_id]


def test_an_email_sales_sent_since_extends_it_too(engine):
    """The window runs from sales' last activity with the person (a recap email, an
    unanswered attempt): while sales is working them, marketing stays away."""
    lead_id = _called_lead(engine)
    with Session(engine) as session:
        rep_id = session.get(Lead, lead_id).owner_id
    log_email(
        engine,
        kind="lead",
        record_id=lead_id,
        subject="Recap",
        body="Thanks",
        rep_id=rep_id,
        at=CALLED + 5 * DAY,
    )
    assert _expiring(engine, CALLED + 31 * DAY) == []
    assert [m.id for m in _expiring(engine, CALLED + 36 * DAY)] == [lead_id]


def test_it_goes_back_to_the_open_status_it_had(engine):
    lead_id = _called_lead(engine, status=reference.CONTACT_NO_OPP, hotkey="3")
    [move] = _expiring(engine, NOW)
    assert (move.id, move.from_, move.to) == (
        lead_id, reference.CONTACTED, reference.CONTACT_NO_OPP,
    )  # fmt: skip


def test_a_reopened_recycled_lead_goes_back_to_working_not_to_nurture(engine):
    """A call reopened it from nurture; only the recycle rules send it back to marketing."""
    lead_id = _called_lead(engine, status=reference.NURTURING)
    [move] = _expiring(engine, NOW)
    assert (move.id, move.to) == (lead_id, reference.WORKING)


def test_an_imported_contacted_lead_without_activity_expires(engine):
    with Session(engine) as session:
        old = make_lead(session, status=reference.CONTACTED, last_activity_at=NOW - 45 * DAY)
        never = make_lead(session, status=reference.CONTACTED)
        fresh = make_lead(session, status=reference.CONTACTED, last_activity_at=NOW - DAY)
        session.commit()
        ids = {old.id, never.id}
        assert fresh.id not in ids
    assert {m.id for m in _expiring(engine, NOW)} == ids
    assert {m.to for m in _expiring(engine, NOW)} == {reference.WORKING}


def test_the_window_is_a_setting(engine):
    lead_id = _called_lead(engine)
    assert _expiring(engine, CALLED + 9 * DAY, days=10) == []
    assert [m.id for m in _expiring(engine, CALLED + 11 * DAY, days=10)] == [lead_id]


def test_apply_leaves_a_lead_called_again_since_it_was_found(engine):
    lead_id = _called_lead(engine)
    later = CALLED + 31 * DAY
    moves = _expiring(engine, later)
    with Session(engine) as session:
        rep_id = session.get(Lead, lead_id).owner_id
    log_call(engine, rep_id=rep_id, lead_id=lead_id, disposition="1", now=later)
    with Session(engine) as session:
        assert apply(session, moves, None, later) == []
        session.commit()
    with Session(engine) as session:
        assert session.get(Lead, lead_id).status == reference.CONTACTED


def test_a_move_found_before_an_email_is_left_for_the_next_run(engine):
    """`recycle` makes the expiry by `make_move`, as the sweep does: an email logged
    between the finder's read and the row lock (PostgreSQL) extends the window, though
    it changes no version."""
    from workstation.store.db import write_session
    from workstation.store.marketing.moves import make_move

    lead_id = _called_lead(engine)
    later = CALLED + 31 * DAY
    [move] = _expiring(engine, later)
    with Session(engine) as session:
        rep_id = session.get(Lead, lead_id).owner_id
    log_email(
        engine, kind="lead", record_id=lead_id, subject="Recap", body="Thanks", rep_id=rep_id,
        at=later,
    )  # fmt: skip
    with write_session(engine) as session:
        assert make_move(session, move, rep_id=None, at=later) is False
    with Session(engine) as session:
        assert session.get(Lead, lead_id).status == reference.CONTACTED


def test_sweep_finds_and_applies_in_one_transaction(engine):
    lead_id = _called_lead(engine)
    assert [m.id for m in sweep(engine, CALLED + 31 * DAY)] == [lead_id]
    assert sweep(engine, CALLED + 31 * DAY) == []
    with Session(engine) as session:
        assert session.get(Lead, lead_id).status == reference.WORKING


def test_sweep_goes_on_batch_after_batch(engine):
    first, second = _called_lead(engine), _called_lead(engine)
    assert [m.id for m in sweep(engine, CALLED + 31 * DAY, batch=1)] == [first, second]


@pytest.mark.parametrize("days", [0, -1])
def test_a_window_of_no_days_is_refused(engine, days):
    from workstation.store.errors import StoreError

    with Session(engine) as session, pytest.raises(StoreError, match="at least 1 day"):
        find_expiring(session, NOW, days=days)


def test_finding_them_reads_the_contacted_index(sqlite_engine):
    """The sweep runs at every start and every few minutes: it reads only the Contacted
    leads whose activity is past the window, through their partial index."""
    with sqlite_engine.connect() as connection:
        compiled = EXPIRING.compile(connection)
        params = compiled.construct_params({"cutoff": NOW})
        plan = " ".join(
            row[3]
            for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {compiled}",
                tuple(params.get(name) for name in compiled.positiontup),
            )
        )
    assert "ix_lead_contacted" in plan, plan
    assert plan.count("SEARCH lead USING INDEX ix_lead_contacted") == 2, plan
    assert "SCAN" not in plan, plan


def test_a_sweep_with_nothing_to_expire_reads_once(engine):
    """The app sweeps at every start: with nothing past the window it makes one read (the
    Contacted index) and nothing else, no look at the statuses or the history."""
    from sqlalchemy import event

    _called_lead(engine)  # Contacted, but within the window
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "INSERT")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert sweep(engine, CALLED + 29 * DAY) == []
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) == 1, statements


@pytest.mark.postgres
def test_in_team_mode_each_app_sweeps_what_its_rep_may_change(team):  # noqa: F811
    """A rep's login may change only their leads and the pool's, and writes history only
    as themselves: their app's sweep moves those; a manager's moves the rest."""
    from sqlalchemy import update

    leads = [team["rileys"], team["sams"], team["pool"]]
    with Session(team["engines"]["owner"]) as session:
        session.execute(
            update(Lead)
            .where(col(Lead.id).in_(leads))
            .values(status=reference.CONTACTED, last_activity_at=NOW - 31 * DAY)
        )
        session.commit()
    riley, boss = team["riley"], team["boss"]
    # One lead a batch: Sam's, which Riley may not change, must not hold up the pool's.
    moved = sweep(team["engines"]["riley"], NOW, rep_id=riley.id, owner_id=riley.id, batch=1)
    assert sorted(m.id for m in moved) == sorted([team["rileys"], team["pool"]])
    moved = sweep(team["engines"]["boss"], NOW, rep_id=boss.id)
    assert [m.id for m in moved] == [team["sams"]]
    with Session(team["engines"]["owner"]) as session:
        rows = session.execute(
            select(col(History.entity_id), col(History.rep_id)).where(
                col(History.field) == "status", col(History.new_value) == reference.WORKING
            )
        ).all()
    assert sorted(rows) == sorted(
        [(team["rileys"], riley.id), (team["pool"], riley.id), (team["sams"], boss.id)]
    )


def test_recycle_expires_it_too_and_a_second_run_moves_nothing(engine):
    """`workstation recycle` (cron) lists the expiry in a dry run and makes it otherwise."""
    from workstation.store.marketing.moves import RecycleRules
    from workstation.store.marketing.recycle import recycle

    lead_id = _called_lead(engine)
    rules = RecycleRules(recent_activity_days=30)
    at = CALLED + 31 * DAY
    listed = recycle(engine, rules=rules, acting_rep_id=None, dry_run=True, at=at)
    assert [(m.id, m.flow, m.to) for m in listed] == [(lead_id, "expired", reference.WORKING)]
    with Session(engine) as session:
        assert session.get(Lead, lead_id).status == reference.CONTACTED  # a dry run
    assert recycle(engine, rules=rules, acting_rep_id=None, at=at) == listed
    with Session(engine) as session:
        assert session.get(Lead, lead_id).status == reference.WORKING
    assert recycle(engine, rules=rules, acting_rep_id=None, at=at) == []
    later = RecycleRules(recent_activity_days=45)  # the setting: not expired at 31 days
    _called_lead(engine)
    assert recycle(engine, rules=later, acting_rep_id=None, dry_run=True, at=at) == []
