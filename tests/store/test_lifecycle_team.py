"""Known people's inquiries and lifecycle moves in team mode on PostgreSQL: what the store
decides holds under the database's row-level security, logged in as a rep or a manager."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.convert_factories import add
from tests.store.test_team_logins import team  # noqa: F401  (the fixture)
from workstation.store.imports.leads import import_leads
from workstation.store.lifecycle.stages import move_stage
from workstation.store.models import Account, Contact, Lead, Opportunity
from workstation.store.permissions import PermissionDenied

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(("importer", "owned_by_seller"), [("boss", True), ("riley", False)])
def test_importing_a_known_contact(team, tmp_path, importer, owned_by_seller):  # noqa: F811
    """A contact with an open opportunity: its new lead goes to that opportunity's owner
    when a manager imports, to the pool when a rep does; RLS lets both write it."""
    sam = team["sam"].id
    with Session(team["engines"]["owner"]) as session:
        acme = add(session, Account(name="Acme", domain="acme.com"))
        jane = add(session, Contact(account_id=acme.id, last_name="Doe", email="jane@acme.com"))
        add(
            session,
            Opportunity(account_id=acme.id, name="Acme", stage="Proposal",
                        close_date=date(2027, 3, 31), owner_id=sam),
        )  # fmt: skip
        session.commit()
        jane_id = jane.id
    source = tmp_path / "list.csv"
    source.write_text("LastName,Company,Email\nDoe,Acme,jane@acme.com\n", encoding="utf-8")
    engine = team["engines"][importer]
    summary = import_leads(engine, source, acting_rep_id=team[importer].id)
    assert summary.created == 1
    with Session(engine) as session:
        lead = session.execute(select(Lead).where(Lead.contact_id == jane_id)).scalar_one()
    assert lead.status == "Contact – Current Opportunity"
    assert lead.owner_id == (sam if owned_by_seller else None)


def test_a_rep_moves_their_own_leads_and_not_another_reps(team):  # noqa: F811
    riley = team["engines"]["riley"]
    moved = move_stage(riley, kind="lead", record_id=team["rileys"], stage="Sales Accepted",
                       reason=None, rep_id=team["riley"].id)  # fmt: skip
    assert moved.new_stage == "Sales Accepted"
    with pytest.raises(PermissionDenied):
        move_stage(riley, kind="lead", record_id=team["sams"], stage="Sales Accepted",
                   reason=None, rep_id=team["riley"].id)  # fmt: skip
