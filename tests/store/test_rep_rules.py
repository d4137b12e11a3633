"""A rep converts and rejects only their own records, and an inactive rep changes
nothing at all: each refused in one line, with nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.calling.dispositions import log_call
from workstation.store.calling.edits import save_fields
from workstation.store.calling.reject import reject
from workstation.store.calling.undo import undo_last_call
from workstation.store.conversion.convert import convert_lead
from workstation.store.errors import StoreError
from workstation.store.imports.leads import import_leads
from workstation.store.imports.salesforce.importer import import_salesforce
from workstation.store.models import Contact, History, Lead, Rep
from workstation.store.permissions import PermissionDenied


@pytest.fixture
def team(engine):
    with Session(engine) as session:
        make_rep(session, "Morgan Manager", role="manager")
        riley, sam = make_rep(session, "Riley Rep"), make_rep(session, "Sam Seller")
        gone = make_rep(session, "Gone Rep")
        ids = {"riley": riley.id, "sam": sam.id, "gone": gone.id}
        ids["sams"] = make_lead(session, owner_id=sam.id, email="s@example.com").id
        ids["gones"] = make_lead(session, owner_id=gone.id).id  # at version 2 after the call
        ids["pool"] = make_lead(session).id
        contact = Contact(last_name="Doe", owner_id=sam.id)
        session.add(contact)
        session.flush()
        ids["sams_contact"] = contact.id
        session.commit()
    # Gone Rep logs a call while still on the team, then leaves.
    log_call(engine, rep_id=ids["gone"], lead_id=ids["gones"], disposition="2", now=NOW)
    with Session(engine) as session:
        session.get_one(Rep, ids["gone"]).active = False
        session.commit()
    return ids


def _written(engine) -> tuple:
    with Session(engine) as session:
        leads = session.execute(select(Lead.id, Lead.version, Lead.status)).all()
        history = session.execute(select(func.count()).select_from(History)).scalar_one()
        contacts = session.execute(select(Contact.id, Contact.lifecycle_stage)).all()
    return sorted(leads), history, sorted(contacts)


REASON = "Bogus form fill"


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda e, t: convert_lead(e, lead_id=t["sams"], rep_id=t["riley"]), "other reps'"),
        (lambda e, t: convert_lead(e, lead_id=t["pool"], rep_id=t["riley"]), "the pool's"),
        (
            lambda e, t: reject(
                e, kind="lead", record_id=t["sams"], reason=REASON, rep_id=t["riley"]
            ),
            "other reps'",
        ),
        (
            lambda e, t: reject(
                e, kind="lead", record_id=t["pool"], reason=REASON, rep_id=t["riley"]
            ),
            "the pool's",
        ),
        (
            lambda e, t: reject(
                e, kind="contact", record_id=t["sams_contact"], reason=REASON, rep_id=t["riley"]
            ),
            "other reps'",
        ),
    ],
    ids=["convert-others", "convert-pool", "reject-others", "reject-pool", "reject-contact"],
)
def test_a_rep_converts_and_rejects_only_their_own(engine, team, action, message):
    before = _written(engine)
    with pytest.raises(PermissionDenied, match=f"Riley Rep is a rep.*{message}"):
        action(engine, team)
    assert _written(engine) == before


def _csv(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("FirstName,LastName,Company,Email\nAda,Lovelace,Engines,ada@example.com\n")
    return path


def _salesforce(tmp_path):
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "Lead.csv").write_text("Id,LastName,Company\n00Q000000000001,Doe,Acme\n")
    return folder


@pytest.mark.parametrize(
    "action",
    [
        lambda e, t, p: import_leads(e, _csv(p), acting_rep_id=t["gone"]),
        lambda e, t, p: import_salesforce(e, _salesforce(p), acting_rep_id=t["gone"]),
        lambda e, t, p: save_fields(
            e,
            rep_id=t["gone"],
            kind="lead",
            record_id=t["gones"],
            expected_version=3,
            changes={"title": "CEO"},
        ),
        lambda e, t, p: undo_last_call(e, rep_id=t["gone"], now=NOW),
        lambda e, t, p: log_call(e, rep_id=t["gone"], lead_id=t["gones"], disposition="2", now=NOW),
        lambda e, t, p: convert_lead(e, lead_id=t["gones"], rep_id=t["gone"]),
        lambda e, t, p: reject(
            e, kind="lead", record_id=t["gones"], reason=REASON, rep_id=t["gone"]
        ),
    ],
    ids=["import", "salesforce", "edit", "undo", "log", "convert", "reject"],
)
def test_an_inactive_rep_changes_nothing(engine, team, tmp_path, action):
    before = _written(engine)
    with pytest.raises(StoreError, match="Gone Rep is no longer an active rep"):
        action(engine, team, tmp_path)
    assert _written(engine) == before
