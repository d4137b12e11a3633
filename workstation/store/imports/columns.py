"""Which column of a CSV file feeds which field of a lead.

Headers are recognised under Salesforce's field names (FirstName, LastName, Company, Email,
Phone, MobilePhone, Title, LeadSource, Status, Website, Industry, NumberOfEmployees,
Street, City, State, PostalCode, Country, Description, DoNotCall, HasOptedOutOfEmail, our
PhoneExtension, AccountType, LeadType and TimeZone, an IANA zone such as Australia/Perth)
and the variants other tools export ("first_name", "First Name", "E-mail", "Zip",
"Mobile" …): case, spaces and punctuation never matter. Salesforce's compound `Address`
(`MailingAddress`, `BillingAddress`), a JSON object, feeds the street and fills city,
state, postal code and country where their own columns are empty. A "Name" column is split
into first and last name when there is no LastName column. `--map "Column=Field"` maps
anything else (Field by its Salesforce name or ours); `--map "Column="` ignores a column.

Numbered columns ("Phone 1", "email2") and report exports' "Object: Field" headers
("Contact: First Name", "Account: Account Name", Pipedrive's "Person - Phone - Work") are
recognised too, as are Close's `primary_contact_…` (its lead's person) and numbered
addresses (`address_1_city`, `address_2_…` after). Where a file names its person's name
by the object (Close's `primary_contact_name`), a bare Name or Display Name is the
record's own, which in Close is the company: it feeds Company.

What has no field here (tags, owners, profile URLs, second address lines, a second
person's name) is reported as an ignored column with its count. Where each tool's header
set comes from is said above `IMPORT_FIELDS`.

When several columns feed one field (Phone and Mobile, say), a row takes
the first of them that is not empty, in the order of the alias lists below (direct lines
before switchboards, work before home), 1 before 2, the person's before their account's.
A mobile column feeds the mobile and is one of the phone's columns too: a row without
another number is called on its mobile. Nothing else a row carries is lost: the phones
and emails not chosen, lists of them (Close's `primary_contact_other_phones`, "Other
Emails": OtherPhones, OtherEmails) and a second person's (`contact_2_phone`) become a line
of the lead's Description (`rows.RowCleaner._others`). A location in words (Sales
Navigator's Geography, a Location) fills City, State and Country (`regions.read_place`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workstation.store.errors import StoreError
from workstation.store.imports.picklists import picklist_key


class MappingError(StoreError, ValueError):
    """The columns cannot be mapped (a required field has no column, a --map is wrong)."""


@dataclass(frozen=True, slots=True)
class ImportField:
    name: str  # our column on the lead
    label: str  # Salesforce's name for it
    aliases: tuple[str, ...]


# Where the header sets come from. Salesforce: its API names and field labels, report
# exports' "Object: Field" headers. HubSpot's contact export (property labels: "Phone
# Number", "Mobile Phone Number", "State/Region", "Country/Region", "Website URL"),
# Pipedrive's people export ("Person - Name", "Person - Organization", "Person - Phone -
# Work"), Zoho CRM's leads export ("Designation", "No. of Employees", "Secondary Email"),
# Odoo's CRM export ("Job Position", "Zip"), Apollo's people export ("Work Direct Phone",
# "Corporate Phone", "# Employees"): the tests in tests/store/test_import_headers.py.
# Close: its API's lead export (developer.close.com, Exports: type `leads`, one row per
# lead; type `contacts`, one row per contact), the column names as lead export files hold
# them (`display_name`, `status_label`, `primary_contact_primary_phone`,
# `primary_contact_other_phones`, `address_1_zip`, `custom.…`: seen in public code that
# reads those files), and the contacts export's `lead_name` beside the contact's `name`.
# Copper: its People export ("Work Phone", "Mobile Phone", "Contact Type", "Tags", "Work
# Website"). LinkedIn Sales Navigator: LinkedIn exports no lead list itself (its help:
# CSV upload is for account lists only); the lists people have come from export tools,
# which write "Company Website", "Company URL" (the company's LinkedIn page, here the
# website's last resort), "Geography", "Profile URL", "Company Industry".
IMPORT_FIELDS: tuple[ImportField, ...] = tuple(
    ImportField(name, label, tuple(aliases.split()))
    for name, label, aliases in (
        ("first_name", "FirstName", "firstname first givenname forename fname"),
        ("last_name", "LastName", "lastname last surname familyname lname"),
        (  # displayname after name: Thunderbird's and Outlook's are a person's
            "full_name",
            "Name",
            "name fullname contactname contactperson person personname displayname",
        ),
        ("title", "Title", "title jobtitle position jobposition designation role"),
        (
            "company",
            "Company",
            "company companyname organization organisation org account accountname employer "
            "business businessname organizationname organisationname leadname "
            "leaddisplayname",  # Close's contacts export: the lead (a company) of a person
        ),
        (
            "email",
            "Email",
            "email emailaddress mail workemail emailwork businessemail primaryemail "
            "emailaddresswork personalemail emailpersonal homeemail emailhome otheremail "
            "emailother secondaryemail",
        ),
        (  # direct lines before switchboards, work before home
            "phone",
            "Phone",
            "phone phonenumber telephone tel workdirectphone directphone directdial phonework "
            "workphone businessphone officephone phoneoffice primaryphone firstphone "
            "mobilephone phonemobile mobile cell cellphone mobilenumber mobilephonenumber "
            "homephone phonehome otherphone phoneother corporatephone companyphone "
            "switchboard",
        ),
        (  # kept as the mobile, and a phone to call where the phone's aliases rank it
            "mobile_phone",
            "MobilePhone",
            "mobilephone phonemobile mobile cell cellphone mobilenumber mobilephonenumber",
        ),
        ("phone_extension", "PhoneExtension", "phoneextension extension ext extn phoneext"),
        (  # lists of numbers (Close's), kept in the Description with the phones not chosen
            "other_phones",
            "OtherPhones",
            "otherphones additionalphones phones phonelist",
        ),
        ("other_emails", "OtherEmails", "otheremails additionalemails emails emaillist"),
        (  # where the person is, in words (Sales Navigator's): City, State and Country
            "location",
            "Location",
            "location geography geo personlocation contactlocation",
        ),
        (  # a company's own site before its page elsewhere (Sales Navigator's Company URL)
            "website",
            "Website",
            "website url websiteurl web homepage companywebsite workwebsite site domain "
            "companydomain companyurl",
        ),
        ("industry", "Industry", "industry sector vertical companyindustry"),
        (
            "employees",
            "NumberOfEmployees",
            "numberofemployees employees employeecount companysize headcount noofemployees",
        ),
        (
            "street",
            "Street",
            "street address address1 streetaddress addressline1 mailingstreet billingstreet "
            "mailingaddress billingaddress",
        ),
        ("city", "City", "city town mailingcity billingcity"),
        (
            "state",
            "State",
            "state province stateprovince stateregion statecode region county mailingstate "
            "billingstate",
        ),
        (
            "postal_code",
            "PostalCode",
            "postalcode zip zipcode postcode postal zippostalcode mailingpostalcode "
            "billingpostalcode",
        ),
        (
            "country",
            "Country",
            "country countrycode countryregion nation mailingcountry billingcountry",
        ),
        ("time_zone", "TimeZone", "timezone tz zone timezonesidkey olson iana"),
        ("lead_source", "LeadSource", "leadsource source channel"),
        ("lead_type", "LeadType", "leadtype offer"),
        (
            "description",
            "Description",
            "description inquiry enquiry message notes note comments comment details",
        ),
        ("account_type", "AccountType", "accounttype type companytype contacttype"),
        ("status", "Status", "status leadstatus statuslabel"),
        ("source_status", "SourceStatus", "sourcestatus originalstatus"),
        ("do_not_call", "DoNotCall", "donotcall dnc"),
        ("email_opt_out", "HasOptedOutOfEmail", "hasoptedoutofemail emailoptout optout"),
    )
)
FIELDS_BY_NAME = {field.name: field for field in IMPORT_FIELDS}
_TARGETS = {picklist_key(f.name): f.name for f in IMPORT_FIELDS} | {
    picklist_key(f.label): f.name for f in IMPORT_FIELDS
}
# "Phone 2" ranks after "Phone 1", both where "Phone" does; an account's column ("Account:
# Phone", "Organization - Address") after every column of the person's own.
_NUMBERED = 100
_ACCOUNT_RANK = 1_000_000
_LAST_RANK = 10 * _ACCOUNT_RANK
_PHONE_RANKS = {alias: rank for rank, alias in enumerate(FIELDS_BY_NAME["phone"].aliases)}
_ALIASES = {
    alias: (field.name, _PHONE_RANKS.get(alias, rank) * _NUMBERED)
    for field in IMPORT_FIELDS
    for rank, alias in enumerate(field.aliases)
}  # a mobile's alias names the mobile (the later field), ranked as a phone
_NUMBER = re.compile(r"(\D+?)(\d{1,2})")
# Report exports and other CRMs name a column by its object: "Contact: First Name",
# "Account: Account Name", "Person - Phone - Work", "Organization - Name".
_OBJECT_AND_FIELD = re.compile(r"\s*([^:]+?)\s*(?::| - )\s*(.+)")
_PERSON_OBJECTS = frozenset("contact lead person prospect people".split())
# Close writes its lead's person as `primary_contact_name`, `primary_contact_title` … and
# its addresses as `address_1_address_1`, `address_1_city` … (`address_2_…` after).
_PERSON_PREFIX = "primarycontact"
_NUMBERED_ADDRESS = re.compile(r"address(\d{1,2})(.+)")
_SECOND_LINE = re.compile(r"(?:address|street)[2-9]")  # a street's next line, not another
# A file with several people per record (Close: `contact_2_…`) names them by number: the
# first is the lead's person, the others' phones and emails are kept as other ones.
_NUMBERED_PERSON = re.compile(r"(?:contact|person)(\d{1,2})(.+)")
_OTHER_PERSONS = {
    "phone": "other_phones", "mobile_phone": "other_phones", "other_phones": "other_phones",
    "email": "other_emails", "other_emails": "other_emails",
}  # fmt: skip
_NAMES = frozenset("first_name last_name full_name".split())
_ACCOUNT_OBJECTS = frozenset("account company organization organisation org".split())
_ACCOUNT_NAMES = frozenset("name accountname companyname organizationname organisationname".split())


def _recognised(cell: str) -> tuple[str, int] | None:
    """(field, rank) of a column its header names, or None."""
    key = picklist_key(cell)
    if key in _ALIASES:
        return _ALIASES[key]
    if (numbered := _NUMBER.fullmatch(key)) and numbered[1] in _ALIASES:
        field, rank = _ALIASES[numbered[1]]
        return field, rank + int(numbered[2])
    if key.startswith(_PERSON_PREFIX) and key != _PERSON_PREFIX:
        return _recognised(key.removeprefix(_PERSON_PREFIX))
    if (address := _NUMBERED_ADDRESS.fullmatch(key)) and not _SECOND_LINE.fullmatch(address[2]):
        found = _recognised(address[2])
        return None if found is None else (found[0], found[1] + int(address[1]))
    if person := _NUMBERED_PERSON.fullmatch(key):  # "contact_2_phone": another person's
        found, number = _recognised(person[2]), int(person[1])
        if number == 1 or found is None:
            return found
        kept_as = _OTHER_PERSONS.get(found[0])
        return None if kept_as is None else (kept_as, found[1] + number * _ACCOUNT_RANK)
    split = _OBJECT_AND_FIELD.fullmatch(cell)
    if split is None:
        return None
    owner, rest = picklist_key(split[1]), split[2]
    if owner in _ACCOUNT_OBJECTS:
        if picklist_key(rest) in _ACCOUNT_NAMES:
            return "company", 0
        found = _recognised(rest)
        return None if found is None else (found[0], found[1] + _ACCOUNT_RANK)
    return _recognised(rest) if owner in _PERSON_OBJECTS else None


_ADDRESS_FIELDS = frozenset("street city state postal_code country".split())


def address_number(cell: str) -> int | None:
    """Which of a record's addresses a column of numbered ones (Close's `address_2_city`)
    is part of, or None when it is no such column."""
    key = picklist_key(cell).removeprefix(_PERSON_PREFIX)
    address = _NUMBERED_ADDRESS.fullmatch(key)
    if address is None or _SECOND_LINE.fullmatch(address[2]):
        return None
    found = _recognised(address[2])
    return int(address[1]) if found is not None and found[0] in _ADDRESS_FIELDS else None


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """The header as read, and for each field the columns that feed it, best first."""

    header: tuple[str, ...]
    columns: tuple[tuple[str, tuple[int, ...]], ...]
    unmapped: tuple[str, ...]
    unmapped_at: tuple[int, ...] = ()  # where the unmapped columns are

    def field_of(self) -> dict[int, str]:
        """Column index → the field it feeds."""
        return {index: name for name, indexes in self.columns for index in indexes}


def parse_map_options(options: Sequence[str]) -> dict[str, str | None]:
    """`["Cell Phone=Phone", "Notes="]` → {"Cell Phone": "phone", "Notes": None}."""
    mapping: dict[str, str | None] = {}
    for option in options:
        column, equals, target = option.partition("=")
        if not equals or not column.strip():
            raise MappingError(f'--map {option!r}: write it as "Column=Field" (or "Column=")')
        if not target.strip():
            mapping[column.strip()] = None
            continue
        field = _TARGETS.get(picklist_key(target))
        if field is None:
            known = ", ".join(f.label for f in IMPORT_FIELDS)
            raise MappingError(f"--map {option!r}: no field {target.strip()!r}; fields: {known}")
        mapping[column.strip()] = field
    return mapping


def match_columns(
    header: Sequence[str], mapping: Mapping[str, str | None] | None = None
) -> ColumnPlan:
    """Map a header onto the lead's fields, whether or not the lead's required ones are
    all there (`plan_columns` insists)."""
    cells = tuple(cell.replace("\ufeff", "").strip() for cell in header)
    explicit = {picklist_key(column): field for column, field in (mapping or {}).items()}
    present = {picklist_key(cell) for cell in cells}
    missing = [column for column in (mapping or {}) if picklist_key(column) not in present]
    if missing:
        raise MappingError(f"--map names no column of this file: {', '.join(missing)}")
    ranked: dict[str, list[tuple[int, int]]] = {}
    unmapped, unmapped_at = [], []
    bare_names: list[tuple[int, int]] = []  # full-name columns named by their alias only
    person_named = False  # a person's name column named by its object (Close, reports)
    for index, cell in enumerate(cells):
        key = picklist_key(cell)
        if key in explicit:
            field, rank = explicit[key], -1
        else:
            field, rank = _recognised(cell) or (None, 0)
        if field is None:
            if cell and key not in explicit:  # a column ignored on purpose is not reported
                unmapped.append(cell)
                unmapped_at.append(index)
            continue
        if field in _NAMES and rank >= 0:
            if key in _ALIASES and field == "full_name":
                bare_names.append((rank, index))
                continue
            person_named = person_named or key not in _ALIASES
        ranked.setdefault(field, []).append((rank, index))
        if field == "mobile_phone":  # also a number to call
            ranked.setdefault("phone", []).append((rank if rank >= 0 else _LAST_RANK, index))
    # Where the person's name is named by its object (Close's primary_contact_name beside
    # its lead's name and display_name), a bare Name is the record's: the company's.
    if bare_names:
        ranked.setdefault("company" if person_named else "full_name", []).extend(bare_names)
    if "last_name" in ranked:
        ranked.pop("full_name", None)
    columns = tuple(
        (field.name, tuple(index for _, index in sorted(ranked[field.name])))
        for field in IMPORT_FIELDS
        if field.name in ranked
    )
    return ColumnPlan(
        header=cells, columns=columns, unmapped=tuple(unmapped), unmapped_at=tuple(unmapped_at)
    )


def plan_columns(
    header: Sequence[str], mapping: Mapping[str, str | None] | None = None, path: object = None
) -> ColumnPlan:
    """Map a header onto the lead's fields; MappingError when no column holds a last name
    (a file without Company gives every lead "[not provided]", as Salesforce does). `path`
    names the file in the message."""
    try:
        plan = match_columns(header, mapping)
    except MappingError as error:
        raise MappingError(f"{path}: {error}" if path else str(error)) from None
    fed = {name for name, _ in plan.columns}
    if "last_name" not in fed and "full_name" not in fed:
        raise MappingError(
            f"{f'{path}: ' if path else ''}no column for LastName (a lead needs one): map a "
            f'column to it, as with --map "Your Column=LastName"; the columns are: '
            f"{', '.join(plan.header)}"
        )
    return plan
