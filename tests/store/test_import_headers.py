"""Headers of the exports people actually have map onto our fields: numbered and
qualified phone and email columns, report exports' "Object: Field" headers, and the
other CRMs' names. Several columns for one field are tried best first (direct before
switchboard, work before home, 1 before 2)."""

from __future__ import annotations

import pytest

from workstation.store.imports.columns import match_columns


def _fed(header: list[str]) -> dict[str, list[str]]:
    plan = match_columns(header)
    return {name: [plan.header[i] for i in indexes] for name, indexes in plan.columns}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["First Name", "Last Name", "Company", "phone1", "phone2", "email1", "email2"],
            {"phone": ["phone1", "phone2"], "email": ["email1", "email2"]},
        ),
        (
            ["Name", "Company", "Phone 2", "Phone 1", "Email 1", "Email 2"],
            {"phone": ["Phone 1", "Phone 2"], "email": ["Email 1", "Email 2"]},
        ),
        (
            ["first_name", "last_name", "account_name", "phone_home", "phone_work", "email_work"],
            {"phone": ["phone_work", "phone_home"], "email": ["email_work"],
             "company": ["account_name"]},
        ),
        (
            ["Contact: First Name", "Contact: Last Name", "Account: Account Name", "Contact: Phone",
             "Contact: Email", "Account: Billing City", "Contact: Mailing City"],
            {"first_name": ["Contact: First Name"], "last_name": ["Contact: Last Name"],
             "company": ["Account: Account Name"], "phone": ["Contact: Phone"],
             "email": ["Contact: Email"],
             "city": ["Contact: Mailing City", "Account: Billing City"]},
        ),
        (  # Pipedrive
            ["Person - Name", "Organization - Name", "Person - Phone - Work",
             "Person - Phone - Mobile", "Person - Email - Work"],
            {"full_name": ["Person - Name"], "company": ["Organization - Name"],
             "phone": ["Person - Phone - Work", "Person - Phone - Mobile"],
             "email": ["Person - Email - Work"]},
        ),
        (  # Apollo
            ["First Name", "Last Name", "Company", "Corporate Phone", "Mobile Phone",
             "Work Direct Phone", "Home Phone", "# Employees"],
            {"phone": ["Work Direct Phone", "Mobile Phone", "Home Phone", "Corporate Phone"],
             "employees": ["# Employees"]},
        ),
        (  # HubSpot
            ["First Name", "Last Name", "Company Name", "Phone Number", "Mobile Phone Number",
             "State/Region", "Country/Region", "Postal Code", "Job Title", "Website URL"],
            {"phone": ["Phone Number", "Mobile Phone Number"], "state": ["State/Region"],
             "country": ["Country/Region"], "postal_code": ["Postal Code"],
             "title": ["Job Title"], "website": ["Website URL"], "company": ["Company Name"]},
        ),
        (  # Zoho, Odoo
            ["Last Name", "Company", "Zip Code", "No. of Employees", "Designation", "Mobile",
             "postal"],
            {"postal_code": ["Zip Code", "postal"], "employees": ["No. of Employees"],
             "title": ["Designation"], "phone": ["Mobile"]},
        ),
        (  # Zoho's leads export: a second address is a second chance to reach the person
            ["First Name", "Last Name", "Company", "Email", "Secondary Email", "Lead Status"],
            {"email": ["Email", "Secondary Email"], "status": ["Lead Status"]},
        ),
        (  # Pipedrive's people export names the organisation under the person
            ["Person - Name", "Person - Organization", "Person - Email - Work"],
            {"full_name": ["Person - Name"], "company": ["Person - Organization"]},
        ),
        (  # Close's lead export: the lead is the company, its person named by prefix
            ["display_name", "name", "primary_contact_name", "primary_contact_primary_phone",
             "address_1_address_1", "address_2_address_1", "status_label"],
            {"company": ["name", "display_name"], "full_name": ["primary_contact_name"],
             "phone": ["primary_contact_primary_phone"],
             "street": ["address_1_address_1", "address_2_address_1"],
             "status": ["status_label"]},
        ),
        (  # Thunderbird's or Outlook's Display Name is a person's, without Close's prefix
            ["Display Name", "E-mail Address"],
            {"full_name": ["Display Name"], "email": ["E-mail Address"]},
        ),
    ],
)  # fmt: skip
def test_headers_people_have(header, expected):
    fed = _fed(header)
    for field, columns in expected.items():
        assert fed.get(field) == columns, field
    assert match_columns(header).unmapped == ()
