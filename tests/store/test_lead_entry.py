"""A lead a rep types (issue 20): cleaned as an import's row is (the phone in E.164),
matched and routed as an import's is (a known contact's inquiry, a customer's domain),
owned by the rep when asked; bad input is one line and writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.convert_factories import add, make_campaign
from tests.factories import NOW, make_rep
from workstation.store.errors import StoreError
from workstation.store.imports.entry import TypedLead, enter_lead, entered_line
from workstation.store.models import Account, CampaignMember, Contact, History, Lead, Opportunity


def _team(engine):
    with Session(engine) as session:
        rep = make_rep(session, "Riley Rep").id
        make_campaign(session, "Spring Webinar", channel="Webinar", offer="Demo Request")
        session.commit()
        return rep


def _lead(engine, lead_id) -> Lead:
    with Session(engine) as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        return lead


def test_a_typed_lead_is_cleaned_and_owned_by_the_rep_when_asked(engine):
    rep = _team(engine)
    typed = TypedLead(
        last_name=" Lovelace ", first_name="Ada", company="Engines", phone="(415) 555-0134",
        email="ADA@Engines.example", title="CTO", campaign="spring webinar",
    )  # fmt: skip
    done = enter_lead(engine, typed, rep_id=rep, own=True, at=NOW)
    assert done.created and done.kind == "lead"
    assert entered_line(done) == (
        f"Lead {done.id} entered: Open, owner Riley Rep; member of Spring Webinar."
    )
    lead = _lead(engine, done.id)
    assert (lead.last_name, lead.phone, lead.email, lead.owner_id, lead.status) == (
        "Lovelace", "+14155550134", "ada@engines.example", rep, "Open",
    )  # fmt: skip
    assert (lead.lead_source, lead.lead_type) == ("Webinar", "Demo Request")  # the campaign's
    with Session(engine) as session:
        assert (
            session.execute(select(func.count()).where(CampaignMember.lead_id == done.id)).scalar()
            == 1
        )
        owner = session.execute(
            select(History.new_value).where(History.entity_id == done.id,
                                            History.field == "owner_id")
        ).scalar_one()  # fmt: skip
    assert owner == str(rep)
    pooled = enter_lead(engine, TypedLead(last_name="Hopper", email="g@navy.example"), rep_id=rep)
    assert _lead(engine, pooled.id).owner_id is None
    assert _lead(engine, pooled.id).company == "[not provided]"


def test_the_same_person_again_fills_the_lead_and_makes_no_second(engine):
    rep = _team(engine)
    first = enter_lead(engine, TypedLead(last_name="Lee", email="kim@x.example"), rep_id=rep)
    again = enter_lead(
        engine, TypedLead(last_name="Lee", email="kim@x.example", phone="415 555 0199"), rep_id=rep
    )
    assert (again.id, again.created, again.updated) == (first.id, False, True)
    assert entered_line(again) == f"Already lead {first.id}: filled with what it lacked."
    assert _lead(engine, first.id).phone == "+14155550199"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        (TypedLead(last_name="", email="a@b.example"), "LastName"),
        (TypedLead(last_name="Nobody"), "Email or Phone"),
        (TypedLead(last_name="Lee", phone="12"), "phone .12. is not a valid number"),
        (TypedLead(last_name="Lee", email="not an address"), "email"),
        (TypedLead(last_name="Lee", email="a@b.example", campaign="Nope"), "Nope"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(engine, typed, says):
    rep = _team(engine)
    with pytest.raises(StoreError, match=says) as refused:
        enter_lead(engine, typed, rep_id=rep)
    assert "\n" not in str(refused.value)
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Lead)).scalar() == 0


def test_a_known_contact_becomes_a_linked_lead_and_a_customer_domain_is_starred(engine):
    rep = _team(engine)
    with Session(engine) as session:
        seller = make_rep(session, "Opportunity Owner", role="manager").id
        acme = add(session, Account(name="Acme", domain="acme.com", owner_id=seller)).id
        jane = add(session, Contact(account_id=acme, last_name="Doe", email="jane@acme.com",
                                    owner_id=seller)).id  # fmt: skip
        add(session, Opportunity(account_id=acme, name="Won", stage="Closed Won",
                                 is_closed=True, amount_cents=100_000,
                                 close_date=date(2026, 6, 30), owner_id=seller))  # fmt: skip
        add(session, Opportunity(account_id=acme, name="Open", stage="Proposal",
                                 close_date=date(2027, 3, 31), owner_id=seller))  # fmt: skip
        session.commit()
    known = enter_lead(
        engine, TypedLead(last_name="Doe", email="Jane@acme.com"), rep_id=seller, own=True
    )
    lead = _lead(engine, known.id)
    assert (lead.contact_id, lead.status, lead.owner_id) == (
        jane, "Contact – Current Opportunity", seller,
    )  # fmt: skip
    assert known.routed and "open opportunity" in known.routed
    other = enter_lead(
        engine, TypedLead(last_name="Roe", email="sam@acme.com"), rep_id=rep, own=True
    )
    starred = _lead(engine, other.id)
    assert (starred.existing_account_id, starred.contact_id, starred.owner_id) == (acme, None, rep)
    assert other.customer_inquiry and entered_line(other).endswith("; ★ customer inquiry.")
