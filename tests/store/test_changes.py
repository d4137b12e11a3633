"""Status, lifecycle and owner changes keep the derived columns right and write history."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.factories import make_lead, make_rep
from workstation.store.changes import ChangeRefused, change_lead
from workstation.store.models import History
from workstation.store.reference import BAD_DATA, WORKING


def _history(session, lead_id):
    return [
        (h.field, h.old_value, h.new_value, h.reason)
        for h in session.execute(
            select(History).where(History.entity_id == lead_id).order_by(History.id)
        ).scalars()
    ]


def test_status_change_keeps_is_open_and_logs(engine):
    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, owner_id=rep.id)
        change_lead(session, lead, rep_id=rep.id, status=WORKING)
        assert lead.is_open and lead.version == 2
        change_lead(session, lead, rep_id=rep.id, status=BAD_DATA, reason="number dead")
        assert not lead.is_open and lead.version == 3
        session.commit()
        assert _history(session, lead.id) == [
            ("status", "Open", WORKING, None),
            ("status", WORKING, BAD_DATA, "number dead"),
        ]


def test_owner_change_sets_assignment_time_and_pool_clears_it(engine):
    with Session(engine) as session:
        a, b = make_rep(session), make_rep(session)
        lead = make_lead(session)
        change_lead(session, lead, rep_id=a.id, owner_id=b.id)
        assert lead.owner_id == b.id and lead.assigned_at is not None
        change_lead(session, lead, rep_id=a.id, owner_id=None, reason="back to pool")
        assert lead.owner_id is None and lead.assigned_at is None
        session.commit()
        assert [h[0] for h in _history(session, lead.id)] == ["owner_id", "owner_id"]


def test_lifecycle_rules(engine):
    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, lifecycle_stage="Sales Accepted")
        change_lead(session, lead, rep_id=rep.id, lifecycle_stage="Sales Qualified")
        with pytest.raises(ChangeRefused, match="needs a reason"):
            change_lead(session, lead, rep_id=rep.id, lifecycle_stage="Lead")
        change_lead(session, lead, rep_id=rep.id, lifecycle_stage="Lead", reason="not ready")
        with pytest.raises(ChangeRefused, match="only contacts"):
            change_lead(session, lead, rep_id=rep.id, lifecycle_stage="Customer")
        change_lead(session, lead, rep_id=rep.id, lifecycle_stage="Nurture")  # a detour
        with pytest.raises(ChangeRefused, match="unknown lead status"):
            change_lead(session, lead, rep_id=rep.id, status="Maybe")
        assert lead.lifecycle_stage == "Nurture"


def test_an_owner_change_reads_no_status(engine):
    """`is_open` follows the status and the lifecycle stage only: handing a lead to
    another rep (a bulk assignment does it per lead) looks up no status row."""
    from sqlalchemy import event

    with Session(engine) as session:
        a, b = make_rep(session), make_rep(session)
        lead = make_lead(session)
        session.commit()
        sent: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda _c, _k, sql, *_a: sent.append(sql))
        change_lead(session, lead, rep_id=a.id, owner_id=b.id)
        assert lead.owner_id == b.id and lead.is_open
        assert not [sql for sql in sent if "FROM lead_status" in sql]
