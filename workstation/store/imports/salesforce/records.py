"""One record of a Salesforce export made into the values of one of our rows, object by
object, its Salesforce Id kept as `external_id` and its lookups (AccountId, WhoId …) turned
into our ids through the records imported before it. Leads are not here: they take the
pipeline every file of leads takes (`salesforce.leads`).

Every record is kept: an email that is not valid, or a phone that is not a number, is
stored as written (and counted for the report) rather than dropped, since the org had it;
a date, flag or number that cannot be read is left empty (false, 0) and counted.
An address comes from its parts' columns (Street, City, State, PostalCode, Country; with
Mailing or Billing in front on a contact or an account), and where they are empty from the
compound column some tools export (MailingAddress, BillingAddress), a JSON object that is
split, never stored as text. An extension written in a phone ("x972") is kept in the
record's own field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import phonenumbers
from sqlalchemy import select

from workstation.store.imports.salesforce import ours
from workstation.store.imports.salesforce.values import Picklists
from workstation.store.reference import LifecycleStage
from workstation.store.values.addresses import compound_address
from workstation.store.values.calling_window import known_zone, record_zone
from workstation.store.values.cleansing import (
    BadValue,
    clean_email,
    clean_text,
    e164,
    parse_phone,
    shown_phone,
    with_lines,
)
from workstation.store.values.formats import (
    Formats,
    NotADate,
    read_cents,
    read_count,
    read_date,
    read_datetime,
    read_flag,
    read_number,
)
from workstation.store.values.regions import country_code, region_code

Row = dict[str, str]
# A contact's number: the direct line, else the mobile, else home or other.
PERSON_PHONES = ("Phone", "MobilePhone", "HomePhone", "OtherPhone")
OTHER_PHONES = (*PERSON_PHONES, "AssistantPhone")  # all a contact's, kept beside the two
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

    def __init__(
        self,
        picklists: Picklists,
        region: str,
        lookup: Lookup,
        now: datetime,
        formats: Formats | None = None,
    ) -> None:
        self.picklists, self.region, self.lookup, self.now = picklists, region, lookup, now
        self.formats = formats or Formats()
        self.kept: Counter[str] = Counter()  # values stored as written, by kind
        self._stages: dict[str, bool] | None = None  # lifecycle stage → contacts' only

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

    def other_phones(
        self, row: Row, country: str | None, taken: tuple[str | None, ...]
    ) -> list[str]:
        """The line of a person's phones beyond its Phone and MobilePhone (`taken`, as
        stored): "Other phones: +1 415-555-0103; …" (`rows.RowCleaner._others` on the
        rows of leads), or none."""
        region = country if country in phonenumbers.SUPPORTED_REGIONS else self.region
        seen, found = {number for number in taken if number}, []
        for column in OTHER_PHONES:
            written = clean_text(row.get(column, ""))
            if not written:
                continue
            shown, key = shown_phone(written, region)
            if key not in seen:
                seen.add(key)
                found.append(shown)
        return [f"Other phones: {'; '.join(found)}"] if found else []

    def description(self, row: Row) -> str | None:
        """The Description, its lines kept (cleaned as every cell is, `importer._read`)."""
        return row.get("Description") or None

    def moment(self, row: Row, column: str) -> datetime | None:
        """A time column's value; None (and counted for the report) when it is no time."""
        try:
            return read_datetime(row.get(column, ""), self.formats)
        except NotADate:
            self.kept[f"{column} values that are not dates, left empty"] += 1
            return None

    def day(self, row: Row, column: str) -> date | None:
        """A date column's value; None (and counted for the report) when it is no date."""
        try:
            return read_date(row.get(column, ""), self.formats)
        except NotADate:
            self.kept[f"{column} values that are not dates, left empty"] += 1
            return None

    def flag(self, row: Row, column: str) -> bool:
        """A checkbox; false (and counted for the report) when it is neither."""
        try:
            return read_flag(row.get(column, ""), column)
        except BadValue:
            self.kept[f"{column} values neither true nor false, read as false"] += 1
            return False

    def count(self, row: Row, column: str) -> int | None:
        """A whole number of 0 or more; None (and counted) when it is not one."""
        try:
            return read_count(row.get(column, ""), column, self.formats)
        except BadValue:
            self.kept[f"{column} values that are not whole numbers, left empty"] += 1
            return None

    def percent(self, row: Row, column: str) -> int | None:
        """A percentage from 0 to 100 ("35", "35.0", "35%"); None when blank or no number."""
        written = row.get(column, "").strip().removesuffix("%")
        try:
            number = read_number(written, column, self.formats)
        except BadValue:
            self.kept[f"{column} values that are not numbers, left empty"] += 1
            return None
        return None if number is None else max(0, min(100, int(number)))

    def cents(self, row: Row, column: str) -> int:
        """An amount in whole cents, exactly; 0 (and counted) when it is no number."""
        try:
            return read_cents(row.get(column, ""), column, self.formats) or 0
        except BadValue:
            self.kept[f"{column} values that are not numbers, left at 0"] += 1
            return 0

    def when(self, row: Row, column: str = "CreatedDate") -> datetime:
        return self.moment(row, column) or self.now

    def lifecycle(self, row: Row, *, contact: bool) -> dict[str, Any]:
        """The lifecycle stage and score our exports write (`LifecycleStage`, `Score`; in
        the Data Loader one `Lifecycle_Stage__c`, `Score__c`), for what the row says: a
        stage that is none of ours (or a contact's only, on a lead) and a score that is
        no whole number are counted for the report and left out, the defaults standing."""
        if self._stages is None:
            stages = self.picklists.session.execute(select(LifecycleStage)).scalars()
            self._stages = {stage.name: stage.contacts_only for stage in stages}
        found: dict[str, Any] = {}
        for column in ("Lifecycle_Stage__c", "LifecycleStage"):
            if written := row.get(column, "").strip():
                if written in self._stages and (contact or not self._stages[written]):
                    found["lifecycle_stage"] = written
                    break
                self.kept[
                    f"{column} values that are none of our "
                    f"{'contacts' if contact else 'leads'}' stages ({written!r}), left at "
                    "the default"
                ] += 1
                break
        for column in ("Score__c", "Score"):
            if written := row.get(column, "").strip():
                try:
                    number = read_number(written, column, self.formats)
                except BadValue:
                    number = None
                if number is None or number != number.to_integral_value():
                    self.kept[f"{column} values that are not whole numbers, left at 0"] += 1
                else:
                    found["score"] = int(number)
                break
        return found


def campaign(values: Values, row: Row) -> dict[str, Any]:
    return dict(
        channel=values.picklists.source(row.get("Type", "")) or "",
        start_date=values.day(row, "StartDate"),
        end_date=values.day(row, "EndDate"),
        active=values.flag(row, "IsActive"),
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
        employees=values.count(row, "NumberOfEmployees"),
        phone=values.phone(row, "Phone", address["country"]),
        account_type=values.text(row, "Type", 80),
        **address,
        created_at=values.when(row),
    )


def contact(values: Values, row: Row) -> dict[str, Any]:
    address = values.address(row, "Mailing", "MailingAddress")
    state, country = address["state"], address["country"]
    phone, extension = values.first_phone(row, PERSON_PHONES, country)
    mobile = values.phone(row, "MobilePhone", country)
    return dict(
        account_id=values.lookup("Account", row.get("AccountId", "")),
        first_name=values.text(row, "FirstName", 80),
        last_name=values.text(row, "LastName", 80) or "(no name)",
        title=values.text(row, "Title", 128),
        email=values.email(row),
        phone=phone,
        phone_extension=extension,
        mobile_phone=mobile,
        **address,
        time_zone=_zone(row) or record_zone(phone, state, country),
        description=with_lines(
            values.description(row), values.other_phones(row, country, (phone, mobile))
        ),
        lead_source=values.picklists.source(row.get("LeadSource", "")),
        do_not_call=values.flag(row, "DoNotCall"),
        email_opt_out=values.flag(row, "HasOptedOutOfEmail"),
        created_at=values.when(row),
        last_activity_at=values.moment(row, "LastActivityDate"),
        **values.lifecycle(row, contact=True),
    )


def opportunity(values: Values, row: Row) -> dict[str, Any]:
    probability = values.percent(row, "Probability")
    stage = values.picklists.stage(
        row.get("StageName", ""),
        probability=probability,
        closed=values.flag(row, "IsClosed"),
        won=values.flag(row, "IsWon"),
    )
    created = values.when(row)
    return dict(
        name=values.text(row, "Name") or "(no name)",
        amount_cents=values.cents(row, "Amount"),
        stage=stage.name,
        probability=stage.probability if probability is None else probability,
        close_date=values.day(row, "CloseDate") or created.date(),
        lead_source=values.picklists.source(row.get("LeadSource", "")),
        campaign_id=values.lookup("Campaign", row.get("CampaignId", "")),
        is_closed=stage.is_closed,
        created_at=created,
    )


def _zone(row: Row) -> str | None:
    """A time zone the file names (our exports' TimeZone, Time_Zone__c): it wins."""
    return known_zone((row.get("TimeZone") or row.get("Time_Zone__c") or "").strip())


def member(values: Values, row: Row) -> dict[str, Any]:
    campaign_id = values.lookup("Campaign", row.get("CampaignId", ""))
    responded = values.flag(row, "HasResponded")
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
    done = values.flag(row, "IsClosed") or row.get("Status", "") == "Completed"
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
