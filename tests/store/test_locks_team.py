"""Team mode on PostgreSQL: a rep's work on a record they may read but not change (another
rep's lead). Row-level security makes FOR UPDATE pass over such a row, so a locked read
finds nothing; the rep must hear whose record it is and that only its owner or a manager
may act on it, never "there is no lead"; and nothing may crash."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.factories import NOW
from tests.store.test_team_logins import team  # noqa: F401  (the fixture)
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.emails import log_email
from workstation.store.calling.reject import reject
from workstation.store.calling.undo import UndoRefused, undo_last_call
from workstation.store.conversion.convert import convert_lead
from workstation.store.errors import StoreError
from workstation.store.imports.campaigns import ensure_campaign
from workstation.store.lifecycle.responses import record_response
from workstation.store.models import Lead

pytestmark = pytest.mark.postgres

ACTIONS = {
    "call": lambda engine, rep, lead: log_call(
        engine, rep_id=rep, lead_id=lead, disposition="2", now=NOW
    ),
    "email": lambda engine, rep, lead: log_email(
        engine, kind="lead", record_id=lead, subject="Hi", body="Hello", rep_id=rep, at=NOW
    ),
    "reject": lambda engine, rep, lead: reject(
        engine, kind="lead", record_id=lead, reason="Bogus form fill", rep_id=rep, at=NOW
    ),
    "response": lambda engine, rep, lead: record_response(
        engine, campaign="Spring", kind="lead", record_id=lead, status=None, rep_id=rep, at=NOW
    ),
    "convert": lambda engine, rep, lead: convert_lead(engine, lead_id=lead, rep_id=rep, at=NOW),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_rep_acting_on_another_reps_lead_hears_whose_it_is(team, action):  # noqa: F811
    owner, riley, rep = team["engines"]["owner"], team["engines"]["riley"], team["riley"].id
    with Session(owner) as session:
        ensure_campaign(session, "Spring", channel=None, dry_run=False)
        session.commit()
        before = session.get(Lead, team["sams"]).model_dump()
    with pytest.raises(StoreError) as refused:
        ACTIONS[action](riley, rep, team["sams"])
    message = str(refused.value)
    assert f"no lead {team['sams']}" not in message, message
    assert "Sam Seller" in message or "not a manager" in message, message
    with Session(owner) as session:
        assert session.get(Lead, team["sams"]).model_dump() == before


def test_undo_of_a_call_on_a_lead_since_given_to_another_rep_is_refused(team):  # noqa: F811
    owner, riley, rep = team["engines"]["owner"], team["engines"]["riley"], team["riley"].id
    log_call(riley, rep_id=rep, lead_id=team["rileys"], disposition="2", now=NOW)
    with Session(owner) as session:
        session.get(Lead, team["rileys"]).owner_id = team["sam"].id
        session.commit()
    with pytest.raises(UndoRefused, match="Sam Seller"):
        undo_last_call(riley, rep_id=rep, now=NOW)
