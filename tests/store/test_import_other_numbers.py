"""Every phone and email a row carries is kept: the best of each is the lead's Phone and
Email, a mobile its MobilePhone, and the others a line of its Description ("Other phones:
…; Other emails: …"), read as the main ones are but never rewritten into another number
(one that cannot be read is kept as written). A second run changes nothing. Files in the
shape their tools write them: a BOM, CRLF, every cell quoted."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from tests.store.test_import_other_crms import CLOSE
from workstation.store.imports.columns import match_columns
from workstation.store.imports.leads import import_leads
from workstation.store.models import Lead


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    text = io.StringIO()
    writer = csv.DictWriter(text, list(rows[0]), quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text("\ufeff" + text.getvalue(), encoding="utf-8", newline="")
    return path


def _leads(engine) -> dict[str, Lead]:
    with Session(engine) as session:
        leads = session.execute(select(Lead)).scalars().all()
        for lead in leads:
            session.expunge(lead)
        return {lead.last_name: lead for lead in leads}


def test_a_close_lead_keeps_its_other_phones_emails_and_second_contact(sqlite_engine, tmp_path):
    row = CLOSE | {
        "primary_contact_other_phones": "+61 8 9222 3333, +1 949 555 0101",
        "primary_contact_other_emails": "gb@bluth.example; george@bluth.example",
        "primary_contact_phone_2": "(033) 452-1299",  # no US number: kept as written
        "contact_2_name": "Lucille Bluth",
        "contact_2_primary_phone": "+44 20 7946 0000",
        "contact_2_primary_email": "lucille@bluth.example",
    }
    path = _write(tmp_path / "close.csv", [row])
    summary = import_leads(sqlite_engine, path)
    assert (summary.created, summary.rejected) == (1, 0)
    lead = _leads(sqlite_engine)["Bluth"]
    assert (lead.phone, lead.email) == ("+19495550100", "george@bluth.example")
    assert lead.description == (
        "Frozen bananas; asked for a demo\n"
        "Other phones: (033) 452-1299; +61 8 9222 3333; +1 949-555-0101; +44 20 7946 0000\n"
        "Other emails: gb@bluth.example; lucille@bluth.example"
    )
    assert "primary_contact_other_phones" not in summary.ignored_values
    assert summary.ignored_values["contact_2_name"] == 1  # a name we have no field for
    again = import_leads(sqlite_engine, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert _leads(sqlite_engine)["Bluth"].description == lead.description


def test_numbered_and_mobile_columns_all_land(sqlite_engine, tmp_path):
    rows = [
        {"First Name": "Ann", "Last Name": "Perth", "Company": "Outback Pty",
         "phone1": "+61 8 9222 3333", "phone2": "(08) 9222 4444", "Mobile": "0412 345 678",
         "Mobile 2": "0412 345 679", "Email 1": "ann@outback.example",
         "Email 2": "ANN@OUTBACK.EXAMPLE", "Email 3": "ann.perth@home.example",
         "Country": "Australia", "Notes": ""},
        {"First Name": "Bo", "Last Name": "Only", "Company": "Mono", "phone1": "",
         "phone2": "", "Mobile": "0412 000 111", "Mobile 2": "", "Email 1": "",
         "Email 2": "", "Email 3": "", "Country": "AU", "Notes": "called twice"},
    ]  # fmt: skip
    summary = import_leads(sqlite_engine, _write(tmp_path / "list.csv", rows))
    assert (summary.created, summary.rejected) == (2, 0)
    ann, bo = _leads(sqlite_engine)["Perth"], _leads(sqlite_engine)["Only"]
    assert (ann.phone, ann.mobile_phone) == ("+61892223333", "+61412345678")
    assert ann.email == "ann@outback.example"
    assert ann.description == (
        "Other phones: +61 8 9222 4444; +61 412 345 679\nOther emails: ann.perth@home.example"
    )
    assert (bo.phone, bo.mobile_phone, bo.description) == (
        "+61412000111", "+61412000111", "called twice",
    )  # fmt: skip


def test_a_number_already_in_the_description_is_not_written_twice(sqlite_engine, tmp_path):
    row = {"Last Name": "Ray", "Company": "Acme", "Phone": "+1 617 555 0100",
           "Phone 2": "+1 617 555 0101",
           "Description": "Inquiry\nOther phones: +1 617-555-0101"}  # fmt: skip
    import_leads(sqlite_engine, _write(tmp_path / "ray.csv", [row]))
    assert _leads(sqlite_engine)["Ray"].description == "Inquiry\nOther phones: +1 617-555-0101"


def test_list_columns_of_other_numbers_are_recognised():
    header = ["Name", "primary_contact_other_phones", "Other Emails",
              "contact_2_primary_phone", "Contact 2 Email", "contact_2_title"]  # fmt: skip
    plan = match_columns(header)
    fed = {name: [plan.header[i] for i in indexes] for name, indexes in plan.columns}
    assert fed["other_phones"] == ["primary_contact_other_phones", "contact_2_primary_phone"]
    assert fed["other_emails"] == ["Other Emails", "Contact 2 Email"]
    assert plan.unmapped == ("contact_2_title",)


def test_a_close_leads_other_addresses_are_kept(sqlite_engine, tmp_path):
    row = CLOSE | {
        "address_2_address_1": "2 Park Ave", "address_2_address_2": "",
        "address_2_city": "New York",
        "address_2_state": "NY", "address_2_zip": "10016", "address_2_country": "US",
        "address_3_address_1": "", "address_3_city": "Austin", "address_3_state": "TX",
    }  # fmt: skip
    path = _write(tmp_path / "close.csv", [row])
    import_leads(sqlite_engine, path)
    lead = _leads(sqlite_engine)["Bluth"]
    assert (lead.street, lead.city, lead.state) == ("1 Ocean Ave", "Newport Beach", "CA")
    assert lead.description == (
        "Frozen bananas; asked for a demo\n"
        "Other addresses: 2 Park Ave, New York, NY, 10016, US; Austin, TX"
    )
    again = import_leads(sqlite_engine, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_second_address_fills_in_when_the_first_is_empty(sqlite_engine, tmp_path):
    row = {"display_name": "Acme", "primary_contact_name": "Ann Ray",
           "primary_contact_primary_email": "ann@acme.example", "address_1_city": "",
           "address_2_city": "Boston", "address_2_state": "MA"}  # fmt: skip
    import_leads(sqlite_engine, _write(tmp_path / "close.csv", [row]))
    lead = _leads(sqlite_engine)["Ray"]
    assert (lead.city, lead.state, lead.description) == ("Boston", "MA", None)


def test_a_salesforce_contacts_home_and_other_phones_are_kept(sqlite_engine, tmp_path):
    from workstation.store.imports.salesforce.importer import import_salesforce
    from workstation.store.models import Contact

    _write(tmp_path / "Contact.csv", [
        {"Id": "003C", "FirstName": "Jo", "LastName": "Doe", "Email": "jo@acme.com",
         "Phone": "(415) 555-0101", "MobilePhone": "(415) 555-0102",
         "HomePhone": "(415) 555-0103", "OtherPhone": "(415) 555-0101",
         "AssistantPhone": "+44 20 7946 0000", "MailingCountry": "United States",
         "Description": "Met at the fair."},
    ])  # fmt: skip
    import_salesforce(sqlite_engine, tmp_path)
    import_salesforce(sqlite_engine, tmp_path)
    with Session(sqlite_engine) as session:
        contact = session.execute(select(Contact)).scalar_one()
    assert (contact.phone, contact.mobile_phone) == ("+14155550101", "+14155550102")
    assert contact.description == (
        "Met at the fair.\nOther phones: +1 415-555-0103; +44 20 7946 0000"
    )
