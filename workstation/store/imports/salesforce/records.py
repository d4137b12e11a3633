"""One record of a Salesforce export made into the values of one of our rows, object by
object, its Salesforce Id kept as `external_id` and its lookups (AccountId, WhoId …) turned
into our ids through the records imported before it.

Every record is kept: an email that is not valid, or a phone that is not a number, is
stored as written (and counted for the report) rather than dropped, since the org had it.
An address comes from its parts' columns (Street, City, State, PostalCode, Country; with
Mailing or Billing in front on a contact or an account), and where they are empty from the
compound column some tools export (Address, MailingAddress, BillingAddress), a JSON object
that is split, never stored as text. An extension written in a phone ("x972") is kept in
the record's own field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import phonenumbers

from workstation.store.imports.salesforce import ours
from workstation.store.imports.salesforce.values import (
    NotADate,
    Picklists,
    sf_cents,
    sf_date,
    sf_datetime,
    sf_flag,
)
from workstation.store.values.addresses import compound_address
from workstation.store.values.calling_window import known_zone, record_zone
from workstation.store.values.cleansing import BadValue, clean_email, clean_text, e164, parse_phone
from workstation.store.values.regions import country_code, region_code

Row = dict[str, str]
# A lead's or a contact's number: the direct line, else the mobile, else home or other.
PERSON_PHONES = ("Phone", "MobilePhone", "HomePhone", "OtherPhone")
Lookup = Callable[[str, str], int | None]  # (object name, Salesforce Id) → our id
_ADDRESS_COLUMNS = (
    ("street", "Street", 255),
    ("city", "City", 80),
    ("state", "State", 80),
    ("postal_code", "PostalCode", 20),
    ("country", "Country", 80),
)


class Values:
    """Cell cleaning shared by every object of one import, with what it had to keep."""

    def __init__(self, picklists: Picklists, region: str, lookup: Lookup, now: datetime) -> None:
        self.picklists, self.region, self.lookup, self.now = picklists, region, lookup, now
        self.kept: Counter[str] = Counter()  # values stored as written, by kind

    def text(self, row: Row, column: str, limit: int = 255) -> str | None:
        value = clean_text(row.get(column, ""))
        return value[:limit] if value else None

    def email(self, row: Row, column: str = "Email") -> str | None:
        written = row.get(column, "").strip()
        try:
            return clean_email(written)
        except BadValue:
            self.kept["emails that are not valid, stored as written"] += 1
            return written.lower()[:254]

    def address(self, row: Row, prefix: str, compound: str) -> dict[str, str | None]:
        """street, city, state, postal_code and country as stored, from the columns named
        `prefix` + Street, City … and, for what they leave empty, the compound column (or
        a Street cell holding one)."""
        parts = {
            name: self.text(row, prefix + column, limit) for name, column, limit in _ADDRESS_COLUMNS
        }
        whole = compound_address(row.get(compound, ""))
        written_street = row.get(prefix + "Street", "")
        if written_street.lstrip().startswith("{") and (inside := compound_address(written_street)):
            parts["street"], whole = None, inside
        if whole is not None:
            filled = False
            for name, _, limit in _ADDRESS_COLUMNS:
                given = getattr(whole, name)
                if given and not parts[name]:
                    parts[name], filled = given[:limit], True
            if filled:
                self.kept[f"{compound} values that filled address parts left empty"] += 1
        code = country_code(parts["country"])
        parts["state"] = region_code(parts["state"], code) or parts["state"]
        parts["country"] = code or parts["country"]
        return parts

    def phone(self, row: Row, column: str, country: str | None) -> str | None:
        """The phone as stored."""
        return self.number(row, column, country)[0]

    def number(self, row: Row, column: str, country: str | None) -> tuple[str | None, str | None]:
        """(The phone as stored, the extension written in it)."""
        written = clean_text(row.get(column, ""))
        if not written:
            return None, None
        region = country if country in phonenumbers.SUPPORTED_REGIONS else self.region
        try:
            number = parse_phone(written, region)
            assert number is not None  # `written` is not blank
            return e164(number), number.extension or None
        except BadValue:
            # Never rewritten into another number (a US number on a UK contact is not +44…)
            self.kept["phones that are not valid numbers where the record is, kept as written"] += 1
            return written[:32], None

    def first_phone(
        self, row: Row, columns: tuple[str, ...], country: str | None
    ) -> tuple[str | None, str | None]:
        """(The first of the columns' phones that is given (Phone, then MobilePhone …),
        its extension)."""
        for column in columns:
            if row.get(column, "").strip():
                return self.number(row, column, country)
        return None, None

    def description(self, row: Row) -> str | None:
        """The Description, its lines kept (cleaned as every cell is, `importer._read`)."""
        return row.get("Description") or None

    def moment(self, row: Row, column: str) -> datetime | None:
        """A time column's value; None (and counted for the report) when it is no time."""
        try:
            return sf_datetime(row.get(column, ""))
        except NotADate:
            self.kept[f"{column} values that are not dates, left empty"] += 1
            return None

    def day(self, row: Row, column: str) -> date | None:
        """A date column's value; None (and counted for the report) when it is no date."""
        try:
            return sf_date(row.get(column, ""))
        except NotADate:
            self.kept[f"{column} values that are not dates, left empty"] += 1
            return None

    def when(self, row: Row, column: str = "CreatedDate") -> datetime:
        return self.moment(row, column) or self.now


def campaign(values: Values, row: Row) -> dict[str, Any]:
    return dict(
        channel=values.picklists.source(row.get("Type", "")) or "",
        start_date=values.day(row, "StartDate"),
        end_date=values.day(row, "EndDate"),
        active=sf_flag(row.get("IsActive", "")),
        created_at=values.when(row),
    )


def account(values: Values, row: Row) -> dict[str, Any]:
    address = values.address(row, "Billing", "BillingAddress")
    website = values.text(row, "Website")
    domain = None
    if website:
        host = website.lower().split("//")[-1].split("/")[0]
        domain = host.removeprefix("www.") or None
    return dict(
        name=values.text(row, "Name") or "(no name)",
        website=website,
        domain=domain,
        industry=values.text(row, "Industry", 80),
        employees=int(row["NumberOfEmployees"]) if row.get("NumberOfEmployees") else None,
        phone=values.phone(row, "Phone", address["country"]),
        account_type=values.text(row, "Type", 80),
        **address,
        created_at=values.when(row),
    )


def contact(values: Values, row: Row) -> dict[str, Any]:
    address = values.address(row, "Mailing", "MailingAddress")
    state, country = address["state"], address["country"]
    phone, extension = values.first_phone(row, PERSON_PHONES, country)
    return dict(
        account_id=values.lookup("Account", row.get("AccountId", "")),
        first_name=values.text(row, "FirstName", 80),
        last_name=values.text(row, "LastName", 80) or "(no name)",
        title=values.text(row, "Title", 128),
        email=values.email(row),
        phone=phone,
        phone_extension=extension,
        mobile_phone=values.phone(row, "MobilePhone", country),
        **address,
        time_zone=_zone(row) or record_zone(phone, state, country),
        description=values.description(row),
        lead_source=values.picklists.source(row.get("LeadSource", "")),
        do_not_call=sf_flag(row.get("DoNotCall", "")),
        email_opt_out=sf_flag(row.get("HasOptedOutOfEmail", "")),
        created_at=values.when(row),
        last_activity_at=values.moment(row, "LastActivityDate"),
    )


def opportunity(values: Values, row: Row) -> dict[str, Any]:
    stage = values.picklists.stage(
        row.get("StageName", ""),
        probability=row.get("Probability", ""),
        closed=sf_flag(row.get("IsClosed", "")),
        won=sf_flag(row.get("IsWon", "")),
    )
    probability = row.get("Probability", "").strip()
    created = values.when(row)
    return dict(
        name=values.text(row, "Name") or "(no name)",
        amount_cents=sf_cents(row.get("Amount", "")),
        stage=stage.name,
        probability=max(0, min(100, int(float(probability)))) if probability else stage.probability,
        close_date=values.day(row, "CloseDate") or created.date(),
        lead_source=values.picklists.source(row.get("LeadSource", "")),
        campaign_id=values.lookup("Campaign", row.get("CampaignId", "")),
        is_closed=stage.is_closed,
        created_at=created,
    )


def lead(values: Values, row: Row, account_names: dict[int, str]) -> dict[str, Any]:
    address = values.address(row, "", "Address")
    state, country = address["state"], address["country"]
    phone, extension = values.first_phone(row, PERSON_PHONES, country)
    converted = sf_flag(row.get("IsConverted", ""))
    status, is_open = values.picklists.lead_status(row.get("Status", ""), converted=converted)
    company = values.text(row, "Company") or "[not provided]"
    # An org may hold an Account's Id in Company: that is a link to the account, kept as one.
    existing_account = values.lookup("Account", company)
    if existing_account:
        values.kept["leads whose Company held an Account Id, linked to that account"] += 1
    employees = row.get("NumberOfEmployees", "").strip()
    return dict(
        first_name=values.text(row, "FirstName", 80),
        last_name=values.text(row, "LastName", 80) or "(no name)",
        title=values.text(row, "Title", 128),
        company=account_names[existing_account] if existing_account else company,
        existing_account_id=existing_account,
        email=values.email(row),
        phone=phone,
        phone_extension=extension,
        mobile_phone=values.phone(row, "MobilePhone", country),
        website=values.text(row, "Website"),
        industry=values.text(row, "Industry", 80),
        employees=int(employees) if employees.isdigit() else None,
        **address,
        time_zone=_zone(row) or record_zone(phone, state, country),
        description=values.description(row),
        lead_source=values.picklists.source(row.get("LeadSource", "")),
        lead_type=values.text(row, "LeadType", 80) or values.text(row, "Lead_Type__c", 80),
        status=status,
        is_open=is_open,
        do_not_call=sf_flag(row.get("DoNotCall", "")),
        email_opt_out=sf_flag(row.get("HasOptedOutOfEmail", "")),
        created_at=values.when(row),
        last_activity_at=values.moment(row, "LastActivityDate"),
        is_converted=converted,
        converted_at=values.moment(row, "ConvertedDate") if converted else None,
        converted_account_id=values.lookup("Account", row.get("ConvertedAccountId", "")),
        converted_contact_id=values.lookup("Contact", row.get("ConvertedContactId", "")),
        converted_opportunity_id=values.lookup(
            "Opportunity", row.get("ConvertedOpportunityId", "")
        ),
    )


def _zone(row: Row) -> str | None:
    """A time zone the file names (our exports' TimeZone, Time_Zone__c): it wins."""
    return known_zone((row.get("TimeZone") or row.get("Time_Zone__c") or "").strip())


def member(values: Values, row: Row) -> dict[str, Any]:
    campaign_id = values.lookup("Campaign", row.get("CampaignId", ""))
    responded = sf_flag(row.get("HasResponded", ""))
    return dict(
        campaign_id=campaign_id,
        lead_id=values.lookup("Lead", row.get("LeadId", "")),
        contact_id=values.lookup("Contact", row.get("ContactId", "")),
        status=values.picklists.member_status(
            campaign_id,  # type: ignore[arg-type]  # the loader checked it is here
            row.get("Status", "") or "Sent",
            responded=responded,
        ),
        has_responded=responded,
        responded_at=values.moment(row, "FirstRespondedDate"),
        created_at=values.when(row),
    )


_KINDS = {"call": "call", "email": "email", "note": "note"}


def task(values: Values, row: Row) -> dict[str, Any]:
    who, what = row.get("WhoId", ""), row.get("WhatId", "")
    written_kind = (row.get("Type") or row.get("Type__c") or row.get("TaskSubtype") or "").lower()
    duration = row.get("CallDurationInSeconds", "").strip()
    done = sf_flag(row.get("IsClosed", "")) or row.get("Status", "") == "Completed"
    day = values.moment(row, "ActivityDate")
    # Our own exports say when a task is due (`ours`): a logged call is done, not open.
    due = values.moment(row, ours.DUE) if ours.DUE in row else None if done else day
    description = row.get("Description", "")
    return dict(
        lead_id=values.lookup("Lead", who),
        contact_id=values.lookup("Contact", who),
        account_id=values.lookup("Account", what)
        or values.lookup("Account", row.get("AccountId", "")),
        opportunity_id=values.lookup("Opportunity", what),
        kind=_KINDS.get(written_kind, "task"),
        disposition=values.picklists.disposition(row.get("CallDisposition", "")),
        subject=values.text(row, "Subject") or "",
        notes=description,  # cleaned with its lines kept, as every cell is (`importer._read`)
        duration_seconds=int(duration) if duration.isdigit() else None,
        occurred_at=day or values.when(row),
        due_at=due,
    )
