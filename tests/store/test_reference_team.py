"""Team mode on PostgreSQL: a rep logs a use of any reference, as themselves only, and the
contact's count follows though the contact is another rep's; uses are never changed."""

from __future__ import annotations

import pytest
from sqlalchemy import exc
from sqlmodel import Session

from tests.store.test_team_logins import _sql, team  # noqa: F401  (the fixture)
from workstation.store.lifecycle.references import use_reference
from workstation.store.models import Account, Contact

pytestmark = pytest.mark.postgres

USE = (
    "INSERT INTO reference_use (contact_id, rep_id, note, used_at) "
    "VALUES (:contact, :rep, 'call', now())"
)


def test_a_rep_logs_uses_of_anyones_reference_as_themselves(team):  # noqa: F811
    owner, riley = team["engines"]["owner"], team["engines"]["riley"]
    with Session(owner) as session:
        account = Account(name="Acme")
        session.add(account)
        session.flush()
        contact = Contact(
            last_name="Sam's customer",
            account_id=account.id,
            owner_id=team["sam"].id,
            lifecycle_stage="Reference",
            reference_type="public",
            is_reference=True,
        )
        session.add(contact)
        session.commit()
        contact_id = contact.id
    with pytest.raises(exc.ProgrammingError, match="row-level security"):
        _sql(riley, USE, contact=contact_id, rep=team["sam"].id)
    used = use_reference(
        riley, contact_id=contact_id, note="Reference call", rep_id=team["riley"].id
    )
    assert (used.uses, used.uses_this_quarter) == (1, 1)
    for sql in (
        "UPDATE reference_use SET note = 'x'",
        "DELETE FROM reference_use",
        "TRUNCATE reference_use",
    ):
        with pytest.raises(exc.ProgrammingError, match="permission denied"):
            _sql(riley, sql)
    with Session(owner) as session:
        assert session.get(Contact, contact_id).reference_use_count == 1
