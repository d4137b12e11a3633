"""The card's timeline says what changed in words a rep reads: the field's label, and an
owner by name, not "owner_id: 3 → 7"."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from tests.factories import make_lead, make_rep
from workstation.store.calling.card import record_card
from workstation.store.models import History

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_changes_name_their_field_and_owners_by_name(engine):
    with Session(engine) as session:
        rep, other = make_rep(session, "Ada Lovelace"), make_rep(session, "Bo Diddley")
        lead = make_lead(session, owner_id=rep.id)
        session.flush()
        changes = [
            ("owner_id", None, str(rep.id)),
            ("owner_id", str(rep.id), str(other.id)),
            ("lifecycle_stage", "Marketing Qualified", "Sales Qualified"),
            ("do_not_call", "False", "True"),
            ("existing_account_id", None, "12"),
            ("owner_id", "999999", None),  # a rep id that names nobody stays as it was
        ]
        for minute, (field, old, new) in enumerate(changes):
            at = NOW.replace(minute=minute)
            session.add(
                History(entity="lead", entity_id=lead.id, field=field, old_value=old,
                        new_value=new, rep_id=rep.id, at=at)
            )  # fmt: skip
        session.commit()
        card = record_card(session, "lead", lead.id)
    assert card is not None
    assert [entry.summary for entry in reversed(card.timeline)] == [
        "Owner: — → Ada Lovelace",
        "Owner: Ada Lovelace → Bo Diddley",
        "Lifecycle: Marketing Qualified → Sales Qualified",
        "Do not call: False → True",
        "Existing account: — → 12",
        "Owner: 999999 → —",
    ]
