"""Inquiries that find a known person (seed 002): a lead linked to the contact, routed by
its account's open opportunity; customer inquiries from a customer account's domain."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from tests.convert_factories import add
from tests.factories import make_rep
from workstation.store.calling.card import record_card
from workstation.store.calling.queues import queue_count, queue_page
from workstation.store.imports.leads import import_leads
from workstation.store.lifecycle.known_people import is_customer_account
from workstation.store.models import Account, Contact, History, Lead, Opportunity


def _known(engine, *, open_opportunity: bool):
    with Session(engine) as session:
        seller = make_rep(session, "Opportunity Owner")
        keeper = make_rep(session, "Contact Owner")
        acme = add(session, Account(name="Acme", domain="acme.com", owner_id=keeper.id))
        jane = add(
            session,
            Contact(
                account_id=acme.id,
                first_name="Jane",
                last_name="Doe",
                email="jane@acme.com",
                phone="+14155550100",
                owner_id=keeper.id,
            ),
        )
        stage = "Proposal" if open_opportunity else "Closed Lost"
        opportunity = add(
            session,
            Opportunity(
                account_id=acme.id,
                name="Acme – Deal",
                stage=stage,
                is_closed=not open_opportunity,
                close_date=date(2027, 3, 31),
                owner_id=seller.id,
            ),
        )
        session.commit()
        return seller.id, keeper.id, jane.id, opportunity.id


def _import(engine, tmp_path, rows: str, **options):
    source = tmp_path / "list.csv"
    source.write_text("FirstName,LastName,Company,Email,Phone\n" + rows, encoding="utf-8")
    return import_leads(engine, source, **options)


def test_a_listed_contact_with_an_open_opportunity_becomes_a_lead_for_its_owner(engine, tmp_path):
    seller, _, jane, opportunity = _known(engine, open_opportunity=True)
    summary = _import(
        engine, tmp_path, "Jane,Doe,Acme,JANE@acme.com,\nNew,Person,Acme,new@x.org,\n"
    )
    assert summary.created == 2
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Contact)).scalar() == 1
        lead = session.execute(select(Lead).where(Lead.contact_id == jane)).scalar_one()
        assert (lead.status, lead.owner_id, lead.is_open, lead.first_name) == (
            "Contact – Current Opportunity",
            seller,
            False,
            "Jane",
        )
        assert session.get(Contact, jane).version == 1  # not merged into
        # Reps do not call it: it is in no calling queue of its owner.
        assert queue_count(session, "my-leads", rep_id=seller) == 0
        reasons = session.execute(
            select(History.field, History.new_value, History.reason).where(
                History.entity == "lead", History.entity_id == lead.id
            )
        ).all()
        assert {(f, v) for f, v, _ in reasons} == {
            ("status", "Contact – Current Opportunity"),
            ("owner_id", str(seller)),
        }
        assert all(f"open opportunity {opportunity}" in r for _, _, r in reasons)
    again = _import(engine, tmp_path, "Jane,Doe,Acme,jane@acme.com,+1 415 555 0100\n")
    assert (again.created, again.updated) == (0, 1)  # fills the linked lead's phone


def test_a_listed_contact_without_an_open_opportunity_goes_to_the_contacts_owner(engine, tmp_path):
    _, keeper, jane, _ = _known(engine, open_opportunity=False)
    _import(engine, tmp_path, "J.,Doe,Acme,,(415) 555-0100\n")
    with Session(engine) as session:
        lead = session.execute(select(Lead).where(Lead.contact_id == jane)).scalar_one()
        assert (lead.status, lead.owner_id, lead.is_open) == (
            "Contact – No Opportunity",
            keeper,
            True,
        )
        assert lead.assigned_at is not None
        assert queue_count(session, "my-leads", rep_id=keeper) == 1


def test_a_dry_run_counts_the_linked_lead_and_writes_nothing(engine, tmp_path):
    _known(engine, open_opportunity=True)
    summary = _import(engine, tmp_path, "Jane,Doe,Acme,jane@acme.com,\n", dry_run=True)
    assert summary.created == 1
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Lead)).scalar() == 0


def _won(engine, cents: int, domain: str) -> int:
    with Session(engine) as session:
        account = add(session, Account(name=domain, domain=domain))
        add(
            session,
            Opportunity(
                account_id=account.id,
                name="Won",
                stage="Closed Won",
                is_closed=True,
                amount_cents=cents,
                close_date=date(2026, 6, 30),
            ),
        )
        session.commit()
        return account.id


def test_a_customer_is_an_account_with_a_won_opportunity_of_at_least_a_dollar(engine):
    paid, free = _won(engine, 100, "paid.com"), _won(engine, 99, "free.com")
    with engine.connect() as connection:
        assert is_customer_account(connection, paid)
        assert not is_customer_account(connection, free)


def test_leads_from_a_customers_domain_are_customer_inquiries(engine, tmp_path):
    paid = _won(engine, 100_000, "paid.com")
    _won(engine, 0, "free.com")
    _import(
        engine,
        tmp_path,
        "Ann,Lee,Paid,ann@PAID.com,\nBo,Ray,Free,bo@free.com,\nCy,Fox,Mail,cy@gmail.com,\n",
    )
    with Session(engine) as session:
        flags = dict(session.execute(select(Lead.first_name, Lead.existing_account_id)).all())
        assert flags == {"Ann": paid, "Bo": None, "Cy": None}
        ann = session.execute(select(Lead.id).where(Lead.first_name == "Ann")).scalar_one()
        marked = {
            r.name: r.is_customer_inquiry for r in queue_page(session, "pool", rep_id=None).rows
        }
        card = record_card(session, "lead", ann)
    assert marked == {"Ann Lee": True, "Bo Ray": False, "Cy Fox": False}
    assert card.fields[0] == ("★", "customer inquiry: from paid.com")


def test_a_reps_import_leaves_a_lead_for_another_rep_in_the_pool(engine, tmp_path):
    _, keeper, jane, _ = _known(engine, open_opportunity=False)
    with Session(engine) as session:
        importer = make_rep(session, "Importing Rep").id
        session.commit()
    _import(engine, tmp_path, "Jane,Doe,Acme,jane@acme.com,\n", acting_rep_id=importer)
    with Session(engine) as session:
        lead = session.execute(select(Lead).where(Lead.contact_id == jane)).scalar_one()
        assert (lead.status, lead.owner_id) == ("Contact – No Opportunity", None)
        (reason,) = session.execute(
            select(History.reason).where(History.entity_id == lead.id, History.field == "status")
        ).scalars()
    assert f"rep #{keeper}" in reason and "in the pool" in reason
