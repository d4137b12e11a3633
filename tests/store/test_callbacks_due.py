"""Callbacks coming due: when the rep's next one falls due, and which fell due in a span,
read through the callbacks' partial index (EXPLAIN QUERY PLAN)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.callbacks_due import (
    _CAME_DUE,
    _NEXT,
    callbacks_came_due,
    next_callback_at,
)


def test_the_next_callback_and_those_that_fell_due(engine):
    with Session(engine) as session:
        rep, other = make_rep(session, "Ann"), make_rep(session, "Bob")
        hours = {}
        for n in (1, 2, 2, 5):
            lead = make_lead(session, owner_id=rep.id, first_name="Due", last_name=f"In{n}h",
                             company="Acme", callback_at=NOW + timedelta(hours=n))  # fmt: skip
            hours.setdefault(n, []).append(lead.id)
        make_lead(session, owner_id=other.id, callback_at=NOW + timedelta(minutes=30))
        make_lead(session, owner_id=rep.id, callback_at=NOW + timedelta(minutes=10),
                  do_not_call=True)  # fmt: skip
        session.commit()
        assert next_callback_at(session, rep_id=rep.id, after=NOW) == NOW + timedelta(hours=1)
        later = NOW + timedelta(hours=2)
        assert next_callback_at(session, rep_id=rep.id, after=later) == NOW + timedelta(hours=5)
        assert next_callback_at(session, rep_id=rep.id, after=NOW + timedelta(hours=5)) is None
        due = callbacks_came_due(session, rep_id=rep.id, since=NOW, until=later)
    assert [d.lead_id for d in due] == [*hours[1], *hours[2]]
    assert (due[0].name, due[0].company, due[0].callback_at) == (
        "Due In1h", "Acme", NOW + timedelta(hours=1),
    )  # fmt: skip


def test_both_read_the_callback_index(sqlite_engine):
    values = {"rep_id": 1, "after": NOW, "since": NOW, "until": NOW}
    with sqlite_engine.connect() as connection:
        for statement in (_NEXT, _CAME_DUE):
            compiled = statement.compile(connection)
            given = compiled.construct_params(values)
            plan = " ".join(
                row[3]
                for row in connection.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {compiled}",
                    tuple(given.get(name) for name in compiled.positiontup),
                )
            )
            assert "ix_lead_callback" in plan and "TEMP B-TREE" not in plan, plan
