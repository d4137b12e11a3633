"""Files in the shape of other CRMs' own exports import whole: Close (a lead is a company,
its person under `primary_contact_…`, addresses under `address_1_…`), Copper's People
export and LinkedIn Sales Navigator lead lists (as the export tools people use write
them). Each file is written as the tool writes it (snake_case or Title Case headers,
every cell quoted, a BOM, CRLF); nothing reachable is lost, and every column we have no
field for is reported with the count of its values."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from workstation.store.imports.leads import import_leads
from workstation.store.models import Lead

# Close's lead export (type "leads", one row per lead), its columns as Close writes them.
CLOSE = {
    "id": "lead_1",
    "display_name": "Bluth Company",
    "name": "Bluth Company",
    "description": "Frozen bananas; asked for a demo",
    "url": "https://bluth.example",
    "status_id": "stat_1",
    "status_label": "Potential",
    "primary_contact_name": "George Bluth",
    "primary_contact_title": "CEO",
    "primary_contact_primary_phone": "+1 949 555 0100",
    "primary_contact_primary_phone_type": "office",
    "primary_contact_other_phones": "",
    "primary_contact_primary_email": "george@bluth.example",
    "primary_contact_primary_email_type": "office",
    "primary_contact_other_emails": "",
    "primary_contact_primary_url": "",
    "primary_contact_other_urls": "",
    "address_1_address_1": "1 Ocean Ave",
    "address_1_address_2": "Suite 5",
    "address_1_city": "Newport Beach",
    "address_1_state": "CA",
    "address_1_zip": "92660",
    "address_1_country": "US",
    "created_by_name": "Ann Rep",
    "date_created": "2024-01-19 09:42:24.123000+00:00",
    "html_url": "https://app.close.com/lead/lead_1/",
    "custom.Fleet Size": "12",
}
# Copper's People export.
COPPER = {
    "First Name": "Lucille", "Last Name": "Austero", "Title": "Buyer",
    "Company": "Austero Holdings", "Email": "", "Work Phone": "(212) 555-0142",
    "Mobile Phone": "(917) 555-0199", "Street": "2 Park Ave", "City": "New York",
    "State": "NY", "Postal Code": "10016", "Country": "United States",
    "Tags": "trade show, 2024", "Contact Type": "Potential Customer",
    "Work Website": "austero.example",
}  # fmt: skip
# A LinkedIn Sales Navigator lead list as the export tools write it (Sales Navigator has
# no CSV export of its own for leads; Evaboot, PhantomBuster and the like write these).
SALES_NAVIGATOR = {
    "First Name": "Tobias", "Last Name": "Fünke", "Title": "Analyst",
    "Company": "Fünke Therapy", "Company Website": "https://funke.example",
    "Company URL": "https://www.linkedin.com/company/funke", "Geography": "Austin, Texas",
    "Profile URL": "https://www.linkedin.com/sales/lead/ACwAA", "Industry": "Mental Health Care",
    "Company Industry": "Hospitals", "Company Headcount": "11-50", "Email": "tobias@funke.example",
    "Phone": "",
}  # fmt: skip


def _write(path: Path, row: dict[str, str]) -> Path:
    text = io.StringIO()
    writer = csv.DictWriter(text, list(row), quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(row)
    path.write_text("\ufeff" + text.getvalue(), encoding="utf-8", newline="")
    return path


def _lead(engine) -> Lead:
    with Session(engine) as session:
        (lead,) = session.execute(select(Lead)).scalars()
        session.expunge(lead)
        return lead


def test_a_close_lead_export_gives_the_company_its_person_and_address(sqlite_engine, tmp_path):
    summary = import_leads(sqlite_engine, _write(tmp_path / "close.csv", CLOSE))
    assert (summary.created, summary.rejected) == (1, 0)
    lead = _lead(sqlite_engine)
    assert (lead.first_name, lead.last_name, lead.title) == ("George", "Bluth", "CEO")
    assert lead.company == "Bluth Company"  # a Close lead is a company
    assert (lead.phone, lead.email) == ("+19495550100", "george@bluth.example")
    assert (lead.street, lead.city, lead.state, lead.postal_code, lead.country) == (
        "1 Ocean Ave", "Newport Beach", "CA", "92660", "US",
    )  # fmt: skip
    assert lead.website == "https://bluth.example"
    assert lead.description == "Frozen bananas; asked for a demo"
    assert lead.source_status == "Potential"  # status_label: none of ours, kept
    assert summary.ignored_values == {
        "id": 1, "status_id": 1, "primary_contact_primary_phone_type": 1,
        "primary_contact_primary_email_type": 1, "created_by_name": 1, "date_created": 1,
        "html_url": 1, "custom.Fleet Size": 1, "address_1_address_2": 1,
    }  # fmt: skip


def test_a_close_contacts_export_names_the_person_and_the_lead_its_company(sqlite_engine, tmp_path):
    # Close's "contacts" export: one row per contact, the lead's name beside the contact's.
    row = {"lead_id": "lead_1", "lead_name": "Bluth Company", "name": "George Bluth",
           "title": "CEO", "primary_phone": "+1 949 555 0100",
           "primary_email": "george@bluth.example"}  # fmt: skip
    summary = import_leads(sqlite_engine, _write(tmp_path / "contacts.csv", row))
    assert (summary.created, summary.rejected) == (1, 0)
    lead = _lead(sqlite_engine)
    assert (lead.first_name, lead.last_name, lead.company) == ("George", "Bluth", "Bluth Company")
    assert summary.ignored_values == {"lead_id": 1}


def test_a_copper_people_export_keeps_both_phones_and_the_contact_type(sqlite_engine, tmp_path):
    summary = import_leads(sqlite_engine, _write(tmp_path / "copper.csv", COPPER))
    assert (summary.created, summary.rejected) == (1, 0)
    lead = _lead(sqlite_engine)
    assert (lead.phone, lead.mobile_phone) == ("+12125550142", "+19175550199")
    assert (lead.street, lead.city, lead.state, lead.postal_code) == (
        "2 Park Ave", "New York", "NY", "10016",
    )  # fmt: skip
    assert lead.country == "US" and lead.company == "Austero Holdings"
    assert lead.account_type == "Potential Customer" and lead.website == "austero.example"
    assert summary.ignored_values == {"Tags": 1}


def test_a_sales_navigator_lead_list_keeps_what_it_can_and_reports_the_rest(
    sqlite_engine, tmp_path
):
    summary = import_leads(sqlite_engine, _write(tmp_path / "salesnav.csv", SALES_NAVIGATOR))
    assert (summary.created, summary.rejected) == (1, 0)
    lead = _lead(sqlite_engine)
    assert (lead.first_name, lead.last_name, lead.company) == ("Tobias", "Fünke", "Fünke Therapy")
    assert lead.website == "https://funke.example"  # the company's site before its page
    assert lead.industry == "Mental Health Care"  # the person's before the company's
    assert lead.email == "tobias@funke.example"
    assert (lead.city, lead.state, lead.country) == ("Austin", "TX", "US")  # its Geography
    assert lead.time_zone == "America/Chicago"
    assert summary.ignored_values == {"Profile URL": 1, "Company Headcount": 1}
