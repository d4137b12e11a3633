"""An email sent from a campaign's template is logged as an activity of its person."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.emails import EmailRefused, log_email
from workstation.store.models import Activity, Lead


def test_an_email_is_an_activity_and_counts_as_activity(engine):
    with Session(engine) as session:
        rep = make_rep(session)
        lead = make_lead(session, owner_id=rep.id)
        quiet = make_lead(session, owner_id=rep.id, email_opt_out=True)
        session.commit()
        rep_id, lead_id, quiet_id = rep.id, lead.id, quiet.id
    logged = log_email(
        engine,
        kind="lead",
        record_id=lead_id,
        subject="Your\ntrial",
        body="Hi",
        rep_id=rep_id,
        at=NOW,
    )
    with Session(engine) as session:
        activity = session.get(Activity, logged.activity_id)
        assert (activity.kind, activity.subject, activity.notes, activity.rep_id) == (
            "email",
            "Your trial",
            "Hi",
            rep_id,
        )
        assert session.get(Lead, lead_id).last_activity_at == NOW
    with pytest.raises(EmailRefused, match="opted out"):
        log_email(engine, kind="lead", record_id=quiet_id, subject="x", body="", rep_id=rep_id)
