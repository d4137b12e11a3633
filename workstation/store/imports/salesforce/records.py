"""One record of a Salesforce export made into the values of one of our rows, object by
object, its Salesforce Id kept as `external_id` and its lookups (AccountId, WhoId …) turned
into our ids through the records imported before it.

Every record is kept: an email that is not valid, or a phone that is not a number, is
stored as written (and counted for the report) rather than dropped, since the org had it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import phonenumbers

from workstation.store.imports.salesforce.values import (
    Picklists,
    sf_cents,
    sf_date,
    sf_datetime,
    sf_flag,
)
from workstation.store.values.cleansing import BadValue, clean_email, clean_text, e164, parse_phone
from workstation.store.values.cleansing import phone_zone as number_zone
from workstation.store.values.regions import country_code, region_code, zone_for_place

Row = dict[str, str]
Lookup = Callable[[str, str], int | None]  # (object name, Salesforce Id) → our id


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

    def place(self, row: Row, state: str, country: str) -> tuple[str | None, str | None]:
        country_text = self.text(row, country, 80)
        code = country_code(country_text)
        state_text = self.text(row, state, 80)
        return region_code(state_text, code) or state_text, code or country_text

    def phone(self, row: Row, column: str, country: str | None) -> tuple[str | None, str | None]:
        """(the phone as stored, the time zone it gives)."""
        written = clean_text(row.get(column, ""))
        if not written:
            return None, None
        region = country if country in phonenumbers.SUPPORTED_REGIONS else self.region
        try:
            number = parse_phone(written, region)
            assert number is not None  # `written` is not blank
            return e164(number), number_zone(number)
        except BadValue:
            pass
        try:
            number = phonenumbers.parse(written, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_possible_number(number):
            self.kept["phones libphonenumber does not know as valid, stored in E.164"] += 1
            return e164(number), None
        self.kept["phones that are not numbers, stored as written"] += 1
        return written[:32], None

    def when(self, row: Row, column: str = "CreatedDate") -> datetime:
        return sf_datetime(row.get(column, "")) or self.now


def campaign(values: Values, row: Row) -> dict[str, Any]:
    return dict(
        channel=values.picklists.source(row.get("Type", "")) or "",
        start_date=sf_date(row.get("StartDate", "")),
        end_date=sf_date(row.get("EndDate", "")),
        active=sf_flag(row.get("IsActive", "")),
        created_at=values.when(row),
    )


def account(values: Values, row: Row) -> dict[str, Any]:
    state, country = values.place(row, "BillingState", "BillingCountry")
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
        phone=values.phone(row, "Phone", country)[0],
        state=state,
        country=country,
        created_at=values.when(row),
    )


def contact(values: Values, row: Row) -> dict[str, Any]:
    state, country = values.place(row, "MailingState", "MailingCountry")
    phone, zone = values.phone(row, "Phone", country)
    return dict(
        account_id=values.lookup("Account", row.get("AccountId", "")),
        first_name=values.text(row, "FirstName", 80),
        last_name=values.text(row, "LastName", 80) or "(no name)",
        title=values.text(row, "Title", 128),
        email=values.email(row),
        phone=phone,
        state=state,
        country=country,
        time_zone=zone or zone_for_place(state, country),
        lead_source=values.picklists.source(row.get("LeadSource", "")),
        do_not_call=sf_flag(row.get("DoNotCall", "")),
        email_opt_out=sf_flag(row.get("HasOptedOutOfEmail", "")),
        created_at=values.when(row),
        last_activity_at=sf_datetime(row.get("LastActivityDate", "")),
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
        close_date=sf_date(row.get("CloseDate", "")) or created.date(),
        lead_source=values.picklists.source(row.get("LeadSource", "")),
        campaign_id=values.lookup("Campaign", row.get("CampaignId", "")),
        is_closed=stage.is_closed,
        created_at=created,
    )


def lead(values: Values, row: Row, account_names: dict[int, str]) -> dict[str, Any]:
    state, country = values.place(row, "State", "Country")
    phone, zone = values.phone(row, "Phone", country)
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
        website=values.text(row, "Website"),
        industry=values.text(row, "Industry", 80),
        employees=int(employees) if employees.isdigit() else None,
        street=values.text(row, "Street"),
        city=values.text(row, "City", 80),
        state=state,
        postal_code=values.text(row, "PostalCode", 20),
        country=country,
        time_zone=zone or zone_for_place(state, country),
        lead_source=values.picklists.source(row.get("LeadSource", "")),
        status=status,
        is_open=is_open,
        do_not_call=sf_flag(row.get("DoNotCall", "")),
        email_opt_out=sf_flag(row.get("HasOptedOutOfEmail", "")),
        created_at=values.when(row),
        last_activity_at=sf_datetime(row.get("LastActivityDate", "")),
        is_converted=converted,
        converted_at=sf_datetime(row.get("ConvertedDate", "")) if converted else None,
        converted_account_id=values.lookup("Account", row.get("ConvertedAccountId", "")),
        converted_contact_id=values.lookup("Contact", row.get("ConvertedContactId", "")),
        converted_opportunity_id=values.lookup(
            "Opportunity", row.get("ConvertedOpportunityId", "")
        ),
    )


def member(values: Values, row: Row) -> dict[str, Any]:
    campaign_id = values.lookup("Campaign", row.get("CampaignId", ""))
    responded = sf_flag(row.get("HasResponded", ""))
    return dict(
        campaign_id=campaign_id,
        lead_id=values.lookup("Lead", row.get("LeadId", "")),
        contact_id=values.lookup("Contact", row.get("ContactId", "")),
        status=values.picklists.member_status(
            # None for a campaign the export lacks: the import then fails (NOT NULL).
            campaign_id,  # type: ignore[arg-type]
            row.get("Status", "") or "Sent",
            responded=responded,
        ),
        has_responded=responded,
        responded_at=sf_datetime(row.get("FirstRespondedDate", "")),
        created_at=values.when(row),
    )


_KINDS = {"call": "call", "email": "email", "note": "note"}


def task(values: Values, row: Row) -> dict[str, Any]:
    who, what = row.get("WhoId", ""), row.get("WhatId", "")
    written_kind = (row.get("Type") or row.get("Type__c") or row.get("TaskSubtype") or "").lower()
    duration = row.get("CallDurationInSeconds", "").strip()
    done = sf_flag(row.get("IsClosed", "")) or row.get("Status", "") == "Completed"
    day = sf_datetime(row.get("ActivityDate", ""))
    description = row.get("Description", "")
    return dict(
        lead_id=values.lookup("Lead", who),
        contact_id=values.lookup("Contact", who),
        account_id=values.lookup("Account", what)
        or values.lookup("Account", row.get("AccountId", "")),
        opportunity_id=values.lookup("Opportunity", what),
        kind=_KINDS.get(written_kind, "task"),
        subject=values.text(row, "Subject") or "",
        notes=description,  # cleaned with its lines kept, as every cell is (`importer._read`)
        duration_seconds=int(duration) if duration.isdigit() else None,
        occurred_at=day or values.when(row),
        due_at=None if done else day,
    )
