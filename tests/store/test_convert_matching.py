"""Duplicate matching for conversion: accounts by domain and fuzzy name, contacts of an
account by email, then phone, then name; every match says why."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.convert_factories import add
from tests.factories import make_lead
from workstation.store.conversion.matching import (
    account_matches,
    contact_matches,
    core_name,
    normalise_company,
)
from workstation.store.models import Account, Contact


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("Acme", "acme"),
        ("Acme, Inc.", "acme"),
        ("ACME Corp", "acme"),
        ("The Acme Company", "acme"),
        ("Acme Widgets GmbH", "acme widgets"),
        ("Co", "co"),  # a suffix alone is a name
    ],
)
def test_company_names_lose_case_punctuation_and_legal_suffixes(name, normal):
    assert normalise_company(name) == normal


def test_core_name_keeps_the_spelling_for_the_index():
    assert core_name("The Acme Widgets, Inc.") == "Acme Widgets"


def _accounts(session, *names, **values):
    return [add(session, Account(name=name, **values)) for name in names]


def test_fuzzy_names_match_and_say_why(engine):
    with Session(engine) as session:
        inc, corp, _widgets, _acmeon = _accounts(
            session, "Acme, Inc.", "ACME Corp", "Acme Widgets Ltd", "Acmeon Systems"
        )
        lead = make_lead(session, company="Acme")
        matches = account_matches(session, lead)
    assert {m.id for m in matches} == {inc.id, corp.id}
    assert all(m.strong for m in matches)
    assert any("“Acme, Inc.” ≈ “Acme”" in reason for m in matches for reason in m.reasons)


def test_email_domain_beats_a_name_and_free_mail_is_ignored(engine):
    with Session(engine) as session:
        by_domain, by_name = _accounts(session, "Totally Different", "Acme")
        by_domain.domain = "acme.io"
        gmail = add(session, Account(name="Gmail Users", domain="gmail.com"))
        lead = make_lead(session, company="Acme", email="ann@acme.io")
        free = make_lead(session, company="Nobody Ltd", email="ann@gmail.com")
        matches = account_matches(session, lead)
        free_matches = account_matches(session, free)
    assert [m.id for m in matches] == [by_domain.id, by_name.id]
    assert matches[0].reasons == ("email domain acme.io",)
    assert gmail.id not in {m.id for m in free_matches}


def test_website_domain_and_customer_inquiry_match(engine):
    with Session(engine) as session:
        site, customer = _accounts(session, "Site Co", "Customer Co")
        site.domain = "initech.example"
        lead = make_lead(
            session,
            company="Zzz",
            website="https://www.initech.example/about",
            existing_account_id=customer.id,
        )
        matches = account_matches(session, lead)
    assert [m.id for m in matches] == [customer.id, site.id]
    assert matches[0].reasons == ("the lead is an inquiry from this customer account",)
    assert matches[1].reasons == ("website domain initech.example",)


def test_a_close_spelling_is_found_through_the_first_word(engine):
    with Session(engine) as session:
        (account,) = _accounts(session, "Acme Widget Co")
        # An inactive exact namesake is skipped, so the first word finds the close one.
        add(session, Account(name="Acme Widgets", active=False))
        lead = make_lead(session, company="Acme Widgets")
        matches = account_matches(session, lead)
    assert [m.id for m in matches] == [account.id]
    assert matches[0].reasons[0].startswith("name 9")  # "name 96% alike: …"


def test_a_weak_name_match_is_shown_but_not_attached_by_default(engine):
    with Session(engine) as session:
        (account,) = _accounts(session, "Acme Widgetz Holdings")
        lead = make_lead(session, company="Acme Widgets Holding")
        (match,) = account_matches(session, lead)
    assert match.id == account.id
    assert not match.strong


def test_contacts_match_by_email_then_phone_then_name(engine):
    with Session(engine) as session:
        (account,) = _accounts(session, "Acme")
        (elsewhere,) = _accounts(session, "Elsewhere")

        def contact(**values):
            return add(session, Contact(account_id=account.id, **values))

        by_name = contact(first_name="Robert", last_name="Doe")
        by_phone = contact(first_name="X", last_name="Y", phone="+14155550100")
        by_email = contact(first_name="A", last_name="B", email="BOB@acme.com")
        contact(first_name="Bob", last_name="Other")
        add(session, Contact(account_id=elsewhere.id, email="bob@acme.com", last_name="Doe"))
        lead = make_lead(
            session, first_name="Rob", last_name="Doe", email="bob@acme.com", phone="+14155550100"
        )
        matches = contact_matches(session, lead, account.id)
    assert [m.id for m in matches] == [by_email.id, by_phone.id, by_name.id]
    assert [m.rank for m in matches] == [0, 1, 2]
    assert matches[0].reasons == ("same email BOB@acme.com",)
    assert matches[2].reasons == ("same name",)
