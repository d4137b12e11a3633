"""The record holds what CRMs hold: street, city and postal code (beside state and country)
on leads, contacts (mailing) and accounts (billing); mobile phone and extension; the
lead's description; the account type. Each arrives through a CSV import and `import
--salesforce` (files written here in the real shapes: a BOM, every cell quoted, CRLF, the
compound address JSON), is carried by conversion, leaves in exports under Salesforce's
names and comes back in when our own export is imported. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from tests.factories import NOW, make_lead, make_rep
from workstation.store.conversion.convert import convert_lead
from workstation.store.conversion.rules import NEW, ConversionChoices
from workstation.store.db import make_engine
from workstation.store.exports.stream import export_records
from workstation.store.imports.leads import import_leads
from workstation.store.imports.salesforce.importer import import_salesforce
from workstation.store.models import Account, Contact, Lead


def _address(**parts: str | None) -> str:
    """A compound address as Salesforce writes one."""
    whole = {"city": None, "country": None, "geocodeAccuracy": None, "latitude": None,
             "longitude": None, "postalCode": None, "state": None, "street": None}  # fmt: skip
    return json.dumps(whole | parts, separators=(",", ":"))


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    """Every cell quoted, CRLF, a BOM: how Salesforce and Excel write them."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return path


HEADER = ["First Name", "Last Name", "Company", "Email", "Phone", "Mobile", "Address", "City",
          "Zip", "State", "Country", "Description", "Account Type"]  # fmt: skip
ANN = ["Ann", "Lee", "Acme", "ann@acme.com", "(415) 555-0134 x972", "(415) 555-0199",
       _address(street="1 Main St\nSuite 5", city="San Francisco", postalCode="94105",
                state="CA", country="US"),
       "", "", "", "", "Wants a demo.\nCall after 3pm.", "Prospect"]  # fmt: skip
BOB = ["Bob", "Ray", "Tea Co", "", "12345", "+44 7911 123456", "10 Downing St", "London",
       "SW1A 2AA", "", "United Kingdom", "", ""]  # fmt: skip
CY = ["Cy", "Park", "Widgets", "cy@widgets.io", "212-555-0134 ext. 12", "",
      _address(street="5 Elm St", city="New York", postalCode="10001", state="NY"),
      "Brooklyn", "", "", "", "", ""]  # fmt: skip
DEE = ["Dee", "Fox", "Gadgets", "dee@gadgets.io", "+1 212 555 0177 #972", "", "", "", "", "",
       "", "", ""]  # fmt: skip


def _leads(engine) -> dict[str, Lead]:
    with Session(engine) as session:
        return {lead.last_name: lead for lead in session.execute(select(Lead)).scalars()}


def test_a_csv_import_fills_every_record_field(engine, tmp_path):
    source = _write_csv(tmp_path / "leads.csv", [HEADER, ANN, BOB, CY, DEE])
    errors = tmp_path / "errors.csv"
    summary = import_leads(engine, source, errors_path=errors)

    assert (summary.created, summary.rejected, summary.kept_without_bad_values) == (4, 0, 1)
    assert summary.unmapped == ()
    assert summary.columns["Mobile"] == "MobilePhone"
    assert summary.columns["Account Type"] == "AccountType"
    leads = _leads(engine)
    ann = leads["Lee"]
    assert (ann.phone, ann.phone_extension, ann.mobile_phone) == (
        "+14155550134",
        "972",
        "+14155550199",
    )
    assert (ann.street, ann.city, ann.postal_code, ann.state, ann.country) == (
        "1 Main St Suite 5",
        "San Francisco",
        "94105",
        "CA",
        "US",
    )
    assert ann.time_zone == "America/Los_Angeles"
    assert ann.description == "Wants a demo.\nCall after 3pm."
    assert ann.account_type == "Prospect"
    # The main phone is no number: the mobile is kept, and is the number to call.
    bob = leads["Ray"]
    assert (bob.phone, bob.mobile_phone, bob.phone_extension) == (
        "+447911123456",
        "+447911123456",
        None,
    )
    assert (bob.street, bob.city, bob.postal_code, bob.country) == (
        "10 Downing St",
        "London",
        "SW1A 2AA",
        "GB",
    )
    reasons = errors.read_text(encoding="utf-8")
    assert "kept without its phone (column 5 (Phone): phone '12345'" in reasons
    cy = leads["Park"]  # the row's own City wins over the compound address's
    assert (cy.street, cy.city, cy.postal_code, cy.state) == ("5 Elm St", "Brooklyn", "10001", "NY")
    assert (cy.phone, cy.phone_extension) == ("+12125550134", "12")
    dee = leads["Fox"]
    assert (dee.phone, dee.phone_extension, dee.street) == ("+12125550177", "972", None)
    assert all(lead.street is None or "{" not in lead.street for lead in leads.values())


def test_a_compound_address_never_overwrites_a_street(engine, tmp_path):
    clean = _write_csv(
        tmp_path / "clean.csv",
        [["LastName", "Company", "Email", "Street", "City"],
         ["Lee", "Acme", "ann@acme.com", "1 Main St", "Austin"]],
    )  # fmt: skip
    import_leads(engine, clean, errors_path=tmp_path / "errors.csv")
    with Session(engine) as session:  # an earlier version stored the JSON as the street
        make_lead(session, last_name="Old", email="old@acme.com", street=_address(street="9 Oak"))
        session.commit()
    compound = _write_csv(
        tmp_path / "compound.csv",
        [["LastName", "Company", "Email", "Address"],
         ["Lee", "Acme", "ann@acme.com", _address(street="77 Other Rd", city="Dallas",
                                                  postalCode="75201")],
         ["Old", "Acme", "old@acme.com", _address(street="9 Oak Ave", city="Reno")]],
    )  # fmt: skip
    summary = import_leads(engine, compound, errors_path=tmp_path / "errors.csv")

    assert (summary.created, summary.updated) == (0, 2)
    leads = _leads(engine)
    assert (leads["Lee"].street, leads["Lee"].city, leads["Lee"].postal_code) == (
        "1 Main St",
        "Austin",
        "75201",  # only what was empty is filled
    )
    assert (leads["Old"].street, leads["Old"].city) == ("9 Oak Ave", "Reno")


def _write_export(directory: Path, name: str, rows: list[dict[str, str]]) -> None:
    header = list(rows[0])
    _write_csv(directory / f"{name}.csv", [header, *([row[k] for k in header] for row in rows)])


def _salesforce_export(directory: Path) -> Path:
    _write_export(directory, "Account", [
        {"Id": "001A", "Name": "Acme", "Type": "Customer - Direct", "BillingStreet": "",
         "BillingCity": "", "BillingState": "", "BillingPostalCode": "", "BillingCountry": "",
         "BillingAddress": _address(street="1 Market St", city="San Francisco",
                                    postalCode="94105", state="CA", country="United States"),
         "Phone": "(415) 555-0100"},
    ])  # fmt: skip
    _write_export(directory, "Contact", [
        {"Id": "003C", "AccountId": "001A", "FirstName": "Jo", "LastName": "Doe",
         "Email": "jo@acme.com", "Phone": "(415) 555-0101 ext. 44",
         "MobilePhone": "(415) 555-0102", "MailingStreet": "2 Pine St", "MailingCity": "",
         "MailingState": "", "MailingPostalCode": "", "MailingCountry": "",
         "MailingAddress": _address(street="2 Pine St", city="Oakland", postalCode="94612",
                                    state="CA", country="US"),
         "Description": "Met at the fair.\r\nPrefers email."},
    ])  # fmt: skip
    _write_export(directory, "Lead", [
        {"Id": "00QA", "FirstName": "Max", "LastName": "Roe", "Company": "Roe Ltd",
         "Email": "", "Phone": "", "MobilePhone": "(212) 555-0188", "Street": "",
         "City": "", "State": "", "PostalCode": "", "Country": "",
         "Address": _address(street="3 Bay Rd", city="Austin", postalCode="78701",
                             state="TX", country="US"),
         "Description": "Asked for pricing.", "Status": "Open - Not Contacted",
         "IsConverted": "false"},
    ])  # fmt: skip
    return directory


def test_a_salesforce_export_fills_every_record_field(engine, tmp_path):
    import_salesforce(engine, _salesforce_export(tmp_path), now=NOW)
    with Session(engine) as session:
        account = session.execute(select(Account)).scalar_one()
        contact = session.execute(select(Contact)).scalar_one()
        lead = session.execute(select(Lead)).scalar_one()
    assert account.account_type == "Customer - Direct"
    assert (account.street, account.city, account.postal_code, account.state, account.country) == (
        "1 Market St",
        "San Francisco",
        "94105",
        "CA",
        "US",
    )
    assert (contact.phone, contact.phone_extension, contact.mobile_phone) == (
        "+14155550101",
        "44",
        "+14155550102",
    )
    assert (contact.street, contact.city, contact.postal_code, contact.state) == (
        "2 Pine St",
        "Oakland",
        "94612",
        "CA",
    )
    assert contact.description == "Met at the fair.\nPrefers email."
    # Phoneless but for the mobile: reachable on it, and it is kept as the mobile.
    assert (lead.phone, lead.mobile_phone) == ("+12125550188", "+12125550188")
    assert (lead.street, lead.city, lead.postal_code, lead.state, lead.country) == (
        "3 Bay Rd",
        "Austin",
        "78701",
        "TX",
        "US",
    )
    assert lead.description == "Asked for pricing."


def test_conversion_carries_the_fields_to_the_account_and_the_contact(engine, tmp_path):
    import_leads(engine, _write_csv(tmp_path / "leads.csv", [HEADER, ANN, DEE]))
    with Session(engine) as session:
        manager = make_rep(session, role="manager").id
        session.commit()
    leads = _leads(engine)
    new = ConversionChoices(account=NEW, contact=NEW)
    ann = convert_lead(engine, lead_id=leads["Lee"].id, choices=new, rep_id=manager, at=NOW)
    dee = convert_lead(engine, lead_id=leads["Fox"].id, choices=new, rep_id=manager, at=NOW)
    with Session(engine) as session:
        account = session.get(Account, ann.account_id)
        contact = session.get(Contact, ann.contact_id)
        assert (account.street, account.city, account.postal_code, account.state) == (
            "1 Main St Suite 5",
            "San Francisco",
            "94105",
            "CA",
        )
        assert (account.country, account.account_type) == ("US", "Prospect")
        assert (contact.street, contact.city, contact.postal_code, contact.state) == (
            "1 Main St Suite 5",
            "San Francisco",
            "94105",
            "CA",
        )
        assert (contact.phone, contact.phone_extension, contact.mobile_phone) == (
            "+14155550134",
            "972",
            "+14155550199",
        )
        assert contact.description == "Wants a demo.\nCall after 3pm."
        assert session.get(Account, dee.account_id).account_type is None  # none was given


def _csv(engine, kind: str) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    export_records(engine, kind, out)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_exports_name_the_fields_as_salesforce_does(engine, tmp_path):
    import_salesforce(engine, _salesforce_export(tmp_path), now=NOW)
    (lead,) = _csv(engine, "leads")
    assert {k: lead[k] for k in ("Street", "City", "PostalCode", "MobilePhone", "Description")} == {
        "Street": "3 Bay Rd",
        "City": "Austin",
        "PostalCode": "78701",
        "MobilePhone": "+12125550188",
        "Description": "Asked for pricing.",
    }
    (contact,) = _csv(engine, "contacts")
    assert {k: contact[k] for k in ("MailingStreet", "MailingCity", "MailingPostalCode",
                                    "MobilePhone", "PhoneExtension", "Description")} == {
        "MailingStreet": "2 Pine St",
        "MailingCity": "Oakland",
        "MailingPostalCode": "94612",
        "MobilePhone": "+14155550102",
        "PhoneExtension": "44",
        "Description": "Met at the fair.\nPrefers email.",
    }  # fmt: skip
    (account,) = _csv(engine, "accounts")
    assert {k: account[k] for k in ("BillingStreet", "BillingCity", "BillingPostalCode",
                                    "Type")} == {
        "BillingStreet": "1 Market St",
        "BillingCity": "San Francisco",
        "BillingPostalCode": "94105",
        "Type": "Customer - Direct",
    }  # fmt: skip


FIELDS = ("phone", "phone_extension", "mobile_phone", "street", "city", "postal_code", "state",
          "country", "description", "account_type")  # fmt: skip


def test_our_own_export_imports_back_whole(engine, tmp_path, migrated_template):
    import_leads(engine, _write_csv(tmp_path / "leads.csv", [HEADER, ANN, BOB, CY, DEE]))
    exported = tmp_path / "export.csv"
    with exported.open("w", encoding="utf-8", newline="") as file:
        export_records(engine, "leads", file)
    copy = tmp_path / "copy.db"
    shutil.copyfile(migrated_template, copy)
    other = make_engine(f"sqlite:///{copy}")
    try:
        summary = import_leads(other, exported, errors_path=tmp_path / "errors.csv")
        assert (summary.created, summary.rejected) == (4, 0)
        read = set(summary.columns.values())
        assert read >= {"Phone", "PhoneExtension", "MobilePhone", "Street", "City", "PostalCode",
                        "State", "Country", "Description", "AccountType"}  # fmt: skip
        before, after = _leads(engine), _leads(other)
    finally:
        other.dispose()
    for name, lead in before.items():
        assert {f: getattr(after[name], f) for f in FIELDS} == {
            f: getattr(lead, f) for f in FIELDS
        }, name
